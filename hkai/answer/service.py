"""The one answer service the Ask page and the CLI call.

refusal (empty or over-long) → extractive or generated (within the visitor's
budget of generated answers) → grounding → fallback to the verified extractive
answer, keeping a follow-up's earlier question. Every fallback is logged at
WARNING with its reason; the page only renders what comes back.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator

from ..core import i18n
from ..core.types import PUBLIC, Answer
from .budget import CallBudget

logger = logging.getLogger(__name__)


def answer(lib, question: str, *, owners: Iterable[str] = (PUBLIC,), previous: str | None = None,
           history: list[tuple[str, str]] | None = None, generate: bool = True, budget: CallBudget | None = None,
           on_token: Callable[[str], None] | None = None) -> Answer:
    """The answer to `question` for a visitor who sees `owners`' documents.
    `previous`: the question a follow-up leans on; `generate`: use the
    configured language model if there is one (the visitor's choice);
    `budget`: the visitor's remaining generated answers."""
    owners = list(owners)
    if (refused := lib.refusal(question)) is not None:
        return refused
    settings = lib.settings.llm
    if not generate or settings is None:
        return lib.ask(question, owners=owners, previous=previous)
    if budget is not None and not budget.take():
        logger.warning("generated answer not used (the session's limit of %d is reached)", budget.limit)
        fallback = lib.ask(question, owners=owners, previous=previous)
        fallback.notice = i18n.t("llm.fallback", fallback.script, reason=i18n.t("llm.limit", fallback.script,
                                                                                  n=budget.limit))
        fallback.fallback = "limit"
        return fallback
    from .llm import answer_with_llm

    turns = list(history or []) or ([(previous, "")] if previous else [])
    return answer_with_llm(lib, question, history=turns, owners=owners, on_token=on_token, settings=settings,
                           previous=previous)


def stream(lib, question: str, **kw) -> tuple[Iterator[str], dict]:
    """For a page that shows a generated answer as it arrives: a generator of
    text pieces, and a dict holding the final Answer under "answer" once the
    generator is exhausted (the work runs in a thread of its own)."""
    box: dict = {}

    def pieces() -> Iterator[str]:
        q: queue.Queue = queue.Queue()

        def work() -> None:
            try:
                box["answer"] = answer(lib, question, on_token=q.put, **kw)
            except Exception as exc:  # handed to the page, which logs it and shows a sentence
                box["error"] = exc
            finally:
                q.put(None)

        threading.Thread(target=work, daemon=True, name="hkai-answer").start()
        while (piece := q.get()) is not None:
            yield piece

    return pieces(), box
