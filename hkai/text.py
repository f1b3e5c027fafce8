"""Text handling shared by indexing and querying.

Traditional and Simplified Chinese are one language to retrieval (everything is
folded to Simplified with OpenCC before it is tokenised) and two to the reader
(display text keeps the source's own script; answers are converted to the
asker's script on the way out).
"""

from __future__ import annotations

import json
import logging
import re
import statistics
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path

import opencc

logger = logging.getLogger(__name__)
# Phrases OpenCC's s2hk gets wrong in this library's sources ("并成为" is "and
# became", 並, not "merged into", 併), loaded through OpenCC's own user
# dictionaries: a text dictionary first in its segmentation and phrase groups.
S2HK_FIXES = Path(__file__).parent / "data" / "opencc-s2hk-fixes.txt"

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{CJK}]")
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{CJK}])[ \t\u3000]+(?=[{CJK}])")
# Characters that end a sentence or a clause that can stand alone.
SENTENCE_END = "。！？；!?;"
_LINE_END_PUNCT = SENTENCE_END + "」』”\"）)…：:"
# A sentence runs to a terminator (with any closing quotes after it) or a line end.
_SENTENCE = re.compile(f"[^{SENTENCE_END}\n]*(?:[{SENTENCE_END}]+[」』”\"’）)]*|\n|$)")
# Inside a piece: an English full stop before a capital or before Chinese (a
# bilingual page: "…each morning.數碼港…"), a digest's " - " bullet, or the end
# of a footnote marker such as "[5]".
_EN_SENTENCE_BREAK = re.compile(f"(?<=[a-z0-9%)][.])\\s+(?=[A-Z])|(?<=[a-z%)][.])\\s*(?=[{CJK}])|\\s+-\\s+|"
                                r"(?<=\d\])\s*(?=[^\s\[\]\d])")
FOOTNOTE_MARKERS = re.compile(r"(?:\s*\[\d+\])+\s*$")

LANGS = ("en", "zh-Hant", "zh-Hans")


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


def _is_cjk(ch: str) -> bool:
    return bool(_CJK_CHAR.match(ch))


def _joiner(left: str, right: str) -> str:
    """What goes between two joined line fragments: nothing next to CJK text or
    inside brackets and before punctuation, one space between Latin words."""
    if not left or not right:
        return ""
    a, b = left[-1], right[0]
    if _is_cjk(a) or _is_cjk(b) or a in "（(「『“" or b in "，。、）)」』”":
        return ""
    return " "


def repair_lines(text: str) -> str:
    """Join lines that PDF extraction broke mid-sentence; keep paragraph breaks.

    A line break is kept when the line before it ends a sentence, or when that
    line is clearly shorter than the page's usual line (a heading or the last
    line of a paragraph). Blank lines between two halves of one sentence, which
    interleaved newspaper columns produce, are removed the same way.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [ln.strip() for ln in text.split("\n")]
    widths = [len(ln) for ln in lines if len(ln) >= 8]
    typical = statistics.median(widths) if widths else 0
    out: list[str] = []
    current, last = "", ""
    for line in lines:
        if not line:
            continue
        if not current:
            current = last = line
            continue
        ends_sentence = current[-1] in _LINE_END_PUNCT
        # A short line ends a paragraph, unless the text is set in a narrow
        # column (a caption), where consecutive lines are equally short.
        narrow_column = abs(len(last) - len(line)) <= 2 and len(line) >= 4
        short = typical and len(last) < 0.7 * typical and not narrow_column
        bullet = line[0] in "◆•●■-–—*#" or bool(re.match(r"^\d+[.、)]", line))
        if ends_sentence or short or bullet:
            out.append(current)
            current = line
        else:
            current = current + _joiner(current, line) + line
        last = line
    if current:
        out.append(current)
    return "\n".join(out)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence of a display text: after 。！？； (and a
    closing quote), at line ends, after an English full stop before a capital,
    at a digest's " - " bullet and after a footnote marker such as "[5]"."""
    spans: list[tuple[int, int]] = []
    for piece in _SENTENCE.finditer(text):
        cuts = [piece.start()]
        cuts += [piece.start() + m.start() for m in _EN_SENTENCE_BREAK.finditer(piece.group(0))]
        ends = [piece.start() + m.end() for m in _EN_SENTENCE_BREAK.finditer(piece.group(0))]
        bounds = list(zip(cuts, [c for c in cuts[1:]] + [piece.end()]))
        for (a, b), resume in zip(bounds, [piece.start()] + ends):
            a = max(a, resume)
            raw = text[a:b]
            if raw.strip():
                lead = len(raw) - len(raw.lstrip())
                spans.append((a + lead, a + len(raw.rstrip())))
    return spans


def split_sentences(text: str) -> list[str]:
    """Sentences of a display text (see `sentence_spans`)."""
    return [text[a:b] for a, b in sentence_spans(text)]


def contains_cjk(text: str) -> bool:
    return bool(_CJK_CHAR.search(text))
