"""The offline answer: whole source sentences, the one that answers first.

The reader scores every candidate sentence of the retrieved passages
(`signals`, `reader`); when even the best is below the calibrated threshold
the answer is one sentence saying the documents do not answer. Otherwise the
best sentence is quoted, and a second when the reader rates it nearly as high.

The answer writes nothing of its own beyond fixed lines and plain renderings of
figures parsed from the quoted sentences: an English question over Chinese
sources opens with the answering sentence's figure in English (HK$1 billion
[1]) when a figure or date is asked for; a Chinese question over English
sources, with it in the asker's script. Otherwise one fixed line says the
quotes are in the other language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..core import i18n
from ..core.amounts import figures_in_sentence
from ..core.dates import dates_in, render_date
from ..core.rendering import EN_UNITS, render_figure
from ..core.script import contains_cjk, detect_script, fold, to_script, to_simplified
from ..core.sentences import similar
from ..core.types import Answer, Citation, Hit
from ..retrieve.planner import QueryPlan, plan_query
from .asks import asks, asks_change
from .derived import Derivation, derive, operation, states_share
from .glosses import english_name, says_by_pinyin
from .grounding import check_grounding
from .reader import mode_of, score
from .reference import floor, reference_vectors
from .signals import (
    FEATURES,
    SPAN_FLOOR,
    Candidate,
    across,
    candidates,
    folded_quotes,
    measure,
    measure_spans,
    question_terms,
    question_words,
    unnamed_share,
    widen,
)

# The two best hits are read with their neighbourhoods (a passage's length either side): the sentence that
# answers often stands just outside the passage that matched the question best (bench/fit_answers.py: CMRC
# gold in the answer 0.794 without, 0.819 with).
AROUND, AROUND_HITS = 320, 2
# Above the threshold but below even odds that the best candidate answers (`reader.answerable`), a quote in
# the other language is introduced as the closest passage, not as the answer.
SURE = 0.5
MISSING_VECTORS = 16  # sentences without cached vectors the answerer encodes itself; more: lexical weights


def _vectors(dense, plan: QueryPlan, pool: list[Candidate]):
    """The question's vector, the candidates' (cached at indexing) and the
    question's similarity floor (`reference.floor`), or (None, None, 0.0): the
    lexical weights answer when the model has no reference sentences."""
    if dense is None or plan.script not in dense.languages or not pool or reference_vectors(dense.name) is None:
        return None, None, 0.0
    texts = folded_quotes(pool)
    vectors = dense.sentence_vectors(texts, compute=False)
    missing = sum(v is None for v in vectors)
    if missing:
        if missing > MISSING_VECTORS:
            return None, None, 0.0
        vectors = dense.sentence_vectors(texts, compute=True)
    q = np.asarray(dense.embed_query(to_simplified(plan.question)), dtype=np.float32)
    q /= max(float(np.linalg.norm(q)), 1e-9)
    q_floor = floor(dense.name, q)  # None: reference sentences of another size than the model's vectors
    return (q, vectors, q_floor) if q_floor is not None else (None, None, 0.0)


@dataclass
class Ranked:
    candidates: list[Candidate]  # best first
    answers: float  # how likely the best candidate answers (`reader.answerable`)
    threshold: float
    second: float
    third: float = 2.0

    def chosen(self, max_sentences: int = 3) -> list[Candidate]:
        """The answering sentences: none below the threshold; the best, then
        those nearly as good (a second at `second` of its probability, a third at `third`)."""
        if not self.candidates or self.answers < self.threshold:
            return []
        best = self.candidates[0]
        chosen = [best]
        for c in self.candidates[1:]:
            share = self.second if len(chosen) == 1 else self.third
            if len(chosen) >= max_sentences or c.p < share * best.p:
                break
            if not any(similar(c.quote, x.quote) for x in chosen):
                chosen.append(c)
        return chosen

    def points(self, n: int) -> list[Candidate]:
        """`n` sentences that say different things, from different passages where
        they can ("Summarise … in three points"), best first. The reader's
        probabilities are for one answer, so after the first a point needs no
        share of it, only some of the question's terms."""
        if not self.candidates or self.answers < self.threshold:
            return []
        chosen: list[Candidate] = []
        lex = FEATURES.index("lex")
        for same_passage in (False, True):
            for c in self.candidates:
                if len(chosen) >= n:
                    break
                if c in chosen or c.features[lex] <= 0 or any(similar(c.quote, x.quote) for x in chosen):
                    continue
                if not same_passage and any(x.passage.hit.doc_id == c.passage.hit.doc_id
                                            and x.passage.hit.ordinal == c.passage.hit.ordinal for x in chosen):
                    continue
                chosen.append(c)
        return chosen


