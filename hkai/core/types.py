"""Shared domain objects: the owner everyone sees, a retrieved passage, a citation
built from it, an answer, and a turn of a conversation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PUBLIC = "public"  # the owner of the shipped documents, visible to everyone


@dataclass
class Hit:
    doc_id: str
    title: str
    source: str
    text: str
    score: float
    publisher: str = ""
    date: str = ""
    script: str = ""
    ordinal: int = 0
    start: int = 0
    pages: list[int] = field(default_factory=list)  # first and last page of a PDF passage
    title_en: str = ""  # the shipped documents' English title and publisher (their manifest's)
    publisher_en: str = ""

    def as_json(self) -> dict:
        return {"doc_id": self.doc_id, "title": self.title, "source": self.source,
                "text": self.text, "score": round(self.score, 6), **({"pages": self.pages} if self.pages else {})}


@dataclass
class Citation:
    """A passage an answer cites: its hit, numbered `n`, with the sentences the
    answer draws on marked. `text` and `start` are what is shown: the hit's
    passage, or (an extractive answer) that passage widened to whole sentences;
    `pages`, a PDF's first and last page of what is quoted."""

    n: int
    hit: Hit
    text: str = ""
    start: int = -1
    highlights: list[str] = field(default_factory=list)
    pages: list[int] | None = None

    def __post_init__(self) -> None:
        self.text = self.text or self.hit.text
        self.start = self.hit.start if self.start < 0 else self.start
        self.pages = list(self.hit.pages) if self.pages is None else self.pages

    doc_id = property(lambda self: self.hit.doc_id)
    title = property(lambda self: self.hit.title)
    source = property(lambda self: self.hit.source)
    publisher = property(lambda self: self.hit.publisher)
    date = property(lambda self: self.hit.date)
    script = property(lambda self: self.hit.script)

    def as_json(self) -> dict:
        return {"n": self.n, "doc_id": self.doc_id, "title": self.title, "source": self.source, "text": self.text,
                **({"pages": self.pages} if self.pages else {})}


@dataclass
class Answer:
    question: str
    answer: str
    mode: str
    citations: list[Citation]
    script: str
    answered: bool = True
    notice: str = ""
    grounding: dict = field(default_factory=lambda: {"supported": True, "unsupported_figures": []})
    fallback: str = ""  # why a generated answer was not used (llm.reason.* code), if it was asked for
    searched: str = ""  # what retrieval searched when it differs from the question (a follow-up)
    confidence: float = 0.0  # the reader's probability that the quoted sentences answer
    generated: str = ""  # a generated answer that failed its grounding, kept for the reader to open
    refused: str = ""  # a question not searched: "empty" or "too_long"
    # The span reader's shortest answer, verbatim from the cited sentence: {"text", "source": n}; None when it
    # names none (it declines, or the answer is a generated one).
    span: dict | None = None

    def as_json(self) -> dict:
        return {"question": self.question, "answer": self.answer, "mode": self.mode,
                "citations": [c.as_json() for c in self.citations], "grounding": self.grounding,
                "notice": self.notice, "fallback": self.fallback, "searched": self.searched,
                "given": self.mode, "span": self.span, **({"generated": self.generated} if self.generated else {})}


@dataclass
class Turn:
    """One question and its answer, as kept in session state."""

    question: str
    answer: Answer | None = None
    rated: bool = False
    after: str = ""  # for a follow-up, what it followed (a shared link carries it as ?after=)
