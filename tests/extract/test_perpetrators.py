from __future__ import annotations

from summariser.extract import extract
from summariser.schema.brief import Certainty
from summariser.schema.draft import DraftPerpetrator


def _perps(text: str) -> dict[str, DraftPerpetrator]:
    draft = extract(text)
    for p in draft.perpetrators:
        assert p.spans
    return {p.name: p for p in draft.perpetrators}


def test_blame_object_is_trimmed_to_the_actor_and_attributed() -> None:
    text = "Farmers blamed rebel mortar positions east of the river for the attack that killed 5 people."
    perps = _perps(text)
    assert list(perps) == ["rebel mortar"]
    assert perps["rebel mortar"].certainty is Certainty.SUSPECTED
    assert perps["rebel mortar"].attributed_by == ["Farmers"]


def test_a_denial_is_not_attributed_to_the_one_denying() -> None:
    text = "A car bomb killed 6 soldiers in Harvik. The Interior Ministry denied any involvement."
    perps = _perps(text)
    ministry = perps["Interior Ministry"]
    assert ministry.certainty is Certainty.DENIED
    assert ministry.attributed_by == []


def test_blame_on_two_actors() -> None:
    text = "A blast killed 9 people. Villagers blamed the Red Hand militia and the Coastal Brigade."
    perps = _perps(text)
    assert {"Red Hand militia", "Coastal Brigade"} <= set(perps)
    assert all(p.attributed_by == ["Villagers"] for p in perps.values())


def test_accused_of_something_else_is_not_a_perpetrator() -> None:
    text = "Three people died in the blast. The mayor accused the newspaper of lying about the damage."
    assert _perps(text) == {}


def test_claimed_and_accepted_responsibility() -> None:
    perps = _perps("A roadside bomb killed 4 police officers. The Northern Front accepted responsibility.")
    assert perps["Northern Front"].certainty is Certainty.CLAIMED
    assert perps["Northern Front"].attributed_by == []
    perps = _perps("Two rockets hit the port. No group has claimed responsibility.")
    assert perps == {}


def test_believed_to_have_been_carried_out_by() -> None:
    text = (
        "A bomb killed 11 people at the station. The attack is widely believed to have been carried out "
        "by the Black Dawn group."
    )
    (p,) = _perps(text).values()
    assert p.name == "Black Dawn group"
    assert p.certainty is Certainty.SUSPECTED


def test_reported_passive_is_suspected_and_attributed() -> None:
    text = (
        "The army on Tuesday rejected the accusations and said the shells that killed 8 people had been "
        "fired by insurgents."
    )
    perps = _perps(text)
    assert perps["insurgents"].certainty is Certainty.SUSPECTED
    assert perps["insurgents"].attributed_by == ["army"]


def test_narrative_agent_with_casualties_is_confirmed() -> None:
    text = "On Sunday the Crimson Legion detonated two bombs in the market, killing 14 people."
    perps = _perps(text)
    assert perps["Crimson Legion"].certainty is Certainty.CONFIRMED


def test_a_subunit_belongs_to_its_group() -> None:
    text = "The Freedom Army's western brigade had detonated at least 12 bombs across the city by noon."
    assert list(_perps(text)) == ["Freedom Army"]


def test_background_offensive_is_not_a_perpetrator() -> None:
    text = (
        "The market reopened on Monday after a quiet week.\n\n"
        "Traders say the town has changed.\n\n"
        "Prices are still high.\n\n"
        "When the Hill Movement launched its offensive two years ago, the town emptied in days."
    )
    assert _perps(text) == {}
