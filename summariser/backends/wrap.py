"""Wrap a backend with the response cache and the run log, and name the prompts a backend depends on."""

from __future__ import annotations

from typing import TypeVar

from ..settings import Settings
from ..store.cache import CachedBackend, ResponseCache
from ..store.runlog import LoggedBackend, RunLog
from .base import Backend

__all__ = ["instrument", "prompt_version"]

_B = TypeVar("_B", bound=Backend)


def instrument(
    backend: Backend | None, settings: Settings, *, runlog: RunLog | None = None, run_id: str = "-"
) -> Backend | None:
    """``backend`` with the response cache (if ``settings.use_cache``) and the run log (if ``runlog``).

    The order matters: the log sees cache hits (``cached``), the cache never sees the log.
    """
    if backend is None:
        return None
    if settings.use_cache and backend.mode != "none":
        backend = CachedBackend(backend, ResponseCache.for_settings(settings))
    if runlog is not None:
        backend = LoggedBackend(backend, runlog, run_id, secrets=[settings.api_key])
    return backend


def _find(backend: Backend | None, kind: type[_B]) -> _B | None:
    while backend is not None and not isinstance(backend, kind):
        backend = getattr(backend, "__dict__", {}).get("inner")
    return backend


def prompt_version(backend: Backend | None) -> str:
    """The prompt templates a brief made with ``backend`` depends on (what resuming compares)."""
    from ..generate.prompt import PROMPTS_DIR, template_version

    if backend is None or backend.mode == "none":
        return "none"
    if backend.mode == "choices":
        names = sorted({p.name.split(".v")[0] for p in PROMPTS_DIR.glob("choose_*.v*.j2")})
        return "+".join(template_version(n) for n in names)
    return template_version("brief")