def rank(question: str, plan: QueryPlan, hits: list[Hit], doc_texts: dict[str, str] | None = None, *,
         own: QueryPlan | None = None, previous: QueryPlan | None = None, dense=None,
         tables: dict[str, list[tuple[int, str, str]]] | None = None, spans=None) -> Ranked:
    """The candidate sentences (and table cells) of the hits, scored by the reader; `spans`
    (`span.pool.Spans`) adds the trained span reader's answer in each sentence."""
    passages = [widen(h, r, (doc_texts or {}).get(h.doc_id), AROUND if r < AROUND_HITS else 0)
                for r, h in enumerate(hits)]
    pool = candidates(passages, tables)
    q_vector, vectors, q_floor = _vectors(dense, plan, pool)
    kind = asks(question) or (asks(previous.question) if previous else "")
    asked = own or plan
    measure(question, kind, pool, question_terms(asked, previous), q_vector, vectors,
            question_words(asked, previous), q_floor, asked.named())
    mode = mode_of(vectors is not None, (own or plan).script, across(pool))
    weights, answers = score(pool, mode)
    if spans is not None and (read := spans.read(question, pool)) is not None:
        # The span reader reads the sentences the reader without it ranks best (and those around them); its
        # scores join, and the reader with them decides.
        measure_spans(pool, read)
        weights, answers = score(pool, mode + "-span")
    return Ranked(sorted(pool, key=lambda c: -c.p), answers, weights.threshold, weights.second, weights.third)


def named_span(c: Candidate, sure: bool, plan: QueryPlan) -> str | None:
    """The span reader's answer in the first chosen sentence, verbatim, or None (not sure, the sentence
    was not read, its reader scores "no answer" above it (across languages: unless it is a figure or a
    date), or the span only repeats what the question names). Whether the library answers at all is the
    sentence reader's to say, the span reader's score among its signals; once it answers, the span is the
    shortest answer in the sentence it quotes."""
    if not sure or c.span is None:
        return None
    start, end = c.span
    for *_, raw in figures_in_sentence(c.quote):  # a figure the span cuts ("120 million" of HK$120 million) is whole
        at = c.quote.find(raw)
        if 0 <= at < end and at + len(raw) > start:
            start, end = min(start, at), max(end, at + len(raw))
    text = c.quote[start:end].strip(" ，,。、；;：:")
    if not text or _echoes(text, plan) or not _of_the_kind_asked(text, c.quote, plan):
        return None
    # The span reader must itself think the sentence answers; across languages, where its no-answer score is
    # the weaker signal (docs/benchmarks.md), a figure or date it reads stands on the sentence reader's odds
    # (it is rendered for the asker and checked by value against the quote).
    if c.named.get("span", 0.0) > 0:
        return text
    return text if not _same_language(plan, c) and kind_of(text) else None


def _of_the_kind_asked(span: str, quote: str, plan: QueryPlan) -> bool:
    """A question asking by how much something changed is answered by a change (a percentage), not by a level
    beside it: a span holding figures, none of them a percentage, where the sentence states one, is not the
    answer ("百度股價收跌多少？" over "阿里巴巴股價昨收報99.3元，升1.59%…但百度則收跌5.39%")."""
    if not asks_change(plan.question):
        return True
    kinds = {k for k, *_ in figures_in_sentence(span)}
    return not kinds or "percent" in kinds or all(k != "percent" for k, *_ in figures_in_sentence(quote))


def holds_what_is_asked(chosen: list[Candidate], kind: str) -> bool:
    """A question asking when (or how much) is answered only by a sentence holding a date (a figure): a quote
    without one may be about the topic, not the answer ("When did Alibaba launch Tongyi Qianwen?" over the
    launch's report, which gives no date). It words the line an asker of another language reads; it does not
    withhold the span reader's answer (dates and numbers in words, "十九世紀", "三個", are not all parsed: as a
    condition on the span it cost span F1 0.05-0.09 on the public sets' fitting halves)."""
    if kind == "date":
        return any(dates_in(c.quote) for c in chosen)
    if kind == "number":
        return any(figures_in_sentence(c.quote) for c in chosen)
    return True


