from __future__ import annotations

from summariser.extract import extract
from summariser.schema.brief import ProcessKind


def test_processes_status_and_merging() -> None:
    text = (
        "A nationwide ceasefire has been in effect since March. The opposition postponed its participation "
        "in the Vienna peace talks after the raid. Russia and Iran back the Vienna talks, but the talks "
        "have failed before."
    )
    draft = extract(text)
    kinds = {p.kind: p for p in draft.processes}
    ceasefire = kinds[ProcessKind.CEASEFIRE]
    assert ceasefire.name == "nationwide ceasefire" and ceasefire.status == "in effect"
    talks = [p for p in draft.processes if p.kind is ProcessKind.TALKS]
    assert len(talks) == 1
    assert talks[0].name == "Vienna peace talks"
    assert "postponed" in (talks[0].status or "") and "failed" in (talks[0].status or "")
    assert {"Russia", "Iran"} <= set(talks[0].parties)
    for p in draft.processes:
        assert text[slice(*p.spans[0])] == p.name


def test_resolution_and_sanctions() -> None:
    draft = extract("The Security Council passed Resolution 2254 and the EU imposed new sanctions.")
    kinds = {p.kind for p in draft.processes}
    assert {ProcessKind.RESOLUTION, ProcessKind.SANCTIONS} <= kinds


def test_positions_from_quotes_and_narrative() -> None:
    text = (
        '"We will not return to the table while the bombing goes on," said Lara Haddad, spokeswoman for '
        "the Unity Bloc.\n"
        "The Unity Bloc is strongly against any deal with the government."
    )
    draft = extract(text)
    positions = {(p.actor, p.position) for p in draft.positions}
    assert ("Unity Bloc", "We will not return to the table while the bombing goes on") in positions
    assert any(a == "Unity Bloc" and p.startswith("The Unity Bloc is strongly against") for a, p in positions)
    for p in draft.positions:
        assert text[slice(*p.spans[0])] == p.position


def test_next_steps() -> None:
    text = (
        "The delegation will fly home on Friday, as per a statement. "
        "The European Union is expected to announce aid for the refugees."
    )
    draft = extract(text)
    steps = [(s.actor, s.step) for s in draft.next_steps]
    assert ("delegation", "will fly home on Friday") in steps
    assert ("European Union", "is expected to announce aid for the refugees") in steps
    for s in draft.next_steps:
        assert text[slice(*s.spans[0])] == s.step


def test_nothing_diplomatic() -> None:
    draft = extract("A fire destroyed a warehouse near the port on Monday.")
    assert draft.processes == [] and draft.next_steps == []


def test_talks_named_by_their_venue() -> None:
    draft = extract("The Green Alliance said it was quitting the talks in Valletta after the shelling.")
    (talks,) = [p for p in draft.processes if p.kind is ProcessKind.TALKS]
    assert talks.name == "talks in Valletta"


def test_a_wished_for_outcome_is_not_a_status() -> None:
    text = 'The truce agreed last month is holding. "Some want the truce to fail," the mediator said.'
    (truce,) = extract(text).processes
    assert truce.status is not None and "failed" not in truce.status
