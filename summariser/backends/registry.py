"""Engines by name, and ``open_backend``: the one place a backend is built and wrapped.

``ENGINES`` maps an engine name (the part of ``--model`` before the colon) to the module and class that
implement it, imported only when used. A backend class declares what it can do (``Backend.mode``,
``trusted``, ``concurrent``); nothing branches on engine names. A new engine is one module with a
``Backend`` subclass taking ``settings``, and one line here.

``open_backend(settings)`` builds the engine ``settings.model`` names (or takes the caller's ``backend``),
wraps it in the response cache (``settings.use_cache``, for engines that ask a model) and the run log
(``settings.use_log``), and starts the run. The pipeline, batch and eval runner all go through it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ModelError
from .base import Backend

if TYPE_CHECKING:
    from ..settings import Settings
    from ..store.runlog import RunLog
    from .wrap import CachedBackend

__all__ = [
    "BUNDLED_PREFIX",
    "ENGINES",
    "Engine",
    "OpenBackend",
    "backend_class",
    "build_backend",
    "jobs_for",
    "open_backend",
]


@dataclass(frozen=True)
class Engine:
    """``module``/``cls``: the backend class (none for ``extractive``: the rules alone, no model).

    ``default_name``: the model of ``--model ENGINE`` with no name (None: a name is required, like
    ``example``); ``syntax``: how ``--model`` names it, for messages.
    """

    module: str | None
    cls: str = ""
    default_name: str | None = None
    syntax: str = ""
    example: str = ""


BUNDLED_PREFIX = "bundled:"  # the name of the bundled model in a ModelSpec: local:bundled:FILE

ENGINES: dict[str, Engine] = {
    "extractive": Engine(None, default_name="extractive", syntax="extractive"),
    "local": Engine(
        "summariser.backends.llama",
        "LlamaBackend",
        default_name=f"{BUNDLED_PREFIX}SmolLM2-135M-Instruct.Q4_1",
        syntax="local, local:PATH.gguf",
    ),
    "openai": Engine(
        "summariser.backends.openai", "OpenAIBackend", syntax="openai:NAME", example="openai:gpt-4o-mini"
    ),
}


def backend_class(engine: str) -> type[Backend] | None:
    """The class implementing ``engine`` (imported now), or None for an engine without a model."""
    entry = ENGINES.get(engine)
    if entry is None:
        raise ModelError(f"unknown engine {engine!r}", hint=f"use one of {', '.join(ENGINES)}")
    if entry.module is None:
        return None
    cls: type[Backend] = getattr(importlib.import_module(entry.module), entry.cls)
    return cls


def build_backend(settings: Settings) -> Backend | None:
    """The bare backend for ``settings.model``; None for the extractive engine."""
    cls = backend_class(settings.model_spec.engine)
    return None if cls is None else cls(settings)  # type: ignore[call-arg]


def jobs_for(backend: Backend | None, jobs: int) -> int:
    """How many briefs to run at once: ``jobs`` for a backend that declares itself concurrent, else one."""
    return max(1, jobs) if backend is not None and backend.concurrent else 1


@dataclass
class OpenBackend:
    """A wrapped backend (None: no model), the run it is logged under, and its response cache."""

    backend: Backend | None
    runlog: RunLog | None = None
    run_id: str = "-"
    cache: CachedBackend | None = None

    def cache_counts(self) -> tuple[int, int]:
        """Cache hits and misses so far (0, 0 without a cache)."""
        return (self.cache.hits, self.cache.misses) if self.cache is not None else (0, 0)

    def finish(self, *, status: str = "ok", done: int = 0, skipped: int = 0, failed: int = 0) -> None:
        """Record the end of the run (once; later calls do nothing)."""
        if self.runlog is not None:
            self.runlog.finish_run(self.run_id, status=status, done=done, skipped=skipped, failed=failed)
            self.runlog = None

    def close(self) -> None:
        if self.backend is not None:
            self.backend.close()

    async def aclose(self) -> None:
        if self.backend is not None:
            await self.backend.aclose()


def open_backend(
    settings: Settings,
    *,
    backend: Backend | None = None,
    command: str = "library",
    runlog: RunLog | bool = True,
    run_id: str | None = None,
) -> OpenBackend:
    """Build (or take) the backend, wrap it in the cache and the run log, and start the run.

    ``runlog``: True opens ``settings.resolved_log_db`` when ``settings.use_log``; a ``RunLog`` is used as
    given; False logs nothing. Configuration errors (unknown model, missing key or file) are raised here,
    before any work. ``run_id``: log the calls under that run, started (and finished) by another process
    (the driver of a Ray batch), instead of starting one.
    """
    from ..store.cache import ResponseCache
    from ..store.runlog import RunLog
    from .wrap import CachedBackend, LoggedBackend

    inner = backend if backend is not None else build_backend(settings)
    log: RunLog | None = None
    if isinstance(runlog, RunLog):
        log = runlog
    elif runlog and settings.use_log:
        log = RunLog.for_settings(settings)
    opened = OpenBackend(inner, log)
    if log is not None and run_id is not None:  # join a run started elsewhere (a Ray driver's)
        opened.run_id, opened.runlog = run_id, None  # ... which that process also finishes
    elif log is not None:
        opened.run_id = log.start_run(command=command, model=str(settings.model_spec))
    if inner is None:
        return opened
    if settings.use_cache and inner.mode != "none":
        opened.cache = CachedBackend(inner, ResponseCache.for_settings(settings))
        inner = opened.cache
    if log is not None:
        inner = LoggedBackend(inner, log, opened.run_id, secrets=[settings.api_key])
    opened.backend = inner
    return opened
