"""Training examples as windows with their start and end tokens (0, the first token, where the window holds no answer)."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from hkai.answer.span.tokens import Tokens
from hkai.answer.span.windows import question_ids, windows

from .data import Example

NULL_WINDOWS = 0.3  # of a paragraph's windows without its answer, this share is kept
OVERSAMPLE = {"xquad-en": 2, "xquad-zh": 2, "seeds": 3}  # few examples, the languages and library the app is for


@dataclass
class Feature:
    ids: np.ndarray
    start: int
    end: int
    group: str


def answer_tokens(tokens_starts: np.ndarray, token_ends: np.ndarray, a: int, b: int) -> tuple[int, int] | None:
    """The first and last context token covering characters [a, b), or None."""
    inside = np.nonzero((token_ends > a) & (tokens_starts < b))[0]
    return (int(inside[0]), int(inside[-1])) if len(inside) else None


def featurise(tokens: Tokens, examples: list[Example], rng: random.Random, *, keep_all: bool = False) -> list[Feature]:
    out = []
    for e in examples:
        q = question_ids(tokens, e.question)
        ctx = tokens.encode(e.context)
        span = answer_tokens(ctx.starts, ctx.ends, e.start, e.start + len(e.answer)) if e.start >= 0 else None
        ws = windows(tokens, q, ctx)
        for i, w in enumerate(ws):
            if span and w.first <= span[0] and span[1] < w.last:
                f = Feature(w.ids, w.offset + span[0] - w.first, w.offset + span[1] - w.first, e.group)
            elif keep_all or (span is None and i == 0) or rng.random() < NULL_WINDOWS:
                f = Feature(w.ids, 0, 0, e.group)
            else:
                continue
            out += [f] * (1 if keep_all else OVERSAMPLE.get(e.group, 1))
    return out
