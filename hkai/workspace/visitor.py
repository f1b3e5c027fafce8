"""What a visitor is told about an upload: one message per file, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from ..core import i18n
from ..ingest.errors import LoadError
from .uploads import UploadResult


@dataclass
class UploadOutcome:
    name: str
    ok: bool
    message: str
    code: str = ""  # "added", "unchanged", "duplicate", or the LoadError's code ("corrupt", "too_large", …)
    result: UploadResult | None = None


def added(result: UploadResult, name: str, lang: str) -> UploadOutcome:
    if result.status == "duplicate":
        twin = result.duplicate_of  # named as the reader reads it (a shipped document's English title)
        title = i18n.named(twin.title, twin.extra.get("title_en", ""), lang)
        return UploadOutcome(name, True, i18n.t("docs.duplicate", lang, name=name, title=title), "duplicate", result)
    if result.status == "unchanged":
        return UploadOutcome(name, True, i18n.t("docs.unchanged", lang, name=name), "unchanged", result)
    return UploadOutcome(name, True, i18n.t("docs.added", lang, name=name,
                                            chunks=i18n.plural("docs.passages", result.chunks, lang)), "added", result)


def refused(exc: LoadError, name: str, lang: str) -> UploadOutcome:
    """The reason in the reader's language; the limit's figures stay as written."""
    reason = i18n.t(f"load.{exc.code}", lang, reason=exc.reason)
    return UploadOutcome(name, False, i18n.t("docs.failed", lang, name=name, reason=reason), exc.code)


def failed(name: str, lang: str) -> UploadOutcome:
    """Something unexpected (the operator has the traceback in the log)."""
    return UploadOutcome(name, False, i18n.t("docs.failed", lang, name=name, reason=i18n.t("error.unexpected", lang)),
                         "unexpected")
