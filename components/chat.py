"""A chat answer with its [n] citations rendered as source cards. Everything
from a document or a model is escaped: it shows as text, never as a link."""

from __future__ import annotations

import html
import logging
import re

import streamlit as st

from hkai.core import i18n
from hkai.core.script import to_script
from hkai.core.sentences import FOOTNOTE, FOOTNOTE_MARKERS, sentence_spans
from hkai.core.types import Answer, Citation, Turn

from .safe import html_text, md_escape
from .state import budget, get_library, get_settings, lang, link_params, t

logger = logging.getLogger("hkai.app")


def around(passage: str, sentences: list[str], context: int = 1) -> str:
    """The cited sentences with `context` sentences either side (the card's text; the whole passage is one
    click away), "…" where the passage goes on."""
    spans = sentence_spans(passage)
    cores = [FOOTNOTE_MARKERS.sub("", s).strip() for s in sentences if s.strip()]
    hit = [i for i, (a, b) in enumerate(spans) if any(c and (c in passage[a:b] or passage[a:b] in c) for c in cores)]
    if not hit:
        return passage
    lo, hi = max(0, hit[0] - context), min(len(spans) - 1, hit[-1] + context)
    text = passage[spans[lo][0]:spans[hi][1]]
    return ("… " if lo > 0 else "") + text + (" …" if hi < len(spans) - 1 else "")


def highlighted(passage: str, sentences: list[str]) -> str:
    """The passage as HTML with the quoted sentences marked."""
    out = html.escape(passage)
    for s in sorted(set(sentences), key=len, reverse=True):
        core = html.escape(FOOTNOTE_MARKERS.sub("", s).strip())
        if core:
            out = out.replace(core, f"<mark>{core}</mark>")
    # The source's own footnote markers (to sources we do not have) are not shown: they read as stray digits.
    out = FOOTNOTE.sub("", out)
    return out.replace("\n", "<br>")


def answer_html(text: str, unsupported: list[str] = (), span: str = "") -> str:
    """Answer text as HTML: escaped, [n] in bold, unsupported figures marked, and the reader's span (the answer
    itself) marked inside the first quoted sentence that holds it, as the reader's script shows it."""
    paragraphs = [html.escape(p) for p in text.split("\n\n") if p.strip()]
    wanted = [html.escape(s) for s in dict.fromkeys((span, to_script(span, lang()))) if s]
    for i, p in enumerate(paragraphs):
        quoted = bool(re.search(r"\[\d+\]\s*$", p))
        hit = next((s for s in wanted if s in p), None)
        if hit and quoted:
            paragraphs[i] = p.replace(hit, f"<mark class='hkai-span'>{hit}</mark>", 1)
            break
    out = "\n\n".join(paragraphs)
    for fig in unsupported:
        out = out.replace(html.escape(fig), f"<mark class='hkai-bad'>{html.escape(fig)}</mark>")
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)
    out = re.sub(r"\[(\d+)\]", r"<b class='hkai-ref'>[\1]</b>", out)
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in out.split("\n\n") if p.strip())


def _translation(c: Citation, key: str) -> None:
    """A "translate this quote" button through the configured model, for a
    quote in another language than the reader's; the result stays escaped
    text under the quote, its figures checked against it."""
    llm = get_settings().llm
    reader = "en" if lang() == "en" else "zh"
    if llm is None or (c.script == "en") == (reader == "en"):
        return
    done = st.session_state.setdefault("ask_translations", {})
    if key not in done:
        if st.button(t("ask.translate"), key=f"ask_tr_{key}", icon=":material/translate:"):
            from hkai.library import LLMUnavailable

            lib = get_library()
            try:
                done[key] = lib.translate(c.text, lang(), budget(lib))
            except LLMUnavailable as exc:  # a sentence for the reader; the log has the rest
                logger.warning("translation not given: %s %s", exc.code, exc.detail)
                key_ = "llm.limit" if exc.code == "limit" else f"llm.reason.{exc.code}"
                st.warning(t("llm.fallback", reason=t(key_, **exc.detail)))
                return
    if key in done:
        text, grounding = done[key]
        st.html(f"<div class='hkai-translation'>{html_text(text)}</div>")
        st.caption(t("ask.translation", model=llm.label))
        if grounding.get("unsupported_figures"):
            st.warning(md_escape(t("ask.translation_figures", figures=", ".join(grounding["unsupported_figures"]))))


def source_card(c: Citation, key: str = "") -> None:
    reader = lang()
    meta = " · ".join(x for x in (i18n.named(c.publisher, c.hit.publisher_en, reader), c.date,
                                  t(f"script.{c.script}") if c.script else "", i18n.pages(c.pages, reader)) if x)
    title = i18n.named(c.title, c.hit.title_en, reader)
    with st.container(border=True):
        st.html(f"<div class='hkai-card-title'><b>[{c.n}] {html_text(title)}</b><br>"
                f"<small>{html_text(meta)}</small></div>"
                f"<div class='hkai-passage'>{highlighted(around(c.text, c.highlights), c.highlights)}</div>")
        if around(c.text, c.highlights) != c.text:
            with st.expander(t("ask.whole_passage"), icon=":material/article:"):
                st.html(f"<div class='hkai-passage'>{highlighted(c.text, c.highlights)}</div>")
        _translation(c, f"{key}_{c.n}")
        st.page_link("app_pages/documents.py", label=t("ask.open_document"), icon=":material/open_in_new:",
                     query_params=link_params(doc=c.doc_id, at=str(c.start), hl="\n".join(c.highlights) or None))


def render_answer(a: Answer, key: str = "") -> None:
    bad = a.grounding.get("unsupported_figures") or []
    if a.searched:
        st.caption(md_escape(t("ask.searched", searched=a.searched)))
    st.html(f"<div class='hkai-answer'>{answer_html(a.answer, bad, (a.span or {}).get('text', ''))}</div>")
    if a.notice:
        st.caption(md_escape(a.notice))
    if bad:
        st.warning(md_escape(t("ask.unsupported", figures=", ".join(bad))), icon=":material/warning:")
    if a.grounding.get("uncited"):
        st.warning(t("ask.uncited"), icon=":material/warning:")
    if a.generated:  # the model's answer that failed its check: one click away, its unchecked figures marked
        with st.expander(t("ask.generated"), icon=":material/smart_toy:"):
            st.html(f"<div class='hkai-answer'>{answer_html(a.generated, a.grounding.get('generated_unsupported') or [])}"
                    "</div>")
    if a.citations:
        st.markdown(f"**{t('ask.sources')}**")
        for c in a.citations:
            source_card(c, key)


def to_markdown(history: list[Turn]) -> str:
    lines = [f"# {t('app.title')}\n"]
    for turn in history:
        lines.append(f"## {turn.question}\n")
        if turn.answer is not None:
            lines.append(turn.answer.answer + "\n")
            for c in turn.answer.citations:
                where = ", ".join(x for x in (c.source, i18n.pages(c.pages, lang())) if x)
                lines.append(f"- [{c.n}] {c.title} ({where}): {c.text[:200]}…")
            lines.append("")
    return "\n".join(lines)
