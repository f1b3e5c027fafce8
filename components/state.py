"""Process-wide objects and per-visitor state, built in one place.

The settings and the library (Qdrant client plus embedders) are built once per
process with st.cache_resource and shared by every visitor; the visitor's
language and private workspace live in session state and in the link.
"""

from __future__ import annotations

import logging

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from hkai import i18n, workspaces
from hkai.config import Settings, load_settings
from hkai.library import Library
from hkai.store import PUBLIC, StoreLockedError

logger = logging.getLogger("hkai.app")


def _secrets() -> dict:
    """The `[hkai]` table of st.secrets. (Root-level keys are exported into the
    environment by Streamlit itself, over real variables: README says to use
    the table.)"""
    try:
        table = st.secrets.get("hkai", {})
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return {}
    return dict(table)


@st.cache_resource(max_entries=1, show_spinner=False)
def get_settings() -> Settings:
    return load_settings(secrets=_secrets())


@st.cache_resource(max_entries=1, show_spinner=False)
def _library() -> Library:
    lib = Library(get_settings())
    lib.ensure_seeds()
    purged = lib.purge()
    if purged:
        logger.info("purged %d idle workspaces", len(purged))
    return lib


def get_library() -> Library | None:
    """The shared library, with the seeds indexed; None (and a message shown)
    when the store cannot be opened."""
    try:
        with st.spinner(i18n.t("docs.indexing_seeds", lang())):
            return _library()
    except StoreLockedError as exc:
        st.error(f"{i18n.t('error.store_locked', lang())} {exc}")
        return None


def lang() -> str:
    """The visitor's language: from the link (?lang=) on arrival, then their choice."""
    if "app_lang" not in st.session_state:
        value = st.query_params.get("lang", "en")
        st.session_state["app_lang"] = value if value in i18n.LANGUAGES else "en"
    return st.session_state["app_lang"]


def t(key: str, **kwargs) -> str:
    return i18n.t(key, lang(), **kwargs)


def workspace_token() -> str | None:
    """The visitor's private workspace, from the link or this session; kept in
    the link so reloads and copied links keep it. A malformed `?ws=` (a guessed
    name) opens nothing."""
    given = st.query_params.get("ws")
    if given is not None and given != st.session_state.get("app_ws"):
        if workspaces.is_token(given):
            st.session_state["app_ws"] = given
        else:
            st.session_state["app_ws_invalid"] = True
            del st.query_params["ws"]
    token = st.session_state.get("app_ws")
    if token and st.query_params.get("ws") != token:
        st.query_params["ws"] = token
    return token


def new_workspace() -> str:
    token = workspaces.mint()
    st.session_state["app_ws"] = token
    st.query_params["ws"] = token
    return token


def owner() -> str | None:
    token = workspace_token()
    return workspaces.owner_of(token) if token else None


def visible_owners() -> list[str]:
    mine = owner()
    return [PUBLIC, mine] if mine else [PUBLIC]


def answer_mode() -> str:
    """'llm' when a model is configured and the visitor chose it, else 'extractive'."""
    if get_settings().llm is None:
        return "extractive"
    return st.session_state.get("app_answer_mode", "llm")
