"""Loading files into `Document`s: .txt, .md, .pdf, .docx, .html.

Every failure is a `LoadError` that names the file and the reason in words a
user can act on, whatever the parsing library raised; callers load many files
and report each bad one on its own. Limits (`config.Limits`) are checked before
the expensive step: a .docx's members by their unpacked size before python-docx
inflates them, a PDF's page count before its text is extracted.
"""

from __future__ import annotations

import bisect
import hashlib
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .config import MB, Limits
from .text import detect_script, repair_lines

logger = logging.getLogger(__name__)
SUPPORTED = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".pdf": "pdf",
             ".docx": "docx", ".html": "html", ".htm": "html"}
MAX_ZIP_MEMBERS = 2_000


class LoadError(Exception):
    """A file that cannot be added, with a reason fit to show the user."""

    def __init__(self, name: str, reason: str, code: str):
        super().__init__(f"{name}: {reason}")
        self.name, self.reason, self.code = name, reason, code


@dataclass
class DocumentInfo:
    """What a document is and whose, without its text."""

    doc_id: str
    title: str
    source: str
    format: str = "text"
    script: str = "en"
    language: str = "en"
    publisher: str = ""
    date: str = ""
    owner: str = "public"
    content_hash: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class Document(DocumentInfo):
    text: str = field(kw_only=True)  # the original text, for display

    @cached_property
    def clean_text(self) -> str:
        """The text with PDF line breaks repaired: what is chunked and quoted (computed once)."""
        return repair_lines(self.text)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _mb(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n / 1024:.0f} KB"


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


def _check_chars(n: int, name: str, limits: Limits) -> None:
    if n > limits.chars:
        raise LoadError(name, f"its text is over the {limits.chars:,}-character limit for one file; "
                        "split it into smaller files", "too_large")


def _pdf_text(data: bytes, name: str, limits: Limits) -> tuple[list[str], str]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise LoadError(name, "the PDF is password-protected", "encrypted")
        if len(reader.pages) > limits.pages:
            raise LoadError(name, f"the PDF has {len(reader.pages):,} pages, over the {limits.pages:,}-page limit",
                            "too_large")
        pages, total = [], 0
        for page in reader.pages:
            text = (page.extract_text() or "").replace("\x00", "")  # some CJK fonts put NULs between characters
            total += len(text)
            _check_chars(total, name, limits)
            pages.append(text)
        title = (reader.metadata.title if reader.metadata else None) or ""
    except LoadError:
        raise
    except FileNotDecryptedError as exc:
        raise LoadError(name, "the PDF is password-protected", "encrypted") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, zipfile.BadZipFile) as exc:
        raise LoadError(name, "the PDF is damaged and cannot be read", "corrupt") from exc
    except Exception as exc:  # pypdf raises many kinds on malformed input; none may escape
        logger.exception("pypdf failed on %s", name)
        raise LoadError(name, "the PDF is damaged and cannot be read", "corrupt") from exc
    return strip_page_furniture(pages), str(title)


def _lines(page: str) -> list[str]:
    return page.replace("\r\n", "\n").replace("\r", "\n").split("\n")


_PAGE_NUMBER = re.compile(r"[-–—|\s]*(?:page|p\.)?\s*#(?:\s*(?:/|of)\s*#)?[-–—|\s]*|第\s*#\s*[頁页](?:\s*[，,]?\s*共\s*#\s*[頁页])?")


def strip_page_furniture(pages: list[str], edge: int = 2) -> list[str]:
    """Running headers and footers and page numbers out of a PDF's pages: a
    line among the first or last `edge` of a page that is a page number, or
    that (digits aside) stands at the edge of at least half the pages (three at
    least). They are not the document's sentences: left in, they cut sentences
    in two and read as figures."""
    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.strip().lower())

    split = [_lines(page) for page in pages]
    edges = []
    for lines in split:
        filled = [i for i, ln in enumerate(lines) if ln.strip()]
        edges.append(set(filled[:edge] + filled[-edge:]))
    counts: dict[str, int] = {}
    for lines, at in zip(split, edges):
        for k in {key(lines[i]) for i in at}:
            counts[k] = counts.get(k, 0) + 1
    repeated = {k for k, n in counts.items() if n >= max(3, len(pages) / 2)} if len(pages) >= 3 else set()
    out = []
    for lines, at in zip(split, edges):
        out.append("\n".join(ln for i, ln in enumerate(lines)
                             if i not in at or not (key(ln) in repeated or _PAGE_NUMBER.fullmatch(key(ln)))))
    return out