def _same_language(plan: QueryPlan, c: Candidate) -> bool:
    """Whether the question and the candidate's passage are both English or both Chinese."""
    return (plan.script == "en") == (c.passage.hit.script == "en")


def _echoes(span: str, plan: QueryPlan) -> bool:
    """A span the question already says ("What is HKChat?" read as "HKChat") tells the reader nothing: it is
    in the question's words, or it is one of the things the question names, said another way (its glossary
    wording, or its pinyin)."""
    folded = to_simplified(span.lower())
    if folded in to_simplified(plan.question.lower()):
        return True
    def spells_only(w: str) -> bool:  # the span is the name by its readings and nothing more
        return says_by_pinyin(span, w) and not says_by_pinyin(span[1:], w) and not says_by_pinyin(span[:-1], w)
    return any(to_simplified(w.lower()) == folded or (w.isascii() and spells_only(w))
               for wordings in plan.named() for w in wordings)


def kind_of(span: str | None) -> str:
    """A span that is a figure or a date is rendered as one (the question need not have asked "how much")."""
    if not span:
        return ""
    return "number" if figures_in_sentence(span) else "date" if dates_in(span) else ""


def _span_line(span: str | None, c: Candidate, numbers: dict[int, int], lang: str) -> str:
    """"In the sources: 陳德霖 [1]." (with an English name beside a Chinese one where the glossary or
    CC-CEDICT has one, for an English reader); the span in the asker's Chinese script."""
    if not span:
        return ""
    shown = span
    if lang != "en" and contains_cjk(span):
        shown = to_script(span, lang)
    elif lang == "en" and contains_cjk(span) and (english := english_name(span)):
        shown = f"{span} ({english})"
    return i18n.t("answer.figures", lang, figures=f"{shown} [{numbers[id(c.passage)]}]")


def says_what_is_asked(chosen: list[Candidate], plan: QueryPlan) -> bool:
    """Sure only of sentences that say what the question names: of a name no quoted sentence says ("Tencent"
    in none), the passage may be near the topic without answering. Across languages a name often has no
    wording the glossary, CC-CEDICT or pinyin know (a transliterated place or person), and there the span
    reader's own odds that the first sentence answers stand in for it."""
    if any(names_all(c, plan) for c in chosen):
        return True
    return not _same_language(plan, chosen[0]) and chosen[0].named.get("span", SPAN_FLOOR) > SPAN_SAYS_ACROSS


# Above this span score (`signals.span_value`: logits above "no answer", scaled) the span reader's answer
# stands in for a name the question says and the sentence, in another language, does not spell out. Fitted
# on XQuAD's fitting half (English questions over its Chinese paragraphs, and the same questions asked of the
# DRCD library as probes): span F1 0.197 -> 0.317, span lines on probes 0 (0.0: 0.327, 1 line).
SPAN_SAYS_ACROSS = 0.2


def names_all(c: Candidate, plan: QueryPlan) -> bool:
    """Whether a sentence, with the sentence before it (which a "the fund" or "it" refers back to), says
    everything the question names, in some language: the name, another wording of its concept, its English
    words through CC-CEDICT or the glossary, or its pinyin (`signals.unnamed_share`)."""
    names = plan.named()
    if not names:
        return True
    p = c.passage
    before = p.text[p.spans[c.index - 1][0]:p.spans[c.index - 1][1]] if c.index > 0 and not c.cell else ""
    return unnamed_share(names, before + " " + c.quote) == 0


