"""How a question and a passage become the reader's inputs: one layout for
training (`bench/train_reader.py`) and reading, so that what was learnt is
what is read.

A window is `<s> query: question </s> passage: context-part </s>`, at most
`MAX_TOKENS` long; a long passage is read in windows that overlap by `OVERLAP`
tokens, so that an answer cut by one window is whole in the next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .tokens import Encoded, Tokens

MAX_TOKENS = 256
MAX_QUESTION = 48
OVERLAP = 64


@dataclass(frozen=True)
class Window:
    ids: np.ndarray  # every token id of the window
    offset: int  # where the context's tokens start in `ids`
    first: int  # the first context token (index into the passage's tokens)
    last: int  # one past the last


def question_ids(tokens: Tokens, question: str) -> np.ndarray:
    return tokens.encode("query: " + question).ids[:MAX_QUESTION]


def prefix_ids(tokens: Tokens) -> np.ndarray:
    return tokens.encode("passage:").ids


def windows(tokens: Tokens, q_ids: np.ndarray, context: Encoded, max_tokens: int = MAX_TOKENS) -> list[Window]:
    """The windows that together cover the context."""
    prefix = prefix_ids(tokens)
    head = np.concatenate([[tokens.bos], q_ids, [tokens.eos], prefix]).astype(np.int64)
    room = max(16, max_tokens - len(head) - 1)
    n = len(context.ids)
    out, first = [], 0
    while True:
        last = min(n, first + room)
        ids = np.concatenate([head, context.ids[first:last], [tokens.eos]]).astype(np.int64)
        out.append(Window(ids, len(head), first, last))
        if last >= n:
            return out
        first = last - min(OVERLAP, room // 2)

MAX_ANSWER_TOKENS = 30  # the longest span the reader names
