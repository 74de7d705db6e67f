"""Named and unnamed attackers with certainty and who says so. Every sentence is written for the tests."""

from __future__ import annotations

from summariser.extract import extract
from summariser.schema.brief import Certainty
from summariser.schema.draft import DraftPerpetrator


def _perps(text: str) -> dict[str, DraftPerpetrator]:
    return {p.name: p for p in extract(text).perpetrators}


def test_police_identified_the_suspect_as() -> None:
    perps = _perps("A man was shot on Main Street. Police identified the suspect as Darnell Whitcomb, 24.")
    assert perps["Darnell Whitcomb"].certainty is Certainty.SUSPECTED


def test_charged_with_murder() -> None:
    p = _perps("Ronan Vasquez, 31, was charged with murder on Tuesday, prosecutors said.")["Ronan Vasquez"]
    assert p.certainty is Certainty.CHARGED
    assert p.attributed_by == ["prosecutors"]


def test_the_gunman_named_in_apposition() -> None:
    perps = _perps("The gunman, Tobias Merrin, fled in a grey sedan after the shooting at the diner.")
    assert perps["Tobias Merrin"].certainty is Certainty.SUSPECTED


def test_convicted_and_found_guilty() -> None:
    assert _perps("Jury finds Calvin Ostrow guilty in tavern shooting")["Calvin Ostrow"].certainty is (
        Certainty.CONVICTED
    )
    perps = _perps("Mara Lindqvist was sentenced to 30 years for the killing of her neighbour.")
    assert perps["Mara Lindqvist"].certainty is Certainty.CONVICTED


def test_arrested_names_and_a_list_of_the_charged() -> None:
    perps = _perps("Jonah Pell, 19, and Curtis Amberly, 22, were charged with assault after the fight.")
    assert {"Jonah Pell", "Curtis Amberly"} <= set(perps)


def test_surname_later_joins_the_full_name() -> None:
    text = "Deputies arrested Harlan Treadwell on Friday. Treadwell was charged with two counts of murder."
    p = _perps(text)["Harlan Treadwell"]
    assert p.certainty is Certainty.CHARGED


def test_victims_and_officials_are_not_suspects() -> None:
    text = (
        "Sheriff Dana Kolb said Ellis Grange was shot and killed outside his home. "
        "A suspect was arrested later on Friday."
    )
    perps = _perps(text)
    assert "Dana Kolb" not in perps and "Ellis Grange" not in perps


def test_unnamed_attacker_as_described() -> None:
    perps = _perps("Two men in a car opened fire on a group standing outside a store, police said.")
    assert "Two men in a car" in perps


def test_plain_statement_of_the_act_is_confirmed_and_a_hedge_is_suspected() -> None:
    assert _perps("Corbin Hale shot his brother during an argument.")["Corbin Hale"].certainty is (
        Certainty.CONFIRMED
    )
    hedged = _perps("Corbin Hale allegedly shot his brother during an argument.")["Corbin Hale"]
    assert hedged.certainty is Certainty.SUSPECTED


def test_that_person_identified_after_a_suspect_sentence() -> None:
    text = (
        "Investigators said the evidence pointed to a co-worker as a possible suspect. That person was "
        "identified as 41-year-old Leopold Farran, who lives across town."
    )
    assert _perps(text)["Leopold Farran"].certainty is Certainty.SUSPECTED


def test_that_person_identified_without_a_suspect_is_not_an_attacker() -> None:
    text = (
        "A woman was found wounded in a parked van on Elm Road. That person was identified as "
        "33-year-old Greta Holloway, a nurse."
    )
    assert "Greta Holloway" not in _perps(text)


def test_booking_photo_caption_names_the_suspect() -> None:
    text = (
        "Two killed in apartment shooting\n\n"
        "Silas Renwick, 29, of Marlow. (Courtesy, Marlow Police Department)\n\n"
        "Two people died after gunfire at an apartment on Friday night, police said."
    )
    assert _perps(text)["Silas Renwick"].certainty is Certainty.SUSPECTED


def test_family_photo_caption_is_not_a_suspect() -> None:
    text = (
        "Two killed in apartment shooting\n\nNora Quill, 29, of Marlow. (Courtesy of the Quill family)"
        "\n\nTwo people died after gunfire at an apartment on Friday night, police said."
    )
    assert "Nora Quill" not in _perps(text)


def test_murder_suicide_names_the_attacker() -> None:
    text = "Police said Everett Crane, 52, shot his neighbour and then turned the gun on himself in Pellston."
    assert "Everett Crane" in _perps(text)
    text = "A woman was found dead in her home in Pellston. Everett Crane, 52, took his own life nearby."
    assert "Everett Crane" in _perps(text)


def test_who_police_say_shot() -> None:
    text = "Officers found Dorian Vale, 27, who police say shot two men outside a bar on Oak Street."
    assert _perps(text)["Dorian Vale"].certainty is Certainty.SUSPECTED


def test_pleaded_not_guilty_is_charged() -> None:
    text = "Wendell Harrow pleaded not guilty on Monday to two counts of attempted murder."
    assert _perps(text)["Wendell Harrow"].certainty is Certainty.CHARGED


def test_suspected_of_and_believed_to_have_shot() -> None:
    assert "Ignatius Pole" in _perps("Ignatius Pole is suspected of firing into the crowd at the fair.")
    assert "Ignatius Pole" in _perps("Ignatius Pole is believed to have shot the clerk during a robbery.")


def test_searched_for_and_warrant_for() -> None:
    assert "Rufus Delacroix" in _perps("Deputies are searching for Rufus Delacroix after the shooting.")
    assert "Rufus Delacroix" in _perps("A warrant for Rufus Delacroix was issued after the shooting.")


def test_murder_suspect_without_an_article() -> None:
    perps = _perps("Murder suspect Kasimir Brandt was taken to the county jail late Sunday.")
    assert "Kasimir Brandt" in perps


def test_a_victim_who_was_shot_is_not_an_attacker() -> None:
    text = "Lionel Ashby, 30, who was shot in the chest, died at the hospital, police said."
    assert "Lionel Ashby" not in _perps(text)


def test_an_unnamed_man_who_fired_is_the_attacker_as_described() -> None:
    from summariser.extract import extract

    d = extract("Police said a man in a dark sedan fired at least eight shots at a group near the door.")
    assert [p.name for p in d.perpetrators] == ["a man in a dark sedan"]
    assert extract("A man shot in the leg was taken to hospital on Sunday.").perpetrators == []
