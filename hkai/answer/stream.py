"""A generated answer as it arrives: a plain iterator of text pieces for the
page to hand to `st.write_stream`; once it is exhausted, `answer` holds the
final Answer (whose `fallback` says why a generated one was not used). The
work runs in a thread of its own; an error in it is raised again at the end
of the iteration, in the caller's thread."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator

from ..core.types import Answer

_END = object()


class AnswerStream:
    def __init__(self, work: Callable[[Callable[[str], None]], Answer]) -> None:
        self._work = work
        self.answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        pieces: queue.Queue = queue.Queue()
        failed: list[BaseException] = []

        def run() -> None:
            try:
                self.answer = self._work(pieces.put)
            except Exception as exc:  # raised again below, in the page's thread, which logs it
                failed.append(exc)
            finally:
                pieces.put(_END)

        threading.Thread(target=run, daemon=True, name="hkai-answer").start()
        while (piece := pieces.get()) is not _END:
            yield piece
        if failed:
            raise failed[0]
