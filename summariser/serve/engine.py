"""One engine for the whole server: the backend is built (and a local model loaded) once and shared by
every request and every batch, behind a capacity limit.

The backend comes from the registry (``backends.registry``) and is wrapped, like every other caller's, by
``open_backend`` (response cache, run log). How many briefs run at once is what the backend class declares:
one that is ``concurrent`` (a remote endpoint) briefs up to ``concurrency`` at once; any other (a local
model: llama.cpp is not re-entrant) and the extractive rules (spaCy is CPU-bound) one at a time. Requests
beyond the running ones wait in a bounded queue; past that they are refused at once with 429 and a
``Retry-After``.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import threading
import time
from collections.abc import AsyncIterator

from ..backends.base import Backend, Completion, Message, T
from ..backends.registry import build_backend, jobs_for, open_backend
from ..backends.wrap import Wrapper
from ..load import Article
from ..pipeline import Summariser
from ..schema.brief import IncidentBrief
from ..settings import Settings
from .errors import ApiError

__all__ = ["Engine", "Limiter", "SharedBackend"]


class SharedBackend(Wrapper):
    """The server's one backend, handed to every ``Summariser`` (requests and batches).

    Closing it is a no-op (a batch closes what it is given): the server closes ``inner`` at shutdown.
    ``serial`` backends (not ``concurrent``: a local model) run one call at a time whatever the caller.
    """

    def __init__(self, inner: Backend, *, serial: bool) -> None:
        super().__init__(inner)
        self._lock = threading.Lock() if serial else None

    def complete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int = 1024, max_reasks: int = 2
    ) -> Completion[T]:
        with self._lock or contextlib.nullcontext():
            return self.inner.complete(messages, response_model, max_tokens=max_tokens, max_reasks=max_reasks)

    async def acomplete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int = 1024, max_reasks: int = 2
    ) -> Completion[T]:
        if self._lock is not None:  # the blocking call, under the lock, in a worker thread
            return await asyncio.to_thread(
                self.complete, messages, response_model, max_tokens=max_tokens, max_reasks=max_reasks
            )
        return await self.inner.acomplete(
            messages, response_model, max_tokens=max_tokens, max_reasks=max_reasks
        )

    def close(self) -> None:
        """Shared: the server closes the inner backend itself (``Engine.aclose``)."""

    async def aclose(self) -> None:
        """Shared: see ``close``."""


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
    """The settings, the shared backend, a ``Summariser`` for requests, and the limiter.

    ``inner``: the bare backend (None for the extractive engine); ``shared``: the same, shared (handed to
    each batch, which wraps it in a run of its own); ``opened``: ``shared`` wrapped by ``open_backend`` in
    the response cache and the ``serve`` run, used by the requests.
    """

    def __init__(self, settings: Settings, *, concurrency: int = 4, queue: int = 32) -> None:
        self.settings = settings
        inner = build_backend(settings)  # configuration errors here, before the server listens
        self.inner = inner
        self.shared = SharedBackend(inner, serial=not inner.concurrent) if inner is not None else None
        self.opened = open_backend(settings, backend=self.shared, command="serve")
        self.summariser = Summariser(settings, backend=self.opened)
        self.limiter = Limiter(jobs_for(inner, concurrency), queue)
        self.briefs = 0  # requests briefed, for the run log

    @property
    def name(self) -> str:
        return self.settings.model_spec.engine

    @property
    def model(self) -> str:
        return self.inner.model if self.inner is not None else "extractive"

    def warm(self) -> None:
        """Load what the first request would otherwise wait for: spaCy, the town list, and a local model."""
        from ..extract import warm_up

        warm_up()
        if self.inner is not None:
            self.inner.load()

    async def brief(self, article: Article) -> IncidentBrief:
        async with self.limiter.request():
            brief = await self.summariser.abrief(article)
        self.briefs += 1
        return brief

    async def aclose(self) -> None:
        with contextlib.suppress(Exception):
            self.opened.finish(status="ok", done=self.briefs)
        if self.inner is not None:
            with contextlib.suppress(Exception):
                await self.inner.aclose()
