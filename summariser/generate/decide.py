"""The "choices" generate step: ask a small model only what the rules could not decide.

Each question is tiny (an excerpt of the article and a handful of options) and its response model is
built on the fly with a ``Literal`` field of exactly those options, so a grammar-constrained backend can
only answer one of them. Questions asked:

- the speaker of each quote the rules left undecided, among its candidate names (+ "unknown");
- the event type, when the rules were not confident (by default: when the draft says ``Other``), and then
  its sub-type;
- the certainty of each perpetrator whose certainty is ``unknown``.

A failed question or an "unknown" speaker keeps what the rules had (their first candidate) and warns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, create_model

from ..backends.base import Backend, Completion, Message
from ..errors import GenerationError
from ..grounding.align import Aligner
from ..schema.brief import Certainty
from ..schema.draft import Draft, DraftQuote, Span
from ..schema.taxonomy import DEFAULT_SUB_TYPE, SUB_TYPES, EventType
from .drive import Answer, Ask, Steps, run_steps
from .prompt import render

__all__ = [
    "KINDS",
    "TEMPLATES",
    "Choice",
    "DecideResult",
    "DecideUsage",
    "Question",
    "decide",
    "decide_steps",
    "excerpt_around",
    "plan",
]

UNKNOWN = "unknown"
MAX_TOKENS = 48  # an answer is one short JSON object
MAX_REASKS = 1
EXCERPT_BEFORE = 700  # characters of context kept before the item (quote's and preceding paragraph)
EXCERPT_AFTER = 400  # and after it, within its paragraph
LEAD_CHARS = 900  # opening of the article shown for the event type
QUOTE_SHOWN = 90  # a longer quote is shown cut in the question (it is whole in the excerpt)
TEMPLATES = {  # pinned versions: a new template version changes the prompt hash on purpose
    "speaker": "choose_speaker.v1",
    "event_type": "choose_event_type.v1",
    "sub_type": "choose_sub_type.v1",
    "certainty": "choose_certainty.v1",
}

Kind = Literal["speaker", "event_type", "sub_type", "certainty"]
KINDS: tuple[str, ...] = ("speaker", "event_type", "certainty")


@dataclass
class DecideUsage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    retries: int = 0

    def add(self, c: Completion[Any]) -> None:
        self.prompt_tokens += c.prompt_tokens
        self.completion_tokens += c.completion_tokens
        self.calls += c.calls
        self.retries += c.retries


@dataclass
class Choice:
    """One question and its outcome. ``origin`` is "llm" when the model's answer was applied."""

    kind: Kind
    index: int | None  # quote / perpetrator index, None for the event
    options: list[str]
    answer: str | None  # None when the question failed
    applied: str | None
    origin: Literal["llm", "rules"]


@dataclass
class DecideResult:
    draft: Draft
    usage: DecideUsage = field(default_factory=DecideUsage)
    prompts: list[list[Message]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    adopt: bool = True


@dataclass
class Question:
    kind: Kind
    index: int | None
    messages: list[Message]
    options: list[str]
    response_model: type[BaseModel]
    apply: Callable[[str | None, DecideResult], None] = field(repr=False)


# -- excerpts ------------------------------------------------------------------------------------------


def _lines(text: str) -> list[Span]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]


def excerpt_around(text: str, start: int, end: int) -> str:
    """The item's paragraph and the preceding one, cut to a window around ``[start, end)`` at word ends."""
    paras = _lines(text)
    i = next((k for k, (s, e) in enumerate(paras) if s <= start < e), None)
    lo, hi = (paras[i - 1][0] if i else paras[i][0], paras[i][1]) if i is not None else (0, len(text))
    lo, hi = max(lo, start - EXCERPT_BEFORE), min(hi, end + EXCERPT_AFTER)
    if lo > 0 and not text[lo - 1].isspace():
        nxt = text.find(" ", lo, start)
        lo = nxt + 1 if nxt != -1 else lo
    if hi < len(text) and not text[hi].isspace():
        prv = text.rfind(" ", end, hi)
        hi = prv if prv != -1 else hi
    return text[lo:hi].strip()


def _locate(aligner: Aligner, needle: str, spans: list[Span]) -> Span | None:
    if spans:
        return spans[0][0], spans[-1][1]
    m = aligner.find(needle.strip().strip("\"'“”‘’ "), fuzzy=False)
    return (m.start, m.end) if m else None


def _shown(quote: str) -> str:
    quote = " ".join(quote.split())
    if len(quote) <= QUOTE_SHOWN:
        return quote
    return quote[:QUOTE_SHOWN].rsplit(" ", 1)[0] + " …"


