"""The one error a generated answer ends in (kept apart from `llm`, so that importing the library does not
import the OpenAI client: about a second of the first answer on a fresh host)."""


class LLMUnavailable(Exception):
    """The model gave no usable answer; `code` names why (see i18n llm.reason.*)."""

    def __init__(self, code: str, **detail):
        super().__init__(code)
        self.code, self.detail = code, detail
