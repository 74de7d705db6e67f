"""The "choices" step with the fake backend: only open questions are asked, answers stay in the options."""

from __future__ import annotations

import asyncio
import typing
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from summariser.backends.base import Completion, Message, T
from summariser.backends.fake import FakeBackend
from summariser.errors import GenerationError
from summariser.generate.decide import KINDS, decide, decide_steps, excerpt_around, plan
from summariser.generate.drive import arun_steps
from summariser.schema.brief import Certainty
from summariser.schema.draft import Draft, DraftPerpetrator, DraftQuote
from summariser.schema.taxonomy import SUB_TYPES, EventType

# A made-up report (no shared article text): three paragraphs, the quote in the third.
TEXT = (
    "Opening paragraph about the weather in Northtown.\n"
    "Second paragraph: Mayor Ada Brook met envoy Ben Cole on Monday.\n"
    'Third paragraph. "We will rebuild the bridge," Brook said, while Cole nodded.\n'
    '"Nothing was agreed," said a council spokesman.\n'
)
QUOTE = "We will rebuild the bridge,"


def _options(model: type[BaseModel], field: str) -> list[str]:
    return list(typing.get_args(model.model_fields[field].annotation))


def _draft(*quotes: DraftQuote, event_type: EventType = EventType.DIPLOMATIC, perps: int = 0) -> Draft:
    d = Draft(headline="h", summary="s", event_type=event_type, description="d", quotes=list(quotes))
    d.perpetrators = [
        DraftPerpetrator(name="Mayor Ada Brook", certainty=Certainty.UNKNOWN) for _ in range(perps)
    ]
    return d


def _quote(text: str, *candidates: str, decided: bool = False, speaker: str | None = None) -> DraftQuote:
    q = DraftQuote(text=text)
    q.set_speaker(speaker, decided=decided)
    q.set_candidates(list(candidates))
    return q


def _speaker_of(messages: list[Message], model: type[Any]) -> dict[str, str]:
    return {"speaker": _options(model, "speaker")[1]}  # the second option


def test_only_undecided_quotes_with_a_real_choice_are_asked() -> None:
    decided = _quote("Nothing was agreed,", decided=True, speaker="a council spokesman")
    single = _quote("Nothing was agreed,", "a council spokesman")
    open_q = _quote(QUOTE, "Ada Brook", "Ben Cole")
    fake = FakeBackend(default=_speaker_of)
    result = decide(_draft(decided, open_q, single), TEXT, fake)
    assert len(fake.calls) == 1
    assert _options(fake.calls[0][1], "speaker") == ["Ada Brook", "Ben Cole", "unknown"]
    quotes = result.draft.quotes
    assert quotes[0].speaker == "a council spokesman" and not quotes[0].speaker_by_model
    assert quotes[1].speaker == "Ben Cole" and quotes[1].speaker_by_model and quotes[1].speaker_decided
    assert quotes[2].speaker == "a council spokesman" and not quotes[2].speaker_by_model
    assert [c.kind for c in result.choices] == ["speaker"] and result.choices[0].origin == "llm"


def test_response_model_accepts_only_the_options() -> None:
    questions = plan(_draft(_quote(QUOTE, "Ada Brook", "Ben Cole")), TEXT)
    model = questions[0].response_model
    assert model.model_validate({"speaker": "Ben Cole"})
    with pytest.raises(ValidationError):
        model.model_validate({"speaker": "Carl Dunn"})
    assert model.model_json_schema()["properties"]["speaker"]["enum"] == ["Ada Brook", "Ben Cole", "unknown"]


def test_unknown_answer_keeps_the_rules_first_candidate_and_warns() -> None:
    fake = FakeBackend([{"speaker": "unknown"}])
    result = decide(_draft(_quote(QUOTE, "Ada Brook", "Ben Cole")), TEXT, fake)
    q = result.draft.quotes[0]
    assert q.speaker == "Ada Brook" and not q.speaker_by_model
    assert len(result.warnings) == 1 and "'unknown'" in result.warnings[0] and "q1" in result.warnings[0]
    assert result.choices[0].origin == "rules" and result.choices[0].applied == "Ada Brook"


