"""Where a batch's briefs are made: the executor seam between the batch runner and the engines.

The batch runner is the *driver*: it collects the inputs, loads each article, checks the manifest, and
writes the output, the manifest line and ``errors.jsonl`` (every guarantee of a batch lives there). An
executor only turns a loaded ``Article`` into an ``IncidentBrief``, or raises what the pipeline raised:

- ``LocalExecutor``: one ``Summariser`` in this process (a backend that declares itself concurrent keeps
  ``jobs`` requests in flight on one event loop; any other briefs one item at a time);
- ``summariser.batch.ray_executor.RayExecutor``: a pool of Ray actors, each holding one loaded ``Summariser``
  (``pip install 'summariser[ray]'``).

    executor = LocalExecutor(settings, jobs=4, command="batch")   # opens the backend and starts the run
    await executor.start()
    brief = await executor.brief("item-1", article)
    await executor.close()
    executor.finish(status="ok", done=1)
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from ..backends.base import Backend
from ..backends.registry import open_backend
from ..errors import SummariserError
from ..generate.prompt import templates_for
from ..load import Article
from ..schema.brief import IncidentBrief
from ..settings import Settings
from ..store.runlog import RunLog, current_item
from .many import brief_call, jobs_for

__all__ = ["EXECUTORS", "Executor", "ExecutorName", "LocalExecutor", "WorkerLostError", "prompt_version_of"]

ExecutorName = Literal["local", "ray"]
EXECUTORS: tuple[ExecutorName, ...] = ("local", "ray")


class WorkerLostError(SummariserError):
    """The worker process briefing an item died (killed, out of memory, node lost), also on the retry."""


class Executor(Protocol):
    """Makes briefs for a batch or an eval. ``start`` first (configuration errors surface there at the
    latest), then ``brief`` up to ``slots`` items at a time, then ``close``; ``finish`` records the run."""

    #: how many items the driver keeps in hand at once
    slots: int
    #: the prompt templates the briefs depend on (what the manifest compares on resume); known after start
    prompt_version: str
    #: the run the model calls are logged under ("-": none)
    run_id: str

    async def start(self) -> None: ...

    async def brief(self, item_id: str, article: Article) -> IncidentBrief: ...

    def cache_counts(self) -> tuple[int, int] | None:
        """Response-cache hits and misses (None: no cache)."""
        ...

    async def close(self) -> None: ...

    def finish(self, *, status: str = "ok", done: int = 0, skipped: int = 0, failed: int = 0) -> None: ...


def prompt_version_of(backend: Backend | None) -> str:
    return templates_for(backend.mode if backend is not None else "none")


class LocalExecutor:
    """One ``Summariser`` in this process; its backend is opened here (configuration errors come first)."""

    def __init__(
        self,
        settings: Settings,
        *,
        jobs: int = 4,
        backend: Backend | None = None,
        command: str = "batch",
        runlog: RunLog | bool = True,
    ) -> None:
        from ..pipeline import Summariser

        self.engine = open_backend(settings, backend=backend, command=command, runlog=runlog)
        self.run_id = self.engine.run_id
        self.slots = jobs_for(self.engine.backend, jobs)
        self.summariser: Any = Summariser(settings, backend=self.engine, command=command)
        self._brief = brief_call(self.summariser)
        self.prompt_version = prompt_version_of(self.engine.backend)

    async def start(self) -> None:
        return None

    async def brief(self, item_id: str, article: Article) -> IncidentBrief:
        token = current_item.set(item_id)
        try:
            return await self._brief(article)
        finally:
            current_item.reset(token)

    def cache_counts(self) -> tuple[int, int] | None:
        return None if self.engine.cache is None else self.engine.cache_counts()

    async def close(self) -> None:
        await self.engine.aclose()

    def finish(self, *, status: str = "ok", done: int = 0, skipped: int = 0, failed: int = 0) -> None:
        self.engine.finish(status=status, done=done, skipped=skipped, failed=failed)
