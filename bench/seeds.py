"""The seed question set (`bench/seed_questions.yaml`): questions about the two
shipped documents in English, Traditional and Simplified Chinese, each Chinese
question also asked in the other script. `expect` is a string of the answering
document that a correct passage and a correct answer contain."""

from __future__ import annotations

from pathlib import Path

import yaml

from hkai.core.script import detect_script, to_simplified, to_traditional

from .answers import AnswerSet, Question

QUESTIONS_FILE = Path(__file__).resolve().parent / "seed_questions.yaml"


def other_script(text: str) -> str:
    return to_simplified(text) if detect_script(text) == "zh-Hant" else to_traditional(text)


def load_seed_questions() -> list[dict]:
    return yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))


def seed_question_runs(questions: list[dict]) -> list[dict]:
    """Each question as asked, plus each Chinese question in the other script."""
    runs = []
    for q in questions:
        runs.append({**q, "variant": "same"})
        if q["lang"] != "en":
            runs.append({**q, "q": other_script(q["q"]), "variant": "cross"})
    return runs


def seed_answer_set() -> AnswerSet:
    runs = [Question(r["q"], r["doc"], [r["expect"]]) for r in seed_question_runs(load_seed_questions())]
    return AnswerSet("seeds", [], runs, runs)
