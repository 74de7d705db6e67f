"""The "full" generate step: the model writes a whole draft, re-asked while grounding drops its items.

``full_steps`` is a step function (``generate.drive``): it yields the request for a draft, grounds the
answer with the caller's ``ground``, and re-asks with the ungrounded items as feedback up to ``reasks``
times; what is still ungrounded after that is dropped with a warning. A prompt that does not fit the
model's context (or a server that says so) raises ``ContextLengthError``: the pipeline then plans parts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..backends.base import Backend, Message
from ..errors import ContextLengthError, InternalError
from ..grounding.assemble import Assembled
from ..load import Article
from ..schema.draft import Draft
from ..schema.taxonomy import EventType
from .drive import Ask, Steps
from .ledger import Ledger
from .prompt import render

__all__ = ["FULL_MAX_TOKENS", "candidates", "full_messages", "full_steps", "spent"]

FULL_MAX_TOKENS = 3000


def candidates(draft: Draft) -> dict[str, Any]:
    """The extractor's findings, compact, for the full-draft prompt."""
    return {
        "quotes": [{"text": q.text[:300], "speaker": q.speaker} for q in draft.quotes],
        "actors": [a.name for a in draft.actors],
        "casualties": [
            f"{c.as_written} {c.category.value}" + (f" ({c.reported_by})" if c.reported_by else "")
            for c in draft.casualties
        ],
        "places": [loc.name for loc in draft.locations],
    }


def full_messages(
    draft_x: Draft, article: Article, feedback: list[str] | None, backend: Backend
) -> list[Message]:
    """The full-draft prompt; ``ContextLengthError`` when it and the answer do not fit the context."""
    messages = render(
        "brief",
        text=article.text,
        candidates=candidates(draft_x),
        event_types=[e.value for e in EventType],
        feedback=feedback,
    )
    size = sum(backend.count_tokens(m["content"]) for m in messages)
    if size + FULL_MAX_TOKENS > backend.context_window:
        raise ContextLengthError(
            f"{article.name}: the prompt needs about {size:,} tokens; {backend.model} takes "
            f"{backend.context_window:,} with {FULL_MAX_TOKENS:,} for the answer",
            hint="use a model with a larger context, or --model extractive",
        )
    return messages


def spent(result: Assembled) -> Assembled:
    """What is still ungrounded after the last re-ask is dropped, with a warning each."""
    for line in result.problems.ungrounded:
        result.problems.warnings.append(f"dropped after re-asking: {line}")
    result.problems.ungrounded = []
    return result


def full_steps(
    draft_x: Draft,
    article: Article,
    backend: Backend,
    *,
    reasks: int,
    ledger: Ledger,
    ground: Callable[[Draft], Assembled],
) -> Steps[Assembled]:
    """Ask for a draft of ``article``, ground it, re-ask with what did not ground (see the module)."""
    feedback: list[str] | None = None
    result: Assembled | None = None
    for _attempt in range(reasks + 1):
        messages = full_messages(draft_x, article, feedback, backend)
        ask = Ask(messages, Draft, FULL_MAX_TOKENS, reasks, tolerate=(ContextLengthError,))
        (answer,) = yield [ask]
        if isinstance(answer, Exception):
            raise answer
        ledger.add(answer, messages, "brief")
        result = ground(answer.value)
        if not result.problems.ungrounded:
            return result
        feedback = result.problems.ungrounded
        ledger.retries += 1
    if result is None:
        raise InternalError("internal error: a full draft was never asked for")
    return spent(result)
