"""A document as loaded: what it is, whose, and its text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from .lines import repair_lines


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
