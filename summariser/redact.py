"""Keep secrets out of everything stored or shown: warnings, the response cache, the run log, errors.

``redact(text, secrets)`` removes the configured key(s) and anything shaped like an API key or bearer
token. Endpoints sometimes echo the request's key in an error body; that text must never be written down.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["redact", "redact_all"]

_KEY_PATTERNS = [
    (re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}"), "sk-***"),
    (re.compile(r"\b(?:hf|gh[pousr]|xai|gsk|pplx|glpat)[_-][A-Za-z0-9_\-]{16,}"), "***"),
    (re.compile(r"\bAIza[0-9A-Za-z_\-]{30,}"), "***"),
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=\-]{8,}"), r"\1 ***"),
    (re.compile(r"(?i)\b((?:api|access|secret)[_-]?key[\"']?\s*[:=]\s*[\"']?)[^\s\"',;&}]+"), r"\1***"),
    (re.compile(r"(?i)\b(authorization[\"']?\s*[:=]\s*[\"']?)(?!bearer\b)[^\s\"',;&}]+"), r"\1***"),
]


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` without the given secrets or anything shaped like an API key."""
    for secret in secrets:
        if secret and len(secret) >= 4 and secret != "not-needed":
            text = text.replace(secret, "***")
    for pattern, repl in _KEY_PATTERNS:
        text = pattern.sub(repl, text)
    return text


def redact_all(value: Any, secrets: Iterable[str | None] = ()) -> Any:
    """Every string inside ``value`` (dicts, lists, tuples) redacted; other values unchanged."""
    secrets = list(secrets)
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {k: redact_all(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_all(v, secrets) for v in value)
    return value
