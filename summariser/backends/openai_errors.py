"""Failures of an OpenAI-compatible endpoint: which are worth another try, how long to wait, and how each
maps to the project's error tree (one-line messages, keys redacted)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

import openai
from instructor.core import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel, ValidationError
from tenacity import RetryCallState
from tenacity.wait import wait_base

from ..errors import (
    ConfigError,
    ContextLengthError,
    EndpointError,
    GenerationError,
    ModelError,
    SummariserError,
)
from ..redact import redact
from ..settings import ENV_VARS
from .endpoint import context_from_message

__all__ = [
    "BadResponse",
    "ErrorMapper",
    "WaitRetryAfter",
    "display_url",
    "is_transient",
    "retry_after_seconds",
]


class BadResponse(Exception):
    """The endpoint answered 2xx with something that is not a chat completion."""


def retry_after_seconds(headers: Mapping[str, str] | None, *, now: float | None = None) -> float | None:
    """Seconds a response asks us to wait: ``retry-after-ms``, or ``Retry-After`` as seconds or HTTP date."""
    if not headers:
        return None
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        return max(0.0, float(lower["retry-after-ms"]) / 1000)
    except (KeyError, ValueError):
        pass
    value = lower.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class WaitRetryAfter(wait_base):
    """Honour the server's ``Retry-After`` (capped at ``cap`` seconds), else fall back to ``fallback``."""

    def __init__(self, fallback: wait_base, cap: float) -> None:
        self.fallback = fallback
        self.cap = cap

    def __call__(self, retry_state: RetryCallState) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        response = getattr(exc, "response", None)
        asked = retry_after_seconds(response.headers) if response is not None else None
        return min(asked, self.cap) if asked is not None else self.fallback(retry_state)


def is_transient(exc: BaseException) -> bool:
    """Worth another try: rate limits, server errors, timeouts, dropped connections, garbled answers."""
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 429) or exc.status_code >= 500
    return isinstance(exc, openai.APIConnectionError | BadResponse | json.JSONDecodeError)


