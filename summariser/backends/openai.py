"""The OpenAI-compatible backend: any ``/v1/chat/completions`` server (OpenAI, vLLM, Ollama, llama.cpp ...).

Layers, innermost first:

* the ``openai`` client (``OpenAI`` / ``AsyncOpenAI``) with ``max_retries=0``: one HTTP request per call;
* transport retries (tenacity) around each single request: 429, 408, 5xx, timeouts, connection errors
  and 2xx bodies that are not a chat completion are retried with exponential backoff and jitter,
  honouring ``Retry-After`` (capped), at most ``settings.max_retries`` retries within ``retry_budget``.
  Never retried: an answer refusing the structured mode (``openai_modes.refusal``), and on a local
  endpoint (``endpoint.is_local``) a read timeout: the server is still computing that request, a re-send
  would queue behind it;
* instructor re-asks: validation errors are re-asked up to ``max_reasks`` times (the re-ask names the
  problem without quoting the truncated answer back, ``plain_reasks``). Transport retries sit *inside*
  each re-ask, so a 503 on the second attempt keeps the re-ask conversation;
* structured-mode negotiation (``openai_modes``): ``auto`` tries json_schema, json_object (schema
  attached), tools, md_json in turn, falls through once per refusal and remembers per endpoint + model
  what worked (``EndpointMemory``, a file beside the response cache).

On first use the server is asked what it serves (``endpoint.probe``): the model name is checked against
``/v1/models`` and the context window is read from the listing or llama.cpp's ``/props``; an overflow
message ("maximum context length is N") teaches it too. ``answer_budget`` scales the answer's
``max_tokens`` to that window. A reply cut at the token limit is not re-asked (the same budget would
cut it again). Usage covers every HTTP request made; the API key is redacted from every message.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any, cast

import httpx
import instructor
import openai
from openai.types.chat import ChatCompletion
from tenacity import (
    AsyncRetrying,
    Retrying,
)

from ..errors import ConfigError, ContextLengthError
from ..settings import Settings
from .base import Backend, Completion, Message, T
from .endpoint import is_local
from .negotiation import EndpointMemory, Negotiation
from .openai_errors import ErrorMapper, display_url, is_transient
from .openai_errors import retry_after_seconds as retry_after_seconds
from .openai_http import Tally, checked, plain, retry_policy
from .openai_modes import (
    ModeRefused,
    compact_schema,
    instructor_mode,
    plain_reasks,
    refusal,
    request_schema,
    shape_request,
)

__all__ = ["DEFAULT_BASE_URL", "OpenAIBackend", "is_transient", "retry_after_seconds"]

_log = logging.getLogger(__name__)
# instructor logs every failed attempt at ERROR; without this, Python's last-resort handler would print
# those lines on stderr of every CLI run. Applications that configure logging still see them.
logging.getLogger("instructor").addHandler(logging.NullHandler())

DEFAULT_BASE_URL = "https://api.openai.com/v1"
MIN_ANSWER = 256


class OpenAIBackend(Backend):
    """Structured output from an OpenAI-compatible chat endpoint, built from ``Settings``.

    ``OpenAIBackend(settings)`` needs ``settings.model == "openai:NAME"``; ``base_url`` defaults to OpenAI's.
    ``local`` overrides the loopback/private-address detection (the timeout policy). The backoff knobs
    exist so tests can keep waits tiny; the defaults suit real endpoints.
    """

    engine = "openai"
    mode = "full"
    concurrent = True  # a remote endpoint: several briefs at once (batch --jobs)

    def __init__(
        self,
        settings: Settings,
        *,
        structured_mode: str | None = None,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        retry_after_cap: float = 30.0,
        retry_budget: float | None = None,
        context_window: int | None = None,
        local: bool | None = None,
        probe_server: bool = True,
    ) -> None:
        spec = settings.model_spec
        if spec.engine != "openai":
            raise ConfigError(
                f"the openai backend needs an openai:NAME model, not {spec}",
                hint="e.g. --model openai:gpt-4o-mini",
            )
        if structured_mode is not None:
            settings = settings.with_(structured_mode=structured_mode)  # validated by Settings
        self.settings = settings
        self.model = spec.name
        self.base_url = settings.base_url or DEFAULT_BASE_URL
        self._api_key = settings.require_api_key()  # never put into messages, logs or repr
        if local is None:
            local = (
                settings.local_endpoint if settings.local_endpoint is not None else is_local(self.base_url)
            )
        self.local = local
        self.timeout = settings.effective_timeout(local=self.local)
        self.max_retries = max(0, settings.max_retries)
        self.structured_mode = settings.structured_mode
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.retry_after_cap = retry_after_cap
        self.retry_budget = (
            retry_budget if retry_budget is not None else self.timeout * (self.max_retries + 1) + 60
        )
        self.errors = ErrorMapper(
            base_url=self.base_url,
            model=self.model,
            timeout=self.timeout,
            local=self.local,
            secret=self._api_key,
        )
        memory_path = settings.resolved_cache_dir / "endpoints.json"  # written only with the cache on
        self.negotiation = Negotiation(
            base_url=self.base_url,
            display=display_url(self.base_url),
            model=self.model,
            api_key=self._api_key,
            requested_mode=self.structured_mode,
            local=self.local,
            memory=EndpointMemory(memory_path, persist=settings.use_cache),
            context_window=context_window,
            probe_timeout=min(10.0, self.timeout),
            probe_server=probe_server,
        )
        self._client: openai.OpenAI | None = None
        self._client_lock = threading.Lock()
        self._aclient: openai.AsyncOpenAI | None = None
        self._aclient_loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        return f"OpenAIBackend(model={self.model!r}, base_url={display_url(self.base_url)!r})"

    # -- what the endpoint is --------------------------------------------------------------------

    @property
    def context_window(self) -> int:  # type: ignore[override]
        return self.negotiation.context_window

    @property
    def notices(self) -> list[str]:
        return self.negotiation.notices

    def answer_budget(self, wanted: int) -> int:
        """``max_tokens`` for an answer: ``wanted``, or half the context window when that is smaller."""
        return max(min(wanted, self.context_window // 2), min(wanted, MIN_ANSWER))

    # -- public API ------------------------------------------------------------------------------

    def complete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int = 1024, max_reasks: int = 2
    ) -> Completion[T]:
        self.negotiation.prepare()
        tally = Tally()
        for mode in self.negotiation.modes():
            try:
                value = self._complete_in(mode, messages, response_model, max_tokens, max_reasks, tally)
            except Exception as exc:
                if self._next_mode(exc, tally):
                    continue
                raise
            self.negotiation.worked(mode)
            return self._completion(plain(value, response_model), tally, mode)
        raise self._spent(self.negotiation.none_worked(tally.refused), tally)

    async def acomplete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int = 1024, max_reasks: int = 2
    ) -> Completion[T]:
        await asyncio.to_thread(self.negotiation.prepare)
        tally = Tally()
        for mode in self.negotiation.modes():
            try:
                value = await self._acomplete_in(
                    mode, messages, response_model, max_tokens, max_reasks, tally
                )
            except Exception as exc:
                if self._next_mode(exc, tally):
                    continue
                raise
            self.negotiation.worked(mode)
            return self._completion(plain(value, response_model), tally, mode)
        raise self._spent(self.negotiation.none_worked(tally.refused), tally)

    def _next_mode(self, exc: Exception, tally: Tally) -> bool:
        """Whether to try the next mode after ``exc`` (auto and a refusal); else ``exc`` is raised,
        carrying what the call cost, having taught what it could (a context window)."""
        if isinstance(exc, ModeRefused) and self.structured_mode == "auto":
            tally.refused.append(exc.mode)
            self.negotiation.refused(exc)
            return True
        if isinstance(exc, ContextLengthError):
            self.negotiation.learnt_window(getattr(exc, "context_window", None))
        self._spent(exc, tally)
        return False

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

    # -- one mode ----------------------------------------------------------------------------------

    def _shaped(self, kwargs: dict[str, Any], mode: str, response_model: type[T]) -> dict[str, Any]:
        kwargs = compact_schema(kwargs, response_model)
        kwargs = {**kwargs, "messages": plain_reasks(list(kwargs.get("messages") or []))}
        return shape_request(kwargs, mode, request_schema(response_model), response_model.__name__)

    def _give_up(self, exc: Exception, mode: str, attempts: int) -> BaseException:
        reason = refusal(exc)
        if reason is not None:
            return ModeRefused(mode, self.errors.redact(reason))
        return self.errors.failure(exc, attempts)

    def _complete_in(
        self, mode: str, messages: list[Message], model: type[T], max_tokens: int, reasks: int, tally: Tally
    ) -> Any:
        def send(*args: Any, **kwargs: Any) -> ChatCompletion:
            retrying, before = Retrying(**self._retry_policy(tally)), tally.calls
            try:
                return retrying(self._post, self._shaped(kwargs, mode, model), tally)
            except Exception as exc:
                raise self._give_up(exc, mode, tally.calls - before) from self.errors.safe_cause(exc)

        create = cast(Any, instructor.patch(create=send, mode=instructor_mode(mode)))
        answers_before = tally.answers
        try:
            return create(**self._create_kwargs(messages, model, max_tokens, reasks))
        except Exception as exc:
            err = self.errors.translate(exc, tally.answers - answers_before, model, max_tokens)
            if err is exc:
                raise
            raise err from err.__cause__

    async def _acomplete_in(
        self, mode: str, messages: list[Message], model: type[T], max_tokens: int, reasks: int, tally: Tally
    ) -> Any:
        client = self._async_client()

        async def send(*args: Any, **kwargs: Any) -> ChatCompletion:
            retrying, before = AsyncRetrying(**self._retry_policy(tally)), tally.calls
            try:
                return await retrying(self._apost, client, self._shaped(kwargs, mode, model), tally)
            except Exception as exc:
                raise self._give_up(exc, mode, tally.calls - before) from self.errors.safe_cause(exc)

        create = cast(Any, instructor.patch(create=send, mode=instructor_mode(mode)))
        answers_before = tally.answers
        try:
            return await create(**self._create_kwargs(messages, model, max_tokens, reasks))
        except Exception as exc:
            err = self.errors.translate(exc, tally.answers - answers_before, model, max_tokens)
            if err is exc:
                raise
            raise err from err.__cause__

    # -- HTTP ------------------------------------------------------------------------------------

    def _client_kwargs(self) -> dict[str, Any]:
        # base_url and api_key always explicit: the openai package must not pick up OPENAI_BASE_URL/_API_KEY
        return {
            "api_key": self._api_key,
            "base_url": self.base_url,
            "timeout": httpx.Timeout(self.timeout, connect=min(10.0, self.timeout)),
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

    def _create_kwargs(
        self, messages: list[Message], model: type[T], max_tokens: int, reasks: int
    ) -> dict[str, Any]:
        return {
            "response_model": model,
            "messages": list(messages),
            "max_retries": max(0, reasks),
            "strict": False,
            "model": self.model,
            "max_tokens": max_tokens,
            "temperature": self.settings.temperature,
            "seed": self.settings.seed,
        }

    def _post(self, kwargs: dict[str, Any], tally: Tally) -> ChatCompletion:
        tally.calls += 1
        return checked(self._sync_client().chat.completions.create(**kwargs), tally)

    async def _apost(
        self, client: openai.AsyncOpenAI, kwargs: dict[str, Any], tally: Tally
    ) -> ChatCompletion:
        tally.calls += 1
        return checked(await client.chat.completions.create(**kwargs), tally)

    def _retryable(self, exc: BaseException) -> bool:
        if refusal(exc) is not None:
            return False  # the endpoint does not take this mode: asking again changes nothing
        if self.local and isinstance(exc, openai.APITimeoutError):
            return False  # the local server is still computing it; a re-send would queue behind
        return is_transient(exc)

    def _retry_policy(self, tally: Tally) -> dict[str, Any]:
        return retry_policy(
            tally,
            retryable=self._retryable,
            describe=self.errors.short,
            url=display_url(self.base_url),
            backoff_base=self.backoff_base,
            backoff_max=self.backoff_max,
            retry_after_cap=self.retry_after_cap,
            max_retries=self.max_retries,
            retry_budget=self.retry_budget,
        )

    # -- results ---------------------------------------------------------------------------------

    @staticmethod
    def _spent(exc: BaseException, tally: Tally) -> BaseException:
        """``exc`` carrying what the failed call cost (the run log and the brief's meta count it)."""
        exc.spent = tally.spent()  # type: ignore[attr-defined]
        return exc

    def _completion(self, value: T, tally: Tally, mode: str) -> Completion[T]:
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
                "structured_mode": mode,
                "modes_refused": list(tally.refused),
            },
        )
