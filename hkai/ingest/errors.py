"""Why a file cannot be added, in words a user can act on.
"""

from __future__ import annotations

from ..core.config import MB, Limits


class LoadError(Exception):
    """A file that cannot be added, with a reason fit to show the user."""

    def __init__(self, name: str, reason: str, code: str):
        super().__init__(f"{name}: {reason}")
        self.name, self.reason, self.code = name, reason, code


def _mb(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n / 1024:.0f} KB"


def _check_chars(n: int, name: str, limits: Limits) -> None:
    if n > limits.chars:
        raise LoadError(name, f"its text is over the {limits.chars:,}-character limit for one file; "
                        "split it into smaller files", "too_large")
