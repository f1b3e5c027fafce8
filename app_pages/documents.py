"""Documents: the library, a viewer for each document, uploads to a private workspace."""

import pandas as pd
import streamlit as st

from components.safe import html_text, md_escape
from components.state import get_library, lang, new_workspace, owner, t, visible_owners, workspace_token
from hkai import session, workspaces
from hkai.dashboard import tr
from hkai.documents import SUPPORTED
from hkai.figures import extract_figures
from hkai.store import PUBLIC

st.title(t("docs.title"))
st.caption(t("docs.intro"))
lib = get_library()
if notice := st.session_state.pop("docs_notice", None):
    st.success(md_escape(notice))

if lib is not None:
    files = st.file_uploader(t("docs.upload"), accept_multiple_files=True, key="docs_uploader",
                             type=sorted({s.lstrip(".") for s in SUPPORTED}))
    done = st.session_state.setdefault("docs_done", set())
    for f in files or []:
        marker = (f.name, f.size, f.file_id)
        if marker in done:
            continue
        done.add(marker)
        me = owner() or workspaces.owner_of(new_workspace())
        with st.status(md_escape(f.name), expanded=False) as status:
            outcome = session.upload(lib, f.getvalue(), f.name, me, lang())
            status.update(label=md_escape(outcome.message), state="complete" if outcome.ok else "error")

    token = workspace_token()
    if token:
        with st.container(border=True):
            st.markdown(f"**{t('docs.ws_title')}**")
            st.caption(t("docs.ws_explain", hours=f"{lib.settings.workspace_ttl_hours:g}"))
            st.code(f"{st.context.url or ''}?ws={token}&lang={lang()}", language=None, wrap_lines=True)

    records = lib.documents(visible_owners())
    table = pd.DataFrame([{
        t("docs.col.title"): r["title"], t("docs.col.publisher"): r.get("publisher", ""),
        t("docs.col.date"): r.get("date", ""), t("docs.col.script"): t(f"script.{r.get('script', 'en')}"),
        t("docs.col.chunks"): r.get("chunks", 0),
        t("docs.col.owner"): t("docs.owner.public") if r.get("owner") == PUBLIC else t("docs.owner.mine"),
    } for r in records])
    st.dataframe(table, hide_index=True, width="stretch")

    wanted = st.query_params.get("doc")
    try:
        at = int(st.query_params.get("at", -1))
    except ValueError:
        at = -1
    for r in records:
        with st.expander(md_escape(r["title"]), expanded=(r["doc_id"] == wanted)):
            doc = lib.document(r["doc_id"], visible_owners())
            if doc is None:  # removed meanwhile
                continue
            st.caption(md_escape(f"{r.get('source', '')} · {t('script.' + r.get('script', 'en'))} · "
                                 f"{r.get('chunks', 0)} {t('docs.col.chunks')}"))
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
                body = html_text(text[:at]) + "<mark id='hkai-at'>" + html_text(text[at:end]) + "</mark>" \
                    + html_text(text[end:])
            else:
                body = html_text(text)
            st.markdown(f"**{t('docs.original')}**")
            st.html(f"<div class='hkai-doc'>{body}</div>")
            if "hkai-at" in body:  # bring the cited passage into view
                st.html("<script>setTimeout(() => window.parent.document.getElementById('hkai-at')"
                        "?.scrollIntoView({block: 'center'}), 600)</script>", unsafe_allow_javascript=True)
            if r.get("owner") not in (PUBLIC, None) and r.get("owner") == owner() \
                    and st.button(t("docs.remove"), key=f"docs_remove_{r['doc_id']}"):
                if lib.remove(r["doc_id"], owner()):
                    st.session_state["docs_notice"] = t("docs.removed", title=r["title"])
                st.rerun()
