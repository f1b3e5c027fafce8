"""Thumbs feedback on answers, appended to a local JSON-lines file."""

from __future__ import annotations

import json
import time
from pathlib import Path


def record_feedback(path: Path, question: str, answer: str, score: int, lang: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "question": question,
             "answer": answer, "score": score, "lang": lang}
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
