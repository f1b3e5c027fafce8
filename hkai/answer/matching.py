"""Whether a passage says what a question asks about, in some wording.
"""

from __future__ import annotations

import re

from ..core.script import contains_cjk, detect_script, fold
from ..retrieve.planner import QueryPlan


def says(text: str, term: str) -> bool:
    """Whether folded `text` says folded `term`: Chinese as a substring; an
    English word as a whole word, or (from four letters) as a word's start
    ("risk" in "risks", but "ai" not in "said")."""
    if contains_cjk(term) or not re.search(r"[a-z0-9]", term):
        return term in text
    tail = r"" if len(term) >= 4 else r"(?![a-z0-9])"
    return re.search(r"(?<![a-z0-9])" + re.escape(term) + tail, text) is not None


def coverage(plan: QueryPlan, passage: str, strict: bool = False, given: frozenset[int] = frozenset()) -> float:
    """Share of the question's concepts the passage says in some way (a word,
    or one of its translations in the glossary); a concept with many synonyms
    counts once, like one with a single term. Across languages, a word the
    glossary cannot translate is not held against the passage (it cannot be
    checked there) unless `strict`: does the passage say *everything* asked?
    `given`: concepts (by position) the caller found said another way (a figure
    of the kind asked for says "funding")."""
    if not plan.concepts:
        return 0.0
    text = fold(passage)
    said = [i in given or any(says(text, alt) for alt in c) for i, c in enumerate(plan.concepts)]
    chinese = detect_script(passage) != "en"
    if strict or (plan.script != "en") == chinese:
        return sum(said) / len(said)
    checkable = sum(s or any(contains_cjk(a) == chinese for a in c) for s, c in zip(said, plan.concepts))
    return sum(said) / checkable if checkable else 0.0
