"""Where a batch's briefs are made: the executor seam between the batch runner and the engines.

The batch runner is the *driver*: it collects the inputs, loads each article, checks the manifest, and
writes the output, the manifest line and ``errors.jsonl`` (every guarantee of a batch lives there). An
executor only turns a loaded ``Article`` into an ``IncidentBrief``, or raises what the pipeline raised:

- ``LocalExecutor``: one ``Summariser`` in this process (today's behaviour; remote engines keep ``jobs``
  requests in flight on one event loop, local and extractive engines brief one item at a time);
- ``summariser.batch.ray_executor.RayExecutor``: a pool of Ray actors, each holding one loaded ``Summariser``
  (``pip install 'summariser[ray]'``).

    executor = LocalExecutor(settings, jobs=4, run_id=run_id)
    await executor.start()
    brief = await executor.brief("item-1", article)
    await executor.close()
"""

from __future__ import annotations

import contextlib
from typing import Any, Literal, Protocol

from ..backends.base import Backend
from ..backends.wrap import _find, instrument, prompt_version
from ..errors import SummariserError
from ..load import Article
from ..schema.brief import IncidentBrief
from ..settings import Settings
from ..store.cache import CachedBackend
from ..store.runlog import RunLog, current_item

__all__ = ["EXECUTORS", "Executor", "LocalExecutor", "WorkerLostError", "build_summariser"]

ExecutorName = Literal["local", "ray"]
EXECUTORS: tuple[ExecutorName, ...] = ("local", "ray")


class WorkerLostError(SummariserError):
    """The worker process briefing an item died (killed, out of memory, node lost), also on the retry."""


class Executor(Protocol):
    """Makes briefs for the batch runner. ``start`` first (configuration errors surface there), then
    ``brief`` up to ``slots`` items at a time, then ``close``."""

    #: how many items the driver keeps in flight at once
    slots: int
    #: the prompt templates the briefs depend on (what the manifest compares on resume); set by ``start``
    prompt_version: str

    async def start(self) -> None: ...

    async def brief(self, item_id: str, article: Article) -> IncidentBrief: ...

    def cache_hits(self) -> int: ...

    async def close(self) -> None: ...


def build_summariser(
    settings: Settings,
    *,
    backend: Backend | None = None,
    runlog: RunLog | None = None,
    run_id: str = "-",
    command: str = "batch",
) -> Any:
    """A ``Summariser`` whose backend (``backend``, else the one ``settings.model`` names) answers through
    the response cache and the run log (``run_id``). Builds, and for a local model loads, it now."""
    from ..pipeline import Summariser, build_backend

    inner = backend if backend is not None else build_backend(settings)
    wrapped = instrument(inner, settings, runlog=runlog, run_id=run_id)
    return Summariser(settings, backend=wrapped, command=command)


def summariser_cache_hits(summariser: Any) -> int:
    cache = _find(summariser.backend, CachedBackend)
    return cache.hits if cache is not None else 0


async def close_summariser(summariser: Any) -> None:
    backend = summariser.backend
    aclose = getattr(backend, "aclose", None) if backend is not None else None
    with contextlib.suppress(Exception):
        if aclose is not None:
            await aclose()
        else:
            summariser.close()


class LocalExecutor:
    """One ``Summariser`` in this process, built up front (configuration errors come before any work)."""

    def __init__(
        self,
        settings: Settings,
        *,
        jobs: int = 4,
        backend: Backend | None = None,
        runlog: RunLog | None = None,
        run_id: str = "-",
    ) -> None:
        remote = settings.model_spec.engine == "openai"
        self.slots = max(1, jobs) if remote else 1
        self.summariser = build_summariser(settings, backend=backend, runlog=runlog, run_id=run_id)
        self.prompt_version = prompt_version(self.summariser.backend)

    async def start(self) -> None:
        return None

    async def brief(self, item_id: str, article: Article) -> IncidentBrief:
        token = current_item.set(item_id)
        try:
            brief: IncidentBrief = await self.summariser.abrief(article)
            return brief
        finally:
            current_item.reset(token)

    def cache_hits(self) -> int:
        return summariser_cache_hits(self.summariser)

    async def close(self) -> None:
        await close_summariser(self.summariser)
