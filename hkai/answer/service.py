"""The one answer service the Ask page and the CLI call.

refusal (empty or over-long) → plan (a follow-up with the question it leans
on; with a model, the model's standalone rewrite) → retrieve → extractive or
generated (within the visitor's budget of generated answers) → grounding →
fallback to the verified extractive answer, keeping a follow-up's earlier
question. Every fallback is logged at WARNING with its typed reason (never the
key); the page only renders what comes back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from ..core import i18n
from ..core.config import Limits, LLMSettings
from ..core.memory import give_back_freed_memory
from ..core.script import answer_language
from ..core.types import PUBLIC, Answer
from ..retrieve.planner import plan_query, with_translation
from .budget import CallBudget, question_refusal
from .citations import unverified
from .context import Asked, Read, Search
from .offline import ExtractiveAnswers
from .stream import AnswerStream

logger = logging.getLogger(__name__)


class AnswerService:
    """Answers for every visitor of one library (shared across threads; it keeps no per-visitor state)."""

    def __init__(self, search: Search, read: Read, dense, limits: Limits, llm: LLMSettings | None,
                 model=None, spans=None) -> None:
        self.search, self.read, self.dense, self.limits, self.llm = search, read, dense, limits, llm
        self.spans = spans  # the trained span reader (`span.pool.Spans`), or None
        self.offline = ExtractiveAnswers(search, read, dense, spans)
        self._model = model  # a chat model given directly (tests, the bench); else one is made from `llm`

    def using(self, *, llm: LLMSettings | None = None, model=None) -> AnswerService:
        """The same library answered with another model: its settings, or a LangChain chat model."""
        return AnswerService(self.search, self.read, self.dense, self.limits, llm or self.llm, model, self.spans)

    @property
    def generates(self) -> bool:
        """Whether a language model is configured."""
        return self._model is not None or self.llm is not None

    def refusal(self, question: str, lang: str = "en") -> Answer | None:
        """A question not to answer (empty, or over HKAI_MAX_QUESTION_CHARS), as
        an answer saying why (`refused` is "empty" or "too_long") in the
        asker's language (`answer_language`); None for a fine question."""
        lang = answer_language(question, lang)
        refused = question_refusal(question, self.limits.question_chars, lang)
        if refused is None:
            return None
        return Answer(question, refused[1], "extractive", [], lang, answered=False, refused=refused[0])

    def gather(self, question: str, owners: Iterable[str] = (PUBLIC,), k: int = 8, previous: str | None = None
               ) -> Asked:
        return self.offline.gather(question, owners, k, previous)

    def extractive(self, question: str, owners: Iterable[str] = (PUBLIC,), k: int = 8,
                   previous: str | None = None, lang: str = "en") -> Answer:
        """The offline answer, after the same refusal (see `offline.ExtractiveAnswers.answer`)."""
        return self.refusal(question, lang) or self.offline.answer(question, owners, k, previous)

    # ---- the one entry point -------------------------------------------------------
    def answer(self, question: str, *, owners: Iterable[str] = (PUBLIC,), previous: str | None = None,
               history: list[tuple[str, str]] | None = None, generate: bool | None = None,
               budget: CallBudget | None = None, on_token: Callable[[str], None] | None = None,
               lang: str = "en") -> Answer:
        """The answer to `question` for a visitor who sees `owners`' documents.
        `previous`: the question a follow-up leans on; `history`: the
        conversation so far (question, answer); `generate`: whether to use the
        language model (the visitor's choice; None: if one is configured; True
        without one says so); `budget`: the
        visitor's remaining generated answers; `on_token`: hears a generated
        answer as it arrives; `lang`: the reader's, for a question without words of its own (empty)."""
        try:
            return self._answer(question, list(owners), previous, history, generate, budget, on_token, lang)
        finally:
            # What the answer worked with, freed in the arena of the visitor's thread (each Streamlit run is a
            # thread of its own), goes back to the system: 2-7 ms; ten questions held 60 MB more, 41 after it.
            give_back_freed_memory()

    def _answer(self, question: str, owners: list[str], previous: str | None, history: list[tuple[str, str]] | None,
                generate: bool | None, budget: CallBudget | None, on_token: Callable[[str], None] | None,
                lang: str) -> Answer:
        if (refused := self.refusal(question, lang)) is not None:
            return refused
        if generate is False or (generate is None and not self.generates):
            return self.offline.answer(question, owners, previous=previous)
        if not self.generates:
            return self._fallback(question, owners, previous, "not_configured", {})
        if budget is not None and not budget.take():
            return self._fallback(question, owners, previous, "limit", {"n": budget.limit})
        turns = list(history or []) or ([(previous, "")] if previous else [])
        from . import llm  # LangChain's OpenAI client: loaded when first needed

        try:
            model = self._model or llm.make_chat_model(self.llm)
            standalone = llm.condense(model, turns, question)
            plan = plan_query(standalone)
            if plan.script == "en":  # the Chinese sources are found by the words of a translation too
                plan = with_translation(plan, llm.translate(model, standalone))
            hits = self.search(plan, 5, owners)
            lang = plan_query(question).script
            if not hits:
                return Answer(question, i18n.t("answer.not_found", lang), "llm", [], lang, answered=False)
            answer = llm.generate(model, question, hits, lang, on_token)
            answer.searched = standalone if standalone != question else ""
        except Exception as exc:  # every failure is a notice and the verified answer, never a traceback
            failure = llm.failure_of(exc)
            return self._fallback(question, owners, previous, failure.code, failure.detail)
        if (problem := unverified(answer)) is None:
            return answer
        return self._fallback(question, owners, previous, *problem, generated=answer)

    def _fallback(self, question: str, owners: list[str], previous: str | None, code: str, detail: dict,
                  generated: Answer | None = None) -> Answer:
        """The verified extractive answer instead of a generated one, saying
        why; the model's unverified text stays one click away."""
        logger.warning("generated answer not used (%s%s); giving the extractive answer", code,
                       f": {detail}" if detail else "")
        answer = self.offline.answer(question, owners, previous=previous)
        reason = i18n.t("llm.limit" if code == "limit" else f"llm.reason.{code}", answer.script, **detail)
        answer.notice = " ".join(x for x in (i18n.t("llm.fallback", answer.script, reason=reason), answer.notice)
                                 if x)
        answer.fallback = code
        if generated is not None:
            answer.generated = generated.answer
            if flagged := generated.grounding.get("unsupported_figures"):
                answer.grounding["generated_unsupported"] = flagged
        return answer

    def stream(self, question: str, **kw) -> AnswerStream:
        """The same answer as a plain iterator of the generated text's pieces (`stream.AnswerStream`)."""
        return AnswerStream(lambda heard: self.answer(question, on_token=heard, **kw))

    def translate(self, passage: str, lang: str, budget: CallBudget | None = None) -> tuple[str, dict]:
        """A quote in the reader's language through the model, its figures checked against the quote;
        raises `llm.LLMUnavailable` (code "limit" past the visitor's budget, "not_configured" without a model)."""
        from . import llm

        if not self.generates:
            raise llm.LLMUnavailable("not_configured")
        if budget is not None and not budget.take():
            raise llm.LLMUnavailable("limit", n=budget.limit)
        try:
            return llm.translate_quote(self._model or llm.make_chat_model(self.llm), passage, lang)
        except Exception as exc:
            raise llm.failure_of(exc) from exc