def page_starts(pages: list[str], clean: str) -> list[int]:
    """Where each PDF page begins in the repaired text: one of its first lines
    (repairing keeps a line's words; it only joins lines), found after the
    previous page's (a running header repeats on every page, so the search
    moves forward). Where no line is found, the previous page's length is the
    estimate; a page without text starts where the next one would."""
    starts: list[int] = []
    at = floor = 0
    previous = 0  # characters of the previous page's lines
    for page in pages:
        lines = [ln.strip() for ln in _lines(page) if ln.strip()]
        found, before = -1, 0
        window = floor + 2 * (previous + sum(len(ln) for ln in lines)) + 1000  # a hostile PDF: no long scans
        for line in lines[:3]:
            found = clean.find(line, floor, window)
            if found >= 0:
                found, floor = max(floor if starts else 0, found - before), found + len(line)
                break
            before += len(line)
        if found < 0 and lines:
            found = min(len(clean), at + previous) if starts else 0
            floor = max(floor, found)
        at = found if found >= 0 else at
        previous = sum(len(ln) for ln in lines) if lines else previous
        starts.append(at if lines else -1)
    following = len(clean)
    for i in range(len(starts) - 1, -1, -1):  # an empty page: where the next page begins
        starts[i] = following = starts[i] if starts[i] >= 0 else following
    return starts


def page_span(starts: list[int], start: int, end: int) -> list[int]:
    """The first and last page (1-based) of the text between two offsets; [] when pages are unknown."""
    if not starts:
        return []
    return [bisect.bisect_right(starts, start) or 1, bisect.bisect_right(starts, max(start, end - 1)) or 1]


def _check_zip(data: bytes, name: str, limits: Limits) -> None:
    """A .docx is a zip: refuse it by the unpacked sizes its members declare
    (zipfile never inflates a member past its declared size)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LoadError(name, "the Word file cannot be opened (not a valid .docx)", "corrupt") from exc
    unpacked = sum(m.file_size for m in members)
    xml = sum(m.file_size for m in members if m.filename.endswith((".xml", ".rels")))
    if len(members) > MAX_ZIP_MEMBERS or unpacked > limits.unpacked_bytes:
        raise LoadError(name, f"the Word file unpacks to {_mb(unpacked)}, over the {_mb(limits.unpacked_bytes)} "
                        "limit (a compressed file this large is refused before it is opened)", "too_large")
    if xml > limits.xml_bytes:
        raise LoadError(name, f"the Word file's text and layout unpack to {_mb(xml)}, over the "
                        f"{_mb(limits.xml_bytes)} limit; split it into smaller files", "too_large")


def table_rows(grid: list[list[str]]) -> list[dict]:
    """A table's body rows as data: each row's label (its first cell) and its
    other cells with their column's header (the first row). Kept in a
    document's `extra["tables"]`, so a cell is quoted with its row and column."""
    grid = [[" ".join(c.split()) for c in row] for row in grid if any(c.strip() for c in row)]
    if len(grid) < 2 or len(grid[0]) < 2:
        return []
    header, rows = grid[0], []
    for row in grid[1:]:
        cells = [[header[j], c] for j, c in enumerate(row[1:len(header)], 1) if c and header[j]]
        if row[0] and cells:
            rows.append({"label": row[0], "cells": cells})
    return rows


