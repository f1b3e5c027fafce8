"""Passages to Qdrant points: the lexical vector always; the dense model's
vectors (dense, and latent terms where the model has them) either at once or
later (`embedded: false`, filled in by `later.LaterEmbedding`). With the
model's vectors come those of the passage's quotable sentences (payload
`sentences`), cached by content for the answerer."""

from __future__ import annotations

from functools import lru_cache

from ..core.script import to_simplified
from ..core.sentences import sentence_spans
from ..ingest.document import Document
from ..ingest.lines import page_span
from ..store.filters import point, sparse_vector
from ..store.names import DENSE, LATENT, SPARSE
from .chunking import Chunk
from .embeddings import DenseEncoder
from .quotes import quotable, table_quotes
from .sparse import BM25SparseEmbeddings, terms


@lru_cache(maxsize=4)
def _spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(sentence_spans(text))


def passage_sentences(text: str, start: int, end: int, tables: list[tuple[int, str, str]] = ()) -> list[str]:
    """The quotable parts of the whole sentences of a document's `text` that a
    passage at [start, end) overlaps, and the table cells in it (`tables`,
    from `quotes.table_quotes`): what the answerer will rank for it."""
    return [q for a, b in _spans(text) if a < end and b > start and (q := quotable(text[a:b]))] + \
        [q for at, _, q in tables if start <= at < end]


class PointMaker:
    def __init__(self, sparse: BM25SparseEmbeddings, dense: DenseEncoder | None) -> None:
        self.sparse, self.dense = sparse, dense

    def model_vectors(self, texts: list[str], sentences: list[list[str]] | None = None) -> list[dict]:
        """The dense model's vectors of passages (dense, and latent terms where
        it has them), and those of their sentences into the cache. It reads
        Simplified Chinese better than Traditional (multilingual-e5 on XQuAD:
        hit@1 0.765 folded against 0.755 as written), so it gets the folded script."""
        if sentences:
            self.dense.sentence_vectors([to_simplified(x) for group in sentences for x in group])
        folded = [to_simplified(t) for t in texts]
        dense = self.dense.embed_documents(folded)
        latent = self.dense.latent(folded) if self.dense.has_latent else None
        return [{DENSE: dense[j], **({LATENT: sparse_vector(*latent[j])}
                                     if latent is not None else {})} for j in range(len(texts))]

    def rest(self) -> None:
        """No passages are waiting for the model's vectors."""
        if self.dense is not None:
            self.dense.rest()

    def points(self, doc: Document, batch: list[Chunk], ready: bool, embed: bool = True) -> list:
        """Points of a document's chunks; without `embed`, the model's vectors are left for later."""
        texts = [c.text for c in batch]
        cells = table_quotes(doc.extra.get("tables") or [], doc.clean_text)
        sentences = [passage_sentences(doc.clean_text, c.start, c.start + len(c.text), cells) for c in batch]
        sparse = [self.sparse.embed_document_terms(terms(t)) for t in texts]
        later = self.dense is not None and not embed
        model = self.model_vectors(texts, sentences) if self.dense is not None and embed else [{} for _ in texts]
        points = []
        for j, chunk in enumerate(batch):
            vector = {SPARSE: sparse_vector(sparse[j].indices, sparse[j].values), **model[j]}
            payload = {"doc_id": doc.doc_id, "ordinal": chunk.ordinal, "text": chunk.text, "start": chunk.start,
                       "title": doc.title, "source": doc.source, "date": doc.date, "publisher": doc.publisher,
                       "title_en": doc.extra.get("title_en", ""), "publisher_en": doc.extra.get("publisher_en", ""),
                       "script": doc.script, "language": doc.language, "owner": doc.owner, "ready": ready,
                       "sentences": sentences[j]}
            if starts := doc.extra.get("page_starts"):  # a PDF: citations name the page
                payload["pages"] = page_span(starts, chunk.start, chunk.start + len(chunk.text))
            if later:
                payload["embedded"] = False
            points.append(point(chunk.chunk_id, vector, payload))
        return points
