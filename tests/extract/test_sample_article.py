"""The founding sample: every feature the brief needs must come out of the extractor alone."""

from __future__ import annotations

from summariser.schema.brief import ActorKind, CasualtyCategory, Certainty, ProcessKind, Qualifier
from summariser.schema.draft import Draft
from summariser.schema.taxonomy import EventType


def _spans_ok(text: str, draft: Draft) -> None:
    items = [
        *draft.locations,
        *draft.perpetrators,
        *draft.casualties,
        *draft.actors,
        *draft.quotes,
        *draft.processes,
        *draft.positions,
        *draft.next_steps,
        *draft.sources,
        *draft.discrepancies,
    ]
    for item in items:
        assert item.spans, f"no spans on {item!r}"
        for s, e in item.spans:
            assert 0 <= s < e <= len(text)


def test_every_item_has_spans_inside_the_text(sample_text: str, sample_draft: Draft) -> None:
    _spans_ok(sample_text, sample_draft)


def test_six_quotes_verbatim_with_speakers(sample_text: str, sample_draft: Draft) -> None:
    quotes = sample_draft.quotes
    assert len(quotes) == 6
    speakers = [q.speaker for q in quotes]
    assert speakers == [
        "Salem al-Meslet",
        "Salem al-Meslet",
        "Anas al-Maarawi",
        "Salem al-Meslet",
        "Riyad Hijab",
        "Josh Earnest",
    ]
    for q in quotes:
        assert q.speaker_decided
        joined = " ".join(sample_text[s:e] for s, e in q.spans)
        assert joined == q.text
        for s, _ in q.spans:  # the span is the inner text: the marks sit just outside it
            assert sample_text[s - 1] == '"'
        assert q.speaker_spans
    assert quotes[0].text.startswith("Our decision to postpone our participation in the Geneva talks")
    assert quotes[1].text == "This attack is Assad's response. The world must not ignore this challenge"
    assert quotes[4].text.endswith("We will not accept negotiations while our people are still suffering")
    # the speaker span is the mention that decided it: "Riyad" for the partial name, the name for "he added"
    assert [sample_text[s:e] for s, e in quotes[4].speaker_spans] == ["Riyad"]
    assert [sample_text[s:e] for s, e in quotes[1].speaker_spans] == ["Salem al-Meslet"]
    assert sample_text[quotes[1].speaker_spans[0][0] - 20 :].find("Salem al-Meslet") >= 0
    assert quotes[1].speaker_spans[0][0] < quotes[1].spans[0][0]


def test_reported_via(sample_draft: Draft) -> None:
    via = [q.reported_via for q in sample_draft.quotes]
    assert via[0] == "New York Times"
    assert via[3] == "ABC"
    assert via[4] == "ABC"  # "as per the publication": the outlet cited last
    assert via[5] == "New York Times"


def test_both_death_tolls_and_discrepancy(sample_text: str, sample_draft: Draft) -> None:
    killed = [c for c in sample_draft.casualties if c.category is CasualtyCategory.KILLED]
    assert len(killed) == 2
    first, second = killed
    assert (first.count, first.qualifier, first.victims, first.reported_by) == (
        44,
        Qualifier.EXACT,
        "civilians",
        None,
    )
    assert (second.count, second.qualifier, second.reported_by) == (37, Qualifier.AT_LEAST, "ABC")
    assert second.as_written == "at least 37"
    assert sample_text[slice(*second.spans[0])] == "at least 37"
    assert sample_text[slice(*first.spans[0])] == "44"
    disc = [d for d in sample_draft.discrepancies if d.field == "casualties.killed"]
    assert len(disc) == 1
    values = {(v.value, v.source) for v in disc[0].values}
    assert values == {("44", None), ("at least 37", "ABC")}


def test_one_location_with_both_spellings(sample_text: str, sample_draft: Draft) -> None:
    town = [loc for loc in sample_draft.locations if loc.name == "Maaret al-Numan"]
    assert len(town) == 1
    loc = town[0]
    assert loc.aliases == ["Maarat al-Noaman"]
    assert loc.country == "Syria"
    assert loc.region == "north-western Syria"
    assert {sample_text[s:e] for s, e in loc.spans} == {"Maaret al-Numan", "Maarat al-Noaman"}
    assert sample_text[slice(*loc.spans[0])] == "Maaret al-Numan"
    # Geneva (where talks are held) is at most a secondary place, never the event's
    assert not any(loc.name == "Geneva" and not loc._secondary for loc in sample_draft.locations)


