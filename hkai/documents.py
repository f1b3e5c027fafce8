"""Loading files into `Document`s: .txt, .md, .pdf, .docx, .html.

Every failure is a `LoadError` that names the file and the reason in words a
user can act on; callers load many files and report each bad one on its own.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .text import detect_script, repair_lines

SUPPORTED = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".pdf": "pdf",
             ".docx": "docx", ".html": "html", ".htm": "html"}


class LoadError(Exception):
    """A file that cannot be added, with a reason fit to show the user."""

    def __init__(self, name: str, reason: str, code: str):
        super().__init__(f"{name}: {reason}")
        self.name, self.reason, self.code = name, reason, code


@dataclass
class Document:
    doc_id: str
    title: str
    source: str
    text: str  # the original text, for display
    format: str = "text"
    script: str = "en"
    language: str = "en"
    publisher: str = ""
    date: str = ""
    owner: str = "public"
    content_hash: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def clean_text(self) -> str:
        """The text with PDF line breaks repaired: what is chunked and quoted."""
        return repair_lines(self.text)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _plausibility(text: str) -> int:
    han = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    odd = sum(1 for c in text if "\ue000" <= c <= "\uf8ff" or "\u3040" <= c <= "\u30ff")
    return han - 5 * odd


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    # GB18030 accepts almost any byte pairs, Big5 bytes included, so decode
    # both ways and keep the reading made of ordinary Han characters.
    readings = []
    for encoding in ("gb18030", "big5hkscs"):
        try:
            readings.append(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    if readings:
        return max(readings, key=_plausibility)
    raise LoadError(name, "the text is not in a known encoding (UTF-8, GB18030 or Big5)", "corrupt")


def _pdf_text(data: bytes, name: str) -> tuple[str, str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise LoadError(name, "the PDF is password-protected", "corrupt")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or ""
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LoadError(name, f"the PDF cannot be read ({type(exc).__name__})", "corrupt") from exc
    # Some CJK fonts' text layers come out with a NUL between characters.
    return "\n\n".join(pages).replace("\x00", ""), str(title)


def _docx_text(data: bytes, name: str) -> tuple[str, str]:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(name, "the Word file cannot be opened (not a valid .docx)", "corrupt") from exc
    except Exception as exc:  # python-docx raises its own PackageNotFoundError and friends
        raise LoadError(name, f"the Word file cannot be opened ({type(exc).__name__})", "corrupt") from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n\n".join(parts), document.core_properties.title or ""


def _html_text(data: bytes, name: str) -> tuple[str, str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode(data, name), "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    body = soup.body or soup
    blocks = body.find_all(["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "pre", "blockquote"])
    if blocks:
        text = "\n\n".join(b.get_text(" ", strip=True) for b in blocks if not b.find(["p", "li"]))
    else:
        text = body.get_text("\n", strip=True)
    return text, title


def _markdown_title(text: str) -> str:
    match = re.search(r"^#\s+(.+)$", text, flags=re.M)
    return match.group(1).strip() if match else ""


def load_bytes(data: bytes, name: str, *, max_bytes: int, owner: str = "public",
               doc_id: str | None = None, meta: dict | None = None) -> Document:
    """Turn one file's bytes into a Document, or raise LoadError saying why not."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        allowed = ", ".join(sorted({s for s in SUPPORTED if s not in (".markdown", ".htm")}))
        raise LoadError(name, f"unsupported file type '{suffix or '(none)'}'; supported: {allowed}", "unsupported")
    if len(data) > max_bytes:
        raise LoadError(name, f"the file is {len(data) / 1048576:.1f} MB, over the "
                        f"{max_bytes / 1048576:.0f} MB limit", "too_large")
    if not data.strip():
        raise LoadError(name, "the file is empty", "empty")
    kind = SUPPORTED[suffix]
    title = ""
    if kind == "pdf":
        text, title = _pdf_text(data, name)
    elif kind == "docx":
        text, title = _docx_text(data, name)
    elif kind == "html":
        text, title = _html_text(data, name)
    else:
        text = _decode(data, name)
        if "\x00" in text:
            raise LoadError(name, "the file holds binary data, not text", "corrupt")
        if kind == "markdown":
            title = _markdown_title(text)
    if not text.strip():
        raise LoadError(name, "no text could be extracted (a scanned PDF needs OCR first)", "empty")
    meta = dict(meta or {})
    script = meta.pop("script", None) or detect_script(text[:5000])
    chash = content_hash(text)
    return Document(
        doc_id=doc_id or hashlib.sha1(f"{owner}\n{name}".encode()).hexdigest()[:12],
        title=meta.pop("title", None) or title or Path(name).stem,
        source=name,
        text=text,
        format=kind,
        script=script,
        language="en" if script == "en" else "zh",
        publisher=meta.pop("publisher", ""),
        date=str(meta.pop("date", "") or ""),
        owner=owner,
        content_hash=chash,
        extra=meta,
    )


def load_path(path: str | Path, *, max_bytes: int, owner: str = "public", **kw) -> Document:
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(name, f"the file cannot be read ({exc.strerror})", "missing") from exc
    if path.suffix.lower() in SUPPORTED and size > max_bytes:
        raise LoadError(name, f"the file is {size / 1048576:.1f} MB, over the "
                        f"{max_bytes / 1048576:.0f} MB limit", "too_large")
    return load_bytes(path.read_bytes(), name, max_bytes=max_bytes, owner=owner, **kw)
