"""What a visitor is told about an upload: one message per file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core import i18n
from ..ingest.errors import LoadError

if TYPE_CHECKING:
    from ..index.indexer import Written

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
        twin = result.duplicate_of  # named as the reader reads it (a shipped document's English title)
        title = i18n.named(twin.title, twin.extra.get("title_en", ""), lang)
        return UploadOutcome(name, True, i18n.t("docs.duplicate", lang, name=name, title=title))
    if result.status == "unchanged":
        return UploadOutcome(name, True, i18n.t("docs.unchanged", lang, name=name))
    return UploadOutcome(name, True, i18n.t("docs.added", lang, name=name,
                                            chunks=i18n.plural("docs.passages", result.chunks, lang)))
