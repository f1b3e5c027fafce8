"""What a format's parser gives back: one type for every format."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Parsed:
    text: str
    title: str = ""
    pages: list[str] = field(default_factory=list)  # a PDF's text per page (citations then name their page)
    tables: list[dict] = field(default_factory=list)  # rows of its tables (`tables.table_rows`)
