"""The OpenAI-compatible backend: any ``/v1/chat/completions`` server (OpenAI, vLLM, Ollama, llama.cpp ...).

Layers, innermost first:

* the ``openai`` client (``OpenAI`` / ``AsyncOpenAI``) with ``max_retries=0``: one HTTP request per call;
* transport retries (tenacity) around each single request: 429, 408, 5xx, timeouts, connection errors
  and 2xx bodies that are not a chat completion are retried with exponential backoff and jitter,
  honouring ``Retry-After`` / ``retry-after-ms`` (seconds or HTTP date, capped), at most
  ``settings.max_retries`` retries and never sleeping past ``retry_budget`` seconds;
* instructor re-asks: ``instructor.patch(create=<the retrying request>)`` validates the answer against the
  response model and re-asks with the validation errors up to ``max_reasks`` times. Instructor only
  retries parse/validation errors (its tenacity loop uses ``retry_if_exception_type`` on
  ValidationError/JSONDecodeError/ResponseParsingError); a transport failure reaches it already mapped
  to a ``SummariserError``, which it does not retry. Because transport retries sit *inside* each
  re-ask, a 503 on the second attempt does not throw away the re-ask conversation.

Structured mode: ``json`` (default) = instructor ``Mode.JSON``: the schema goes into the system prompt and
the request sets ``response_format={"type": "json_object"}``, which OpenAI, vLLM, Ollama, llama.cpp's
server and TGI all accept (and most constrain decoding to JSON). ``Mode.TOOLS`` needs forced
``tool_choice`` support, which several local servers lack or gate behind flags, so it is opt-in.
``md_json`` sends no ``response_format`` at all (for servers that reject it) and parses the JSON out of
the text. ``max_tokens`` (not ``max_completion_tokens``) is sent because every compatible server knows it.

A reply cut at the token limit (``finish_reason == "length"``) is not re-asked (the same budget would
cut it again) and not retried with a larger budget (the caller chose ``max_tokens`` to fit the context
window): it raises ``GenerationError`` saying so.

Usage and counts cover every HTTP request made (transport retries and re-asks): ``Completion.calls`` is
the number of requests, ``retries`` = transport retries + re-asks, tokens are summed over all answers.
The API key is redacted from every message this module raises or logs.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Literal, cast
from urllib.parse import urlsplit, urlunsplit

import instructor
import openai
from instructor.core import IncompleteOutputException, InstructorRetryException
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential,
    wait_random,
)
from tenacity.wait import wait_base

from ..errors import (
    ConfigError,
    ContextLengthError,
    EndpointError,
    GenerationError,
    ModelError,
    SummariserError,
)
from ..settings import ENV_VARS, Settings
from .base import Backend, Completion, Message, T

__all__ = ["DEFAULT_BASE_URL", "OpenAIBackend", "StructuredMode", "is_transient", "retry_after_seconds"]

_log = logging.getLogger(__name__)
# instructor logs every failed attempt at ERROR; without this, Python's last-resort handler would print
# those lines on stderr of every CLI run. Applications that configure logging still see them.
logging.getLogger("instructor").addHandler(logging.NullHandler())

StructuredMode = Literal["json", "md_json", "tools"]
_MODES = {"json": instructor.Mode.JSON, "md_json": instructor.Mode.MD_JSON, "tools": instructor.Mode.TOOLS}
DEFAULT_BASE_URL = "https://api.openai.com/v1"


class _BadResponse(Exception):
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
    return isinstance(exc, openai.APIConnectionError | _BadResponse | json.JSONDecodeError)


@dataclass
class _Tally:
    """What one ``complete`` call cost, across transport retries and re-asks."""

    calls: int = 0
    transport_retries: int = 0
    answers: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str | None = None

    def add(self, response: ChatCompletion) -> None:
        self.answers += 1
        self.finish_reason = response.choices[0].finish_reason
        if response.usage is not None:
            self.prompt_tokens += response.usage.prompt_tokens or 0
            self.completion_tokens += response.usage.completion_tokens or 0


def _display_url(url: str) -> str:
    """The URL without any user:password part."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        parts = parts._replace(netloc=(parts.hostname or "") + (f":{parts.port}" if parts.port else ""))
    return urlunsplit(parts)


