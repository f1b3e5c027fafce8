"""The lexical leg: a LangChain `SparseEmbeddings` that Qdrant scores as BM25.

Local Qdrant cannot segment Chinese, so the project computes the sparse vector
itself. Terms are jieba words and Han-character bigrams of the script-folded
text (so 數碼港 and 数码港 are one term), plus Latin words. Document values are
BM25's saturated term frequency; Qdrant's IDF modifier supplies the IDF at
query time from the collection itself, so no corpus statistics live here.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter

from langchain_qdrant import SparseEmbeddings, SparseVector

from ..core.script import CJK, fold
from ..core.words import segmenter

_HAN_RUN = re.compile(f"[{CJK}]+")
_LATIN = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def terms(text: str) -> list[str]:
    """The lexical terms of a text: folded jieba words, and every Han character
    and character bigram, plus Latin words. Words give precision; characters and
    bigrams find what segmentation split differently in the question and the
    passage (measured on DRCD: hit@1 0.937 with words and bigrams alone, 0.950
    with single characters and jieba's HMM for unknown words added)."""
    folded = _THOUSANDS.sub("", fold(text))
    tok = segmenter()
    out: list[str] = []
    for word in _LATIN.findall(folded):  # "web3.0" is also "web3", "g-rocket" also "rocket"
        out.append(word)
        parts = re.split(r"[.\-]", word)
        if len(parts) > 1:
            out.extend(p for p in parts if len(p) > 1 and re.search(r"[a-z]", p))
    for run in _HAN_RUN.findall(folded):
        out.extend(w for w in tok.lcut(run, HMM=True) if len(w) > 1)
        out.extend(run)
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def term_index(term: str) -> int:
    return zlib.crc32(term.encode("utf-8")) & 0x7FFFFFFF


class BM25SparseEmbeddings(SparseEmbeddings):
    """BM25 document weights over `terms`; queries weigh each distinct term once.

    avg_len is the measured mean number of terms in a 320-character chunk (about
    470 on DRCD and the seeds); b=0.6 normalises length a little less than the
    textbook 0.75, which measured better on DRCD_dev (hit@1 0.951 against 0.950).
    """

    def __init__(self, k1: float = 1.2, b: float = 0.6, avg_len: float = 470.0):
        self.k1, self.b, self.avg_len = k1, b, avg_len

    def _vector(self, weights: dict[int, float]) -> SparseVector:
        indices = sorted(weights)
        return SparseVector(indices=indices, values=[float(weights[i]) for i in indices])

    def embed_document_terms(self, doc_terms: list[str]) -> SparseVector:
        counts = Counter(term_index(t) for t in doc_terms)
        length = max(1, len(doc_terms))
        norm = self.k1 * (1 - self.b + self.b * length / self.avg_len)
        return self._vector({i: tf * (self.k1 + 1) / (tf + norm) for i, tf in counts.items()})

    def embed_documents(self, texts: list[str]) -> list[SparseVector]:
        return [self.embed_document_terms(terms(t)) for t in texts]

    def embed_query_terms(self, query_terms: list[str], boosts: dict[str, float] | None = None) -> SparseVector:
        boosts = boosts or {}
        weights: dict[int, float] = {}
        for t in query_terms:
            weights[term_index(t)] = max(weights.get(term_index(t), 0.0), boosts.get(t, 1.0))
        return self._vector(weights)

    def embed_query(self, text: str) -> SparseVector:
        return self.embed_query_terms(terms(text))
