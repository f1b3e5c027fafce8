"""Ask: a chat over the library, every answer cited. The page paints before
the library has loaded; a question waits for it."""

import logging
from typing import NoReturn
from urllib.parse import urlencode

import streamlit as st

from components.chat import render_answer, to_markdown
from components.safe import md_literal, show
from components.state import answer_mode, budget, get_library, lang, t, visible_owners
from hkai.core.types import Answer, Turn

logger = logging.getLogger("hkai.app")

st.title(t("ask.title"))
st.caption(t("ask.intro"))
history: list[Turn] = st.session_state.setdefault("ask_history", [])


def previous() -> str | None:
    """What the last question searched, for a follow-up ("And how much of that is at Cyberport?")."""
    if not history or history[-1].answer is None:
        return None
    return history[-1].answer.searched or history[-1].question


def share_link(turn: Turn) -> str:
    """This page's address with the language, the question and, for a
    follow-up, what it followed (the private workspace stays out of a shared link)."""
    params = {"lang": lang(), "q": turn.question, **({"after": turn.after} if turn.after else {})}
    return f"{st.context.url or ''}?{urlencode(params)}"


def answered(lib, question: str, context: str | None) -> Answer:
    """The library's answer; a generated one streams in, every character shown as text (never Markdown)."""
    turns = [(x.question, x.answer.answer) for x in history if x.answer is not None]
    stream = lib.ask_stream(question, visible_owners(), previous=context, history=turns,
                            generate=answer_mode() == "llm", budget=budget(lib), lang=lang())
    with st.spinner(t("ask.thinking")), st.empty():
        st.write_stream(md_literal(piece) for piece in stream)
    return stream.answer


def refuse(kind: str, message: str) -> NoReturn:
    """A question not answered: the sentence stays on the page until the next
    question (a rerun, such as the library finishing loading, keeps it)."""
    st.session_state["ask_notice"] = (kind, message)
    st.rerun()


def ask(question: str, after: str | None = None) -> None:
    """Answer a question; `after` (from a shared link) stands for the
    conversation a follow-up leaned on."""
    question = question.strip()
    context = after or previous()
    turn = st.empty()  # this run's question and answer, until the conversation is drawn again
    with turn.container():
        if question:
            with st.chat_message("user"):
                show(question)
        with st.chat_message("assistant"):
            lib = get_library()  # waits, with a spinner, if the first visitor asks before it has loaded
            if lib is None:
                return
            try:
                answer = answered(lib, question, context)
            except Exception:  # the operator gets the traceback, the visitor a sentence
                logger.exception("answering %r failed", question[:80])
                refuse("error", t("ask.error"))
    if answer.refused == "empty":  # a blank question: a toast, and nothing else on the page
        turn.empty()
        st.toast(answer.answer)
        return
    if answer.refused:  # over the length limit: said, and not kept in the conversation
        refuse("warning", answer.answer)
    followed = context if answer.searched and context else ""  # a follow-up: the link carries what it followed
    history.append(Turn(question, answer, after=followed))
    st.session_state.pop("ask_notice", None)
    st.session_state["ask_url_q"] = question
    st.query_params["q"] = question  # the link now reproduces this answer
    if followed:
        st.query_params["after"] = followed
    else:
        st.query_params.pop("after", None)
    st.rerun()


for i, turn in enumerate(history):
    with st.chat_message("user"):
        show(turn.question)
    with st.chat_message("assistant"):
        render_answer(turn.answer, key=str(i))
        score = st.feedback("thumbs", key=f"ask_feedback_{i}")
        if score is not None and not turn.rated:
            get_library().feedback(turn.question, turn.answer.answer, score, lang())
            turn.rated = True
            st.toast(t("ask.feedback_thanks"))

if not history:
    st.markdown(f"**{t('ask.suggested')}**")
    cols = st.columns(2)
    for j, key in enumerate(("ask.q1", "ask.q2", "ask.q3", "ask.q4")):
        if cols[j % 2].button(t(key), key=f"ask_suggest_{j}", width="stretch"):
            st.session_state["ask_pending"] = (t(key), None)
            st.rerun()
else:
    c1, c2 = st.columns(2)
    if c1.button(t("ask.clear"), key="ask_clear", icon=":material/delete:"):
        history.clear()
        st.query_params.pop("q", None)
        st.query_params.pop("after", None)
        st.rerun()
    c2.download_button(t("ask.download"), to_markdown(history), file_name="hkai-conversation.md",
                       mime="text/markdown", key="ask_download", icon=":material/download:")
    with st.expander(t("ask.share"), icon=":material/link:"):  # in the page's flow: never off the screen's edge
        st.caption(t("ask.share_hint"))
        st.code(share_link(history[-1]), language=None, wrap_lines=True)

notice = st.session_state.get("ask_notice")
if notice:
    (st.error if notice[0] == "error" else st.warning)(notice[1])

url_question = st.query_params.get("q")
if url_question and url_question != st.session_state.get("ask_url_q"):
    st.session_state["ask_url_q"] = url_question  # a link's question is asked once per session
    if url_question not in [x.question for x in history]:
        st.session_state["ask_pending"] = (url_question, st.query_params.get("after"))
typed = st.chat_input(t("ask.placeholder"), key="ask_input")
pending = st.session_state.pop("ask_pending", None)
if typed is not None:
    ask(typed)
elif pending:
    ask(*pending)