def _choice_model(name: str, field_name: str, options: list[str]) -> type[BaseModel]:
    literal: Any = Literal.__getitem__(tuple(options))
    return create_model(name, **{field_name: (literal, ...)})  # type: ignore[call-overload, no-any-return]


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for n in names:
        n = " ".join(n.split())
        if n and n.casefold() not in seen and n.casefold() != UNKNOWN:
            seen.add(n.casefold())
            out.append(n)
    return out


# -- planning ------------------------------------------------------------------------------------------


def _speaker_question(i: int, q: DraftQuote, text: str, aligner: Aligner) -> Question | None:
    candidates = _unique(q.speaker_candidates)
    if q.speaker and q.speaker.casefold() not in {c.casefold() for c in candidates}:
        candidates = _unique([q.speaker, *candidates])  # the rules' current guess stays the fallback
    if len(candidates) < 2:  # nothing to choose: "unknown" would fall back to the only candidate anyway
        if candidates and not q.speaker:
            q.set_speaker(candidates[0], decided=False)
        return None
    where = _locate(aligner, q.text, q.spans)
    excerpt = excerpt_around(text, *where) if where else text[:LEAD_CHARS]
    options = [*candidates, UNKNOWN]
    messages = render(TEMPLATES["speaker"], excerpt=excerpt, quote=_shown(q.text), options=options)

    def apply(answer: str | None, result: DecideResult) -> None:
        quote = result.draft.quotes[i]
        fallback = candidates[0]
        if answer and answer != UNKNOWN and not result.adopt:
            # a weak model votes, it does not override: disagreement is flagged for the editor
            if answer.casefold() != fallback.casefold():
                result.warnings.append(
                    f"speaker of quote q{i + 1} is uncertain: the rules chose {fallback!r}, "
                    f"the model {answer!r}; the rules' choice is kept — check it"
                )
            if quote.speaker != fallback:
                quote.set_speaker(fallback, decided=False)
            result.choices.append(Choice("speaker", i, options, answer, fallback, "rules"))
            return
        if answer and answer != UNKNOWN:
            spans = quote.speaker_spans if quote.speaker == answer else []
            quote.set_speaker(answer, *spans, decided=True, by_model=True)
            result.choices.append(Choice("speaker", i, options, answer, answer, "llm"))
            return
        said = "answered 'unknown'" if answer else "gave no usable answer"
        result.warnings.append(
            f"model {said} for quote q{i + 1}; kept the rules' best candidate {fallback!r}"
        )
        if quote.speaker != fallback:
            quote.set_speaker(fallback, decided=False)
        result.choices.append(Choice("speaker", i, options, answer, fallback, "rules"))

    return Question(
        "speaker", i, messages, options, _choice_model("SpeakerChoice", "speaker", options), apply
    )


def _event_question(draft: Draft, text: str) -> Question:
    excerpt = text[:LEAD_CHARS].rsplit(" ", 1)[0] if len(text) > LEAD_CHARS else text
    options = [t.value for t in EventType]
    messages = render(TEMPLATES["event_type"], excerpt=excerpt, options=options)

    def apply(answer: str | None, result: DecideResult) -> None:
        if answer is None:
            result.warnings.append("model gave no usable event type; kept the rules' event type")
            result.choices.append(Choice("event_type", None, options, None, draft.event_type.value, "rules"))
            return
        chosen = EventType(answer)
        if not result.adopt:
            if chosen != result.draft.event_type:
                result.warnings.append(
                    f"event type is uncertain: the rules found no clear type; the model "
                    f"suggests {answer!r} (not applied)"
                )
            result.choices.append(
                Choice("event_type", None, options, answer, draft.event_type.value, "rules")
            )
            return
        if chosen != result.draft.event_type:
            result.draft.event_type = chosen
            result.draft.sub_type = DEFAULT_SUB_TYPE[chosen]
        result.choices.append(Choice("event_type", None, options, answer, answer, "llm"))

    return Question(
        "event_type", None, messages, options, _choice_model("EventTypeChoice", "event_type", options), apply
    )


def _sub_type_question(event_type: EventType, excerpt: str) -> Question:
    options = list(SUB_TYPES[event_type])
    messages = render(TEMPLATES["sub_type"], excerpt=excerpt, event_type=event_type.value, options=options)

    def apply(answer: str | None, result: DecideResult) -> None:
        applied = answer or DEFAULT_SUB_TYPE[event_type]
        if answer is None:
            result.warnings.append(f"model gave no usable sub-type; used {applied!r}")
        result.draft.sub_type = applied
        result.choices.append(
            Choice("sub_type", None, options, answer, applied, "llm" if answer else "rules")
        )

    return Question(
        "sub_type", None, messages, options, _choice_model("SubTypeChoice", "sub_type", options), apply
    )


