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
from ..errors import ContextLengthError, GenerationError, InternalError
from ..grounding.assemble import Assembled
from ..load import Article
from ..schema.draft import Draft
from ..schema.taxonomy import EventType
from .drive import Ask, Steps
from .ledger import Ledger
from .prompt import render

__all__ = ["FULL_MAX_TOKENS", "answer_budget", "candidates", "full_messages", "full_steps", "spent"]

FULL_MAX_TOKENS = 3000


def answer_budget(backend: Backend) -> int:
    """``max_tokens`` for a full draft: ``FULL_MAX_TOKENS``, scaled down by a backend that knows its
    context window is small (``OpenAIBackend.answer_budget``: at most half the window)."""
    scale = getattr(backend, "answer_budget", None)
    return int(scale(FULL_MAX_TOKENS)) if callable(scale) else FULL_MAX_TOKENS


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
    budget = answer_budget(backend)
    if size + budget > backend.context_window:
        raise ContextLengthError(
            f"{article.name}: the prompt needs about {size:,} tokens; {backend.model} takes "
            f"{backend.context_window:,} with {budget:,} for the answer",
            hint="use a model with a larger context, or --model extractive",
        )
    return messages


def spent(result: Assembled) -> Assembled:
    """What is still ungrounded after the last re-ask is dropped, with a warning each."""
    for line in result.problems.ungrounded:
        result.problems.warnings.append(f"dropped after re-asking: {line}")
    result.problems.ungrounded = []
    return result


def _count(error: Exception, ledger: Ledger) -> None:
    used = getattr(error, "spent", None) or {}
    ledger.calls += int(used.get("calls", 0))
    ledger.retries += int(used.get("retries", 0))
    ledger.prompt_tokens += int(used.get("prompt_tokens", 0))
    ledger.completion_tokens += int(used.get("completion_tokens", 0))


def _rules_instead(
    error: Exception, draft_x: Draft, ledger: Ledger, ground: Callable[[Draft], Assembled]
) -> Assembled:
    """Never worse than the rules: when the model gives no usable draft (no valid JSON after the re-asks,
    an answer cut at the token limit), the brief is the rules' one, with a warning; the failed calls are
    still counted."""
    _count(error, ledger)
    first = str(error).split(" (")[0][:200]
    result = ground(draft_x)
    result.problems.warnings.insert(0, f"the model gave no usable draft ({first}); the rules' brief is used")
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
        ask = Ask(messages, Draft, answer_budget(backend), reasks, tolerate=(GenerationError,))
        (answer,) = yield [ask]
        if isinstance(answer, ContextLengthError):
            raise answer  # the pipeline plans parts
        if isinstance(answer, Exception):
            if result is None:
                return _rules_instead(answer, draft_x, ledger, ground)
            _count(answer, ledger)
            result.problems.warnings.append("a re-ask gave no usable draft; the previous answer is kept")
            return spent(result)
        ledger.add(answer, messages, "brief")
        result = ground(answer.value)
        if not result.problems.ungrounded:
            return result
        feedback = result.problems.ungrounded
        ledger.retries += 1
    if result is None:
        raise InternalError("internal error: a full draft was never asked for")
    return spent(result)
