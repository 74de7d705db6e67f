"""Scripted reactions of the test server: :class:`Step` (one answer, error, reset, delay), the seeded
:class:`FaultInjector` and scripts of them (:func:`load_script`). Kept apart from the server so that a
script run by ``python -m summariser.testing.openai_server --script X.py`` and the server share one
``Step`` class.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import random
import runpy
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

__all__ = [
    "FAULT_KINDS",
    "HOST",
    "FaultInjector",
    "Responder",
    "Step",
    "StepKind",
    "error_body",
    "load_script",
    "tool_name",
]

HOST = "127.0.0.1"  # never anything else: this server is for local tests only
FAULT_KINDS = ("429", "500", "502", "503", "reset", "slow", "malformed")
StepKind = Literal["answer", "text", "error", "reset", "raw", "respond"]
Responder = Callable[[dict[str, Any]], Any]
_RESET_PARTIAL = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n"
    b'{"id": "chatcmpl-reset", "object": "chat.completion", "choi'
)


@dataclass(frozen=True)
class Step:
    """One scripted reaction. Build with the class methods; ``delay`` sleeps before answering."""

    kind: StepKind
    content: Any = None
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    finish_reason: str = "stop"
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    @classmethod
    def answer(
        cls,
        data: Any,
        *,
        finish_reason: str = "stop",
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        delay: float = 0.0,
    ) -> Step:
        """A JSON answer (dict, list or pydantic model); with ``finish_reason="length"`` it is cut in half."""
        if isinstance(data, BaseModel):
            data = data.model_dump(mode="json")
        return cls(
            "answer",
            data,
            finish_reason=finish_reason,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            delay=delay,
        )

    @classmethod
    def text(cls, content: str, *, finish_reason: str = "stop", delay: float = 0.0) -> Step:
        """Message content verbatim (never turned into a tool call)."""
        return cls("text", content, finish_reason=finish_reason, delay=delay)

    @classmethod
    def malformed(cls, content: str = '{"headline": "unterminated', *, delay: float = 0.0) -> Step:
        """A 200 answer whose content is not valid JSON."""
        return cls("text", content, delay=delay)

    @classmethod
    def error(
        cls,
        status: int,
        *,
        retry_after: float | str | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        delay: float = 0.0,
    ) -> Step:
        """An HTTP error; ``body`` defaults to an OpenAI-style ``{"error": {...}}`` object."""
        all_headers = dict(headers or {})
        if retry_after is not None:
            all_headers["Retry-After"] = str(retry_after)
        return cls("error", body, status=status, headers=all_headers, delay=delay)

    @classmethod
    def reset(cls, partial: bytes = _RESET_PARTIAL, *, delay: float = 0.0) -> Step:
        """Write ``partial`` (headers and part of a body), then reset the connection."""
        return cls("reset", partial, delay=delay)

    @classmethod
    def raw(
        cls, data: bytes, *, status: int = 200, content_type: str = "application/json", delay: float = 0.0
    ) -> Step:
        """Exactly these body bytes (e.g. a body that is not JSON at all)."""
        return cls("raw", data, status=status, headers={"Content-Type": content_type}, delay=delay)

    @classmethod
    def sleep(cls, seconds: float, then: Step | None = None) -> Step:
        """Sleep, then answer with ``then`` (default: whatever the responder says)."""
        return dataclasses.replace(then or cls("respond"), delay=seconds)

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> Step:
        """A step from a script: ``{"kind": "error", "status": 429, "retry_after": 1}`` and so on."""
        spec = dict(spec)
        kind = spec.pop("kind")
        if kind == "answer":
            return cls.answer(spec.pop("content"), **spec)
        if kind in ("text", "malformed"):
            return getattr(cls, kind)(**spec)
        if kind == "error":
            return cls.error(spec.pop("status"), **spec)
        if kind == "reset":
            partial = spec.pop("partial", None)
            return cls.reset(partial.encode() if partial else _RESET_PARTIAL, **spec)
        if kind == "raw":
            return cls.raw(spec.pop("data").encode(), **spec)
        if kind == "sleep":
            then = spec.get("then")
            return cls.sleep(spec["seconds"], cls.from_dict(then) if then else None)
        raise ValueError(f"unknown step kind {kind!r}")


@dataclass
class FaultInjector:
    """With probability ``rate`` per request, a fault drawn uniformly from ``kinds`` (seeded, thread-safe).

    Requests race in a threaded server, so which request gets which fault may vary between runs; the
    sequence of draws does not. ``injected`` counts what was injected.
    """

    rate: float = 0.2
    seed: int = 0
    kinds: Sequence[str] = FAULT_KINDS
    slow_seconds: float = 2.0
    retry_after: float | None = None

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {FAULT_KINDS}")
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        self.injected: Counter[str] = Counter()

    def draw(self) -> Step | None:
        with self._lock:
            if self._rng.random() >= self.rate:
                return None
            kind = self._rng.choice(list(self.kinds))
            self.injected[kind] += 1
        if kind == "429":
            return Step.error(429, retry_after=self.retry_after)
        if kind.isdigit():
            return Step.error(int(kind))
        if kind == "reset":
            return Step.reset()
        if kind == "slow":
            return Step.sleep(self.slow_seconds)
        return Step.malformed()


_SCRIPT_NAMES = ("responder", "steps", "faults", "latency", "models", "refuse_modes", "context_window")


def load_script(path: Path) -> dict[str, Any]:
    """Read a server script into :class:`OpenAIServer` keyword arguments.

    JSON: ``{"latency": 0.5, "answer": {...} | "answers": [{...}, ...] (cycled), "steps": [step, ...],
    "faults": {"rate": 0.1, "seed": 0, ...}, "models": ["name"]}`` (steps as in :meth:`Step.from_dict`).
    Python: a file defining any of ``responder``, ``steps``, ``faults``, ``latency``, ``models``,
    ``refuse_modes``, ``context_window``; JSON may carry ``refuse_modes`` and ``context_window`` too.
    """
    if path.suffix == ".py":
        namespace = runpy.run_path(str(path))
        return {k: namespace[k] for k in _SCRIPT_NAMES if k in namespace}
    spec = json.loads(path.read_text(encoding="utf-8"))
    kwargs: dict[str, Any] = {
        "steps": [Step.from_dict(s) for s in spec.get("steps", [])],
        "latency": float(spec.get("latency", 0.0)),
    }
    answers = spec.get("answers") or ([spec["answer"]] if "answer" in spec else [])
    if answers:
        cycle = itertools.cycle(answers)
        lock = threading.Lock()

        def responder(_request: dict[str, Any]) -> Step:
            with lock:
                return Step.answer(next(cycle))

        kwargs["responder"] = responder
    if spec.get("faults"):
        kwargs["faults"] = FaultInjector(**spec["faults"])
    for name in ("models", "refuse_modes", "context_window"):
        if spec.get(name):
            kwargs[name] = spec[name]
    return kwargs


def tool_name(request: Mapping[str, Any]) -> str:
    choice = request.get("tool_choice")
    if isinstance(choice, dict) and choice.get("function", {}).get("name"):
        return str(choice["function"]["name"])
    return str(request["tools"][0].get("function", {}).get("name", "tool"))


def error_body(status: int) -> dict[str, Any]:
    kind = {429: "rate_limit_error", 401: "authentication_error", 404: "not_found_error"}.get(status)
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return {"error": {"message": f"test server: {phrase}", "type": kind or "server_error", "code": None}}
