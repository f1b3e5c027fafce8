"""A document as loaded: what it is, whose, and its text."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..core.types import PUBLIC
from .lines import repair_lines
from .readable import readable


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
    owner: str = PUBLIC
    content_hash: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class Document(DocumentInfo):
    text: str = field(kw_only=True)  # the original text, for display
    # The text with PDF line breaks repaired: what is chunked and quoted. Computed once, when the file is
    # loaded, and kept with the document's record, so reading a document never repairs it again.
    clean_text: str = field(kw_only=True, default="")

    def __post_init__(self) -> None:
        if not self.clean_text:
            self.clean_text = readable(repair_lines(self.text))[0]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def doc_id_for(owner: str, name: str) -> str:
    """A document's id: its owner and the name it was added under (the same file again replaces it)."""
    return hashlib.sha1(f"{owner}\n{name}".encode()).hexdigest()[:12]