def _figure_line(chosen: list[Candidate], numbers: dict[int, int], plan: QueryPlan, kind: str, lang: str,
                 span: str | None = None) -> str:
    """The figure (or date) nearest after the question's own terms (a
    follow-up's, not its earlier question's) in the first quoted sentence that
    names what the question names, rendered for the asker, with its citation;
    none when no quoted sentence names it (a figure from a sentence about
    something else is no answer)."""
    c = next((c for c in chosen if names_all(c, plan)), None)  # the first quoted sentence that names what is asked
    if c is None:
        return ""
    text = to_simplified(c.quote.lower())  # folded like the terms, character for character
    anchors = [m.end() for t in plan.salient for m in re.finditer(re.escape(t), text)] or [0]

    # The reader's span in the sentence picks its figure where it read the question in the sentence's own
    # language (its span F1 there is measured higher: docs/benchmarks.md); across languages the figure
    # nearest the question's terms, which its own words find.
    where = c.quote.find(span) if span and c is chosen[0] and _same_language(plan, c) else -1
    inside = range(where, where + len(span)) if where >= 0 else range(0)

    def distance(at: int) -> int:  # a figure inside the span first, then the nearest after the question's terms
        return -20_000 if at in inside else min(at - a if at >= a else 3 * (a - at) for a in anchors)

    asked = fold(plan.question)

    def unit_asked(unit: str) -> bool:  # the figure counts what the question counts ("active users": 用戶)
        if not unit:
            return False
        word = EN_UNITS.get(unit, "\0").lower().split()[-1].removesuffix("s")  # a whole word ("models" is not in "modelscope")
        return unit.lower() in asked or re.search(rf"(?<![a-z0-9]){re.escape(word)}s?(?![a-z0-9])", asked) is not None

    found, change = [], asks_change(plan.question)
    if kind == "date":
        found = [(distance(c.quote.index(d.raw)), render_date(d, lang)) for d in dates_in(c.quote)]
    elif kind == "number":
        for fkind, value, unit, currency, raw in figures_in_sentence(c.quote):
            at = c.quote.index(raw)
            found.append((distance(at) - (10_000 if fkind == "count" and unit_asked(unit) else 0)
                          - (5_000 if fkind == "percent" and change else 0),
                          render_figure(fkind, value, unit, currency, lang, raw, c.quote[:at], detect_script(c.quote))))
    return i18n.t("answer.figures", lang, figures=f"{min(found)[1]} [{numbers[id(c.passage)]}]") if found else ""


def _lines(chosen: list[Candidate]) -> list[tuple[str, Candidate]]:
    """The quoted lines: each chosen sentence, except that two chosen sentences
    that follow each other in a passage are one line in the document's order
    (an answer may run from one into the next)."""
    out, used = [], set()
    for c in chosen:
        if id(c) in used:
            continue
        follows = [x for x in chosen if x.passage is c.passage and id(x) not in used and not (x.cell or c.cell)]
        nxt = next((x for x in follows if x.index == c.index + 1), None)
        prv = next((x for x in follows if x.index == c.index - 1), None)
        first, second = (c, nxt) if nxt else (prv, c) if prv else (c, None)
        if second is None:
            out.append((c.quote, c))
            used.add(id(c))
            continue
        joiner = "" if contains_cjk(first.quote[-1] + second.quote[0]) else " "
        out.append((first.quote + joiner + second.quote, first))
        used.update((id(first), id(second)))
    return out


def extractive_answer(question: str, plan: QueryPlan, hits: list[Hit], doc_texts: dict[str, str] | None = None,
                      *, own: QueryPlan | None = None, previous: QueryPlan | None = None, dense=None,
                      max_sentences: int = 3, points: int = 0, page_starts: dict[str, list[int]] | None = None,
                      tables: dict[str, list[tuple[int, str, str]]] | None = None, spans=None) -> Answer:
    """The sentences of the retrieved passages that answer the question, or
    one sentence saying the documents do not. `own` is the question's own plan
    when `plan` also carries a follow-up's earlier question (`previous`);
    `points`: that many sentences, one per point, for "Summarise … in three
    points"; `page_starts` (a PDF's pages in its text) lets each citation name its pages."""
    lang = plan.script
    ranked = rank(question, plan, hits, doc_texts, own=own, previous=previous, dense=dense, tables=tables,
                  spans=spans)
    chosen = ranked.points(points) if points else ranked.chosen(max_sentences)
    if not chosen:
        return not_found(question, lang)
    derivation = None
    kind = asks(question) or (asks(previous.question) if previous else "")
    # A difference, share or sum of figures when a figure is asked ("除了1之外，素数可被什么整除？" asks none), from
    # two cited figures, never the total alone; a share the first sentence states as a percentage is quoted.
    if kind == "number" and (asked := operation(question)) and not (asked[0] == "share" and states_share(chosen[0])):
        derivation = derive(question, plan_query(asked[1]).salient if asked[1] else [], ranked.candidates, lang)
        if derivation is None:
            return Answer(question, i18n.t("answer.not_derived", lang), "extractive", [], lang, answered=False)
        chosen = derivation.sources
    answer = compose(question, lang, plan, chosen, kind, page_starts, derivation, numbered=bool(points), own=own,
                     sure=ranked.answers >= SURE and says_what_is_asked(chosen, own or plan),
                     holds=holds_what_is_asked(chosen, kind))
    answer.confidence = ranked.answers
    return answer