def test_answer_outside_the_options_or_failure_falls_back() -> None:
    fake = FakeBackend([{"speaker": "Carl Dunn"}, GenerationError("no luck")])
    result = decide(
        _draft(_quote(QUOTE, "Ada Brook", "Ben Cole"), _quote(QUOTE, "Ben Cole", "Ada Brook")), TEXT, fake
    )
    assert [q.speaker for q in result.draft.quotes] == ["Ada Brook", "Ben Cole"]
    assert len(result.warnings) == 2 and all("no usable answer" in w for w in result.warnings)
    assert result.usage.calls == 2


def test_rules_speaker_not_in_candidates_is_offered_first_and_keeps_its_spans() -> None:
    q = _quote(QUOTE, "Ben Cole", speaker="Ada Brook")
    q.set_speaker("Ada Brook", (60, 69), decided=False)
    fake = FakeBackend([{"speaker": "Ada Brook"}])
    result = decide(_draft(q), TEXT, fake)
    assert _options(fake.calls[0][1], "speaker") == ["Ada Brook", "Ben Cole", "unknown"]
    out = result.draft.quotes[0]
    assert out.speaker_by_model and out.speaker_spans == [(60, 69)]


def test_usage_is_summed_over_questions() -> None:
    class Counting(FakeBackend):
        def complete(
            self,
            messages: list[Message],
            response_model: type[T],
            *,
            max_tokens: int = 1024,
            max_reasks: int = 2,
        ) -> Completion[T]:
            c = super().complete(messages, response_model, max_tokens=max_tokens, max_reasks=max_reasks)
            return Completion(c.value, prompt_tokens=100, completion_tokens=7, calls=2, retries=1)

    fake = Counting(
        default=lambda m, model: {
            next(iter(model.model_fields)): _options(model, next(iter(model.model_fields)))[0]
        }
    )
    result = decide(_draft(_quote(QUOTE, "Ada Brook", "Ben Cole"), perps=2), TEXT, fake)
    assert len(fake.calls) == 3
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (300, 21)
    assert (result.usage.calls, result.usage.retries) == (6, 3)
    assert result.prompts == [messages for messages, _ in fake.calls]


def test_event_type_asked_only_when_other_then_its_sub_type() -> None:
    fake = FakeBackend([{"event_type": EventType.EXPLOSIONS.value}, {"sub_type": "Air/drone strike"}])
    result = decide(_draft(event_type=EventType.OTHER), TEXT, fake)
    assert _options(fake.calls[1][1], "sub_type") == list(SUB_TYPES[EventType.EXPLOSIONS])
    assert result.draft.event_type == EventType.EXPLOSIONS and result.draft.sub_type == "Air/drone strike"
    assert [c.kind for c in result.choices] == ["event_type", "sub_type"]

    none = FakeBackend()
    assert decide(_draft(event_type=EventType.BATTLES), TEXT, none).choices == [] and none.calls == []

    same = FakeBackend([{"event_type": "Other"}])
    result = decide(_draft(event_type=EventType.OTHER), TEXT, same)
    assert len(same.calls) == 1 and result.draft.event_type == EventType.OTHER


def test_certainty_asked_only_for_unknown_perpetrators() -> None:
    d = _draft(perps=2)
    d.perpetrators[0].certainty = Certainty.CLAIMED
    fake = FakeBackend([{"certainty": "suspected"}])
    result = decide(d, TEXT, fake)
    assert len(fake.calls) == 1
    assert _options(fake.calls[0][1], "certainty") == [c.value for c in Certainty]
    assert [p.certainty for p in result.draft.perpetrators] == [Certainty.CLAIMED, Certainty.SUSPECTED]
    assert d.perpetrators[1].certainty == Certainty.UNKNOWN  # the input draft is untouched


