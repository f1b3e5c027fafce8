"""Chinese word segmentation: one jieba tokenizer per process, with the Hong
Kong user dictionary, shared by the lexical terms, the query planner and the
dashboards' figure labels."""

from __future__ import annotations

import threading
from functools import lru_cache

import jieba

from .config import DATA_DIR

_lock = threading.Lock()


@lru_cache(maxsize=1)
def segmenter() -> jieba.Tokenizer:
    """The process's jieba tokenizer (initialised once, thread-safe)."""
    jieba.setLogLevel(60)
    tok = jieba.Tokenizer()
    with _lock:
        tok.initialize()
        tok.load_userdict(str(DATA_DIR / "userdict.txt"))
    return tok
