"""Process-wide objects and per-visitor state, built in one place.

The library (Qdrant client plus embedders) is built once per process with
st.cache_resource; the visitor's language and owner id live in session state.
"""

from __future__ import annotations

import os
import uuid

import streamlit as st

from hkai import i18n
from hkai.config import load_settings
from hkai.library import Library
from hkai.llm import llm_settings
from hkai.store import PUBLIC, StoreLockedError


SECRET_KEYS = ("HKAI_", "QDRANT_", "DASHSCOPE_API_KEY", "DEEPSEEK_API_KEY", "OPENAI_API_KEY")


def load_secrets() -> None:
    """Copy settings from st.secrets (Streamlit Community Cloud) into the
    environment, where hkai reads all configuration. The environment wins."""
    try:
        items = dict(st.secrets)
    except Exception:  # no secrets.toml: nothing to copy
        return
    for key, value in items.items():
        if isinstance(value, (str, int, float)) and key.startswith(SECRET_KEYS):
            os.environ.setdefault(key, str(value))


@st.cache_resource(max_entries=1, show_spinner=False)
def _library() -> Library:
    load_secrets()
    return Library(load_settings())


def answer_mode() -> str:
    """'llm' when a model is configured and the visitor chose it, else 'extractive'."""
    if llm_settings() is None:
        return "extractive"
    return st.session_state.get("app_answer_mode", "llm")


def get_library() -> Library | None:
    """The shared library, with the seeds indexed; None (and a message shown)
    when the store cannot be opened."""
    try:
        lib = _library()
    except StoreLockedError as exc:
        st.error(f"{i18n.t('error.store_locked', lang())} {exc}")
        return None
    if not st.session_state.get("_seeds_checked"):
        bar = st.progress(0.0, text=i18n.t("docs.indexing_seeds", lang()))
        lib.ensure_seeds(progress=lambda i, n, doc: bar.progress(i / n, text=f"{doc.title[:40]} ({i}/{n})"))
        bar.empty()
        st.session_state["_seeds_checked"] = True
    return lib


def lang() -> str:
    """The visitor's language: from the link (?lang=) on arrival, then their choice."""
    if "app_lang" not in st.session_state:
        value = st.query_params.get("lang", "en")
        st.session_state["app_lang"] = value if value in i18n.LANGUAGES else "en"
    return st.session_state["app_lang"]


def t(key: str, **kwargs) -> str:
    return i18n.t(key, lang(), **kwargs)


def owner() -> str:
    """Whose uploads this visitor sees: their session's, or a named workspace's."""
    if "owner_session" not in st.session_state:
        st.session_state["owner_session"] = f"session:{uuid.uuid4().hex}"
    workspace = st.session_state.get("docs_workspace", "").strip()
    return f"workspace:{workspace}" if workspace else st.session_state["owner_session"]


def visible_owners() -> list[str]:
    return [PUBLIC, owner()]