def not_found(question: str, lang: str) -> Answer:
    return Answer(question, i18n.t("answer.not_found", lang), "extractive", [], lang, answered=False)


def compose(question: str, lang: str, plan: QueryPlan, chosen: list[Candidate], kind: str = "",
            page_starts: dict[str, list[int]] | None = None, derivation: Derivation | None = None,
            numbered: bool = False, own: QueryPlan | None = None, sure: bool = True, holds: bool = True) -> Answer:
    """The answer of the chosen sentences: each quoted line with its citation,
    after one fixed line where the asker reads another language than the quotes
    (which says the passage may not answer unless the reader is `sure` and the
    quotes hold the kind of thing asked: a reader who cannot read the quote
    cannot judge it)."""
    numbers: dict[int, int] = {}
    citations: list[Citation] = []
    for c in chosen:
        p = c.passage
        if id(p) not in numbers:
            numbers[id(p)] = len(numbers) + 1
            own_pages = bool((page_starts or {}).get(p.hit.doc_id))  # then the quotes' pages, not the chunk's
            citations.append(Citation(numbers[id(p)], p.hit, p.text, p.start, pages=[] if own_pages else None))
        cited = citations[numbers[id(p)] - 1]
        cited.highlights.append(c.quote)
        if starts := (page_starts or {}).get(p.hit.doc_id):  # the pages of the quoted sentences
            first, last = c.pages(starts)
            cited.pages = [min(first, cited.pages[0]), max(last, cited.pages[1])] if cited.pages else [first, last]

    lines, converted = [], False
    asker = "en" if lang == "en" else "zh"
    span = named_span(chosen[0], sure, own or plan) if not numbered and derivation is None else None
    if derivation is not None:
        lines.append(i18n.t("answer.derived", lang, sum=derivation.text, n=numbers[id(chosen[0].passage)]))
    elif {"en" if c.passage.hit.script == "en" else "zh" for c in chosen} != {asker}:
        other = "chinese" if asker == "en" else "english"
        lines.append(_figure_line(chosen, numbers, own or plan, kind or kind_of(span), lang, span)
                     or _span_line(span, chosen[0], numbers, lang)
                     or i18n.t(f"answer.in_{other}" + ("" if sure and holds else "_unsure"), lang))
    elif span is not None:  # the answer itself first, then the sentence it stands in
        lines.append(_figure_line(chosen, numbers, own or plan, kind or kind_of(span), lang, span)
                     or _span_line(span, chosen[0], numbers, lang))
    for i, (quote, c) in enumerate(chosen_lines := (_lines(chosen) if not numbered else [(c.quote, c) for c in chosen])):
        shown = quote
        if asker == "zh" and c.passage.hit.script in ("zh-Hant", "zh-Hans") and c.passage.hit.script != lang:
            shown = to_script(shown, lang)
            converted = converted or shown != quote
        lines.append(f"{f'{i + 1}. ' if numbered and len(chosen_lines) > 1 else ''}{shown} [{numbers[id(c.passage)]}]")
    body = "\n\n".join(lines)
    answer = Answer(question, body, "extractive", citations, lang,
                    notice=i18n.t("answer.converted", lang) if converted else "",
                    span={"text": span, "source": numbers[id(chosen[0].passage)]} if span else None)
    checked = body.replace(derivation.result, " ") if derivation else body  # the result is arithmetic, not a quote
    answer.grounding = check_grounding(checked, [c.text for c in citations], given=len(citations))
    if derivation:
        answer.grounding["derived"] = [derivation.text]
    return answer


__all__ = ["extractive_answer", "compose", "not_found", "rank", "Ranked"]
