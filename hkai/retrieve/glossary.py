"""The bilingual glossary: an English question's words in the Chinese the
sources use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from ..core.config import DATA_DIR
from ..core.script import fold


@dataclass
class Glossary:
    # (english phrase, folded chinese terms searched, folded terms only checked for), longest phrase first
    entries: list[tuple[str, list[str], list[str]]]
    english_of: dict[str, list[str]] = field(default_factory=dict)  # folded chinese term -> english phrases

    def expand(self, question: str) -> tuple[list[str], list[str], list[str], list[list[str]]]:
        """(matched english phrases, chinese terms to search, the chinese terms
        of names, each phrase with every term that says it) for an English
        question; a name is a phrase written with a capital."""
        lowered = question.lower()
        taken = [False] * len(lowered)
        phrases, zh, names, groups = [], [], [], []
        for phrase, targets, checks in self.entries:
            for m in re.finditer(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", lowered):
                if any(taken[m.start():m.end()]):
                    continue
                taken[m.start():m.end()] = [True] * (m.end() - m.start())
                phrases.append(phrase)
                zh.extend(targets)
                groups.append([phrase, *targets, *checks])
                if question[m.start()].isupper() and m.start() > 0:
                    names.extend(targets)
        return phrases, list(dict.fromkeys(zh)), list(dict.fromkeys(names)), groups


@lru_cache(maxsize=1)
def load_glossary() -> Glossary:
    raw = yaml.safe_load((DATA_DIR / "glossary.yaml").read_text(encoding="utf-8"))
    entries = [(p.lower(), [fold(z) for z in e.get("zh", [])], [fold(z) for z in e.get("check", [])])
               for e in raw for p in e["en"]]
    entries.sort(key=lambda e: -len(e[0]))
    english_of: dict[str, list[str]] = {}
    for phrase, targets, checks in entries:
        for term in targets + checks:
            english_of.setdefault(term, []).append(phrase)
    return Glossary(entries, english_of)
