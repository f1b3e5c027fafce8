"""Candidate sentences of the retrieved passages and their measured signals.

Every hit is widened to the whole sentences of its document (a chunk boundary
never cuts a quote); each quotable sentence becomes a candidate with features
that carry to any document: a sentence-level lexical match (the project's own
sparse terms, weighted by how rare they are among the candidates), the same
match in English words across languages (`glosses`: CC-CEDICT), the default
model's question-to-sentence similarity above the question's floor
(`reference`), the passage's retrieval rank and score, whether the sentence
carries the kind of answer asked, its language against the question's, and
question-level evidence (the best match any candidate reaches). `reader`
combines them with fitted weights.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np

from ..core.script import CJK, detect_script, fold, to_simplified
from ..core.sentences import sentence_spans
from ..core.types import Hit
from ..index.quotes import quotable
from ..index.sparse import terms
from ..ingest.lines import page_span
from ..retrieve.planner import EN_STOPWORDS, ZH_QUESTION_WORDS, QueryPlan
from .asks import carries
from .glosses import english_words, question_groups, says_by_pinyin, says_in_english
from .matching import says

# The reader's features, by name: `measure` computes each candidate's as a dict, the fitted weights are stored by
# name (hkai/data/reader.json), and this order is only how they are stacked. A new feature is its name here and
# its value in `measure` (then `python -m bench.fit_answers`).
FEATURES = ("bias", "lex", "lex_gap", "lex_passage", "lex_prev", "lex_next", "lex_max", "chars", "run", "run_gap",
            "words", "words_gap", "focus", "focus_gap", "anchor_left", "anchor_right",
            "dense", "dense_gap", "dense_max", "dense_around", "rank", "score_rel", "kind_yes", "kind_no", "cross",
            "english", "cross_dense", "cross_lex", "length", "gloss", "gloss_gap", "gloss_max", "unnamed",
            "unnamed_min", "unnamed_here", "span", "span_gap", "span_max", "span_none", "cross_span")
SPAN_FEATURES = tuple(f for f in FEATURES if "span" in f)  # zero without the span reader (`reader.mode_of`)
_NOT_ASKED = {t for w in ZH_QUESTION_WORDS for t in terms(w)} | EN_STOPWORDS


@dataclass
class Passage:
    """A hit widened to the whole sentences of its document."""

    hit: Hit
    rank: int
    start: int  # where the widened text starts in the document's clean text
    text: str
    spans: list[tuple[int, int]]  # each sentence, in the widened text
    tabular: set[int] = field(default_factory=set)  # the spans that are a table's text (its cells are quoted instead)

    @property
    def sentences(self) -> list[str]:
        return [self.text[a:b] for a, b in self.spans]


@lru_cache(maxsize=64)
def _document_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(sentence_spans(text))


def widen(hit: Hit, rank: int, doc_text: str | None, margin: int = 0) -> Passage:
    """The hit's whole sentences, and those within `margin` characters around it
    (the sentence that answers often stands just outside the passage that matched)."""
    if not doc_text or doc_text[hit.start:hit.start + len(hit.text)] != hit.text:
        return Passage(hit, rank, hit.start, hit.text, sentence_spans(hit.text))
    lo, hi = hit.start - margin, hit.start + len(hit.text) + margin
    spans = [(a, b) for a, b in _document_spans(doc_text) if a < hi and b > lo]
    if not spans:
        return Passage(hit, rank, hit.start, hit.text, sentence_spans(hit.text))
    start, stop = spans[0][0], spans[-1][1]
    return Passage(hit, rank, start, doc_text[start:stop], [(a - start, b - start) for a, b in spans])


@dataclass(eq=False)
class Candidate:
    passage: Passage
    index: int  # the sentence's place in its passage
    sentence: str  # the source sentence
    quote: str  # its quotable part
    features: np.ndarray = field(repr=False, default=None)  # `named`, stacked in FEATURES order
    p: float = 0.0  # the reader's probability that it answers
    cell: bool = False  # a table cell (quoted with its row and column), not a sentence
    named: dict[str, float] = field(repr=False, default_factory=dict)
    span: tuple[int, int] | None = None  # the span reader's answer in `quote` (characters), if it read the sentence

    @property
    def at(self) -> int:
        """Where the sentence (or the cell's row) starts in the document's clean text."""
        return self.passage.start + self.passage.spans[self.index][0]

    def pages(self, starts: list[int]) -> list[int]:
        return page_span(starts, self.at, self.at + len(self.sentence))


def question_words(plan: QueryPlan, previous: QueryPlan | None = None) -> dict[str, float]:
    """The question's salient words (folded; an English question's glossary
    terms with them), a follow-up's earlier question at half."""
    out: dict[str, float] = {}
    for weight, p in ((1.0, plan), (0.5, previous)):
        for w in (p.salient if p is not None else []):
            out.setdefault(w, weight)
    return out


