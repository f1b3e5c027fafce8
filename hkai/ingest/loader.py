"""Loading files into `Document`s: .txt, .md, .pdf, .docx, .html.

Every failure is a `LoadError` that names the file and the reason in words a
user can act on, whatever the parsing library raised; callers load many files
and report each bad one on its own. Limits (`config.Limits`) are checked before
the expensive step: a .docx's members by their unpacked size before python-docx
inflates them, a PDF's page count before its text is extracted.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..core.config import MB, Limits
from ..core.script import detect_script
from ..core.types import PUBLIC
from .document import Document, content_hash, doc_id_for
from .errors import LoadError, _check_chars
from .formats import BY_SUFFIX, format_of, unsupported_reason
from .lines import page_starts, repair_lines
from .readable import readable

logger = logging.getLogger(__name__)


def load_bytes(data: bytes, name: str, *, limits: Limits | None = None, max_bytes: int | None = None,
               owner: str = PUBLIC, doc_id: str | None = None, meta: dict | None = None) -> Document:
    """Turn one file's bytes into a Document, or raise LoadError saying why not."""
    limits = limits or Limits()
    max_bytes = max_bytes or limits.file_bytes
    fmt = format_of(name)
    if fmt is None:
        raise LoadError(name, unsupported_reason(Path(name).suffix.lower()), "unsupported")
    if len(data) > max_bytes:
        raise LoadError(name, f"the file is {len(data) / MB:.1f} MB, over the {max_bytes / MB:.0f} MB limit",
                        "too_large")
    if not data.strip():
        raise LoadError(name, "the file is empty", "empty")
    parsed = fmt.parse(data, name, limits)
    text, title, pages, tables = parsed.text, parsed.title, parsed.pages, parsed.tables
    _check_chars(len(text), name, limits)
    if not text.strip():
        raise LoadError(name, "no text could be extracted (a scanned PDF needs OCR first)", "empty")
    meta = dict(meta or {})
    repaired = repair_lines(text)
    clean, moved = readable(repaired)  # what is shown and quoted: without furniture, markers, line-break spaces
    if len(pages) > 1:  # citations then name their page
        meta["page_starts"] = [moved[at] for at in page_starts(pages, repaired)]
    if tables:
        meta["tables"] = tables + meta.get("tables", [])
    script = meta.pop("script", None) or detect_script(text[:5000])
    return Document(
        doc_id=doc_id or doc_id_for(owner, name),
        title=(meta.pop("title", None) or title or Path(name).stem)[:300],
        source=name,
        text=text,
        clean_text=clean,
        format=fmt.kind,
        script=script,
        language="en" if script == "en" else "zh",
        publisher=meta.pop("publisher", ""),
        date=str(meta.pop("date", "") or ""),
        owner=owner,
        content_hash=content_hash(text),
        extra=meta,
    )


def load_path(path: str | Path, *, limits: Limits | None = None, max_bytes: int | None = None,
              owner: str = PUBLIC, **kw) -> Document:
    path = Path(path)
    name = str(path)
    limits = limits or Limits()
    max_bytes = max_bytes or limits.file_bytes
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(name, f"the file cannot be read ({exc.strerror})", "missing") from exc
    if path.suffix.lower() in BY_SUFFIX and size > max_bytes:
        raise LoadError(name, f"the file is {size / MB:.1f} MB, over the {max_bytes / MB:.0f} MB limit",
                        "too_large")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(name, f"the file cannot be read ({exc.strerror})", "missing") from exc
    return load_bytes(data, name, limits=limits, max_bytes=max_bytes, owner=owner, **kw)
