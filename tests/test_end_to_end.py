"""Issue 2's acceptance check, run for real: the CLI with the default engine (rules + the bundled
SmolLM2-135M through llama.cpp) on the shared sample article."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from summariser.cli.main import cli
from summariser.grounding.link import same_actor
from summariser.schema.brief import CasualtyCategory, Certainty, IncidentBrief, ProcessKind

SAMPLE_ARTICLE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "articles"
    / ("syria-maaret-al-numan-airstrike.txt")
)
SPEAKERS = {  # quote opening -> speaker
    "Our decision to postpone": "Salem al-Meslet",
    "This attack is Assad": "Salem al-Meslet",
    "We consider it the end": "Anas al-Maarawi",
    "It is a dangerous escalation": "Salem al-Meslet",
    "Some people left yesterday": "Riyad Hijab",
    "It's an opportunity": "Josh Earnest",
}


@pytest.fixture(scope="module")
def brief_and_text() -> tuple[IncidentBrief, str]:
    if not SAMPLE_ARTICLE.is_file():
        pytest.fail(f"sample article missing: {SAMPLE_ARTICLE} (../shared must sit beside the project)")
    result = CliRunner().invoke(
        cli, ["brief", str(SAMPLE_ARTICLE), "--published", "2016-02-16"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return IncidentBrief.model_validate_json(result.output), SAMPLE_ARTICLE.read_text(encoding="utf-8")


@pytest.mark.slow
def test_default_engine_is_the_bundled_local_model(brief_and_text: tuple[IncidentBrief, str]) -> None:
    brief, _ = brief_and_text
    assert brief.meta.engine == "local" and "SmolLM2-135M" in brief.meta.model


@pytest.mark.slow
def test_every_evidence_span_reproduces(brief_and_text: tuple[IncidentBrief, str]) -> None:
    brief, text = brief_and_text
    spans = brief.all_evidence()
    assert len(spans) > 30
    for ev in spans:
        assert text[ev.start : ev.end] == ev.text


@pytest.mark.slow
def test_all_six_quotes_with_their_speakers(brief_and_text: tuple[IncidentBrief, str]) -> None:
    brief, text = brief_and_text
    assert len(brief.quotes) == 6
    for q in brief.quotes:
        opening = next(k for k in SPEAKERS if q.text.startswith(k))
        assert q.speaker == SPEAKERS[opening], q.text
        actor = brief.actor(q.speaker_id)
        assert actor is not None and actor.name == SPEAKERS[opening]
        for ev in q.evidence:
            assert ev.text in text
    via = {q.text[:20]: q.reported_via for q in brief.quotes}
    assert via["Our decision to post"] == "New York Times" and via["It is a dangerous es"] == "ABC"


@pytest.mark.slow
def test_both_death_tolls_with_their_reporters(brief_and_text: tuple[IncidentBrief, str]) -> None:
    brief, _ = brief_and_text
    killed = {
        (c.count, c.qualifier.value, c.reported_by)
        for c in brief.casualties
        if c.category is CasualtyCategory.KILLED
    }
    assert (44, "exact", None) in killed
    assert (37, "at least", "ABC") in killed
    assert any(d.field == "casualties.killed" and len(d.values) >= 2 for d in brief.discrepancies)


@pytest.mark.slow
def test_two_spellings_of_the_town_are_one_location(brief_and_text: tuple[IncidentBrief, str]) -> None:
    brief, _ = brief_and_text
    towns = [loc for loc in brief.event.locations if "Maar" in loc.name]
    assert len(towns) == 1
    assert {towns[0].name, *towns[0].aliases} >= {"Maaret al-Numan", "Maarat al-Noaman"}
    assert len(towns[0].evidence) >= 2


@pytest.mark.slow
def test_suspected_perpetrator_and_who_suspects_it(brief_and_text: tuple[IncidentBrief, str]) -> None:
    brief, _ = brief_and_text
    perp = next(p for p in brief.event.perpetrators if p.certainty is Certainty.SUSPECTED)
    assert "regime" in perp.name.lower() or "government" in perp.name.lower()
    assert any(same_actor(a, "U.S. State Department") for a in perp.attributed_by)


@pytest.mark.slow
def test_geneva_talks_and_time(brief_and_text: tuple[IncidentBrief, str]) -> None:
    brief, _ = brief_and_text
    talks = [p for p in brief.diplomatic_context.processes if p.kind is ProcessKind.TALKS]
    assert any("Geneva" in p.name for p in talks)
    assert brief.event.time.text and "Tuesday" in brief.event.time.text
    assert str(brief.event.time.date) == "2016-02-16"