def question_terms(plan: QueryPlan, previous: QueryPlan | None = None) -> dict[str, float]:
    """The question's lexical terms with their weight (a follow-up's earlier
    question at half), interrogatives left out."""
    out: dict[str, float] = {}
    for weight, p in ((1.0, plan), (0.5, previous)):
        if p is None:
            continue
        for t in (p.terms if p.script == "en" else terms(p.question)):
            if t not in _NOT_ASKED and t not in out:
                out[t] = weight
    return out


_WORDLESS = re.compile(rf"[^{CJK}a-z0-9]+")
_HAN = re.compile(f"[{CJK}]")


def _core(text: str) -> str:
    """Folded letters, digits and Han characters only (for ordered matches)."""
    return _WORDLESS.sub("", fold(text))


def run_share(question: str, sentence: str) -> float:
    """The longest run of the question's characters that the sentence says in
    the same order, as a share of the question ("商湯科技何時落戶" in "商湯科技於
    2014年落戶"): a reading-comprehension answer restates the question's words."""
    q, s = _core(question), _core(sentence)
    if not q or not s:
        return 0.0
    m = SequenceMatcher(None, q, s, autojunk=False).find_longest_match(0, len(q), 0, len(s))
    return m.size / len(q)


# Chinese interrogatives: the answer stands where the question has one ("狄尔泰在1906年发表了什么" is
# answered by "…于1906年发表了《…》"), so the words around it are the answer's neighbours.
_WH = re.compile(r"什么|甚麼|什麼|甚么|哪一|哪些|哪个|哪個|哪裡|哪里|哪|谁|誰|多少|幾|几|何时|何時|何地|何人|如何|怎么|怎麼|怎样|怎樣|为何|為何|为什么|為什麼")


def anchors(question: str) -> tuple[str, str]:
    """The (up to) three folded characters before and after a Chinese
    question's interrogative, or ("", "")."""
    core = _core(question)
    m = _WH.search(core)
    if not m:
        return "", ""
    return core[max(0, m.start() - 3):m.start()], core[m.end():m.end() + 3]


def _anchor_share(anchor: str, text: str, left: bool) -> float:
    """How much of the anchor (from the interrogative outwards) the text says."""
    for size in range(len(anchor), 1, -1):
        part = anchor[-size:] if left else anchor[:size]
        if part in text:
            return size / 3
    return 0.0


@lru_cache(maxsize=50_000)
def _language(text: str) -> str:
    return "en" if detect_script(text) == "en" else "zh"


@lru_cache(maxsize=50_000)
def term_set(text: str) -> frozenset[str]:
    """A sentence's lexical terms (the same sentences come back question after question)."""
    return frozenset(terms(text))


def candidates(passages: list[Passage], tables: dict[str, list[tuple[int, str, str]]] | None = None
               ) -> list[Candidate]:
    """Every quotable sentence of the passages, and every table cell in them
    (`tables`: a document's `index.quotes.table_quotes`), each once."""
    seen, out = set(), []
    for p in passages:
        for i, (a, b) in enumerate(p.spans):
            key = (p.hit.doc_id, p.start + a)
            if key in seen:
                continue
            seen.add(key)
            if quote := quotable(p.text[a:b]):
                out.append(Candidate(p, i, p.text[a:b], quote))
        for at, cell, quote in (tables or {}).get(p.hit.doc_id, []):
            if p.start <= at < p.start + len(p.text) and (key := (p.hit.doc_id, "cell", quote)) not in seen:
                seen.add(key)
                index = max((i for i, (a, _) in enumerate(p.spans) if p.start + a <= at), default=0)
                p.tabular.add(index)
                out.append(Candidate(p, index, cell, quote, cell=True))
    return out


def _words_share(words: dict[str, float], texts: list[str], skip: list[set[str]] | None = None) -> list[float]:
    """IDF-weighted share of the question's words (each once, however many
    characters it has) that each text says; `skip`: words left out per text."""
    n = len(texts)
    idf = {w: v * math.log(1 + (n + 1) / (1 + sum(w in t for t in texts))) for w, v in words.items()}
    out = []
    for i, t in enumerate(texts):
        kept = {w: v for w, v in idf.items() if not skip or w not in skip[i]}
        total = sum(kept.values())
        out.append(sum(v for w, v in kept.items() if w in t) / total if total else 0.0)
    return out


