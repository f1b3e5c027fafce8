"""What one visitor does, without Streamlit: uploads with a message each, and
the per-session budget of generated answers. Pages call these and render."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import i18n
from .answers import Answer
from .documents import LoadError

if TYPE_CHECKING:
    from .indexing import Written

logger = logging.getLogger(__name__)


@dataclass
class UploadOutcome:
    name: str
    ok: bool
    message: str


def upload(lib, data: bytes, name: str, owner: str, lang: str, written: Written | None = None) -> UploadOutcome:
    """Add one file to the visitor's workspace; every failure is a sentence.
    `written(done, total)` hears the passages stored so far."""
    try:
        result = lib.add_upload(data, name, owner, written=written)
    except LoadError as exc:  # the reason in the reader's language; the limit's figures stay as written
        reason = i18n.t(f"load.{exc.code}", lang, reason=exc.reason)
        return UploadOutcome(name, False, i18n.t("docs.failed", lang, name=name, reason=reason))
    except Exception:  # unexpected: the operator gets the traceback, the visitor a sentence
        logger.exception("upload of %r failed", name)
        return UploadOutcome(name, False, i18n.t("docs.failed", lang, name=name, reason=i18n.t("error.unexpected", lang)))
    if result.status == "duplicate":
        return UploadOutcome(name, True, i18n.t("docs.duplicate", lang, name=name, title=result.duplicate_of))
    if result.status == "unchanged":
        return UploadOutcome(name, True, i18n.t("docs.unchanged", lang, name=name))
    return UploadOutcome(name, True, i18n.t("docs.added", lang, name=name,
                                            chunks=i18n.plural("docs.passages", result.chunks, lang)))


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


@dataclass
class Turn:
    """One question and its answer, as kept in session state."""

    question: str
    answer: Answer | None = None
    rated: bool = False
    after: str = ""  # for a follow-up, what it followed (a shared link carries it as ?after=)
