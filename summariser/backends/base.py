"""The backend contract: a structured-output engine. Prompts are the pipeline's business, not the backend's.

A backend takes chat messages and a pydantic response model and returns a validated instance, with the
usage it cost. It re-asks on validation errors up to ``max_reasks`` times and handles its own transport
faults (the openai backend retries them with tenacity; llama.cpp runs in-process and has none); what is
left is raised as a ``SummariserError``.

A backend class declares its capabilities, and nothing else is inferred from engine names:

- ``mode``: what the pipeline may ask: nothing, choices among the rules' candidates, or a full draft;
- ``trusted``: whether its answers to choices are adopted (False: they are votes, and a disagreement with
  the rules is flagged for the editor);
- ``concurrent``: whether several briefs at once pay off (a remote endpoint) or it is one shared model.

``complete`` and ``acomplete`` are the only sync/async pair in the package: every other flow is written
once as steps (``generate.drive``).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel

__all__ = ["Backend", "Completion", "Message", "Mode", "T"]

T = TypeVar("T", bound=BaseModel)
Message = dict[str, str]
Mode = Literal["none", "choices", "full"]


@dataclass
class Completion(Generic[T]):
    value: T
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 1
    retries: int = 0
    finish_reason: str | None = "stop"
    cached: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class Backend(abc.ABC):
    """A structured-output engine; see the module docstring for the capabilities it declares."""

    engine: str = "base"
    model: str = "base"
    mode: Mode = "full"
    trusted: bool = True
    concurrent: bool = False
    context_window: int = 128_000

    @abc.abstractmethod
    def complete(
        self,
        messages: list[Message],
        response_model: type[T],
        *,
        max_tokens: int = 1024,
        max_reasks: int = 2,
    ) -> Completion[T]: ...

    async def acomplete(
        self,
        messages: list[Message],
        response_model: type[T],
        *,
        max_tokens: int = 1024,
        max_reasks: int = 2,
    ) -> Completion[T]:
        """Default: run the sync call in a worker thread. Remote backends override with real async."""
        import asyncio

        return await asyncio.to_thread(
            self.complete, messages, response_model, max_tokens=max_tokens, max_reasks=max_reasks
        )

    def count_tokens(self, text: str) -> int:
        """A cheap estimate; local backends override with the real tokenizer."""
        return max(1, len(text) // 4)

    def load(self) -> None:  # noqa: B027 - optional hook
        """Load now what the first call would otherwise wait for (a local model's weights)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (loaded model, HTTP pool)."""

    async def aclose(self) -> None:
        """``close`` from async code; a backend with an async client closes it on its own loop."""
        self.close()