def gloss_shares(question: str, pool: list[Candidate]) -> list[float]:
    """Each candidate's IDF-weighted share of the question's words that it says
    in English words (`glosses`): a lexical match across languages."""
    groups = question_groups(question)
    if not groups:
        return [0.0] * len(pool)
    bags = [says_in_english(c.quote) for c in pool]
    n = len(pool)
    idf = [math.log(1 + (n + 1) / (1 + sum(bool(g & b) for b in bags))) for g in groups]
    total = sum(idf)
    return [sum(w for g, w in zip(groups, idf) if g & b) / total for b in bags]


def unnamed_share(names: list[list[str]], text: str) -> float:
    """The share of the names (each with its wordings) that a text never says, in any script (an English
    wording as a whole word: "AI" is not said by "said"), through `glosses` in English words, or a romanised
    Chinese name by its readings ("Tongyi Qianwen": 通義千問)."""
    folded, english = fold(text), says_in_english(text)
    missing = 0
    for wordings in names:
        said = any(says(folded, fold(w)) for w in wordings)
        latin = [english_words(w) for w in wordings if w.isascii()]
        said = said or any(e and e <= english for e in latin)
        missing += not (said or any(says_by_pinyin(text, w) for w in wordings if w.isascii()))
    return missing / len(names)


def unnamed_shares(names: list[list[str]], pool: list[Candidate]) -> tuple[list[float], list[float]]:
    """For each candidate, the share of the question's names that its passage
    and title never say (a question about Bitcoin is not answered by a passage
    that never names it, however near its sentences stand), and that the
    sentence itself does not say (Baidu's fall is in the sentence naming Baidu)."""
    if not names:
        return [0.0] * len(pool), [0.0] * len(pool)
    seen: dict[int, float] = {}
    for c in pool:
        if id(c.passage) not in seen:
            seen[id(c.passage)] = unnamed_share(names, c.passage.text + " " + c.passage.hit.title)
    return [seen[id(c.passage)] for c in pool], [unnamed_share(names, c.quote) for c in pool]


