"""A visitor's questions: which are not searched, and how many generated
answers one session may ask for.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core import i18n


def question_refusal(question: str, limit: int, lang: str) -> tuple[str, str] | None:
    """Why a question is not searched, as (code, sentence in `lang`): "empty",
    or "too_long" past `limit` characters (HKAI_MAX_QUESTION_CHARS); None when
    it is fine. The Ask page and the library both use this one rule."""
    question = question.strip()
    if not question:
        return "empty", i18n.t("ask.empty_question", lang)
    if len(question) > limit:
        return "too_long", i18n.t("ask.too_long", lang, n=len(question), limit=limit)
    return None


@dataclass
class CallBudget:
    """Generated answers one session may ask for (public links cost money)."""

    limit: int
    used: int = 0

    def take(self) -> bool:
        if self.used >= self.limit:
            return False
        self.used += 1
        return True
