"""The offline answer: source sentences and table rows that answer, chosen by
the fitted reader, or one sentence saying the documents do not. A question's
shape decides how many: one answer, one sentence per point ("Summarise … in
three points"), or the best sentence about each side ("Compare A and B")."""

from __future__ import annotations

from collections.abc import Iterable

from ..core.types import PUBLIC, Answer
from ..retrieve.planner import plan_query
from .context import Asked, Read, Search, gather
from .extractive import compose, extractive_answer, names_all, not_found, rank
from .shape import shape_of


class ExtractiveAnswers:
    def __init__(self, search: Search, read: Read, dense, spans=None) -> None:
        self.search, self.read, self.dense, self.spans = search, read, dense, spans

    def gather(self, question: str, owners: Iterable[str] = (PUBLIC,), k: int = 8, previous: str | None = None
               ) -> Asked:
        return gather(question, self.search, self.read, owners, k, previous)

    def answer(self, question: str, owners: Iterable[str] = (PUBLIC,), k: int = 8,
               previous: str | None = None) -> Answer:
        """Source sentences that answer, or one sentence saying the documents do
        not; `previous` (the last question, or what it searched) carries its
        topic into a follow-up. "Summarise … in three points" gets one sentence
        per point, "Compare A and B" the best sentence about each side."""
        owners = list(owners)
        shape = shape_of(question)
        if shape.kind == "sides":
            return self._compare(question, shape.sides, owners, k)
        topic = shape.topic if shape.kind == "points" else question
        asked = self.gather(topic, owners, k, previous)
        answer = extractive_answer(topic, asked.plan, asked.hits, asked.texts, own=asked.own,
                                   previous=asked.previous, dense=self.dense, page_starts=asked.page_starts,
                                   tables=asked.tables, points=shape.n if shape.kind == "points" else 0,
                                   spans=self.spans)
        answer.question = question
        answer.searched = asked.plan.question if asked.previous is not None else ""
        return answer

    def _compare(self, question: str, sides: list[str], owners: list[str], k: int) -> Answer:
        chosen, starts, confidence = [], {}, 1.0
        for side in sides:
            asked = self.gather(side, owners, k)
            # A side is a topic ("通義千問"), not a question: the span reader, trained on questions, does not
            # read it; the sentence reader alone ranks its sentences.
            ranked = rank(side, asked.plan, asked.hits, asked.texts, own=asked.own, dense=self.dense,
                          tables=asked.tables)
            # The side's best sentence that names it (with the sentence before it): a sentence about the
            # other side, however well it reads, does not answer this one.
            if ranked.chosen(1):
                chosen += [c for c in ranked.candidates if names_all(c, asked.own)
                           and not any(c.quote == x.quote for x in chosen)][:1]
            starts.update(asked.page_starts)
            confidence = min(confidence, ranked.answers)
        plan = plan_query(question)
        if len(chosen) < len(sides):
            return not_found(question, plan.script)
        answer = compose(question, plan.script, plan, chosen, page_starts=starts, numbered=True)
        answer.confidence = confidence
        return answer
