"""What the OpenAI backend learns about one endpoint + model, and keeps: the structured mode that works,
the modes it refused, its context window, whether it serves the model asked for.

``EndpointMemory`` holds it per endpoint + model in this process and, when a path is given, in a small
JSON file beside the response cache (a CLI run does not re-discover a refused mode every time).
``Negotiation`` is one backend's view of it: which modes to try in which order, what to record.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ..errors import EndpointError, ModelError
from .endpoint import probe
from .openai_modes import MODE_ORDER, ModeRefused

__all__ = ["DEFAULT_CONTEXT", "EndpointMemory", "Negotiation", "Remembered"]

_log = logging.getLogger(__name__)
DEFAULT_CONTEXT = 128_000


@dataclass
class Remembered:
    """What one endpoint + model taught us: the mode that worked, modes it refused, its context window."""

    mode: str | None = None
    refused: dict[str, str] = field(default_factory=dict)
    context_window: int | None = None
    updated: float = 0.0


class EndpointMemory:
    """Per endpoint + model, in this process and (when ``path`` is set) in a small JSON file beside the
    response cache, so a CLI run does not re-discover a refused mode every time."""

    # one in-process memory per file: two cache folders (two users of the library, two tests whose
    # servers happened to get the same port) never share what an endpoint answered
    _shared: ClassVar[dict[tuple[str, str], Remembered]] = {}
    _lock = threading.Lock()

    def __init__(self, path: Path, *, persist: bool = True) -> None:
        self.path = path
        self.persist = persist

    @staticmethod
    def key(base_url: str, model: str) -> str:
        return f"{base_url.rstrip('/')}|{model}"

    def get(self, key: str) -> Remembered:
        with self._lock:
            slot = (str(self.path), key)
            if slot not in self._shared:
                self._shared[slot] = self._load().get(key, Remembered())
            return self._shared[slot]

    def update(self, key: str, **changes: Any) -> None:
        with self._lock:
            current = self._shared.setdefault((str(self.path), key), Remembered())
            for name, value in changes.items():
                setattr(current, name, value)
            current.updated = time.time()
            self._save(key, current)

    def forget(self, key: str) -> None:
        with self._lock:
            self._shared.pop((str(self.path), key), None)

    def _load(self) -> dict[str, Remembered]:
        if not self.persist or not self.path.is_file():
            return {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return {k: Remembered(**v) for k, v in raw.items() if isinstance(v, dict)}
        except (OSError, ValueError, TypeError) as exc:
            _log.warning("endpoint memory %s not readable (%s); starting afresh", self.path, exc)
            return {}

    def _save(self, key: str, value: Remembered) -> None:
        if not self.persist:
            return
        try:
            data = {k: asdict(v) for k, v in self._load().items()}
            data[key] = asdict(value)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".endpoints-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1, sort_keys=True)
            os.replace(tmp, self.path)
        except OSError as exc:
            _log.warning("endpoint memory %s not writable: %s", self.path, exc)


class Negotiation:
    """One backend's dealings with its endpoint (thread-safe; the probe runs once, on first use)."""

    def __init__(
        self,
        *,
        base_url: str,
        display: str,
        model: str,
        api_key: str,
        requested_mode: str,
        local: bool,
        memory: EndpointMemory,
        context_window: int | None = None,
        probe_timeout: float = 10.0,
        probe_server: bool = True,
    ) -> None:
        self.base_url, self.display, self.model = base_url, display, model
        self._api_key = api_key
        self.requested_mode = requested_mode
        self.local = local
        self.memory = memory
        self.key = EndpointMemory.key(display, model)
        self._window = context_window
        self._probe_timeout = probe_timeout
        self._probed = not probe_server or context_window is not None
        self._lock = threading.Lock()
        self.notices: list[str] = []  # warnings about the endpoint, for the brief's meta

    @property
    def context_window(self) -> int:
        self.prepare()
        return self._window or self.memory.get(self.key).context_window or DEFAULT_CONTEXT

    def prepare(self) -> None:
        """Once: ask the server what it serves; check the model name; learn the context window."""
        if self._probed:
            return
        with self._lock:
            if self._probed:
                return
            self._probed = True
            info = probe(self.base_url, api_key=self._api_key, timeout=self._probe_timeout)
            window = info.context_for(self.model)
            if window:
                self.memory.update(self.key, context_window=window)
            if info.models is None or self.model in info.models or f"{self.model}:latest" in info.models:
                return
            if self.local and len(info.models) == 1:
                notice = (
                    f"model {self.model!r} is not listed at {self.display}; it serves only "
                    f"{info.models[0]!r}, which will answer"
                )
                self.notices.append(notice)
                _log.warning(notice)
                return
            served = ", ".join(info.models[:8]) or "nothing"
            raise ModelError(
                f"model {self.model!r} is not served by {self.display} (it serves: {served})",
                hint="use --model openai:NAME with one of those names",
            )

    def modes(self) -> list[str]:
        """The modes to try, in order: the one asked for, or (auto) the remembered one, then the rest."""
        if self.requested_mode != "auto":
            return [self.requested_mode]
        known = self.memory.get(self.key)
        rest = [m for m in MODE_ORDER if m not in known.refused and m != known.mode]
        return ([known.mode] if known.mode in MODE_ORDER else []) + rest

    def refused(self, exc: ModeRefused) -> None:
        known = self.memory.get(self.key)
        refused = {**known.refused, exc.mode: exc.reason}
        self.memory.update(self.key, refused=refused, mode=None if known.mode == exc.mode else known.mode)
        _log.info("%s: structured mode %s refused (%s)", self.display, exc.mode, exc.reason)

    def worked(self, mode: str) -> None:
        if self.requested_mode == "auto" and self.memory.get(self.key).mode != mode:
            self.memory.update(self.key, mode=mode)

    def none_worked(self, tried: list[str]) -> EndpointError:
        refused = self.memory.get(self.key).refused
        reasons = "; ".join(f"{m}: {refused.get(m, 'refused')}" for m in tried) or "none left to try"
        self.memory.update(self.key, refused={}, mode=None)  # try them all again next time
        return EndpointError(
            f"{self.display} refused every structured mode ({reasons})",
            hint="check that the server is OpenAI-compatible and the model supports chat",
        )

    def learnt_window(self, window: int | None) -> None:
        if window and window != self._window:
            self._window = window
            self.memory.update(self.key, context_window=window)