def test_perpetrator_suspected_and_attributed(sample_text: str, sample_draft: Draft) -> None:
    assert len(sample_draft.perpetrators) == 1
    perp = sample_draft.perpetrators[0]
    assert perp.certainty is Certainty.SUSPECTED
    assert perp.attributed_by == ["U.S. State Department"]
    written = {sample_text[s:e] for s, e in perp.spans}
    assert written == {"regime", "Syrian government forces"}
    assert perp.name == "Syrian government forces"


def test_event_type_and_time(sample_text: str, sample_draft: Draft) -> None:
    assert sample_draft.event_type is EventType.EXPLOSIONS
    assert sample_draft.sub_type == "Air/drone strike"
    assert sample_draft.time_text == "on Tuesday"
    assert [sample_text[s:e] for s, e in sample_draft._time_spans] == ["on Tuesday"]


def test_actors_aliases_roles_kinds(sample_draft: Draft) -> None:
    by_name = {a.name: a for a in sample_draft.actors}
    hnc = by_name["High Negotiations Committee"]
    assert "HNC" in hnc.aliases and hnc.kind is ActorKind.POLITICAL_BODY
    assert by_name["Vladimir Putin"].aliases == ["Putin"]
    assert by_name["Salem al-Meslet"].role == "spokesman"
    assert by_name["Salem al-Meslet"].affiliation == "High Negotiations Committee"
    assert by_name["Josh Earnest"].role == "press secretary"
    assert by_name["Josh Earnest"].affiliation == "White House"
    assert by_name["Riyad Hijab"].role == "coordinator"
    assert by_name["ABC"].kind is ActorKind.MEDIA
    assert by_name["New York Times"].kind is ActorKind.MEDIA
    assert (
        by_name["United Nations"].kind is ActorKind.INTERNATIONAL_ORG
        and "UN" in by_name["United Nations"].aliases
    )
    assert by_name["U.S. State Department"].kind is ActorKind.GOVERNMENT
    assert by_name["Syrian government forces"].kind is ActorKind.GOVERNMENT
    assert "regime" in by_name["Syrian government forces"].aliases
    assert by_name["Staffan de Mistura"].kind is ActorKind.PERSON
    assert "Maaret al-Numan" not in by_name


def test_diplomacy(sample_draft: Draft) -> None:
    talks = [p for p in sample_draft.processes if p.kind is ProcessKind.TALKS]
    geneva = next(p for p in talks if "Geneva" in p.name)
    assert geneva.status and "postponed" in geneva.status and "withdrawal" in geneva.status
    assert "High Negotiations Committee" in geneva.parties
    ceasefire = next(p for p in sample_draft.processes if p.kind is ProcessKind.CEASEFIRE)
    assert ceasefire.status and ceasefire.status.startswith("in effect")
    positions = {(p.actor, p.position) for p in sample_draft.positions}
    assert (
        "High Negotiations Committee",
        "We will not accept negotiations while our people are still suffering",
    ) in positions
    steps = {(s.actor, s.step) for s in sample_draft.next_steps}
    assert ("High Negotiations Committee", "will soon be leaving Geneva") in steps
    assert any(a == "United Nations" and "transitional authority" in s for a, s in steps)


def test_sources_cited(sample_draft: Draft) -> None:
    kinds = {s.name: s.kind for s in sample_draft.sources}
    assert kinds["ABC"] == "media"
    assert kinds["New York Times"] == "media"
    # the State Department's speculation about who is responsible is an attribution of the perpetrator
    # (perpetrators[].attributed_by), not a source the article cites for its facts
    assert "U.S. State Department" not in kinds


def test_lead(sample_text: str, sample_draft: Draft) -> None:
    d = sample_draft
    assert "44 civilians" in d.headline and "Maaret al-Numan" in d.headline
    assert d.description.endswith(".") and "on Tuesday" in d.description
    assert 2 <= len(d._summary_spans) <= 4
    assert d.summary == " ".join(sample_text[s:e] for s, e in d._summary_spans)
    assert d._summary_spans[0][0] == 0