def display_url(url: str) -> str:
    """The URL without any user:password part."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        parts = parts._replace(netloc=(parts.hostname or "") + (f":{parts.port}" if parts.port else ""))
    return urlunsplit(parts)


class ErrorMapper:
    """Turns what is left after retries into a ``SummariserError`` naming the endpoint, never the key."""

    def __init__(self, *, base_url: str, model: str, timeout: float, local: bool, secret: str) -> None:
        self.url = display_url(base_url)
        self.model = model
        self.timeout = timeout
        self.local = local
        self.secret = secret

    def redact(self, text: str) -> str:
        return redact(text, [self.secret])

    def safe_cause(self, exc: BaseException) -> BaseException | None:
        """Chain the original error unless its text would reveal a key (some servers echo it)."""
        body = getattr(exc, "body", None)
        text = f"{exc} {body!r}"
        return None if self.redact(text) != text else exc

    def short(self, exc: BaseException | None) -> str:
        if isinstance(exc, openai.APIStatusError):
            return f"HTTP {exc.status_code}"
        if isinstance(exc, openai.APITimeoutError):
            return f"no answer within {self.timeout:g} s"
        if isinstance(exc, openai.APIConnectionError):
            cause = exc.__cause__
            return f"connection error ({type(cause).__name__}: {cause})" if cause else "connection error"
        return self.redact(f"{type(exc).__name__}: {exc}")[:200]

    def detail(self, exc: openai.APIStatusError) -> str:
        body = exc.body
        message = body.get("message") if isinstance(body, dict) else body
        return " ".join(self.redact(str(message or exc.message)).split())[:300]

    def failure(self, exc: BaseException, attempts: int) -> BaseException:
        """Map what is left after transport retries to the project's error tree."""
        url = self.url
        tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        base_hint = f"check --base-url / {ENV_VARS['base_url']} (now {url})"
        if isinstance(exc, openai.APITimeoutError):
            if self.local:
                return EndpointError(
                    f"{url} did not answer within {self.timeout:g} s ({tries}; not re-sent: a local server "
                    "would still be computing it)",
                    hint=f"raise the timeout ({ENV_VARS['timeout']}), or use a smaller model or a shorter "
                    "article",
                )
            return EndpointError(
                f"{url} did not answer within {self.timeout:g} s ({tries})",
                hint=f"raise the timeout ({ENV_VARS['timeout']}) or check the server's load",
            )
        if isinstance(exc, openai.APIConnectionError):
            return EndpointError(
                f"cannot reach {url}: {self.short(exc)} ({tries})", hint=f"is the server running? {base_hint}"
            )
        if isinstance(exc, BadResponse | json.JSONDecodeError):
            return EndpointError(
                f"{url} did not answer with a chat completion ({tries})",
                hint=f"is it an OpenAI-compatible API (the URL usually ends in /v1)? {base_hint}",
            )
        if not isinstance(exc, openai.APIStatusError):
            return EndpointError(f"request to {url} failed: {self.short(exc)}", hint=base_hint)
        status, detail = exc.status_code, self.detail(exc)
        if status in (401, 403):
            return ConfigError(
                f"{url} refused the API key (HTTP {status}): {detail}", hint=f"check {ENV_VARS['api_key']}"
            )
        if status == 404:
            return ModelError(
                f"model {self.model!r} not found at {url} (HTTP 404): {detail}",
                hint=f"check --model openai:NAME (GET {url}/models lists the served models) "
                "and that the base URL ends in /v1",
            )
        lower = detail.lower()
        if status in (400, 413, 422, 500) and (
            any(k in lower for k in ("context length", "context size", "context_length", "too long"))
            or context_from_message(detail)
        ):
            err = ContextLengthError(
                f"the prompt does not fit {self.model!r}'s context window: {detail}",
                hint="use a model with a larger context window, or a shorter article",
            )
            err.context_window = context_from_message(detail)  # type: ignore[attr-defined]
            return err
        if status == 429:
            return EndpointError(
                f"{url} kept rate-limiting (HTTP 429) after {tries}: {detail}",
                hint=f"wait, lower the concurrency, or raise {ENV_VARS['max_retries']}",
            )
        if is_transient(exc):
            return EndpointError(
                f"{url} kept failing (HTTP {status}) after {tries}: {detail}",
                hint=f"the server is down or overloaded; retry later or raise {ENV_VARS['max_retries']}",
            )
        return EndpointError(
            f"{url} rejected the request (HTTP {status}): {detail}",
            hint="try another --structured-mode (auto, json_schema, json_object, tools, md_json)",
        )

    def translate(
        self, exc: Exception, answers: int, model: type[BaseModel], max_tokens: int
    ) -> BaseException:
        """Unwrap instructor's exceptions into the project's tree."""
        if isinstance(exc, IncompleteOutputException):
            return GenerationError(
                f"the answer from {self.model!r} was truncated at max_tokens={max_tokens} "
                "(finish_reason=length); not re-asked, the same budget would cut it again",
                hint="raise max_tokens, or shorten the input",
            )
        if not isinstance(exc, InstructorRetryException):
            return exc
        cause = exc.__cause__
        if isinstance(cause, SummariserError):
            return cause
        if isinstance(cause, ValidationError | ValueError) or exc.failed_attempts:
            err = GenerationError(
                f"{self.model!r} gave no valid {model.__name__} in {answers} answer"
                f"{'s' if answers != 1 else ''} ({max(0, answers - 1)} re-asks): {self.summarise(cause)}",
                hint="try a larger model, raise the re-asks, or use --model extractive",
            )
            err.__cause__ = cause
            return err
        return cause if isinstance(cause, Exception) else exc

    def summarise(self, err: BaseException | None) -> str:
        """What was wrong with an answer, without quoting the answer (it may be cut mid-word)."""
        if isinstance(err, ValidationError):
            problems = [f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in err.errors()[:3]]
            more = err.error_count() - len(problems)
            return "; ".join(problems) + (f" (+{more} more)" if more > 0 else "")
        if isinstance(err, json.JSONDecodeError):
            return f"not valid JSON ({err.msg} at character {err.pos})"
        return self.redact(str(err))[:300]
