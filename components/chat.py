"""A chat answer with its [n] citations rendered as source cards."""

from __future__ import annotations

import html
import re

import streamlit as st

from hkai.answers import Citation
from hkai.text import FOOTNOTE_MARKERS

from .state import lang, t


def highlighted(passage: str, sentences: list[str]) -> str:
    """The passage as HTML with the quoted sentences marked."""
    out = html.escape(passage)
    for s in sorted(set(sentences), key=len, reverse=True):
        core = html.escape(FOOTNOTE_MARKERS.sub("", s).strip())
        if core:
            out = out.replace(core, f"<mark>{core}</mark>")
    return out.replace("\n", "<br>")


def source_card(c: Citation) -> None:
    meta = " · ".join(x for x in (c.publisher, c.date, t(f"script.{c.script}") if c.script else "") if x)
    with st.container(border=True):
        st.markdown(f"**[{c.n}] {html.escape(c.title)}**  \n<small>{html.escape(meta)}</small>",
                    unsafe_allow_html=True)
        st.markdown(f"<div class='hkai-passage'>{highlighted(c.text, c.highlights)}</div>", unsafe_allow_html=True)
        st.page_link("app_pages/documents.py", label=t("ask.open_document"), icon=":material/open_in_new:",
                     query_params={"doc": c.doc_id, "at": str(c.start), "lang": lang()})


def answer_body(a: dict) -> str:
    """Answer text for display: [n] markers as superscript-like bold."""
    return re.sub(r"\[(\d+)\]", r"**[\1]**", a["answer"])


def render_answer(a: dict) -> None:
    body = answer_body(a)
    bad = a.get("grounding", {}).get("unsupported_figures") or []
    for fig in bad:  # an unsupported figure is marked where it stands
        body = body.replace(fig, f":red-background[{fig}]")
    st.markdown(body)
    if a.get("notice"):
        st.caption(a["notice"])
    if bad:
        st.warning(t("ask.unsupported", figures=", ".join(bad)), icon=":material/warning:")
    if a.get("grounding", {}).get("uncited"):
        st.warning(t("ask.uncited"), icon=":material/warning:")
    if a.get("citations"):
        st.markdown(f"**{t('ask.sources')}**")
        for c in a["citations"]:
            source_card(Citation(**c))


def to_markdown(history: list[dict]) -> str:
    lines = [f"# {t('app.title')}\n"]
    for turn in history:
        if turn["role"] == "user":
            lines.append(f"## {turn['content']}\n")
        else:
            a = turn["answer"]
            lines.append(a["answer"] + "\n")
            for c in a.get("citations", []):
                lines.append(f"- [{c['n']}] {c['title']} ({c['source']}): {c['text'][:200]}…")
            lines.append("")
    return "\n".join(lines)
