"""The actor side of the Ray executor (``batch.ray_executor``): ``BriefActor`` (one ``Summariser`` per
process), ``StartLedger`` (which items an actor had started when it died), and how an item's error crosses
back to the driver as the same exception type, message and hint.
"""

from __future__ import annotations

import collections
import contextlib
import os
import time
from collections.abc import Callable
from typing import Any

from ..backends.registry import OpenBackend, open_backend
from ..errors import SummariserError
from ..load import Article
from ..settings import Settings
from ..store.runlog import current_item
from .executor import prompt_version_of
from .many import brief_call

__all__ = ["BriefActor", "RemoteItemError", "StartLedger", "SummariserWrapper", "error_from", "failure_of"]

SummariserWrapper = Callable[[Any], Any]


class RemoteItemError(Exception):
    """An unexpected (non-summariser) exception raised inside an actor; subclassed per type name."""


_remote_types: dict[str, type[RemoteItemError]] = {}


def failure_of(exc: BaseException) -> dict[str, Any]:
    """What crosses back to the driver for an item that failed in an actor (exceptions may not pickle)."""
    if isinstance(exc, SummariserError):
        return {"type": type(exc).__name__, "summariser": True, "message": exc.message, "hint": exc.hint}
    return {"type": type(exc).__name__, "summariser": False, "message": str(exc) or repr(exc), "hint": None}


def error_from(failure: dict[str, Any]) -> Exception:
    """The driver-side exception for ``failure_of(exc)``: the same type name, message and hint."""
    from .. import errors

    name = str(failure["type"])
    if failure.get("summariser"):
        cls = getattr(errors, name, None)
        if isinstance(cls, type) and issubclass(cls, SummariserError):
            return cls(failure["message"], hint=failure["hint"])
        return _remote_type(name)(failure["message"] + (f" ({failure['hint']})" if failure["hint"] else ""))
    return _remote_type(name)(failure["message"])


def _remote_type(name: str) -> type[RemoteItemError]:
    if name not in _remote_types:
        _remote_types[name] = type(name, (RemoteItemError,), {"__module__": __name__})
    return _remote_types[name]


class StartLedger:
    """A tiny actor beside the driver: which submissions an actor had started when its process died.

    A submission that fails before its actor started it (sent to a process already dead, or restarting)
    is not an attempt; one that had started is. Keeps the last ``KEEP`` tokens (far more than in flight).
    """

    KEEP = 100_000

    def __init__(self) -> None:
        self.order: collections.deque[str] = collections.deque()
        self.marked: set[str] = set()

    def mark(self, token: str) -> None:
        self.order.append(token)
        self.marked.add(token)
        if len(self.order) > self.KEEP:
            self.marked.discard(self.order.popleft())

    def started(self, token: str) -> bool:
        return token in self.marked


class BriefActor:
    """One Ray actor: one ``Summariser`` (spaCy and the model loaded once), briefing the items sent to it."""

    def __init__(
        self, settings: Settings, run_id: str, wrap: SummariserWrapper | None, ledger: str | None = None
    ) -> None:
        from ..pipeline import Summariser

        self.ledger: Any = None
        if ledger is not None:  # by name: a handle among the arguments would pin them in the object store
            import ray

            with contextlib.suppress(Exception):
                self.ledger = ray.get_actor(ledger)
        self.error: dict[str, Any] | None = None
        self.opened: OpenBackend | None = None
        started = time.perf_counter()
        try:  # the calls are logged under the driver's run (which the driver starts and finishes)
            joined = run_id if run_id != "-" else None
            self.opened = open_backend(settings, command="batch", runlog=joined is not None, run_id=joined)
            summariser = Summariser(settings, backend=self.opened)
            self._brief = brief_call(wrap(summariser) if wrap is not None else summariser)
            from ..extract import warm_up

            warm_up()
            self.prompt_version = prompt_version_of(self.opened.backend)
        except Exception as exc:  # reported by ready(): the driver turns it into the same error as locally
            self.error = failure_of(exc)
            self.prompt_version = "none"
        self.load_seconds = time.perf_counter() - started

    def ready(self) -> dict[str, Any]:
        return {
            "error": self.error,
            "prompt_version": self.prompt_version,
            "pid": os.getpid(),
            "load_seconds": round(self.load_seconds, 3),
            "ledger": self.ledger is not None,
        }

    async def brief(self, item_id: str, article: Article, token: str = "") -> tuple[str, Any]:
        if self.ledger is not None and token:
            with contextlib.suppress(Exception):  # without the ledger the driver counts it as started
                await self.ledger.mark.remote(token)
        item = current_item.set(item_id)
        try:
            return "ok", await self._brief(article)
        except Exception as exc:  # one item's failure is returned, never kills the actor
            return "error", failure_of(exc)
        finally:
            current_item.reset(item)

    def cache_counts(self) -> tuple[int, int] | None:
        """Response-cache hits and misses of this actor's backend (None: no cache)."""
        return None if self.opened is None or self.opened.cache is None else self.opened.cache_counts()

    async def close(self) -> None:
        if self.opened is not None:
            await self.opened.aclose()
