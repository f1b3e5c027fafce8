"""Plain text and Markdown files: the encoding guessed, Markdown read as the
words a reader sees.
"""

from __future__ import annotations

from ..core.config import Limits
from .errors import LoadError
from .parsed import Parsed


def _plausibility(text: str) -> int:
    han = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    odd = sum(1 for c in text if "\ue000" <= c <= "\uf8ff" or "\u3040" <= c <= "\u30ff")
    return han - 5 * odd


def decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    # GB18030 accepts almost any byte pairs, Big5 bytes included, so decode
    # both ways and keep the reading made of ordinary Han characters.
    readings = []
    for encoding in ("gb18030", "big5hkscs"):
        try:
            readings.append(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    if readings:
        return max(readings, key=_plausibility)
    raise LoadError(name, "the text is not in a known encoding (UTF-8, GB18030 or Big5)", "corrupt")


def _markdown_text(source: str) -> tuple[str, str]:
    """Markdown as the words a reader sees: link text without its address,
    an image's description without the image, no raw HTML."""
    from bs4 import BeautifulSoup
    from markdown_it import MarkdownIt

    blocks, title = [], ""
    tokens = MarkdownIt("commonmark").parse(source)
    for i, tok in enumerate(tokens):
        if tok.type == "inline":
            words = []
            for child in tok.children or []:
                if child.type in ("text", "code_inline"):
                    words.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    words.append("\n")
                elif child.type == "image":
                    words.append("".join(c.content for c in child.children or []))
                elif child.type == "html_inline":
                    continue
            text = "".join(words).strip()
            if text:
                blocks.append(text)
                if not title and i and tokens[i - 1].type == "heading_open" and tokens[i - 1].tag == "h1":
                    title = text
        elif tok.type in ("fence", "code_block"):
            blocks.append(tok.content.strip())
        elif tok.type == "html_block":
            blocks.append(BeautifulSoup(tok.content, "html.parser").get_text(" ", strip=True))
    return "\n\n".join(b for b in blocks if b), title


def heading_of(text: str) -> str:
    """A plain text's first line when it is a heading: short, without a sentence's end, with text after it."""
    lines = [ln.strip() for ln in text.strip().splitlines()]
    if len(lines) < 2 or not lines[0] or len(lines[0]) > 80:
        return ""
    return lines[0] if lines[0][-1] not in "。！？.!?；;，,：:" else ""


def _text_of(data: bytes, name: str) -> str:
    text = decode(data, name)
    if "\x00" in text:
        raise LoadError(name, "the file holds binary data, not text", "corrupt")
    return text


def parse_text(data: bytes, name: str, limits: Limits) -> Parsed:
    text = _text_of(data, name)
    return Parsed(text, heading_of(text))


def parse_markdown(data: bytes, name: str, limits: Limits) -> Parsed:
    text, title = _markdown_text(_text_of(data, name))
    return Parsed(text, title)
