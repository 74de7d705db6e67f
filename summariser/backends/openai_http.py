"""One request to an OpenAI-compatible endpoint: what it cost (``Tally``), the checks and lenient repairs
applied to its answer (``checked``) and the transport retry policy around it (``retry_policy``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from openai.types.chat import ChatCompletion
from tenacity import (
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential,
    wait_random,
)

from .base import T
from .openai_errors import BadResponse, WaitRetryAfter
from .openai_modes import lenient_json

__all__ = ["Tally", "checked", "plain", "retry_policy"]

_log = logging.getLogger("summariser.backends.openai")


@dataclass
class Tally:
    """What one ``complete`` call cost, across modes tried, transport retries and re-asks."""

    calls: int = 0
    transport_retries: int = 0
    answers: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str | None = None
    refused: list[str] = field(default_factory=list)

    def add(self, response: ChatCompletion) -> None:
        self.answers += 1
        self.finish_reason = response.choices[0].finish_reason
        if response.usage is not None:
            self.prompt_tokens += response.usage.prompt_tokens or 0
            self.completion_tokens += response.usage.completion_tokens or 0

    def spent(self) -> dict[str, int]:
        return {
            "calls": self.calls,
            "retries": self.transport_retries + max(0, self.answers - 1),
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
        }


def plain(value: Any, response_model: type[T]) -> T:
    """Instructor answers with a subclass of the response model carrying ``_raw_response``; hand back an
    instance of exactly ``response_model`` (already validated: no second validation)."""
    if type(value) is response_model:
        return cast(T, value)
    fields = {name: getattr(value, name) for name in response_model.model_fields}
    return response_model.model_construct(_fields_set=set(value.model_fields_set), **fields)


def checked(response: Any, tally: Tally) -> ChatCompletion:
    if not isinstance(response, ChatCompletion) or not response.choices:
        raise BadResponse(f"expected a chat completion, got {type(response).__name__}")
    tally.add(response)
    message = response.choices[0].message
    if message.content:
        message.content = lenient_json(message.content)
    for call in message.tool_calls or []:
        function = getattr(call, "function", None)
        if function is not None and function.arguments:
            function.arguments = lenient_json(function.arguments)
    return response


def retry_policy(
    tally: Tally,
    *,
    retryable: Callable[[BaseException], bool],
    describe: Callable[[BaseException | None], str],
    url: str,
    backoff_base: float,
    backoff_max: float,
    retry_after_cap: float,
    max_retries: int,
    retry_budget: float,
) -> dict[str, Any]:
    """tenacity arguments for one request: exponential backoff from ``backoff_base`` capped at
    ``backoff_max`` plus up to ``backoff_base`` of jitter, or the server's ``Retry-After``; retries counted
    in ``tally``."""
    backoff = wait_exponential(multiplier=backoff_base, max=backoff_max) + wait_random(0, backoff_base)

    def before_sleep(state: RetryCallState) -> None:
        tally.transport_retries += 1
        exc = state.outcome.exception() if state.outcome else None
        _log.info(
            "%s: retry %d in %.2f s after %s", url, state.attempt_number, state.upcoming_sleep, describe(exc)
        )

    return {
        "stop": stop_after_attempt(max_retries + 1) | stop_before_delay(retry_budget),
        "wait": WaitRetryAfter(backoff, cap=retry_after_cap),
        "retry": retry_if_exception(retryable),
        "before_sleep": before_sleep,
        "reraise": True,
    }
