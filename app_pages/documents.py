"""Documents: the library, a viewer for each document, uploads to a private workspace."""

import streamlit as st

from components.safe import md_escape, table_html
from components.state import get_library, lang, new_workspace, owner, t, visible_owners, workspace_token
from components.viewer import cited_spans, marked
from hkai.core import i18n, tokens
from hkai.core.types import PUBLIC
from hkai.dashboards.found import extract_figures
from hkai.dashboards.labels import label_for

st.title(t("docs.title"))
st.caption(t("docs.intro"))
lib = get_library()
# The last removal's notice stays until the next upload or removal: a run cut short by another (a click, the
# uploader) never takes it away before the visitor has seen it.
if notice := st.session_state.get("docs_notice"):
    st.success(md_escape(notice), icon=":material/check:")


def remove(record) -> None:
    """The Remove button's action (run before the page is drawn again); only the visitor's own documents have one."""
    if (removed := get_library().remove(record.doc_id, owner())) is not None:
        st.session_state["docs_notice"] = t("docs.removed", title=removed.title)


if lib is not None:
    limit_mb = lib.settings.limits.file_bytes // (1024 * 1024)
    # Streamlit's own uploader text is English only: its hint and button label are replaced in the reader's language.
    st.html(f"""<style>
    [data-testid=stFileUploaderDropzoneInstructions] span {{ display: none; }}
    [data-testid=stFileUploaderDropzoneInstructions] div::after {{
      content: "{t('docs.upload_hint', mb=limit_mb)} · {', '.join(f.label for f in lib.formats())}";
      font-size: .9rem; color: #57606a; }}
    [data-testid=stFileUploaderDropzone] [data-testid=stBaseButton-secondary] [data-testid=stMarkdownContainer] p {{
      font-size: 0; }}
    [data-testid=stFileUploaderDropzone] [data-testid=stBaseButton-secondary] [data-testid=stMarkdownContainer] p::after {{
      content: "{t('docs.browse')}"; font-size: 1rem; }}
    </style>""")
    files = st.file_uploader(t("docs.upload"), accept_multiple_files=True, key="docs_uploader",
                             type=sorted(s.lstrip(".") for f in lib.formats() for s in f.suffixes))
    done = st.session_state.setdefault("docs_done", set())
    outcomes = st.session_state.setdefault("docs_outcomes", {})  # kept across reruns while the file is listed
    listed = {(f.name, f.size, f.file_id) for f in files or []}
    for marker in [m for m in outcomes if m not in listed]:
        del outcomes[marker]
    shown = set(outcomes)  # messages of earlier runs; this run's new ones are drawn by their status box
    for f in files or []:
        marker = (f.name, f.size, f.file_id)
        if marker in outcomes:
            ok, message = outcomes[marker]
            (st.success if ok else st.error)(md_escape(message), icon=":material/check:" if ok else None)
    for f in files or []:
        marker = (f.name, f.size, f.file_id)
        if marker in done:
            continue
        done.add(marker)
        st.session_state.pop("docs_notice", None)
        me = owner() or tokens.owner_of(new_workspace())
        with st.status(md_escape(f.name), expanded=True) as status:
            bar = st.empty()

            def written(done: int, total: int) -> None:
                bar.progress(done / total if total else 1.0,
                             text=t("docs.writing", done=f"{done:,}", total=f"{total:,}"))

            outcome = lib.upload(f.getvalue(), f.name, me, lang(), written=written)
            outcomes[marker] = (outcome.ok, outcome.message)
            bar.empty()
            status.update(label=md_escape(outcome.message), state="complete" if outcome.ok else "error",
                          expanded=False)
    if set(outcomes) - shown:
        st.rerun()  # the sidebar's counts and the workspace link drawn again with the new documents

    token = workspace_token()
    if token:
        with st.container(border=True):
            st.markdown(f"**{t('docs.ws_title')}**")
            st.caption(t("docs.ws_explain", hours=f"{lib.settings.workspace_ttl_hours:g}"))
            st.code(f"{st.context.url or ''}?ws={token}&lang={lang()}", language=None, wrap_lines=True)

    if owner() and lib.pending([owner()]):
        @st.fragment(run_every=3)
        def catching_up(me: str) -> None:
            """Uploads are found by their words at once; this says while meaning is being added."""
            waiting = lib.pending([me])
            if not waiting:
                st.rerun(scope="app")
            st.info(i18n.plural("docs.embedding", waiting, lang(), n=f"{waiting:,}"), icon=":material/hourglass_top:")

        catching_up(owner())

    records = lib.documents(visible_owners())
    reader = lang()
    mine = [r for r in records if r.owner != PUBLIC and r.owner == owner()]
    if mine:  # the visitor's own documents, each with its Remove button in plain view (no panel to open first)
        with st.container(border=True, key="docs_yours"):
            st.markdown(f"**{t('docs.yours')}**")
            for r in mine:
                c1, c2 = st.columns([5, 1], vertical_alignment="center")
                c1.markdown(md_escape(f"{i18n.named(r.title, r.extra.get('title_en', ''), reader)} · "
                                      f"{i18n.plural('docs.passages', r.chunks, reader)}"))
                c2.button(t("docs.remove"), key=f"docs_remove_{r.doc_id}", on_click=remove, args=(r,),
                          icon=":material/delete:", width="stretch")
    table = [{
        t("docs.col.title"): i18n.named(r.title, r.extra.get("title_en", ""), reader),
        t("docs.col.publisher"): i18n.named(r.publisher, r.extra.get("publisher_en", ""), reader),
        t("docs.col.date"): r.date, t("docs.col.script"): t(f"script.{r.script}"),
        t("docs.col.chunks"): r.chunks,
        t("docs.col.owner"): t("docs.owner.public") if r.owner == PUBLIC else t("docs.owner.mine"),
    } for r in records]
    st.html(table_html(table, numeric=(t("docs.col.chunks"),)))

    wanted = st.query_params.get("doc")
    try:
        at = int(st.query_params.get("at", -1))
    except ValueError:
        at = -1
    cited = [s for s in st.query_params.get("hl", "").split("\n") if s.strip()]
    quote = st.query_params.get("quote", "")
    if wanted and wanted not in {r.doc_id for r in records}:
        st.info(t("docs.not_visible"), icon=":material/link_off:")
    for r in records:
        # Drawn only when open (on_change="rerun" tracks the state): every run is not a read of every document.
        panel = st.expander(md_escape(i18n.named(r.title, r.extra.get("title_en", ""), reader)),
                            expanded=(r.doc_id == wanted), key=f"docs_open_{r.doc_id}", on_change="rerun")
        if not panel.open:
            continue
        with panel:
            doc = lib.document(r.doc_id, visible_owners())
            if doc is None:  # removed meanwhile
                continue
            st.caption(md_escape(f"{r.source} · {t('script.' + r.script)} · "
                                 f"{i18n.plural('docs.passages', r.chunks, lang())}"))
            figures = extract_figures(doc.clean_text, doc.doc_id, doc.source)
            if figures:
                st.html(table_html([{t("col.figure"): label_for(f.quote, f.raw, f.kind), t("col.amount"): f.raw,
                                     t("col.quote"): f.quote} for f in figures]))
            text = doc.clean_text
            spans = cited_spans(text, at, cited or ([quote] if quote else [])) if r.doc_id == wanted else []
            st.markdown(f"**{t('docs.original')}**")
            page_label = (lambda n: t("docs.page", n=n)) if doc.format == "pdf" else None
            st.html(f"<div class='hkai-doc'>{marked(text, spans, doc.extra.get('page_starts') or [], page_label)}</div>")
            if spans:  # bring the first cited sentence into view
                st.html("<script>setTimeout(() => window.parent.document.getElementById('hkai-at')"
                        "?.scrollIntoView({block: 'center'}), 600)</script>", unsafe_allow_javascript=True)