def _docx_text(data: bytes, name: str, limits: Limits) -> tuple[str, str, list[dict]]:
    import docx
    from docx.opc.exceptions import OpcError

    _check_zip(data, name, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        tables: list[dict] = []
        for table in document.tables:
            grid = [[cell.text for cell in row.cells] for row in table.rows]
            parts += [" | ".join(row) for row in grid]
            tables += table_rows(grid)
        title = document.core_properties.title or ""
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(name, "the Word file cannot be opened (not a valid .docx)", "corrupt") from exc
    except Exception as exc:  # lxml and python-docx raise many kinds on malformed parts
        logger.exception("python-docx failed on %s", name)
        raise LoadError(name, "the Word file is damaged and cannot be read", "corrupt") from exc
    return "\n\n".join(parts), title, tables


def _html_text(data: bytes, name: str, limits: Limits) -> tuple[str, str, list[dict]]:
    from bs4 import BeautifulSoup

    tags = data.count(b"<")  # BeautifulSoup's tree costs about 1 KB per element: count them first
    if tags > limits.tags:
        raise LoadError(name, f"the HTML file has about {tags:,} tags, over the {limits.tags:,}-tag limit; "
                        "save the page as text or PDF instead", "too_large")
    markup = _decode(data, name)
    try:
        soup = BeautifulSoup(markup, "html.parser")
        for tag in soup(["script", "style", "noscript", "template", "iframe", "object", "svg"]):
            tag.decompose()
        title = soup.title.get_text(strip=True) if soup.title else ""
        body = soup.body or soup
        tables: list[dict] = []
        for table in body.find_all("table"):
            tables += table_rows([[c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
                                  for tr in table.find_all("tr")])
        blocks = body.find_all(["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "pre", "blockquote"])
        if blocks:  # a table row is one line of its cells
            text = "\n\n".join(" | ".join(c.get_text(" ", strip=True) for c in b.find_all(["td", "th"]))
                               if b.name == "tr" else b.get_text(" ", strip=True)
                               for b in blocks
                               if b.name == "tr" or (not b.find(["p", "li"]) and not b.find_parent("tr")))
        else:
            text = body.get_text("\n", strip=True)
    except Exception as exc:  # html.parser and deep trees (RecursionError) on hostile markup
        logger.exception("BeautifulSoup failed on %s", name)
        raise LoadError(name, "the HTML file cannot be read", "corrupt") from exc
    return text, title, tables


def _markdown_text(source: str) -> tuple[str, str]:
    """Markdown as the words a reader sees: link text without its address,
    an image's description without the image, no raw HTML."""
    from bs4 import BeautifulSoup
    from markdown_it import MarkdownIt

    blocks, title = [], ""
    tokens = MarkdownIt("commonmark").parse(source)
    for i, tok in enumerate(tokens):
        if tok.type == "inline":
            words = []
            for child in tok.children or []:
                if child.type in ("text", "code_inline"):
                    words.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    words.append("\n")
                elif child.type == "image":
                    words.append("".join(c.content for c in child.children or []))
                elif child.type == "html_inline":
                    continue
            text = "".join(words).strip()
            if text:
                blocks.append(text)
                if not title and i and tokens[i - 1].type == "heading_open" and tokens[i - 1].tag == "h1":
                    title = text
        elif tok.type in ("fence", "code_block"):
            blocks.append(tok.content.strip())
        elif tok.type == "html_block":
            blocks.append(BeautifulSoup(tok.content, "html.parser").get_text(" ", strip=True))
    return "\n\n".join(b for b in blocks if b), title


def load_bytes(data: bytes, name: str, *, limits: Limits | None = None, max_bytes: int | None = None,
               owner: str = "public", doc_id: str | None = None, meta: dict | None = None) -> Document:
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
    _check_chars(len(text), name, limits)
    if not text.strip():
        raise LoadError(name, "no text could be extracted (a scanned PDF needs OCR first)", "empty")
    meta = dict(meta or {})
    if len(pages) > 1:  # citations then name their page
        meta["page_starts"] = page_starts(pages, repair_lines(text))
    if tables:
        meta["tables"] = tables + meta.get("tables", [])
    script = meta.pop("script", None) or detect_script(text[:5000])
    return Document(
        doc_id=doc_id or hashlib.sha1(f"{owner}\n{name}".encode()).hexdigest()[:12],
        title=(meta.pop("title", None) or title or Path(name).stem)[:300],
        source=name,
        text=text,
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
              owner: str = "public", **kw) -> Document:
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
