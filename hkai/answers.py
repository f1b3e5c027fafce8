"""Answers with citations, and the grounding check every answer goes through.

The extractive answerer only ever returns sentences that stand in a retrieved
passage (converted to the asker's script where needed, and marked so); what
it adds of its own is a fixed lead-in line, never a claim.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from . import i18n
from .retrieval import Hit, QueryPlan
from .text import FOOTNOTE_MARKERS, fold, split_sentences, to_script

MIN_COVERAGE = 0.34  # below this share of the question's terms, the library does not answer it
_QUANTITY = re.compile(r"how (many|much)|多少|几|幾|what (share|percentage|amount)|how large|规模|規模|金额|金額")
# A figure: digits (with separators/decimals), optionally followed by a unit or scale word.
FIGURE = re.compile(
    r"(?:(?:HK|US)\$\s?)?\d[\d,]*(?:\.\d+)?\s?(?:%|％|个百分点|個百分點|亿|億|万|萬|千|百|million|billion|"
    r"PFLOPS|EFLOPS|TFLOPS|公顷|公頃|hectares|年|月|日|元|港元|港币|港幣|美元)?", re.I)


@dataclass
class Citation:
    n: int
    doc_id: str
    title: str
    source: str
    text: str
    publisher: str = ""
    date: str = ""
    script: str = ""
    start: int = 0
    highlights: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"n": self.n, "doc_id": self.doc_id, "title": self.title, "source": self.source, "text": self.text}


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

    def as_json(self) -> dict:
        return {"question": self.question, "answer": self.answer, "mode": self.mode,
                "citations": [c.as_json() for c in self.citations], "grounding": self.grounding,
                "notice": self.notice, "fallback": self.fallback}

    def to_dict(self) -> dict:
        return asdict(self)


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)}


def _similar(a: str, b: str) -> bool:
    x, y = _bigrams(fold(a)), _bigrams(fold(b))
    return bool(x and y) and len(x & y) / min(len(x), len(y)) > 0.6


def _sentence_score(plan: QueryPlan, sentence: str, wants_number: bool) -> float:
    text = fold(sentence)
    score = 0.0
    for term in plan.salient:
        if term in text:
            score += min(len(term), 4) if re.search(r"[^\x00-\x7f]", term) else 2.0
    if wants_number and re.search(r"\d", sentence):
        score *= 1.3
    return score


def normalise_figure(s: str) -> str:
    return re.sub(r"[\s,]", "", fold(s)).replace("％", "%")


def figures_in(text: str) -> list[str]:
    """Figures worth checking: numbers that carry a unit or are not tiny
    citation markers. `[3]` markers are removed first."""
    text = re.sub(r"\[\d+\]", " ", text)
    found = []
    for m in FIGURE.finditer(text):
        token = m.group(0).strip()
        if re.fullmatch(r"\d", token):
            continue  # a bare single digit ("3 reasons") is not a figure
        found.append(token)
    return list(dict.fromkeys(found))


def check_grounding(answer_text: str, cited_texts: list[str], given: int | None = None) -> dict:
    """Every figure in the answer must appear in a cited passage; every [n]
    must point to a passage that was given."""
    haystack = normalise_figure(" ".join(cited_texts))
    unsupported = []
    for fig in figures_in(answer_text):
        number = normalise_figure(re.match(r"(?:(?:HK|US)\$\s?)?[\d,]*\d(?:\.\d+)?", fig, re.I).group(0))
        number = re.sub(r"^(hk|us)\$", "", number)
        if normalise_figure(fig) not in haystack and not re.search(r"(?<![\d.])" + re.escape(number) + r"(?![\d])", haystack):
            unsupported.append(fig)
    bad_refs = []
    if given is not None:
        bad_refs = sorted({int(n) for n in re.findall(r"\[(\d+)\]", answer_text) if not 1 <= int(n) <= given})
    return {"supported": not unsupported and not bad_refs, "unsupported_figures": unsupported,
            "invalid_citations": bad_refs}


def extractive_answer(question: str, plan: QueryPlan, hits: list[Hit], *, max_sentences: int = 3) -> Answer:
    """Pick the sentences of the top passages that answer the question."""
    lang = plan.script
    if not hits or max(h.coverage for h in hits) < MIN_COVERAGE:
        return Answer(question, i18n.t("answer.not_found", lang), "extractive", [], lang, answered=False)
    best_cov = max(h.coverage for h in hits)
    wants_number = bool(_QUANTITY.search(question.lower()))
    candidates = []  # (score, hit rank, sentence)
    for rank, hit in enumerate(hits[:5]):
        if hit.coverage < max(MIN_COVERAGE, 0.5 * best_cov):
            continue
        for sentence in split_sentences(hit.text):
            if len(sentence) < 6:
                continue
            score = _sentence_score(plan, sentence, wants_number)
            if score > 0:
                candidates.append((score * (1 - 0.05 * rank), rank, sentence))
    if not candidates:
        return Answer(question, i18n.t("answer.not_found", lang), "extractive", [], lang, answered=False)
    candidates.sort(key=lambda c: -c[0])
    top = candidates[0][0]
    chosen: list[tuple[int, str]] = []
    for score, rank, sentence in candidates:
        if len(chosen) >= max_sentences or score < 0.6 * top:
            break
        if any(_similar(sentence, s) for _, s in chosen):
            continue
        chosen.append((rank, sentence))

    citations: dict[int, Citation] = {}
    lines, converted = [], False
    for rank, sentence in chosen:
        hit = hits[rank]
        if rank not in citations:
            citations[rank] = Citation(len(citations) + 1, hit.doc_id, hit.title, hit.source, hit.text,
                                       hit.publisher, hit.date, hit.script, hit.start)
        citations[rank].highlights.append(sentence)
        # The source's own footnote markers ("[5]") would read as our citations.
        shown = FOOTNOTE_MARKERS.sub("", sentence).lstrip("-–•◆ ")
        if lang in ("zh-Hant", "zh-Hans") and hit.script in ("zh-Hant", "zh-Hans") and hit.script != lang:
            before = shown
            shown = to_script(shown, lang)
            converted = converted or shown != before
        lines.append(f"{shown} [{citations[rank].n}]")
    body = "\n\n".join(lines)
    if lang == "en":
        body = i18n.t("answer.lead_in_en", lang) + "\n\n" + body
    notice = i18n.t("answer.converted", lang) if converted else ""
    cites = sorted(citations.values(), key=lambda c: c.n)
    answer = Answer(question, body, "extractive", cites, lang, notice=notice)
    answer.grounding = check_grounding(body, [c.text for c in cites], given=len(cites))
    return answer
