"""HTML files through BeautifulSoup: the words, never script, style or frames.
"""

from __future__ import annotations

import logging

from ..core.config import Limits
from .errors import LoadError
from .parsed import Parsed
from .plain import decode
from .tables import table_rows

logger = logging.getLogger(__name__)


def parse(data: bytes, name: str, limits: Limits) -> Parsed:
    from bs4 import BeautifulSoup

    tags = data.count(b"<")  # BeautifulSoup's tree costs about 1 KB per element: count them first
    if tags > limits.tags:
        raise LoadError(name, f"the HTML file has about {tags:,} tags, over the {limits.tags:,}-tag limit; "
                        "save the page as text or PDF instead", "too_large")
    markup = decode(data, name)
    try:
        soup = BeautifulSoup(markup, "html.parser")
        for tag in soup(["script", "style", "noscript", "template", "iframe", "object", "svg"]):
            tag.decompose()
        title = soup.title.get_text(strip=True) if soup.title else ""
        if not title and (h1 := soup.find("h1")):  # the page's own heading
            title = h1.get_text(" ", strip=True)
        body = soup.body or soup
        tables: list[dict] = []
        for table in body.find_all("table"):
            tables += table_rows([[c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
                                  for tr in table.find_all("tr")])
        blocks = body.find_all(["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "pre", "blockquote"])
        if blocks:  # a table row is one line of its cells
            text = "\n\n".join(" | ".join(c.get_text(" ", strip=True) for c in b.find_all(["td", "th"]))
                               if b.name == "tr" else b.get_text(" ", strip=True)
                               for b in blocks
                               if b.name == "tr" or (not b.find(["p", "li"]) and not b.find_parent("tr")))
        else:
            text = body.get_text("\n", strip=True)
    except Exception as exc:  # html.parser and deep trees (RecursionError) on hostile markup
        logger.exception("BeautifulSoup failed on %s", name)
        raise LoadError(name, "the HTML file cannot be read", "corrupt") from exc
    return Parsed(text, title, tables=tables)
