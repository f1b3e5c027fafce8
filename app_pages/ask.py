"""Ask: a chat over the library, every answer cited."""

import time

import streamlit as st

from components.chat import render_answer, to_markdown
from components.state import answer_mode, get_library, lang, t, visible_owners
from hkai.feedback import record_feedback
from hkai.llm import llm_settings, stream_answer

MAX_QUESTION = 500

st.title(t("ask.title"))
st.caption(t("ask.intro"))
lib = get_library()
history = st.session_state.setdefault("ask_history", [])


def ask(question: str) -> None:
    question = question.strip()
    if not question:
        st.toast(t("ask.empty_question"))
        return
    if len(question) > MAX_QUESTION:
        st.warning(t("ask.too_long", n=len(question), limit=MAX_QUESTION))
        return
    history.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.markdown(question)
    with st.chat_message("assistant"):
        try:
            answer = _answer(question)
        except Exception as exc:  # shown as a message, never a traceback
            st.error(t("ask.error", error=type(exc).__name__))
            history.pop()
            return
        history.append({"role": "assistant", "answer": answer})
    st.rerun()


def _answer(question: str) -> dict:
    """Generated (streamed as it comes) when the LLM mode is on and within the
    session's limit; extractive otherwise."""
    settings = llm_settings()
    if answer_mode() == "llm" and settings is not None:
        used = st.session_state.get("ask_llm_calls", 0)
        if used < settings.max_calls:
            st.session_state["ask_llm_calls"] = used + 1
            turns = [(history[i]["content"], history[i + 1]["answer"]["answer"])
                     for i in range(0, len(history) - 2, 2) if history[i + 1]["role"] == "assistant"]
            pieces, box = stream_answer(lib, question, history=turns, owners=visible_owners())
            st.write_stream(pieces)
            return box["answer"].to_dict()
        answer = lib.ask(question, owners=visible_owners())
        answer.notice = t("llm.fallback", reason=t("llm.limit", n=settings.max_calls))
        return answer.to_dict()
    with st.spinner(t("ask.thinking")):
        answer = lib.ask(question, owners=visible_owners()).to_dict()
    st.write_stream(_words(answer["answer"]))
    return answer


def _words(text: str):
    for i in range(0, len(text), 12):
        yield text[i:i + 12]
        time.sleep(0.01)


if lib is not None:
    for i, turn in enumerate(history):
        with st.chat_message(turn["role"]):
            if turn["role"] == "user":
                st.markdown(turn["content"])
            else:
                render_answer(turn["answer"])
                score = st.feedback("thumbs", key=f"ask_feedback_{i}")
                if score is not None and not turn.get("rated"):
                    record_feedback(lib.settings.feedback_file, history[i - 1]["content"],
                                    turn["answer"]["answer"], score, lang())
                    turn["rated"] = True
                    st.toast(t("ask.feedback_thanks"))

    if not history:
        st.markdown(f"**{t('ask.suggested')}**")
        cols = st.columns(2)
        for j, key in enumerate(("ask.q1", "ask.q2", "ask.q3", "ask.q4")):
            if cols[j % 2].button(t(key), key=f"ask_suggest_{j}", width="stretch"):
                st.session_state["ask_pending"] = t(key)
                st.rerun()
    else:
        c1, c2 = st.columns(2)
        if c1.button(t("ask.clear"), key="ask_clear", icon=":material/delete:"):
            history.clear()
            st.rerun()
        c2.download_button(t("ask.download"), to_markdown(history), file_name="hkai-conversation.md",
                           mime="text/markdown", key="ask_download", icon=":material/download:")

    url_question = st.query_params.get("q")
    if url_question and not st.session_state.get("ask_url_done"):
        st.session_state["ask_url_done"] = True
        st.session_state["ask_pending"] = url_question
    typed = st.chat_input(t("ask.placeholder"), key="ask_input")
    pending = st.session_state.pop("ask_pending", None)
    if typed is not None or pending:
        ask(typed if typed is not None else pending)
