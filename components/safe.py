"""Untrusted text (questions from a link, uploaded titles, quotes, model
output) shown as text: no link, no image, no HTML, no math of its own.

Bodies go through `st.html` after `html.escape` (no Markdown runs on them, so
no autolinks either); labels, which Streamlit renders as Markdown, get every
ASCII punctuation character backslash-escaped, which CommonMark reads as the
literal character and which breaks `[..](..)`, `![..]`, `<..>`, `$..$` and
bare-URL autolinks alike.
"""

from __future__ import annotations

import html
import re

import streamlit as st

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def md_escape(text: str) -> str:
    """Text for a Markdown context (labels, captions): shown exactly, never live."""
    return _PUNCT.sub(r"\\\1", " ".join(str(text).split()))


def md_literal(text: str) -> str:
    """A piece of streamed text for Markdown: its punctuation escaped, its spaces and line breaks kept (pieces
    arrive cut anywhere, so each character is escaped on its own)."""
    return _PUNCT.sub(r"\\\1", str(text))


def html_text(text: str) -> str:
    return html.escape(str(text)).replace("\n", "<br>")


def show(text: str, css: str = "hkai-text") -> None:
    """One block of untrusted text."""
    st.html(f"<div class='{css}'>{html_text(text)}</div>")


def table_html(rows: list[dict], numeric: tuple[str, ...] = ()) -> str:
    """Rows as an HTML table whose cells wrap (a dataframe cuts long quotes and titles off); every cell escaped."""
    if not rows:
        return ""
    columns = list(rows[0])
    head = "".join(f"<th>{html_text(c)}</th>" for c in columns)
    def cls(c, value) -> str:  # numbers right-aligned; a short cell (a date, a script) on one line
        names = (["hkai-num"] if c in numeric else []) + (["hkai-short"] if len(str(value)) <= 12 else [])
        return f" class='{' '.join(names)}'" if names else ""

    body = "".join("<tr>" + "".join(f"<td{cls(c, r[c])}>{html_text(r[c])}</td>" for c in columns) + "</tr>"
                   for r in rows)
    return f"<div class='hkai-table-wrap'><table class='hkai-table'><thead><tr>{head}</tr></thead>" \
           f"<tbody>{body}</tbody></table></div>"
