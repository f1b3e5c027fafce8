"""Workspace tokens: capabilities, not names.

A workspace is an unguessable token (192 bits from `secrets.token_urlsafe`)
that travels in the visitor's link (`?ws=`). The store never sees the token,
only a hash of it as the documents' owner.
"""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 24  # 192 bits; token_urlsafe gives 32 characters
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
PREFIX = "ws:"


def mint() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_token(value: str | None) -> bool:
    return bool(value) and bool(_TOKEN.fullmatch(value))


def owner_of(token: str) -> str:
    """The owner id documents of this workspace carry; raises for a non-token
    so a guessed name ("acme") can never address anything."""
    if not is_token(token):
        raise ValueError("not a workspace token")
    return PREFIX + hashlib.sha256(token.encode()).hexdigest()[:32]
