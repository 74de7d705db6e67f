"""Briefing many items: ``brief_many(items, brief_one, jobs=N)``, used by batch runs and evals alike.

Items are briefed on one event loop, at most ``jobs`` at a time, started in order; the results come back in
the order of ``items`` and ``on_result`` sees each as it finishes. ``jobs_for(backend, jobs)`` says how
many to run at once: ``jobs`` for a backend that declares itself ``concurrent`` (a remote endpoint), one
for any other (a local model is loaded once and shared). ``brief_call(summariser)`` is how one article is
briefed: ``abrief`` when there is a model to await, else (the rules alone) ``brief`` in a worker thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ..backends.registry import jobs_for

if TYPE_CHECKING:
    from ..load import Article
    from ..pipeline import Summariser
    from ..schema.brief import IncidentBrief

__all__ = ["brief_call", "brief_many", "jobs_for", "run_sync"]

I = TypeVar("I")  # noqa: E741
R = TypeVar("R")


async def brief_many(
    items: Sequence[I],
    brief_one: Callable[[I], Awaitable[R]],
    *,
    jobs: int,
    on_result: Callable[[R], None] | None = None,
) -> list[R]:
    """``brief_one`` of every item, at most ``jobs`` at a time; results in the order of ``items``."""
    slots = asyncio.Semaphore(max(1, jobs))

    async def one(item: I) -> R:
        async with slots:
            result = await brief_one(item)
        if on_result is not None:
            on_result(result)
        return result

    tasks = [asyncio.ensure_future(one(item)) for item in items]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:  # one item stopped the run (disk full, interrupted): stop the others first
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def brief_call(summariser: Summariser) -> Callable[[Article], Awaitable[IncidentBrief]]:
    """How to brief one article with ``summariser`` inside ``brief_many`` (see the module docstring)."""
    if summariser.backend is not None:
        return summariser.abrief
    return lambda article: asyncio.to_thread(summariser.brief, article)


def run_sync(coro: Coroutine[Any, Any, R]) -> R:
    """``asyncio.run(coro)`` from blocking code, also when this thread already runs an event loop (a
    notebook, a sync Playwright test): then on a loop of its own in a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
