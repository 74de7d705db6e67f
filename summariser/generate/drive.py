"""Sync and async written once: step functions that never call a backend, and the two drivers that do.

A *step function* is a generator that yields a round of ``Ask``s (model requests that may run at once),
receives their answers in the same order, and finally returns its result: it is plain code, with no I/O
(sans-IO, as httpx's and h11's protocol code). The re-ask loop (``generate.full``), the decide loop
(``generate.decide``) and the whole brief (``pipeline``) are step functions.

``run_steps(steps, backend)`` drives one with ``Backend.complete``; ``arun_steps`` with
``Backend.acomplete``, asking a round's requests concurrently and running the steps themselves (extraction,
grounding: CPU work) in a worker thread so the event loop stays free. An error an ``Ask`` tolerates is
handed back as its answer; any other error stops the steps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from ..backends.base import Backend, Completion, Message
from ..errors import InternalError

__all__ = ["Answer", "Ask", "Steps", "arun_steps", "run_steps"]

R = TypeVar("R")


@dataclass(frozen=True)
class Ask:
    messages: list[Message]
    response_model: type[BaseModel]
    max_tokens: int = 1024
    max_reasks: int = 2
    tolerate: tuple[type[Exception], ...] = ()  # errors answered as the outcome instead of raised


Answer = Completion[Any] | Exception
Steps = Generator[list[Ask], list[Answer], R]


def _advance(steps: Steps[R], answers: list[Answer] | None) -> tuple[bool, Any]:
    """``(False, asks)`` for the next round, or ``(True, result)`` when the steps are done."""
    try:
        return False, steps.send(answers)  # type: ignore[arg-type]
    except StopIteration as done:
        return True, done.value


def _backend(backend: Backend | None) -> Backend:
    if backend is None:
        raise InternalError("internal error: these steps ask a model, and there is no backend")
    return backend


def _ask(backend: Backend | None, ask: Ask) -> Answer:
    try:
        return _backend(backend).complete(
            ask.messages, ask.response_model, max_tokens=ask.max_tokens, max_reasks=ask.max_reasks
        )
    except ask.tolerate as exc:
        return exc


async def _aask(backend: Backend | None, ask: Ask) -> Answer:
    try:
        return await _backend(backend).acomplete(
            ask.messages, ask.response_model, max_tokens=ask.max_tokens, max_reasks=ask.max_reasks
        )
    except ask.tolerate as exc:
        return exc


def run_steps(steps: Steps[R], backend: Backend | None) -> R:
    """Drive ``steps`` with the blocking backend calls, one request after another."""
    done, value = _advance(steps, None)
    while not done:
        done, value = _advance(steps, [_ask(backend, a) for a in value])
    return value  # type: ignore[no-any-return]


async def arun_steps(steps: Steps[R], backend: Backend | None) -> R:
    """Drive ``steps`` with the async backend calls, a round's requests at once."""
    done, value = await asyncio.to_thread(_advance, steps, None)
    while not done:
        answers = list(await asyncio.gather(*(_aask(backend, a) for a in value)))
        done, value = await asyncio.to_thread(_advance, steps, answers)
    return value  # type: ignore[no-any-return]
