"""One engine for the whole server: the backend is built (and a local model loaded) once and shared by
every request and every batch, behind a capacity limit.

A local model and the extractive rules brief one article at a time (llama.cpp is not re-entrant, spaCy
is CPU-bound); a remote engine briefs up to ``concurrency`` at once. Requests beyond the running ones
wait in a bounded queue; past that they are refused at once with 429 and a ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

from ..backends.base import Backend, Completion, Message, T
from ..load import Article
from ..pipeline import Summariser, build_backend
from ..schema.brief import IncidentBrief
from ..settings import Settings
from .errors import ApiError

__all__ = ["Engine", "Limiter", "SharedBackend"]


class SharedBackend(Backend):
    """The server's one backend, handed to every ``Summariser`` (requests and batches).

    Closing it is a no-op (batches close what they are given): the server closes ``inner`` at shutdown.
    ``serial`` backends (a local model) run one call at a time whatever the caller.
    """

    def __init__(self, inner: Backend, *, serial: bool) -> None:
        self.inner = inner
        self.engine, self.model, self.mode = inner.engine, inner.model, inner.mode
        self.context_window = inner.context_window
        self._lock = threading.Lock() if serial else None

    def complete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int = 1024, max_reasks: int = 2
    ) -> Completion[T]:
        with self._lock or contextlib.nullcontext():
            return self.inner.complete(messages, response_model, max_tokens=max_tokens, max_reasks=max_reasks)

    async def acomplete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int = 1024, max_reasks: int = 2
    ) -> Completion[T]:
        if self._lock is not None:
            return await super().acomplete(
                messages, response_model, max_tokens=max_tokens, max_reasks=max_reasks
            )
        return await self.inner.acomplete(
            messages, response_model, max_tokens=max_tokens, max_reasks=max_reasks
        )

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def close(self) -> None:
        """Shared: the server closes the inner backend itself (``Engine.aclose``)."""

    async def aclose(self) -> None:
        """Shared: see ``close``."""

    def __getattr__(self, name: str) -> Any:
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)


class Limiter:
    """``slots`` briefs at a time; up to ``queue`` more requests wait; the rest get 429 at once."""

    def __init__(self, slots: int, queue: int) -> None:
        self.slots, self.queue = max(1, slots), max(0, queue)
        self._sem = asyncio.Semaphore(self.slots)
        self.admitted = 0  # requests admitted (running or waiting)
        self.waiting = 0  # requests waiting for a slot
        self.running = 0  # briefs running (requests and batch items)
        self._mean = 1.0  # seconds per brief (moving average), for Retry-After

    def retry_after(self) -> int:
        ahead = self.admitted + 1
        return max(1, min(300, math.ceil(self._mean * ahead / self.slots)))

    @contextlib.asynccontextmanager
    async def request(self) -> AsyncIterator[None]:
        """For one HTTP request: refuse at once when running + waiting requests fill slots + queue."""
        if self.admitted >= self.slots + self.queue:
            raise ApiError(
                429,
                "OverCapacity",
                f"the server is busy: {self.slots} brief(s) running and {self.queue} waiting at most",
                f"retry after {self.retry_after()} s, or start the server with a larger --queue",
                headers={"Retry-After": str(self.retry_after())},
            )
        self.admitted += 1
        self.waiting += 1
        waiting = True
        try:
            await self._sem.acquire()
            self.waiting -= 1
            waiting = False
            try:
                async with self._running():
                    yield
            finally:
                self._sem.release()
        finally:
            self.admitted -= 1
            if waiting:  # cancelled while waiting
                self.waiting -= 1

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """One brief's turn on the engine (batch items; requests go through ``request``)."""
        async with self._sem, self._running():
            yield

    @contextlib.asynccontextmanager
    async def _running(self) -> AsyncIterator[None]:
        self.running += 1
        started = time.perf_counter()
        try:
            yield
        finally:
            self.running -= 1
            self._mean = 0.8 * self._mean + 0.2 * (time.perf_counter() - started)


class Engine:
    """The settings, the shared backend, a ``Summariser`` for requests, and the limiter."""

    def __init__(self, settings: Settings, *, concurrency: int = 4, queue: int = 32) -> None:
        self.settings = settings
        spec = settings.model_spec
        self.remote = spec.engine == "openai"
        inner = build_backend(settings)  # configuration errors here, before the server listens
        self.inner = inner
        self.shared = SharedBackend(inner, serial=not self.remote) if inner is not None else None
        self.summariser = Summariser(settings, backend=self._instrumented(), command="serve")
        self.limiter = Limiter(concurrency if self.remote else 1, queue)

    def _instrumented(self) -> Backend | None:
        from ..backends.wrap import instrument

        self._run: tuple[Any, str] | None = None
        if self.shared is None:
            return None
        runlog, run_id = None, "-"
        if self.settings.use_log:
            from ..store.runlog import RunLog

            runlog = RunLog.for_settings(self.settings)
            run_id = runlog.start_run(command="serve", model=str(self.settings.model_spec))
            self._run = (runlog, run_id)
        return instrument(self.shared, self.settings, runlog=runlog, run_id=run_id)

    @property
    def name(self) -> str:
        return self.settings.model_spec.engine

    @property
    def model(self) -> str:
        return self.inner.model if self.inner is not None else "extractive"

    def warm(self) -> None:
        """Load what the first request would otherwise wait for: spaCy, and a local model."""
        from ..extract.nlp import get_nlp

        get_nlp()
        loader = getattr(self.inner, "_model", None)
        if callable(loader) and not self.remote:
            loader()

    async def brief(self, article: Article) -> IncidentBrief:
        async with self.limiter.request():
            return await self.summariser.abrief(article)

    async def aclose(self) -> None:
        if self._run is not None:
            runlog, run_id = self._run
            with contextlib.suppress(Exception):
                runlog.finish_run(run_id, status="ok", done=self.summariser._briefs)
        if self.inner is not None:
            aclose = getattr(self.inner, "aclose", None)
            with contextlib.suppress(Exception):
                if aclose is not None:
                    await aclose()
                else:
                    self.inner.close()
