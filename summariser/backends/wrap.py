"""Wrappers around a backend: one ``Wrapper`` base, and its two uses, the response cache and the run log.

A wrapper declares the capabilities of the backend it wraps. Its ``complete`` and ``acomplete`` are written
once, here, around three hooks a subclass fills in: ``before`` (may answer without the model: a cache hit),
``after`` (store the answer, record the call) and ``failed``. The async driver runs the hooks (SQLite) in a
worker thread.

``open_backend`` (``backends.registry``) puts the cache inside the log, so the log sees cache hits and the
cache never sees the log.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..redact import redact, redact_all
from ..store.cache import ResponseCache, messages_sha256
from ..store.runlog import CallRecord, RunLog, current_item
from .base import Backend, Completion, Message, T

__all__ = ["CachedBackend", "Call", "LoggedBackend", "Wrapper"]


@dataclass
class Call:
    """One request passing through a wrapper (``key``: the cache key, once computed)."""

    messages: list[Message]
    response_model: type[Any]
    max_tokens: int
    max_reasks: int
    started: float = field(default_factory=time.perf_counter)
    key: str = ""


class Wrapper(Backend):
    """A backend around ``inner``, with the same engine, model and capabilities."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.engine, self.model, self.mode = inner.engine, inner.model, inner.mode
        self.trusted, self.concurrent = inner.trusted, inner.concurrent

    @property
    def context_window(self) -> int:  # type: ignore[override]  # the inner backend may learn it late
        return self.inner.context_window

    # -- hooks -----------------------------------------------------------------------------------------------
    def before(self, call: Call) -> Completion[Any] | None:
        """An answer that makes the call to ``inner`` unnecessary, or None."""
        return None

    def after(self, call: Call, completion: Completion[Any]) -> None:
        """Called with every answer, a ``before`` answer included."""

    def failed(self, call: Call, error: Exception) -> None:
        """Called when ``inner`` raised ``error`` (which is then re-raised)."""

    # -- the two drivers -------------------------------------------------------------------------------------
    def complete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int = 1024, max_reasks: int = 2
    ) -> Completion[T]:
        call = Call(messages, response_model, max_tokens, max_reasks)
        completion = self.before(call)
        if completion is None:
            try:
                completion = self.inner.complete(
                    messages, response_model, max_tokens=max_tokens, max_reasks=max_reasks
                )
            except Exception as exc:
                self.failed(call, exc)
                raise
        self.after(call, completion)
        return completion

    async def acomplete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int = 1024, max_reasks: int = 2
    ) -> Completion[T]:
        call = Call(messages, response_model, max_tokens, max_reasks)
        completion = await asyncio.to_thread(self.before, call)
        if completion is None:
            try:
                completion = await self.inner.acomplete(
                    messages, response_model, max_tokens=max_tokens, max_reasks=max_reasks
                )
            except Exception as exc:
                await asyncio.to_thread(self.failed, call, exc)
                raise
        await asyncio.to_thread(self.after, call, completion)
        return completion

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def load(self) -> None:
        self.inner.load()

    def close(self) -> None:
        self.inner.close()

    async def aclose(self) -> None:
        await self.inner.aclose()

    def __getattr__(self, name: str) -> Any:
        # what a caller knows of its own backend (a fake's ``calls``, an endpoint's ``base_url``) stays
        # reachable through the wrappers; capabilities are declared above and never looked up this way
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)


class CachedBackend(Wrapper):
    """Answers from ``cache`` when the same request was answered before (``cached=True``, ``calls=0``).

    ``params`` (sampling parameters) are part of the key; by default the inner backend's ``settings``'
    temperature and seed.
    """

    def __init__(
        self, inner: Backend, cache: ResponseCache, *, params: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(inner)
        self.cache = cache
        settings = getattr(inner, "settings", None)
        self.secrets = [getattr(settings, "api_key", None)]  # an endpoint may echo the key in an answer
        if params is None and settings is not None:
            params = {"temperature": settings.temperature, "seed": settings.seed}
        self.params = dict(params or {})
        base_url = getattr(settings, "base_url", None)
        if base_url:  # two servers may serve different models under one name: never share their answers
            self.params["endpoint"] = str(base_url).rstrip("/")
        self.hits = 0
        self.misses = 0

    def before(self, call: Call) -> Completion[Any] | None:
        call.key = self.cache.key(
            engine=self.engine,
            model=self.model,
            messages=call.messages,
            response_model=call.response_model,
            max_tokens=call.max_tokens,
            max_reasks=call.max_reasks,
            params=self.params,
        )
        found = self.cache.get(call.key)
        value = None
        if found is not None:
            try:
                value = call.response_model.model_validate(found.value)
            except ValidationError:
                value = None
        if found is None or value is None:
            self.misses += 1
            return None
        self.hits += 1
        return Completion(
            value=value,
            prompt_tokens=0,
            completion_tokens=0,
            calls=0,
            retries=0,
            finish_reason=found.finish_reason,
            cached=True,
            extra={
                "cached_usage": {
                    "prompt_tokens": found.prompt_tokens,
                    "completion_tokens": found.completion_tokens,
                }
            },
        )

    def after(self, call: Call, completion: Completion[Any]) -> None:
        if completion.cached:
            return
        self.cache.put(
            call.key,
            model=self.model,
            response_model=type(completion.value).__name__,
            prompt_sha256=messages_sha256(call.messages),
            value=redact_all(completion.value.model_dump(mode="json"), self.secrets),
            prompt_tokens=completion.prompt_tokens,
            completion_tokens=completion.completion_tokens,
            finish_reason=completion.finish_reason,
        )


class LoggedBackend(Wrapper):
    """Records every call of ``inner`` in ``runlog`` under ``run_id``; ``secrets`` are kept out of it."""

    def __init__(
        self, inner: Backend, runlog: RunLog, run_id: str, *, secrets: Iterable[str | None] = ()
    ) -> None:
        super().__init__(inner)
        self.runlog = runlog
        self.run_id = run_id
        self.secrets = [s for s in secrets if s]

    def _record(self, call: Call, completion: Completion[Any] | None, error: Exception | None) -> None:
        rec = CallRecord(
            run_id=self.run_id,
            engine=self.engine,
            model=self.model,
            response_model=call.response_model.__name__,
            prompt_hash=messages_sha256(call.messages)[:16],
            latency_s=round(time.perf_counter() - call.started, 4),
            item=current_item.get(),
        )
        if completion is not None:
            rec.prompt_tokens, rec.completion_tokens = completion.prompt_tokens, completion.completion_tokens
            rec.calls, rec.retries, rec.cached = completion.calls, completion.retries, completion.cached
            rec.finish_reason = completion.finish_reason
        if error is not None:
            rec.outcome = type(error).__name__
            rec.error = redact(str(error), self.secrets)[:500]
            spent = getattr(error, "spent", None) or {}  # what the failed call cost (backends attach it)
            rec.calls = int(spent.get("calls", 1))
            rec.retries = int(spent.get("retries", 0))
            rec.prompt_tokens = int(spent.get("prompt_tokens", 0))
            rec.completion_tokens = int(spent.get("completion_tokens", 0))
        self.runlog.record(rec)

    def after(self, call: Call, completion: Completion[Any]) -> None:
        self._record(call, completion, None)

    def failed(self, call: Call, error: Exception) -> None:
        self._record(call, None, error)
