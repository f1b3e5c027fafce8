"""Scripts: Traditional and Simplified Chinese are one language to retrieval
(everything is folded to Simplified with OpenCC before it is tokenised) and
two to the reader (display text keeps the source's own script; answers are
converted to the asker's script on the way out).
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path

import opencc

from .config import DATA_DIR

logger = logging.getLogger(__name__)


# Phrases OpenCC's s2hk gets wrong in this library's sources ("并成为" is "and
# became", 並, not "merged into", 併), loaded through OpenCC's own user
# dictionaries: a text dictionary first in its segmentation and phrase groups.
S2HK_FIXES = DATA_DIR / "opencc-s2hk-fixes.txt"


CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


_CJK_CHAR = re.compile(f"[{CJK}]")


_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{CJK}])[ \t\u3000]+(?=[{CJK}])")


@lru_cache(maxsize=8)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def s2hk_config() -> Path:
    """OpenCC's s2hk configuration with the fixes dictionary in front, written
    once to a temporary folder (OpenCC takes a configuration by file name; its
    dictionaries are named by absolute path, as it searches no further)."""
    share = Path(opencc.__file__).parent / "clib" / "share" / "opencc"
    config = json.loads((share / "s2hk.json").read_text(encoding="utf-8"))

    def absolute(node):
        if isinstance(node, dict):
            if node.get("type") == "ocd2":
                node["file"] = str(share / node["file"])
            for value in node.values():
                absolute(value)
        elif isinstance(node, list):
            for value in node:
                absolute(value)

    absolute(config)
    fixes = {"type": "text", "file": str(S2HK_FIXES)}
    config["segmentation"]["dict"]["dicts"].insert(0, fixes)
    config["conversion_chain"][0]["dict"]["dicts"].insert(0, fixes)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".json", prefix="hkai-opencc-s2hk-",
                                     delete=False) as f:
        json.dump(config, f, ensure_ascii=False)
    return Path(f.name)


@lru_cache(maxsize=1)
def _s2hk() -> opencc.OpenCC:
    try:
        path = s2hk_config()
        try:
            return opencc.OpenCC(str(path))  # read once, when it is built
        finally:
            path.unlink(missing_ok=True)
    except (OSError, RuntimeError, KeyError, IndexError, ValueError):
        logger.exception("OpenCC's s2hk could not take the fixes dictionary; converting without it")
        return _converter("s2hk")


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    """Simplified to Traditional with Hong Kong variants (the readers are in Hong Kong)."""
    return _s2hk().convert(text)


def to_script(text: str, script: str) -> str:
    if script == "zh-Hant":
        return to_traditional(text)
    if script == "zh-Hans":
        return to_simplified(text)
    return text


def cjk_ratio(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if _CJK_CHAR.match(c)) / len(letters)


def detect_script(text: str) -> str:
    """Return 'en', 'zh-Hant' or 'zh-Hans'.

    A text counts as Chinese once a fifth of its letters are Han characters.
    Its script is whichever conversion changes it less: Simplified text is
    altered by s2t and left alone by t2s, and the reverse for Traditional.
    """
    if cjk_ratio(text) < 0.2:
        return "en"
    han = "".join(_CJK_CHAR.findall(text))
    simplified_changes = sum(a != b for a, b in zip(han, to_simplified(han)))
    traditional_changes = sum(a != b for a, b in zip(han, to_traditional(han)))
    # Traditional text changes when simplified, and vice versa.
    return "zh-Hant" if simplified_changes > traditional_changes else "zh-Hans"


def fold(text: str) -> str:
    """The form retrieval compares: NFKC, lower case, Simplified script, and no
    spaces that PDF extraction left between two Han characters."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = to_simplified(text)
    return _SPACE_BETWEEN_CJK.sub("", text)


def contains_cjk(text: str) -> bool:
    return bool(_CJK_CHAR.search(text))


def answer_language(question: str, reader: str = "en") -> str:
    """The language an answer is given in: the question's own script; the reader's (the page's language)
    for a question with no words to tell by (empty, or only digits and signs)."""
    return detect_script(question) if any(c.isalpha() for c in question) else reader
