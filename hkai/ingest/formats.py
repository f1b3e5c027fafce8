"""The formats a library reads: one table, suffix -> parser.

Each entry names its kind (what a record says), the label shown in the
uploader's hint, its suffixes and its parser; every parser has one
signature, `(data, name, limits) -> Parsed`, and raises `LoadError` (with a
reason fit to show) within its limits. The loader, the upload widget's accept
list and hint, a folder's expansion and the "unsupported type" message all
read this table: a new format is one entry and its parser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..core.config import Limits
from .parsed import Parsed


@dataclass(frozen=True)
class Format:
    kind: str  # the record's `format`
    label: str  # in the uploader's hint
    suffixes: tuple[str, ...]
    parse: Callable[[bytes, str, Limits], Parsed]
    limits: str = ""  # which of `Limits` it checks before its expensive step (documentation for the README's table)


def _table() -> tuple[Format, ...]:
    from . import html, pdf, plain, word

    return (
        Format("pdf", "PDF", (".pdf",), pdf.parse, "file_bytes, pages, chars"),
        Format("docx", "Word", (".docx",), word.parse, "file_bytes, unpacked_bytes, xml_bytes, chars"),
        Format("html", "HTML", (".html", ".htm"), html.parse, "file_bytes, tags, chars"),
        Format("markdown", "Markdown", (".md", ".markdown"), plain.parse_markdown, "file_bytes, chars"),
        Format("text", "TXT", (".txt",), plain.parse_text, "file_bytes, chars"),
    )


FORMATS: tuple[Format, ...] = _table()
BY_SUFFIX: dict[str, Format] = {s: f for f in FORMATS for s in f.suffixes}


def format_of(name: str) -> Format | None:
    from pathlib import Path

    return BY_SUFFIX.get(Path(name).suffix.lower())


def accepted() -> list[str]:
    """Every suffix, without its dot (the upload widget's `type`)."""
    return sorted(s.lstrip(".") for s in BY_SUFFIX)


def labels() -> str:
    return ", ".join(f.label for f in FORMATS)


def unsupported_reason(suffix: str) -> str:
    return f"unsupported file type '{suffix or '(none)'}'; supported: {', '.join(sorted(f.suffixes[0] for f in FORMATS))}"
