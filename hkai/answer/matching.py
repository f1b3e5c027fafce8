"""Whether a text says a term: Chinese as a substring, English as a whole word."""

from __future__ import annotations

import re

from ..core.script import contains_cjk


def says(text: str, term: str) -> bool:
    """Whether folded `text` says folded `term`: Chinese as a substring; an
    English word as a whole word, or (from four letters) as a word's start
    ("risk" in "risks", but "ai" not in "said")."""
    if contains_cjk(term) or not re.search(r"[a-z0-9]", term):
        return term in text
    tail = r"" if len(term) >= 4 else r"(?![a-z0-9])"
    return re.search(r"(?<![a-z0-9])" + re.escape(term) + tail, text) is not None