def measure(question: str, kind: str, pool: list[Candidate], q_terms: dict[str, float],
            q_vector: np.ndarray | None, vectors: list | None, q_words: dict[str, float] | None = None,
            floor: float = 0.0, names: list[list[str]] | None = None, spans: list | None = None) -> None:
    """Fill in every candidate's features (`named`, and stacked as `features`). `q_words`: the
    question's salient words (folded), each with its weight; `names`: the
    question's names, each with its wordings; `floor`: the
    question's similarity to text at large (`reference.floor`), which the
    model's similarities are read above; `spans`: the span reader's best span
    in each candidate (`span.reader.Span`, None where it did not read it)."""
    if not pool:
        return
    q_words = q_words or {}
    folded = [fold(c.quote) for c in pool]
    words = _words_share(q_words, folded)
    # Words of the document's title name its topic: they choose the document, not the sentence.
    titled = [{w for w in q_words if w in fold(c.passage.hit.title)} for c in pool]
    focus = _words_share(q_words, folded, titled)
    sets = [term_set(c.quote) for c in pool]
    n = len(pool)
    idf = {t: w * math.log(1 + (n + 1) / (1 + sum(t in s for s in sets))) for t, w in q_terms.items()}
    total = sum(idf.values()) or 1.0
    # An English sentence is held to the question's own words, not to the Chinese the glossary added.
    latin = {t: v for t, v in idf.items() if not _HAN.search(t)}
    latin_total = sum(latin.values()) or 1.0

    def lex(s: set) -> float:
        if s and not any(_HAN.search(t) for t in s):
            return sum(v for t, v in latin.items() if t in s) / latin_total
        return sum(v for t, v in idf.items() if t in s) / total

    lexes = [lex(s) for s in sets]
    chars = {t: v for t, v in idf.items() if len(t) == 1}
    char_total = sum(chars.values()) or 1.0
    runs = [run_share(question, c.quote) for c in pool]
    around: dict[tuple[int, int], float] = {}  # lexical match of a passage's sentences by place

    def lex_at(c: Candidate, i: int) -> float:
        """The lexical match of the sentence at place i (a table's text is no neighbouring sentence)."""
        if not 0 <= i < len(c.passage.spans) or (i in c.passage.tabular and not c.cell):
            return 0.0
        key = (id(c.passage), i)
        if key not in around:
            a, b = c.passage.spans[i]
            around[key] = lex(term_set(c.passage.text[a:b]))
        return around[key]

    passage_lex: dict[int, float] = {}
    for c in pool:
        if id(c.passage) not in passage_lex:
            passage_lex[id(c.passage)] = lex(term_set(c.passage.text))
    dense = np.zeros(n)
    if q_vector is not None and vectors is not None:
        dense = np.array([float(np.dot(q_vector, v)) for v in vectors]) - floor
    top_score = max((c.passage.hit.score for c in pool), default=1.0) or 1.0
    asker = _language(question)
    max_lex, max_dense, max_run = max(lexes), float(dense.max()), max(runs)
    max_words, max_focus = max(words), max(focus)
    by_place = {(id(c.passage), c.index): float(d) for c, d in zip(pool, dense) if not c.cell}
    glossed = gloss_shares(question, pool)
    max_gloss = max(glossed)
    unnamed, unnamed_here = unnamed_shares(names or [], pool)
    min_unnamed = min(unnamed)
    left, right = anchors(question)
    cores = [_core(c.quote) for c in pool]
    for c, lx, dn, run, terms_of, wd, fc, core, gl, un, here in zip(
            pool, lexes, dense, runs, sets, words, focus, cores, glossed, unnamed, unnamed_here):
        has = carries(c.quote, kind) if kind else None
        cross = float(_language(c.quote) != asker)
        c.named = {
            "bias": 1.0, "lex": lx, "lex_gap": lx - max_lex, "lex_passage": passage_lex[id(c.passage)],
            "lex_prev": lex_at(c, c.index - 1), "lex_next": lex_at(c, c.index + 1), "lex_max": max_lex,
            "chars": sum(v for t, v in chars.items() if t in terms_of) / char_total, "run": run, "run_gap": run - max_run,
            "words": wd, "words_gap": wd - max_words, "focus": fc, "focus_gap": fc - max_focus,
            "anchor_left": _anchor_share(left, core, True), "anchor_right": _anchor_share(right, core, False),
            "dense": dn, "dense_gap": dn - max_dense, "dense_max": max_dense,
            "dense_around": max(by_place.get((id(c.passage), c.index - 1), -floor),
                                by_place.get((id(c.passage), c.index + 1), -floor)),
            "rank": 1.0 / (1 + c.passage.rank), "score_rel": c.passage.hit.score / top_score,
            "kind_yes": float(has is True), "kind_no": float(has is False), "cross": cross,
            "english": float(asker == "en" and not cross), "cross_dense": cross * dn, "cross_lex": cross * lx,
            "length": math.log1p(len(c.quote)) / 5, "gloss": gl, "gloss_gap": gl - max_gloss, "gloss_max": max_gloss,
            "unnamed": un, "unnamed_min": min_unnamed, "unnamed_here": here}
    measure_spans(pool, spans)


def measure_spans(pool: list[Candidate], spans: list | None) -> None:
    """The span reader's features (and every candidate's stacked features): its best span in the sentence
    against the window's "no answer" (logits, scaled), how far below the question's best, the best itself
    (whether the library answers at all), whether the sentence was read at all."""
    read = [span_value(s) for s in (spans or [None] * len(pool))]
    best = max((v for v in read if v is not None), default=SPAN_FLOOR)
    for c, s, v in zip(pool, spans or [None] * len(pool), read):
        span = SPAN_FLOOR if v is None else v
        c.span = (s.start, s.end) if s is not None else None
        c.named.update({"span": span, "span_gap": span - best, "span_max": best, "span_none": float(v is None),
                        "cross_span": c.named["cross"] * span})
        c.features = np.array([c.named[f] for f in FEATURES])


SPAN_SCALE, SPAN_FLOOR = 10.0, -1.5  # logits / 10, clipped; a sentence the reader did not read counts as its floor


def span_value(span) -> float | None:
    """A span's score (start + end logits above the window's no-answer score) as a feature."""
    if span is None:
        return None
    return float(np.clip(span.score / SPAN_SCALE, SPAN_FLOOR, 1.5))


def across(pool: list[Candidate]) -> bool:
    """Whether the best-ranked passage is in another language than the question (`measure` set "cross")."""
    top = [c for c in pool if c.passage.rank == 0]
    return bool(top) and bool(top[0].features[FEATURES.index("cross")])


def folded_quotes(pool: list[Candidate]) -> list[str]:
    """The strings whose vectors indexing cached (the model reads folded script)."""
    return [to_simplified(c.quote) for c in pool]
