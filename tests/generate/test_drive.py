"""Step functions and their two drivers: rounds of requests, tolerated errors, concurrency of a round."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pydantic import BaseModel

from summariser.backends.base import Completion
from summariser.backends.fake import FakeBackend
from summariser.errors import EndpointError, GenerationError, InternalError
from summariser.generate.drive import Answer, Ask, Steps, arun_steps, run_steps


class Item(BaseModel):
    name: str


def ask(tag: str, tolerate: tuple[type[Exception], ...] = ()) -> Ask:
    return Ask([{"role": "user", "content": tag}], Item, tolerate=tolerate)


def two_rounds() -> Steps[list[str]]:
    first = yield [ask("a"), ask("b", tolerate=(GenerationError,))]
    got = [a.value.name if isinstance(a, Completion) else type(a).__name__ for a in first]  # type: ignore[attr-defined]
    (third,) = yield [ask("c")]
    assert isinstance(third, Completion)
    return [*got, third.value.name]  # type: ignore[attr-defined]


def by_content(messages: list[dict[str, str]], response_model: type[Any]) -> Any:
    tag = messages[0]["content"]
    return GenerationError("no answer") if tag == "b" else {"name": tag.upper()}


@pytest.mark.parametrize("driver", ["sync", "async"])
def test_rounds_and_a_tolerated_error(driver: str) -> None:
    fake = FakeBackend(default=by_content)
    steps = two_rounds()
    result = run_steps(steps, fake) if driver == "sync" else asyncio.run(arun_steps(steps, fake))
    assert result == ["A", "GenerationError", "C"]
    asked = [m[0]["content"] for m, _ in fake.calls]
    assert asked == ["a", "b", "c"] if driver == "sync" else sorted(asked) == ["a", "b", "c"]


@pytest.mark.parametrize("driver", ["sync", "async"])
def test_an_error_not_tolerated_stops_the_steps(driver: str) -> None:
    fake = FakeBackend([EndpointError("down")])

    def steps() -> Steps[str]:
        yield [ask("a")]
        raise AssertionError("not reached")

    with pytest.raises(EndpointError):
        run_steps(steps(), fake) if driver == "sync" else asyncio.run(arun_steps(steps(), fake))


def test_steps_that_ask_nothing_need_no_backend() -> None:
    def nothing() -> Steps[int]:
        if False:
            yield []
        return 7

    assert run_steps(nothing(), None) == 7 and asyncio.run(arun_steps(nothing(), None)) == 7

    def asking() -> Steps[int]:
        yield [ask("a")]
        return 1

    with pytest.raises(InternalError):
        run_steps(asking(), None)


class Slow(FakeBackend):
    def __init__(self) -> None:
        super().__init__(default=lambda m, rm: {"name": "x"})
        self.in_flight = self.most = 0

    async def acomplete(self, messages: Any, response_model: Any, **kw: Any) -> Any:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            await asyncio.sleep(0.02)
            return self.complete(messages, response_model, **kw)
        finally:
            self.in_flight -= 1


def test_the_async_driver_sends_a_round_at_once() -> None:
    def round_of_four() -> Steps[list[Answer]]:
        return (yield [ask(str(i)) for i in range(4)])

    slow = Slow()
    answers = asyncio.run(arun_steps(round_of_four(), slow))
    assert len(answers) == 4 and slow.most == 4
