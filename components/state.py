"""Process-wide objects and per-visitor state, built in one place.

The settings and the library (Qdrant client plus embedders) are built once per
process with st.cache_resource and shared by every visitor; the visitor's
language and private workspace live in session state and in the link.
"""

from __future__ import annotations

import logging
import threading

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from hkai.core import i18n, tokens
from hkai.core.config import Settings, load_settings
from hkai.core.types import PUBLIC

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


class LibraryLoader:
    """Builds the shared library in a thread of its own, so the first visitor's
    page paints at once while the store opens, the model loads and the seeds
    are indexed; whoever needs the library waits for it (with a spinner)."""

    def __init__(self, settings: Settings):
        self.lib = None  # a hkai.library.Library once built
        self.error: Exception | None = None
        self.done = threading.Event()
        threading.Thread(target=self._build, args=(settings,), name="hkai-library", daemon=True).start()

    def _build(self, settings: Settings) -> None:
        # Imported here: the engine's imports (Qdrant, LangChain, jieba) take a second the first page need not wait for.
        from hkai.library import Library, StoreLockedError

        try:
            lib = Library(settings)
            lib.ensure_seeds()
            lib.purge_if_due()  # and again at most hourly while the process runs (app.py)
            lib.warm()  # the first visitor's question does not pay for jieba's dictionary
            self.lib = lib
        except StoreLockedError as exc:
            self.error = exc
        except Exception as exc:  # the operator gets the traceback; visitors a sentence
            logger.exception("the library could not be built")
            self.error = exc
        finally:
            self.done.set()


@st.cache_resource(max_entries=1, show_spinner=False)
def _loader() -> LibraryLoader:
    return LibraryLoader(get_settings())


def library_ready() -> bool:
    return _loader().done.is_set()


def get_library(wait: bool = True):
    """The shared library, with the seeds indexed. With wait=False, None while
    it is still loading; None (and a message shown) when it cannot be opened."""
    loader = _loader()
    if not loader.done.is_set():
        if not wait:
            return None
        with st.spinner(i18n.t("ask.loading", lang())):
            loader.done.wait()
    if type(loader.error).__name__ == "StoreLockedError":
        st.error(f"{i18n.t('error.store_locked', lang())} {loader.error}")
    elif loader.error is not None:
        st.error(i18n.t("error.generic", lang()))
    return loader.lib


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
        if tokens.is_token(given):
            st.session_state["app_ws"] = given
        else:
            st.session_state["app_ws_invalid"] = True
            del st.query_params["ws"]
    token = st.session_state.get("app_ws")
    if token and st.query_params.get("ws") != token:
        st.query_params["ws"] = token
    return token


def new_workspace() -> str:
    token = tokens.mint()
    st.session_state["app_ws"] = token
    st.query_params["ws"] = token
    return token


def owner() -> str | None:
    token = workspace_token()
    return tokens.owner_of(token) if token else None


def visible_owners() -> list[str]:
    mine = owner()
    return [PUBLIC, mine] if mine else [PUBLIC]


def presenting() -> bool:
    """Presentation mode: large type, no exports, a bar to move between dashboards. Entered by the Present
    button, `?present=1` or a shared `?slide=` link (with present=1); kept in the session and written into the
    address on every run, so every key, button and reload keeps it until Esc or Exit (`stop_presenting`)."""
    if st.query_params.get("present") == "1":
        st.session_state["app_present"] = True
    if st.session_state.get("app_present"):
        if st.query_params.get("present") != "1":
            st.query_params["present"] = "1"
        return True
    return False


def start_presenting() -> None:
    """The Present button's callback."""
    st.session_state["app_present"] = True


def stop_presenting() -> None:
    st.session_state["app_present"] = False
    for key in ("present", "slide"):
        st.query_params.pop(key, None)


def link_params(**extra) -> dict:
    """What every link inside the app carries: the language and the private workspace."""
    params = {"lang": lang()}
    if st.session_state.get("app_ws"):
        params["ws"] = st.session_state["app_ws"]
    return {**params, **{k: v for k, v in extra.items() if v is not None}}


def budget(lib):
    """This visitor's allowance of generated answers (made by the library, kept in the session)."""
    return st.session_state.setdefault("ask_budget", lib.budget())


def answer_mode() -> str:
    """'llm' when a model is configured and the visitor chose it, else 'extractive'."""
    if get_settings().llm is None:
        return "extractive"
    return st.session_state.get("app_answer_mode", "llm")