def _certainty_question(i: int, name: str, spans: list[Span], text: str, aligner: Aligner) -> Question:
    where = _locate(aligner, name, spans)
    excerpt = excerpt_around(text, *where) if where else text[:LEAD_CHARS]
    options = [c.value for c in Certainty]
    messages = render(TEMPLATES["certainty"], excerpt=excerpt, perpetrator=name, options=options)

    def apply(answer: str | None, result: DecideResult) -> None:
        if answer is None:
            result.warnings.append(f"model gave no usable certainty for perpetrator {name!r}; kept 'unknown'")
            result.choices.append(Choice("certainty", i, options, None, UNKNOWN, "rules"))
            return
        if not result.adopt:
            if answer != UNKNOWN:
                result.warnings.append(
                    f"certainty for perpetrator {name!r} is unknown to the rules; the model "
                    f"suggests {answer!r} (not applied)"
                )
            result.choices.append(Choice("certainty", i, options, answer, UNKNOWN, "rules"))
            return
        result.draft.perpetrators[i].certainty = Certainty(answer)
        result.choices.append(Choice("certainty", i, options, answer, answer, "llm"))

    return Question(
        "certainty", i, messages, options, _choice_model("CertaintyChoice", "certainty", options), apply
    )


def plan(
    draft: Draft, text: str, *, ask_event_type: bool | None = None, kinds: Collection[str] = KINDS
) -> list[Question]:
    """The questions for what the rules left open (modifies ``draft`` only to fill single candidates).

    ``ask_event_type``: None asks when the draft's event type is ``Other``. ``kinds`` limits what is asked
    (any of "speaker", "event_type", "certainty"; the sub-type follows the event type).
    """
    aligner = Aligner(text)
    questions: list[Question] = []
    for i, q in enumerate(draft.quotes):
        if "speaker" in kinds and not q.speaker_decided:
            sq = _speaker_question(i, q, text, aligner)
            if sq is not None:
                questions.append(sq)
    open_event = ask_event_type or (ask_event_type is None and draft.event_type == EventType.OTHER)
    if "event_type" in kinds and open_event:
        questions.append(_event_question(draft, text))
    for i, p in enumerate(draft.perpetrators):
        if "certainty" in kinds and p.certainty == Certainty.UNKNOWN:
            questions.append(_certainty_question(i, p.name, p.spans, text, aligner))
    return questions


# -- asking --------------------------------------------------------------------------------------------


def _answer(q: Question, completion: Completion[Any] | None) -> str | None:
    return None if completion is None else str(getattr(completion.value, q.kind))


def _follow_up(q: Question, result: DecideResult, text: str, before: EventType) -> Question | None:
    """After the model changed the event type, ask its sub-type."""
    chosen = result.draft.event_type
    if q.kind == "event_type" and chosen != before and len(SUB_TYPES[chosen]) > 1:
        excerpt = text[:LEAD_CHARS].rsplit(" ", 1)[0] if len(text) > LEAD_CHARS else text
        return _sub_type_question(chosen, excerpt)
    return None


def _ask(q: Question) -> Ask:
    # a failed question is not the end of the brief: the rules' answer stands (see ``_settle``)
    return Ask(q.messages, q.response_model, MAX_TOKENS, MAX_REASKS, tolerate=(GenerationError,))


def _settle(q: Question, answer: Answer, result: DecideResult) -> None:
    result.prompts.append(q.messages)
    completion = None if isinstance(answer, Exception) else answer
    if completion is None:
        result.usage.calls += 1
    else:
        result.usage.add(completion)
    q.apply(_answer(q, completion), result)


def decide_steps(
    draft: Draft,
    text: str,
    *,
    ask_event_type: bool | None = None,
    kinds: Collection[str] = KINDS,
    adopt: bool = True,
) -> Steps[DecideResult]:
    """Ask the open questions about ``draft`` (a copy is updated; the input is untouched).

    A step function (``generate.drive``): the independent questions are one round (sent at once by the
    async driver), then the sub-type, when the model changed the event type. ``adopt=False`` (a weak
    model): answers are votes, not overrides; where the model disagrees with the rules, the rules' answer
    is kept and a warning flags the item for the editor.
    """
    result = DecideResult(draft=draft.model_copy(deep=True), adopt=adopt)
    questions = plan(result.draft, text, ask_event_type=ask_event_type, kinds=kinds)
    answers = (yield [_ask(q) for q in questions]) if questions else []
    for q, answer in zip(questions, answers, strict=True):
        _settle(q, answer, result)
        follow = _follow_up(q, result, text, draft.event_type)
        if follow is not None:
            (follow_answer,) = yield [_ask(follow)]
            _settle(follow, follow_answer, result)
    return result


def decide(draft: Draft, text: str, backend: Backend, **options: Any) -> DecideResult:
    """``decide_steps`` asked of ``backend`` with blocking calls (for scripts and tests; the pipeline
    drives the steps itself, sync or async)."""
    return run_steps(decide_steps(draft, text, **options), backend)
