"""Generated answers through LangChain chat models.

Any OpenAI-compatible endpoint works (Qwen on DashScope, DeepSeek, OpenAI,
Ollama, vLLM). This module only talks to the model: the answer streamed from
numbered passages, a follow-up made standalone, a question or a quote
translated. Every failure becomes an `LLMUnavailable` with a typed reason;
what is done about it (the verified extractive answer, a notice, the log) is
the answer service's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import openai
from langchain_core.language_models.chat_models import BaseChatModel

from ..core.config import LLMSettings
from ..core.types import Answer, Hit
from .citations import cut_short, resolve
from .grounding import check_grounding
from .prompts import answer_messages, condense_message, translate_message, translate_quote_message
from .unavailable import LLMUnavailable

logger = logging.getLogger(__name__)


def make_chat_model(settings: LLMSettings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(model=settings.model, base_url=settings.base_url, api_key=settings.api_key,
                      timeout=settings.timeout, max_retries=0, temperature=0.1, max_tokens=settings.max_tokens)




def failure_of(exc: Exception) -> LLMUnavailable:
    """The openai client's typed errors (ChatOpenAI raises them unwrapped) as reasons."""
    if isinstance(exc, LLMUnavailable):
        return exc
    if isinstance(exc, (openai.APITimeoutError, TimeoutError)):
        return LLMUnavailable("timeout")
    if isinstance(exc, openai.RateLimitError):
        return LLMUnavailable("rate_limit")
    if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
        return LLMUnavailable("auth")
    if isinstance(exc, openai.APIConnectionError):
        return LLMUnavailable("connection")
    if isinstance(exc, openai.APIStatusError):
        return LLMUnavailable("http", status=exc.status_code)
    logger.exception("the language model failed")
    return LLMUnavailable("failed", name=type(exc).__name__)


def _text(message) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, list):
        content = "".join(c.get("text", "") if isinstance(c, dict) else str(c) for c in content)
    return str(content)


def condense(model: BaseChatModel, history: list[tuple[str, str]], question: str) -> str:
    """A follow-up question with the conversation folded in, for retrieval."""
    if not history:
        return question
    return _text(model.invoke([condense_message(history, question)])).strip() or question


def translate(model: BaseChatModel, question: str) -> str:
    """An English question in Chinese, so the lexical leg finds Chinese passages by its words."""
    return _text(model.invoke([translate_message(question)])).strip()


def generate(model: BaseChatModel, question: str, hits: list[Hit], lang: str,
             on_token: Callable[[str], None] | None = None) -> Answer:
    """The model's answer from the numbered passages, streamed piece by piece
    to `on_token`, its citations resolved and its figures checked (not yet
    judged: see `citations.unverified`). A reply cut at the token limit ends
    with "…"."""
    text, stopped = "", ""
    for chunk in model.stream(answer_messages(question, hits, lang)):
        piece = _text(chunk)
        stopped = (getattr(chunk, "response_metadata", None) or {}).get("finish_reason") or stopped
        if piece:
            text += piece
            if on_token:
                on_token(piece)
    if not text.strip():
        raise LLMUnavailable("empty")
    if not stopped:  # every OpenAI-compatible server ends a stream with a finish reason; a cut connection does not
        raise LLMUnavailable("incomplete")
    return resolve(question, cut_short(text) if stopped == "length" else text.strip(), hits, lang)


def translate_quote(model: BaseChatModel, passage: str, lang: str) -> tuple[str, dict]:
    """A machine translation of a source passage for the reader, with its
    figures checked against the passage (a wrong figure is flagged)."""
    text = _text(model.invoke([translate_quote_message(passage, lang)])).strip()
    if not text:
        raise LLMUnavailable("empty")
    return text, check_grounding(text, [passage])
