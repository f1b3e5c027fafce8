"""Figures found in a document's text (the visitor's own), each with the
sentence it stands in as quote.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..core.amounts import figures_in_sentence
from ..core.sentences import split_sentences


@dataclass
class Figure:
    label: str
    value: float
    unit: str
    currency: str
    quote: str
    doc_id: str
    source: str
    kind: str = ""
    raw: str = ""

    def as_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k in
                ("label", "value", "unit", "currency", "quote", "doc_id", "source")}


def extract_figures(text: str, doc_id: str = "", source: str = "") -> list[Figure]:
    out = []
    seen = set()
    for sentence in split_sentences(text):
        for kind, value, unit, currency, raw in figures_in_sentence(sentence):
            key = (kind, value, unit, currency, sentence)
            if key in seen:
                continue
            seen.add(key)
            out.append(Figure(label=raw, value=value, unit=unit, currency=currency, quote=sentence,
                              doc_id=doc_id, source=source, kind=kind, raw=raw))
    return out


def figures_of(documents) -> list[Figure]:
    """Every figure of these documents (None, a document removed meanwhile, is skipped)."""
    return [f for doc in documents if doc is not None for f in extract_figures(doc.clean_text, doc.doc_id, doc.source)]