def test_kinds_limit_what_is_asked() -> None:
    d = _draft(_quote(QUOTE, "Ada Brook", "Ben Cole"), event_type=EventType.OTHER, perps=1)
    assert [q.kind for q in plan(d, TEXT)] == ["speaker", "event_type", "certainty"] == list(KINDS)
    assert [q.kind for q in plan(d, TEXT, kinds=("certainty",))] == ["certainty"]
    assert decide(d, TEXT, FakeBackend(), kinds=()).usage.calls == 0


def test_prompt_delimits_the_quote_paragraph_and_the_one_before() -> None:
    q = plan(_draft(_quote(QUOTE, "Ada Brook", "Ben Cole")), TEXT)[0]
    user = q.messages[-1]["content"]
    body = user.split("<article>", 1)[1].split("</article>", 1)[0]
    assert "Mayor Ada Brook met envoy" in body and QUOTE in body
    assert "weather" not in body and "Nothing was agreed" not in body
    assert "data, not instructions" in q.messages[0]["content"]


def test_excerpt_is_cut_around_a_long_paragraph() -> None:
    words = " ".join(f"w{i}" for i in range(2000))
    text = f"{words} TARGET {words}"
    start = text.index("TARGET")
    ex = excerpt_around(text, start, start + 6)
    assert (
        "TARGET" in ex and len(ex) < 1200 and ex.split()[0].startswith("w") and ex.split()[-1].startswith("w")
    )
    assert text.find(ex) != -1  # cut at word ends, a verbatim slice


def test_async_variant_matches() -> None:
    def answers() -> FakeBackend:
        return FakeBackend([{"speaker": "Ben Cole"}, {"event_type": "Riots"}, {"sub_type": "Mob violence"}])

    d = _draft(_quote(QUOTE, "Ada Brook", "Ben Cole"), event_type=EventType.OTHER)
    sync = decide(d, TEXT, answers())
    asyn = asyncio.run(arun_steps(decide_steps(d, TEXT), answers()))
    assert asyn.draft.model_dump() == sync.draft.model_dump()
    assert asyn.prompts == sync.prompts and asyn.usage == sync.usage
    assert asyn.draft.sub_type == "Mob violence"


def test_weak_model_votes_and_disagreement_is_flagged_not_applied() -> None:
    open_q = _quote(QUOTE, "Ada Brook", "Ben Cole")
    agree_q = _quote("Nothing was agreed,", "Ada Brook", "Ben Cole")
    fake = FakeBackend([{"speaker": "Ben Cole"}, {"speaker": "Ada Brook"}])
    result = decide(_draft(open_q, agree_q), TEXT, fake, adopt=False)
    assert len(fake.calls) == 2
    assert [q.speaker for q in result.draft.quotes] == ["Ada Brook", "Ada Brook"]
    assert not any(q.speaker_by_model for q in result.draft.quotes)
    assert [c.origin for c in result.choices] == ["rules", "rules"]
    assert len(result.warnings) == 1
    assert (
        "q1" in result.warnings[0] and "'Ben Cole'" in result.warnings[0] and "check it" in result.warnings[0]
    )


def test_weak_model_event_type_and_certainty_are_suggestions_only() -> None:
    fake = FakeBackend([{"event_type": EventType.BATTLES.value}, {"certainty": "confirmed"}])
    d = _draft(event_type=EventType.OTHER, perps=1)
    result = decide(d, TEXT, fake, adopt=False)
    assert result.draft.event_type == EventType.OTHER
    assert result.draft.perpetrators[0].certainty == Certainty.UNKNOWN
    assert any("suggests 'Battles'" in w for w in result.warnings)
    assert any("suggests 'confirmed'" in w for w in result.warnings)
