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
from .html import _html_text
from .lines import page_starts, repair_lines
from .pdf import _pdf_text
from .plain import _decode, _markdown_text, heading_of
from .word import _docx_text

logger = logging.getLogger(__name__)


SUPPORTED = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".pdf": "pdf",
             ".docx": "docx", ".html": "html", ".htm": "html"}


def load_bytes(data: bytes, name: str, *, limits: Limits | None = None, max_bytes: int | None = None,
               owner: str = PUBLIC, doc_id: str | None = None, meta: dict | None = None) -> Document:
    """Turn one file's bytes into a Document, or raise LoadError saying why not."""
    limits = limits or Limits()
    max_bytes = max_bytes or limits.file_bytes
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        allowed = ", ".join(sorted({s for s in SUPPORTED if s not in (".markdown", ".htm")}))
        raise LoadError(name, f"unsupported file type '{suffix or '(none)'}'; supported: {allowed}", "unsupported")
    if len(data) > max_bytes:
        raise LoadError(name, f"the file is {len(data) / MB:.1f} MB, over the {max_bytes / MB:.0f} MB limit",
                        "too_large")
    if not data.strip():
        raise LoadError(name, "the file is empty", "empty")
    kind = SUPPORTED[suffix]
    title = ""
    pages: list[str] = []
    tables: list[dict] = []
    if kind == "pdf":
        pages, title = _pdf_text(data, name, limits)
        text = "\n\n".join(pages)
    elif kind == "docx":
        text, title, tables = _docx_text(data, name, limits)
    elif kind == "html":
        text, title, tables = _html_text(data, name, limits)
    else:
        text = _decode(data, name)
        if "\x00" in text:
            raise LoadError(name, "the file holds binary data, not text", "corrupt")
        if kind == "markdown":
            text, title = _markdown_text(text)
        else:
            title = heading_of(text)
    _check_chars(len(text), name, limits)
    if not text.strip():
        raise LoadError(name, "no text could be extracted (a scanned PDF needs OCR first)", "empty")
    meta = dict(meta or {})
    clean = repair_lines(text)
    if len(pages) > 1:  # citations then name their page
        meta["page_starts"] = page_starts(pages, clean)
    if tables:
        meta["tables"] = tables + meta.get("tables", [])
    script = meta.pop("script", None) or detect_script(text[:5000])
    return Document(
        doc_id=doc_id or doc_id_for(owner, name),
        title=(meta.pop("title", None) or title or Path(name).stem)[:300],
        source=name,
        text=text,
        clean_text=clean,
        format=kind,
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
    if path.suffix.lower() in SUPPORTED and size > max_bytes:
        raise LoadError(name, f"the file is {size / MB:.1f} MB, over the {max_bytes / MB:.0f} MB limit",
                        "too_large")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(name, f"the file cannot be read ({exc.strerror})", "missing") from exc
    return load_bytes(data, name, limits=limits, max_bytes=max_bytes, owner=owner, **kw)
