"""Documents: the library, a viewer for each document, uploads."""

import html

import pandas as pd
import streamlit as st

from components.state import get_library, lang, owner, t, visible_owners
from hkai.dashboard import tr
from hkai.documents import SUPPORTED, LoadError, load_bytes
from hkai.figures import extract_figures
from hkai.store import PUBLIC

st.title(t("docs.title"))
st.caption(t("docs.intro"))
lib = get_library()
if notice := st.session_state.pop("docs_notice", None):
    st.success(notice)

if lib is not None:
    st.text_input(t("docs.workspace"), key="docs_workspace", max_chars=40)
    files = st.file_uploader(t("docs.upload"), accept_multiple_files=True, key="docs_uploader",
                             type=sorted({s.lstrip(".") for s in SUPPORTED}))
    done = st.session_state.setdefault("docs_done", set())
    for f in files or []:
        marker = (f.name, f.size, owner())
        if marker in done:
            continue
        done.add(marker)
        with st.status(f.name, expanded=False) as status:
            data = f.getvalue()
            try:
                doc = load_bytes(data, f.name, max_bytes=lib.settings.max_file_bytes, owner=owner())
                twin = lib.store.find_by_content(doc.content_hash, visible_owners())
                if twin:
                    status.update(label=t("docs.duplicate", name=f.name, title=twin["title"]), state="complete")
                    continue
                doc, report = lib.add_upload(data, f.name, owner())
                status.update(label=t("docs.added", name=f.name, chunks=report.chunks), state="complete")
            except LoadError as exc:
                status.update(label=t("docs.failed", name=f.name, reason=exc.reason), state="error")
            except Exception as exc:  # a message, never a traceback
                status.update(label=t("docs.failed", name=f.name, reason=type(exc).__name__), state="error")

    records = lib.store.list_documents(visible_owners())
    table = pd.DataFrame([{
        t("docs.col.title"): r["title"], t("docs.col.publisher"): r.get("publisher", ""),
        t("docs.col.date"): r.get("date", ""), t("docs.col.script"): t(f"script.{r.get('script', 'en')}"),
        t("docs.col.chunks"): r.get("chunks", 0),
        t("docs.col.owner"): t("docs.owner.public") if r.get("owner") == PUBLIC else t("docs.owner.mine"),
    } for r in records])
    st.dataframe(table, hide_index=True, width="stretch")

    wanted = st.query_params.get("doc")
    at = int(st.query_params.get("at", -1) or -1)
    for r in records:
        with st.expander(f"{r['title']}", expanded=(r["doc_id"] == wanted)):
            doc = lib.store.get_document(r["doc_id"])
            st.caption(f"{r.get('source', '')} · {t('script.' + r.get('script', 'en'))} · "
                       f"{r.get('chunks', 0)} {t('docs.col.chunks')}")
            figures = extract_figures(doc.clean_text, doc.doc_id, doc.source)
            if figures:
                picked = st.multiselect(t("docs.add_to_chart"), list(range(len(figures))),
                                        default=[i for i, f in enumerate(figures)
                                                 if any(c["key"] == f"{doc.doc_id}:{i}"
                                                        for c in st.session_state.get("dash_custom", []))],
                                        format_func=lambda i, figs=figures: f"{figs[i].raw} — {figs[i].quote[:30]}…",
                                        key=f"docs_pick_{doc.doc_id}")
                custom = [c for c in st.session_state.get("dash_custom", []) if not c["key"].startswith(f"{doc.doc_id}:")]
                custom += [{"key": f"{doc.doc_id}:{i}", "label": f"{figures[i].raw} ({doc.title[:12]})",
                            "value": figures[i].value, "unit": figures[i].unit, "currency": figures[i].currency,
                            "quote": figures[i].quote, "source": doc.source} for i in picked]
                st.session_state["dash_custom"] = custom
                st.dataframe(pd.DataFrame([{tr("col.figure", lang()): f.raw, tr("col.value", lang()): f.value,
                                            "unit": f.unit or f.currency, tr("col.quote", lang()): f.quote}
                                           for f in figures]), hide_index=True, width="stretch")
            text = doc.clean_text
            quote = st.query_params.get("quote", "")
            if r["doc_id"] == wanted and quote and quote in text:
                at = text.index(quote)
            if r["doc_id"] == wanted and 0 <= at < len(text):
                end = at + len(quote) if quote and text[at:at + len(quote)] == quote else text.find("\n", at + 1)
                end = len(text) if end < 0 else end
                body = (html.escape(text[:at]) + "<mark id='hkai-at'>" + html.escape(text[at:end]) + "</mark>"
                        + html.escape(text[end:]))
            else:
                body = html.escape(text)
            st.markdown(f"**{t('docs.original')}**")
            st.markdown(f"<div class='hkai-doc'>{body.replace(chr(10), '<br>')}</div>", unsafe_allow_html=True)
            if "hkai-at" in body:  # bring the cited passage into view
                st.html("<script>setTimeout(() => window.parent.document.getElementById('hkai-at')"
                        "?.scrollIntoView({block: 'center'}), 600)</script>", unsafe_allow_javascript=True)
            if r.get("owner") != PUBLIC and st.button(t("docs.remove"), key=f"docs_remove_{r['doc_id']}"):
                lib.store.remove_document(r["doc_id"])
                st.session_state["docs_notice"] = t("docs.removed", title=r["title"])
                st.rerun()
