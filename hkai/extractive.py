"""The offline answer: whole source sentences, the one that answers first.

Retrieved chunks are widened to the whole sentences of their document (a chunk
boundary never cuts a quote). Sentences that cannot answer are never quoted:
page furniture (bylines, "搜索文档", credits), headings and table cells (no
sentence end), snippets cut with "...". The rest are ranked by the question's
focus terms (weighted by how rare they are among the candidates, with a bonus
when they stand close together) and, for how much / how many / when
questions, by carrying the kind of figure or date asked for.

The answer writes nothing of its own beyond fixed lines and plain renderings of
figures parsed from the quoted sentences: an English question over Chinese
sources opens with those figures in English (HK$1 billion [1]); a Chinese
question over English sources, with them in the asker's script. Without a
figure, one fixed line says the quotes are in the other language, and that
they are only the closest when they do not say everything the question asks.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from . import i18n
from .answers import Answer, Citation, check_grounding
from .documents import page_span
from .figures import dates_in, figures_in_sentence, render_date, render_figure
from .retrieval import Hit, QueryPlan, coverage, says
from .text import FOOTNOTE_MARKERS, contains_cjk, detect_script, fold, sentence_spans, to_script, to_simplified

MIN_COVERAGE = 0.34  # below this share of the question's terms, the library does not answer it
_BULLET = re.compile(r"^[\s\-–—•◆●■*]+")
_FURNITURE_PREFIX = re.compile(
    # A paper's dateline ends its page's headlines, which a PDF's text runs into the lead sentence.
    r"^.{0,120}?(?:文匯報訊|文汇报讯|本報訊|本报讯)\s*(?:（[^）]{0,20}）|\([^)]{0,20}\))?"
    # An agency's dateline ("新華社香港1月18日電", "中新社（記者…）"), not "據新華社報道".
    r"|^.{0,40}?(?:新華社|新华社|中新社)(?:[^，。\s]{0,12}?[電电]|\s*(?:（[^）]{0,20}）|\([^)]{0,20}\)))"
    r"|^[^\s·]{2,20}·\s*\d{4}-\d{2}-\d{2}(?:\s+\d{1,2}:\d{2})?"
    r"|^[^（()）。，]{1,12}[）)]")  # the tail of a byline that began on the line before: "岑健樂）"
_FURNITURE = re.compile(r"責任編輯|责任编辑|製表|制表|記者.{0,8}攝|记者.{0,8}摄|搜索文[档檔]|^\s*記者|^\s*记者|"
                        r"點擊|点击|閱讀全文|阅读全文|Read more|Click here", re.I)
_ENDS = "。！？!?；;.」』”\"）)"
_TRUNCATED = re.compile(r"\s\.\.\.|\.\.\.\s|…$")

# What kind of answer a question asks for.
_ASKS = [
    ("percent", re.compile(r"收跌|收漲|收涨|跌多少|升多少|漲多少|涨多少|how did .{0,30}(stock|share)|by how much|"
                           r"what (share|percentage)|(fell|rose|drop|gain)", re.I)),
    ("date", re.compile(r"\bwhen\b|what year|which year|何時|何时|什麼時候|什么时候|哪一?年|幾時|几时|何年", re.I)),
    ("count", re.compile(r"how many|多少(?:個|个|所|家|名|位|次|間|间|款|公頃|公顷)|幾(?:個|所|家)|几(?:个|所|家)", re.I)),
    ("amount", re.compile(r"how much|how large|how big|at what price|what price|多少|幾多|几多|規模|规模|金額|金额", re.I)),
    ("who", re.compile(r"\bwho\b|\bwhich (company|organi[sz]ation|firm)\b|誰|谁|哪家|哪間|哪间", re.I)),
    ("said", re.compile(r"\b(say|said|says|stress|stated?)\b|說了|说了|說甚麼|說什麼|说什么|講了|讲了|"
                        r"表示了?甚麼|表示了?什么|怎樣說|怎么说|指出了?甚麼|指出了?什么", re.I)),
]
# "What is X?", when no figure is asked for: a sentence with X as its subject.
_DEFINE = re.compile(r"^\s*(what|who) (is|are|was|were)\b(?!.*\b(of|for|about|between)\b)|是甚麼|是什麼|是什么|是誰|"
                     r"是谁|何謂|何谓|甚麼是|什麼是|什么是", re.I)
# What someone said: the sentence that reports the words ("李家超表示，…"), not the one that says
# they spoke ("…出席並致辭").
_SPEECH = re.compile(r"表示|指出|強調|强调|認為|认为|說|说|稱|称|指，|指,|\bsaid\b|\bsays\b|\bstressed\b|"
                     r"\bnoted\b|\bstated\b", re.I)
_KINDS = {"amount": ("money", "compute", "count", "area", "percent"), "count": ("count", "area"),
          "percent": ("percent",)}
_MONEY_WORDS = re.compile(r"fund|budget|allocat|reserv|invest|cost|price|turnover|資金|资金|撥款|拨款|預留|预留|"
                          r"投入|投資|投资|基金|股價|股价|成交|金額|金额|港元|美元", re.I)
_COMPUTE_WORDS = re.compile(r"comput|pflops|flops|算力", re.I)


_DOWN = re.compile(r"跌|fell|drop|down|declin|lost", re.I)
_UP = re.compile(r"升|漲|涨|rose|gain|\bup\b|climb", re.I)
_UNIT_HINTS = {"users": re.compile(r"users|用户|用戶"), "labs": re.compile(r"labs?\b|laborator|实验室|實驗室"),
               "models": re.compile(r"models?\b|模型"), "downloads": re.compile(r"download|下载|下載"),
               "companies": re.compile(r"compan|firms|enterprise|企业|企業|公司"),
               "hectares": re.compile(r"hectare|公顷|公頃")}


def asks(question: str) -> str:
    for kind, pattern in _ASKS:
        if pattern.search(question):
            return kind
    if _COMPUTE_WORDS.search(question) or _MONEY_WORDS.search(question):
        return "amount"  # "What is Hong Kong's total computing power?"
    return "define" if _DEFINE.search(question) else "what"


def _unit_of(unit: str) -> str:
    from .figures import EN_UNITS

    return EN_UNITS.get(unit, unit).lower().replace("active ", "")


def _fits(figure: tuple, kinds: tuple[str, ...], question: str) -> bool:
    """A parsed figure of a kind asked for, in the direction asked for (a fall
    for "收跌多少"), of the unit asked for ("how many active users")."""
    kind, value = figure[0], figure[1]
    if kind not in kinds:
        return False
    if kind == "percent" and ((_DOWN.search(question) and value >= 0) or (_UP.search(question) and value < 0)):
        return False
    hinted = [u for u, pattern in _UNIT_HINTS.items() if pattern.search(question)]
    return kind != "count" or not hinted or _unit_of(figure[2]) in hinted


def wanted_kinds(kind: str, question: str) -> tuple[str, ...]:
    if kind == "amount":
        if _COMPUTE_WORDS.search(question):
            return ("compute",)
        if _MONEY_WORDS.search(question):
            return ("money",)
    return _KINDS.get(kind, ())


def quotable(sentence: str) -> str | None:
    """The part of a source sentence that may stand as an answer, or None.
    Always a contiguous piece of the sentence: bullets, a byline or agency
    prefix and trailing footnote markers are cut, nothing is added."""
    core = _BULLET.sub("", sentence)
    had_marker = bool(FOOTNOTE_MARKERS.search(core))
    core = FOOTNOTE_MARKERS.sub("", core).strip()
    core = _FURNITURE_PREFIX.sub("", core).strip()
    if not core or _FURNITURE.search(core) or _TRUNCATED.search(core):
        return None
    if not (core[-1] in _ENDS or had_marker):
        return None  # a heading, a table cell, or a sentence cut by a column break
    cjk = contains_cjk(core)
    if (cjk and len(core) < 10) or (not cjk and len(core.split()) < 5):
        return None
    words = sum(ch.isalnum() for ch in core)  # a table row of dashes and symbols is not a sentence
    return core if words >= 0.6 * len(core.replace(" ", "")) else None


@dataclass
class Passage:
    """A hit widened to the whole sentences of its document."""

    hit: Hit
    rank: int
    start: int
    text: str
    sentences: list[str]


def widen(hit: Hit, rank: int, doc_text: str | None) -> Passage:
    if not doc_text or doc_text[hit.start:hit.start + len(hit.text)] != hit.text:
        spans = sentence_spans(hit.text)
        return Passage(hit, rank, hit.start, hit.text, [hit.text[a:b] for a, b in spans])
    end = hit.start + len(hit.text)
    spans = [(a, b) for a, b in sentence_spans(doc_text) if a < end and b > hit.start]
    start, stop = spans[0][0], spans[-1][1]
    return Passage(hit, rank, start, doc_text[start:stop], [doc_text[a:b] for a, b in spans])


@dataclass
class Candidate:
    score: float
    passage: Passage
    sentence: str  # the source sentence
    quote: str  # its quotable part


def _weights(terms: list[str], candidates: list[str]) -> dict[str, float]:
    """Rarer terms weigh more: IDF over the candidate sentences."""
    folded = [fold(c) for c in candidates]
    n = len(folded)
    out = {}
    for t in terms:
        df = sum(says(c, t) for c in folded)
        size = min(len(t), 4) / 2 if contains_cjk(t) else 1.5
        out[t] = size * math.log(1 + (n + 1) / (1 + df))
    return out


def _proximity(text: str, weights: dict[str, float], concept: dict[str, int]) -> float:
    """Terms of two concepts within 8 characters of each other ("推出「通義千問」")
    are strong evidence: the lighter one's weight again. (Two wordings of one
    concept side by side, "行政长官李家超", are not.)"""
    spots = [(m.start(), m.end(), t) for t in weights for m in re.finditer(re.escape(t), text)]
    close = [min(weights[a[2]], weights[b[2]]) for i, a in enumerate(spots) for b in spots[i + 1:]
             if concept[a[2]] != concept[b[2]]
             and (0 <= b[0] - a[1] <= 8 or 0 <= a[0] - b[1] <= 8)]
    return max(close, default=0.0)


def _has_kind(sentence: str, kinds: tuple[str, ...], kind: str, question: str) -> bool:
    if kind == "date":
        return bool(dates_in(sentence))
    return any(_fits(f, kinds, question) for f in figures_in_sentence(sentence))


def rank_sentences(plan: QueryPlan, passages: list[Passage], question: str, context: list[str] = ()
                   ) -> list[Candidate]:
    kind = asks(question)
    kinds = wanted_kinds(kind, " ".join([question, *context]))
    pool = [(p, s, q) for p in passages for s in p.sentences if (q := quotable(s))]
    # The question's concepts, each with the other ways the glossary says it (an English
    # passage answering a Chinese question says 风险 as "risk"). A concept counts once,
    # by its best-weighted wording: 李家超 and 行政长官 are one person, not two reasons.
    groups = [list(dict.fromkeys(c)) for c in plan.concepts if not set(c) & set(context)]
    grouped = {a for g in groups for a in g}
    groups += [[t] for t in dict.fromkeys(plan.salient) if t not in context and t not in grouped]
    focus = list(dict.fromkeys(a for g in groups for a in g))
    concept = {a: i for i, g in enumerate(groups) for a in g}
    weights = _weights(focus + list(context), [q for _, _, q in pool])
    for name in plan.names:  # "How did Baidu's shares do?": the company matters more than "shares"
        weights[name] = 2 * weights.get(name, 0.0)
    out = []
    for passage, sentence, quote in pool:
        text = fold(quote)
        best = [max((weights[a] for a in g if says(text, a)), default=0.0) for g in groups]
        # Lucene's coordination factor: a sentence saying two of three concepts loses a third,
        # however rare its words ("What did John Lee say about Web3?" wants Web3 too).
        coord = sum(b > 0 for b in best) / len(groups) if groups else 1.0
        score = coord * sum(best) + 0.5 * sum(weights[t] for t in context if says(text, t))
        if groups and not coord:  # a follow-up's topic alone does not answer it ("那數碼港呢？" asks about 數碼港)
            score *= 0.3
        if score <= 0:
            continue
        score += _proximity(text, {t: weights[t] for t in focus if says(text, t)}, concept)
        if kind in ("amount", "count", "percent", "date"):
            score *= 1.6 if _has_kind(quote, kinds or _KINDS["amount"], kind, question) else 0.6
        elif kind == "said":
            score *= 1.6 if _SPEECH.search(quote) else 0.8
        elif kind == "define":  # "What is X?": a sentence about X (X its subject, near the start)
            score *= 1.3 if any(says(text[:8 + len(t)], t) for t in focus if len(t) > 1) else 1.0  # starts there
        out.append(Candidate(score * (1 - 0.04 * passage.rank), passage, sentence, quote))
    return sorted(out, key=lambda c: -c.score)


def answer_coverage(plan: QueryPlan, text: str, question: str, context: list[str] = ()) -> float:
    """`retrieval.coverage` of a passage, where a figure of the kind asked for
    says the question's words for that kind: "10亿港元" answers the 资金 of
    "多少資金" and the "funding" of "How much funding", "3000 PFLOPS" its 算力."""
    kind = asks(question)
    if kind not in ("amount", "count"):
        return coverage(plan, text)
    kinds = wanted_kinds(kind, " ".join([question, *context])) or _KINDS["amount"]
    named = frozenset(i for i, c in enumerate(plan.concepts)
                      if any(_MONEY_WORDS.search(a) or _COMPUTE_WORDS.search(a) for a in c))
    if named and any(_fits(f, kinds, question) for f in figures_in_sentence(text)):
        return coverage(plan, text, given=named)
    return coverage(plan, text)


def _similar(a: str, b: str) -> bool:
    x, y = ({s[i:i + 2] for i in range(len(s) - 1)} for s in (fold(a), fold(b)))
    return bool(x and y) and len(x & y) / min(len(x), len(y)) > 0.6


def _figure_line(chosen: list[Candidate], numbers: dict[int, int], plan: QueryPlan, question: str,
                 lang: str, context: list[str]) -> str:
    """The figures that answer, rendered for the asker, each with its citation;
    nearest after a focus term first (the subject comes before its figure)."""
    kind = asks(question)
    kinds = wanted_kinds(kind, " ".join([question, *context])) or _KINDS["amount"]
    shown: dict[str, list[int]] = {}  # rendered figure -> citation numbers
    # The answering sentence's figure; others' only when they name what the question names.
    for c in chosen[:1] + [c for c in chosen[1:] if plan.names and all(n in fold(c.quote) for n in plan.names)]:
        text = to_simplified(c.quote.lower())  # folded like the terms, character for character
        focus = [t for t in plan.salient if t not in context] or plan.salient
        anchors = [m.end() for t in focus for m in re.finditer(re.escape(t), text)] or [0]
        found = []
        if kind == "date":
            for d in dates_in(c.quote):
                at = c.quote.index(d.raw)
                found.append((min(at - a if at >= a else 3 * (a - at) for a in anchors), render_date(d, lang)))
        elif kind in ("amount", "count", "percent"):
            for fkind, value, unit, currency, raw in figures_in_sentence(c.quote):
                if _fits((fkind, value, unit), kinds, question):
                    at = c.quote.index(raw)
                    distance = min(at - a if at >= a else 3 * (a - at) for a in anchors)
                    found.append((distance, render_figure(fkind, value, unit, currency, lang, raw, c.quote[:at],
                                                          detect_script(c.quote))))
        if found:
            cites = shown.setdefault(min(found)[1], [])
            if numbers[id(c.passage)] not in cites:
                cites.append(numbers[id(c.passage)])
    figures = "; ".join(f"{text} " + "".join(f"[{n}]" for n in cites) for text, cites in shown.items())
    return i18n.t("answer.figures", lang, figures=figures) if shown else ""


def extractive_answer(question: str, plan: QueryPlan, hits: list[Hit], doc_texts: dict[str, str] | None = None,
                      *, max_sentences: int = 3, context: list[str] = (),
                      page_starts: dict[str, list[int]] | None = None) -> Answer:
    """Pick the whole sentences of the top passages that answer the question.
    `page_starts` (a PDF's pages in its text) lets each citation name the pages of its quotes."""
    lang = plan.script
    not_found = Answer(question, i18n.t("answer.not_found", lang), "extractive", [], lang, answered=False)
    # How much of the question each passage says, over its whole sentences (what would be quoted),
    # not the chunk, which may end before the sentence's subject.
    widened = [widen(h, r, (doc_texts or {}).get(h.doc_id)) for r, h in enumerate(hits)]
    said = [answer_coverage(plan, p.text, question, list(context)) for p in widened]
    if not widened or max(said) < MIN_COVERAGE:
        return not_found
    passages = [p for p, c in zip(widened, said) if c >= max(MIN_COVERAGE, 0.5 * max(said))]
    ranked = rank_sentences(plan, passages, question, list(context))
    if not ranked:
        return not_found
    chosen: list[Candidate] = []
    for c in ranked:
        if len(chosen) >= max_sentences or c.score < 0.6 * ranked[0].score:
            break
        if not any(_similar(c.quote, x.quote) for x in chosen):
            chosen.append(c)

    numbers: dict[int, int] = {}
    citations: list[Citation] = []
    for c in chosen:
        p = c.passage
        if id(p) not in numbers:
            numbers[id(p)] = len(numbers) + 1
            citations.append(Citation(numbers[id(p)], p.hit.doc_id, p.hit.title, p.hit.source, p.text, p.hit.publisher,
                                      p.hit.date, p.hit.script, p.start))
        cited = citations[numbers[id(p)] - 1]
        cited.highlights.append(c.quote)
        if starts := (page_starts or {}).get(p.hit.doc_id):  # the pages of the quoted sentences
            at = p.start + max(p.text.find(c.sentence), 0)
            first, last = page_span(starts, at, at + len(c.sentence))
            cited.pages = [min(first, cited.pages[0]), max(last, cited.pages[1])] if cited.pages else [first, last]
        else:
            cited.pages = list(p.hit.pages)

    lines, converted = [], False
    source_lang = {"en" if c.passage.hit.script == "en" else "zh" for c in chosen}
    asker = "en" if lang == "en" else "zh"
    foreign = source_lang != {asker}
    if foreign:  # the asker reads another language than (some of) the quotes
        # Without a figure, say only what is checked: that the quotes answer when they say
        # every concept of the question (in some language), else that they are the closest.
        whole = coverage(plan, " ".join(c.quote for c in chosen), strict=True) == 1.0
        other = "chinese" if asker == "en" else "english"
        lines.append(_figure_line(chosen, numbers, plan, question, lang, list(context))
                     or i18n.t(f"answer.in_{other}" if whole else f"answer.closest_in_{other}", lang))
    for c in chosen:
        shown = c.quote
        if asker == "zh" and c.passage.hit.script in ("zh-Hant", "zh-Hans") and c.passage.hit.script != lang:
            shown = to_script(shown, lang)
            converted = converted or shown != c.quote
        lines.append(f"{shown} [{numbers[id(c.passage)]}]")
    body = "\n\n".join(lines)
    answer = Answer(question, body, "extractive", citations, lang,
                    notice=i18n.t("answer.converted", lang) if converted else "")
    answer.grounding = check_grounding(body, [c.text for c in citations], given=len(citations))
    return answer