def _plain(value: Any, response_model: type[T]) -> T:
    """Instructor answers with a subclass of the response model carrying ``_raw_response``; hand back an
    instance of exactly ``response_model`` (already validated: no second validation)."""
    if type(value) is response_model:
        return cast(T, value)
    fields = {name: getattr(value, name) for name in response_model.model_fields}
    return response_model.model_construct(_fields_set=set(value.model_fields_set), **fields)


def minimal_schema(schema: Any) -> Any:
    """``schema`` without titles and ``"default": null``, ``anyOf [X, null]`` written as X (the field stays
    optional: it is not in ``required``)."""
    if isinstance(schema, list):
        return [minimal_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if (key == "title" and isinstance(value, str)) or (key == "default" and value is None):
            continue
        nested = key == "properties" and isinstance(value, dict)
        out[key] = {k: minimal_schema(v) for k, v in value.items()} if nested else minimal_schema(value)
    any_of = out.get("anyOf")
    if isinstance(any_of, list) and len(any_of) == 2 and {"type": "null"} in any_of:
        out.pop("anyOf")
        out.update(next(s for s in any_of if s != {"type": "null"}))
    return out


@functools.lru_cache(maxsize=64)
def _schema_texts(response_model: type[BaseModel]) -> tuple[str, str]:
    schema = response_model.model_json_schema()
    return (
        json.dumps(schema, indent=2, ensure_ascii=False),
        json.dumps(minimal_schema(schema), ensure_ascii=False, separators=(",", ":")),
    )


def compact_schema(kwargs: dict[str, Any], response_model: type[BaseModel]) -> dict[str, Any]:
    """instructor's JSON modes write the response schema into the system message indented, with titles:
    send it compactly instead (-43 % prompt tokens for a ``Draft``; benchmarks/results/tokens.json)."""
    long, short = _schema_texts(response_model)
    messages = kwargs.get("messages") or []
    if not any(isinstance(m.get("content"), str) and long in m["content"] for m in messages):
        return kwargs
    shrunk = [
        {**m, "content": m["content"].replace(long, short)} if isinstance(m.get("content"), str) else m
        for m in messages
    ]
    return {**kwargs, "messages": shrunk}


class OpenAIBackend(Backend):
    """Structured output from an OpenAI-compatible chat endpoint, built from ``Settings``.

    ``OpenAIBackend(settings)`` needs ``settings.model == "openai:NAME"``; ``base_url`` defaults to OpenAI's.
    The backoff knobs exist so tests can keep waits tiny; the defaults suit real endpoints.
    """

    engine = "openai"
    mode = "full"
    concurrent = True  # a remote endpoint: several briefs at once (batch --jobs)

    def __init__(
        self,
        settings: Settings,
        *,
        structured_mode: StructuredMode = "json",
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        retry_after_cap: float = 30.0,
        retry_budget: float | None = None,
        context_window: int = 128_000,
    ) -> None:
        spec = settings.model_spec
        if spec.engine != "openai":
            raise ConfigError(
                f"the openai backend needs an openai:NAME model, not {spec}",
                hint="e.g. --model openai:gpt-4o-mini",
            )
        if structured_mode not in _MODES:
            raise ConfigError(
                f"unknown structured mode {structured_mode!r}", hint=f"use one of {sorted(_MODES)}"
            )
        self.model = spec.name
        self.base_url = settings.base_url or DEFAULT_BASE_URL
        self._api_key = settings.require_api_key()  # never put into messages, logs or repr
        self.timeout = settings.timeout
        self.max_retries = max(0, settings.max_retries)
        self.temperature = settings.temperature
        self.seed = settings.seed
        self.structured_mode: StructuredMode = structured_mode
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.retry_after_cap = retry_after_cap
        self.retry_budget = (
            retry_budget if retry_budget is not None else self.timeout * (self.max_retries + 1) + 60
        )
        self.context_window = context_window
        self._client: openai.OpenAI | None = None
        self._client_lock = threading.Lock()
        self._aclient: openai.AsyncOpenAI | None = None
        self._aclient_loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        return f"OpenAIBackend(model={self.model!r}, base_url={_display_url(self.base_url)!r})"

    # -- public API ------------------------------------------------------------------------------

    def complete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int = 1024, max_reasks: int = 2
    ) -> Completion[T]:
        tally = _Tally()

        def send(*args: Any, **kwargs: Any) -> ChatCompletion:
            retrying, before = Retrying(**self._retry_policy(tally)), tally.calls
            try:
                return retrying(self._post, compact_schema(kwargs, response_model), tally)
            except Exception as exc:
                raise self._failure(exc, tally.calls - before) from self._safe_cause(exc)

        create = cast(Any, instructor.patch(create=send, mode=_MODES[self.structured_mode]))
        try:
            value = create(
                response_model=response_model,
                messages=list(messages),
                max_retries=max(0, max_reasks),
                strict=False,
                **self._request_kwargs(max_tokens),
            )
        except Exception as exc:
            err = self._translate(exc, tally, response_model, max_tokens)
            if err is exc:
                raise
            raise err from err.__cause__
        return self._completion(_plain(value, response_model), tally)

    async def acomplete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int = 1024, max_reasks: int = 2
    ) -> Completion[T]:
        tally = _Tally()
        client = self._async_client()

        async def send(*args: Any, **kwargs: Any) -> ChatCompletion:
            retrying, before = AsyncRetrying(**self._retry_policy(tally)), tally.calls
            try:
                return await retrying(self._apost, client, compact_schema(kwargs, response_model), tally)
            except Exception as exc:
                raise self._failure(exc, tally.calls - before) from self._safe_cause(exc)

        create = cast(Any, instructor.patch(create=send, mode=_MODES[self.structured_mode]))
        try:
            value = await create(
                response_model=response_model,
                messages=list(messages),
                max_retries=max(0, max_reasks),
                strict=False,
                **self._request_kwargs(max_tokens),
            )
        except Exception as exc:
            err = self._translate(exc, tally, response_model, max_tokens)
            if err is exc:
                raise
            raise err from err.__cause__
        return self._completion(_plain(value, response_model), tally)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        self._aclient = None  # an AsyncOpenAI can only be closed on its loop: see aclose()
        self._aclient_loop = None

    async def aclose(self) -> None:
        if self._aclient is not None and self._aclient_loop is asyncio.get_running_loop():
            await self._aclient.close()
        self.close()

    # -- HTTP ------------------------------------------------------------------------------------

    def _client_kwargs(self) -> dict[str, Any]:
        # base_url and api_key always explicit: the openai package must not pick up OPENAI_BASE_URL/_API_KEY
        return {
            "api_key": self._api_key,
            "base_url": self.base_url,
            "timeout": self.timeout,
            "max_retries": 0,
        }

    def _sync_client(self) -> openai.OpenAI:
        """One shared client (thread-safe, pooled connections) for every thread calling ``complete``."""
        with self._client_lock:
            if self._client is None:
                self._client = openai.OpenAI(**self._client_kwargs())
            return self._client

    def _async_client(self) -> openai.AsyncOpenAI:
        """One AsyncOpenAI per event loop: its connection pool is bound to the loop that created it."""
        loop = asyncio.get_running_loop()
        if self._aclient is None or self._aclient_loop is not loop:
            self._aclient = openai.AsyncOpenAI(**self._client_kwargs())
            self._aclient_loop = loop
        return self._aclient

    def _request_kwargs(self, max_tokens: int) -> dict[str, Any]:
        return {
            "model": self.model,
            "max_tokens": max_tokens,
            "temperature": self.temperature,
            "seed": self.seed,
        }

    def _post(self, kwargs: dict[str, Any], tally: _Tally) -> ChatCompletion:
        tally.calls += 1
        return self._checked(self._sync_client().chat.completions.create(**kwargs), tally)

    async def _apost(
        self, client: openai.AsyncOpenAI, kwargs: dict[str, Any], tally: _Tally
    ) -> ChatCompletion:
        tally.calls += 1
        return self._checked(await client.chat.completions.create(**kwargs), tally)

    @staticmethod
    def _checked(response: Any, tally: _Tally) -> ChatCompletion:
        if not isinstance(response, ChatCompletion) or not response.choices:
            raise _BadResponse(f"expected a chat completion, got {type(response).__name__}")
        tally.add(response)
        return response

    def _retry_policy(self, tally: _Tally) -> dict[str, Any]:
        # exponential from backoff_base, capped at backoff_max, plus up to backoff_base of jitter
        backoff = wait_exponential(multiplier=self.backoff_base, max=self.backoff_max) + wait_random(
            0, self.backoff_base
        )

        def before_sleep(state: RetryCallState) -> None:
            tally.transport_retries += 1
            exc = state.outcome.exception() if state.outcome else None
            _log.info(
                "%s: retry %d in %.2f s after %s",
                _display_url(self.base_url),
                state.attempt_number,
                state.upcoming_sleep,
                self._short(exc),
            )

        return {
            "stop": stop_after_attempt(self.max_retries + 1) | stop_before_delay(self.retry_budget),
            "wait": WaitRetryAfter(backoff, cap=self.retry_after_cap),
            "retry": retry_if_exception(is_transient),
            "before_sleep": before_sleep,
            "reraise": True,
        }

    # -- errors ----------------------------------------------------------------------------------

    def _redact(self, text: str) -> str:
        if len(self._api_key) >= 4 and self._api_key != "not-needed":
            text = text.replace(self._api_key, "***")
        return text

    def _safe_cause(self, exc: BaseException) -> BaseException | None:
        """Chain the original error unless its text would reveal the key (some servers echo it)."""
        body = getattr(exc, "body", None)
        return None if self._redact(f"{exc} {body!r}") != f"{exc} {body!r}" else exc

    def _short(self, exc: BaseException | None) -> str:
        if isinstance(exc, openai.APIStatusError):
            return f"HTTP {exc.status_code}"
        if isinstance(exc, openai.APITimeoutError):
            return f"no answer within {self.timeout:g} s"
        if isinstance(exc, openai.APIConnectionError):
            cause = exc.__cause__
            return f"connection error ({type(cause).__name__}: {cause})" if cause else "connection error"
        return self._redact(f"{type(exc).__name__}: {exc}")[:200]

    def _detail(self, exc: openai.APIStatusError) -> str:
        body = exc.body
        message = body.get("message") if isinstance(body, dict) else body
        return self._redact(str(message or exc.message))[:300]

    def _failure(self, exc: BaseException, attempts: int) -> BaseException:
        """Map what is left after transport retries to the project's error tree."""
        url = _display_url(self.base_url)
        tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        base_hint = f"check --base-url / {ENV_VARS['base_url']} (now {url})"
        if isinstance(exc, openai.APITimeoutError):
            return EndpointError(
                f"{url} did not answer within {self.timeout:g} s ({tries})",
                hint=f"raise the timeout ({ENV_VARS['timeout']}) or check the server's load",
            )
        if isinstance(exc, openai.APIConnectionError):
            return EndpointError(
                f"cannot reach {url}: {self._short(exc)} ({tries})",
                hint=f"is the server running? {base_hint}",
            )
        if isinstance(exc, _BadResponse | json.JSONDecodeError):
            return EndpointError(
                f"{url} did not answer with a chat completion ({tries})",
                hint=f"is it an OpenAI-compatible API (the URL usually ends in /v1)? {base_hint}",
            )
        if not isinstance(exc, openai.APIStatusError):
            return EndpointError(f"request to {url} failed: {self._short(exc)}", hint=base_hint)
        status, detail = exc.status_code, self._detail(exc)
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
        if status in (400, 413, 422) and any(
            k in detail.lower() for k in ("context length", "context size", "context_length", "too long")
        ):
            return ContextLengthError(
                f"the prompt does not fit {self.model!r}'s context window: {detail}",
                hint="use a model with a larger context window, or a shorter article",
            )
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
            hint="if it does not support response_format, use structured_mode='md_json'",
        )

    def _translate(
        self, exc: Exception, tally: _Tally, model: type[BaseModel], max_tokens: int
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
                f"{self.model!r} gave no valid {model.__name__} in {tally.answers} answer"
                f"{'s' if tally.answers != 1 else ''} ({max(0, tally.answers - 1)} re-asks): "
                f"{self._summarise(cause)}",
                hint="try a larger model, raise the re-asks, or use --model extractive",
            )
            err.__cause__ = cause
            return err
        return cause if isinstance(cause, Exception) else exc

    def _summarise(self, err: BaseException | None) -> str:
        if isinstance(err, ValidationError):
            problems = [f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in err.errors()[:3]]
            more = err.error_count() - len(problems)
            return "; ".join(problems) + (f" (+{more} more)" if more > 0 else "")
        return self._redact(str(err))[:300]

    def _completion(self, value: T, tally: _Tally) -> Completion[T]:
        reasks = max(0, tally.answers - 1)
        return Completion(
            value=value,
            prompt_tokens=tally.prompt_tokens,
            completion_tokens=tally.completion_tokens,
            calls=tally.calls,
            retries=tally.transport_retries + reasks,
            finish_reason=tally.finish_reason,
            extra={
                "transport_retries": tally.transport_retries,
                "reasks": reasks,
                "model": self.model,
                "structured_mode": self.structured_mode,
            },
        )
