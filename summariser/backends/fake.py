"""An in-package fake backend for fast tests: scripted answers, no model, no network.

``FakeBackend(responses=[...])`` returns the responses in order (a model instance, a dict validated
against the response model, an exception to raise, or a callable ``(messages, response_model) -> any``).
Every call is recorded in ``calls``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pydantic import ValidationError

from ..errors import GenerationError
from .base import Backend, Completion, Message, Mode, T

__all__ = ["FakeBackend"]


class FakeBackend(Backend):
    engine = "fake"

    def __init__(
        self,
        responses: Iterable[Any] = (),
        *,
        mode: Mode = "full",
        model: str = "fake-model",
        default: Callable[[list[Message], type[Any]], Any] | None = None,
        context_window: int = 128_000,
        trusted: bool = True,
        concurrent: bool = False,
    ) -> None:
        self.responses = list(responses)
        self.mode = mode
        self.trusted, self.concurrent = trusted, concurrent
        self.model = model
        self.default = default
        self.context_window = context_window
        self.calls: list[tuple[list[Message], type[Any]]] = []

    def complete(
        self,
        messages: list[Message],
        response_model: type[T],
        *,
        max_tokens: int = 1024,
        max_reasks: int = 2,
    ) -> Completion[T]:
        self.calls.append((messages, response_model))
        if self.responses:
            answer = self.responses.pop(0)
        elif self.default is not None:
            answer = self.default(messages, response_model)
        else:
            raise GenerationError("fake backend has no scripted response left")
        if callable(answer) and not isinstance(answer, type):
            answer = answer(messages, response_model)
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, response_model):
            value = answer
        else:
            try:
                value = response_model.model_validate(answer)
            except ValidationError as exc:
                raise GenerationError(f"fake answer does not fit {response_model.__name__}: {exc}") from exc
        prompt_tokens = sum(len(m.get("content", "")) for m in messages) // 4
        return Completion(
            value=value, prompt_tokens=prompt_tokens, completion_tokens=len(value.model_dump_json()) // 4
        )
