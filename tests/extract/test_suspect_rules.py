"""Named attackers found by ``suspect_rules``: lists, 'identified as', inverted arrests, warrants, trials,
confessions, murder-suicides and the attacker named by age. Every sentence is written for the tests."""

from __future__ import annotations

from summariser.extract import extract
from summariser.schema.brief import Certainty
from summariser.schema.draft import DraftPerpetrator


def _perps(text: str) -> dict[str, DraftPerpetrator]:
    return {p.name: p for p in extract(text).perpetrators}


def test_every_name_of_a_list_of_suspects() -> None:
    text = (
        "Police identified the suspects as Marlon Teague, 20, Dwayne Corliss, 18, and Peter Vance, 18. "
        "All three face attempted murder charges."
    )
    assert {"Marlon Teague", "Dwayne Corliss", "Peter Vance"} <= set(_perps(text))


def test_a_list_with_home_towns_and_a_juvenile() -> None:
    text = (
        "Aaron Belk, 21, Riverton; Cody Marsh, 19, Riverton; Silas Orne, 20, Dunmore; and an unnamed "
        "juvenile were booked on murder charges after the park shooting."
    )
    assert {"Aaron Belk", "Cody Marsh", "Silas Orne"} <= set(_perps(text))


def test_ages_before_names_and_turned_themselves_in() -> None:
    text = (
        "Deputies said 23-year-old Nolan Fisk, 17-year-old Reggie Dunn and a male juvenile turned "
        "themselves in after warrants were announced."
    )
    assert {"Nolan Fisk", "Reggie Dunn"} <= set(_perps(text))


def test_identified_as_when_the_subject_is_a_suspect_not_a_victim() -> None:
    text = (
        "The men police say were involved in the robbery were identified as Ezra Pike, 22, and "
        "Lionel Hart, 19."
    )
    assert {"Ezra Pike", "Lionel Hart"} <= set(_perps(text))
    assert "Sandra Holt" not in _perps("The victim was identified as 40-year-old Sandra Holt of Easton.")


def test_he_was_identified_as_after_an_arrest() -> None:
    text = "One of the men has since been arrested. He has been identified as Troy Abernathy."
    assert _perps(text)["Troy Abernathy"].certainty is Certainty.SUSPECTED


def test_an_id_that_identified_him() -> None:
    text = (
        "The gunman was taken into custody at the terminal. Hours later a state senator told reporters that "
        "a card found in his bag identified him as Wesley Crane."
    )
    assert "Wesley Crane" in _perps(text)


def test_the_shooter_who_did_it_is_x() -> None:
    text = (
        "Investigators believe the shooter who opened fire near the food court of the Lakeview mall on "
        "Friday evening, wounding two shoppers, is 19-year-old Dylan Reese."
    )
    assert "Dylan Reese" in _perps(text)


def test_arrested_for_it_was_x() -> None:
    text = "The clerk died at the scene.\n\nCharged with second-degree murder was Curtis Bell, 30, of Easton."
    assert _perps(text)["Curtis Bell"].certainty is Certainty.CHARGED


def test_warrants_were_issued_for_a_surname() -> None:
    text = (
        "Deputies say Lamar Quinn Bostwick fled in a pickup. Warrants have been obtained for Bostwick, who "
        "is considered armed and dangerous."
    )
    assert "Lamar Quinn Bostwick" in _perps(text)


def test_held_for_trial_is_charged() -> None:
    text = "A judge found enough evidence to hold Felix Dorn, 27, for trial on two murder counts."
    assert _perps(text)["Felix Dorn"].certainty is Certainty.CHARGED
    text = "The prosecutor will seek the death penalty against Felix Dorn, officials said."
    assert "Felix Dorn" in _perps(text)


def test_a_confession_but_not_a_victim_telling_what_happened() -> None:
    text = "Brandon Ames told detectives he took the rifle from a closet, loaded it and shot his neighbour."
    assert _perps(text)["Brandon Ames"].certainty is Certainty.SUSPECTED
    text = "Rita Vale told deputies she hid under the bed after she was shot in the arm."
    assert "Rita Vale" not in _perps(text)


def test_the_one_shot_while_trying_to_rob() -> None:
    text = "Police say Tyrese Lomax was attempting to rob the store when the owner shot him."
    assert "Tyrese Lomax" in _perps(text)


def test_a_self_inflicted_wound_in_a_murder_suicide() -> None:
    text = (
        "Police are calling the deaths a murder-suicide. Gordon Pratt died of a gunshot wound that was "
        "self-inflicted, and his wife Alma Pratt died at the scene."
    )
    assert "Gordon Pratt" in _perps(text)
    assert "Alma Pratt" not in _perps(text)


def test_taking_his_own_life() -> None:
    text = "Officers heard a single shot, which they believe was Harold Venn taking his own life."
    assert "Harold Venn" in _perps(text)


def test_retrieved_a_gun_and_began_firing() -> None:
    text = "Deputies say Jerome Castell of Dunmore retrieved a handgun and began firing at the guests."
    assert "Jerome Castell" in _perps(text)


def test_the_attacker_named_by_age() -> None:
    text = (
        "A 13-year-old boy shot his cousin during an argument, deputies said. The children were "
        "identified as 13-year-old Owen Tate and 9-year-old Liam Tate."
    )
    perps = _perps(text)
    assert "Owen Tate" in perps and "Liam Tate" not in perps


def test_a_word_glued_to_the_name_is_not_kept() -> None:
    text = "Police are searching for Marcus Webb, 30. Officers are looking forMarcus Webb in two counties."
    perps = _perps(text)
    assert "Marcus Webb" in perps and not any(n.startswith("for") for n in perps)


def test_an_officer_who_shot_is_not_the_attacker() -> None:
    text = (
        "Officer Dean Holloway arrived as the gunman, Rudy Pell, fired at a car. Holloway then shot Pell "
        "in the shoulder."
    )
    perps = _perps(text)
    assert "Rudy Pell" in perps and "Dean Holloway" not in perps


def test_a_child_shot_to_death_is_not_the_attacker() -> None:
    text = "Officers found Nia Coates, 11, and her brother Kenji, 15, shot to death inside the house."
    assert "Kenji" not in _perps(text)


def test_a_generational_suffix_is_kept_whole() -> None:
    assert "Amos Reed III" in _perps("Police charged 60-year-old Amos Reed III with murder on Friday.")


def test_shot_and_killed_is_still_the_act() -> None:
    assert "Kurt Ambler" in _perps(
        "Detectives say Kurt Ambler shot and killed two relatives before killing himself."
    )


def test_a_heading_line_is_not_part_of_the_name() -> None:
    text = "Man held after tavern shooting\n\nAdvertisement\n\nHe was charged with murder on Monday."
    assert not any("\n" in n for n in _perps(text))


def test_an_officer_named_near_the_arrest_words_is_not_a_suspect() -> None:
    text = (
        "Police Chief Walter Brandl spoke to reporters on Friday. "
        "A suspect was arrested hours later, and charges are expected, Walter Brandl said on Saturday."
    )
    assert "Walter Brandl" not in _perps(text)


def test_the_one_the_police_shot() -> None:
    assert "Warren Ashe" in _perps(
        "Warren Ashe, 41, was shot and killed by deputies after he fired at a patrol car."
    )
    assert "Warren Ashe" in _perps("Two officers fatally shot Warren Ashe after he fired at a patrol car.")


def test_the_one_whose_death_it_is_is_not_charged() -> None:
    perps = _perps("Lee Tan was killed on Friday. Quentin Marsh, 34, was charged with murder in Tan's death.")
    assert "Quentin Marsh" in perps and "Lee Tan" not in perps


def test_the_one_armed_but_not_a_defender() -> None:
    text = "The official says Victor Kessler had a rifle and two pistols on him when officers reached him."
    assert "Victor Kessler" in _perps(text)
    text = "The homeowner, Victor Kessler, had a shotgun and fired at the intruders."
    assert "Victor Kessler" not in _perps(text)


def test_the_child_in_the_shooting_of_is_not_indicted() -> None:
    text = "Dana Kell and Rory Pask have been indicted for the fatal shooting of 2-year-old Milo Kell."
    perps = _perps(text)
    assert {"Dana Kell", "Rory Pask"} <= set(perps) and "Milo Kell" not in perps


def test_the_one_the_suspect_shot_is_identified_as_a_victim() -> None:
    for text in (
        "The man who was shot by the suspect was identified as Paul Greer, 30.",
        "The woman the gunman wounded was identified as Paula Greer, 30.",
        "The man killed by the gunmen has been identified as Paul Greer.",
    ):
        assert not _perps(text), text
    assert "Paul Greer" in _perps("The suspect who fled was identified as Paul Greer.")


def test_victims_identified_as_the_suspects_relatives() -> None:
    text = (
        "Prosecutors filed four counts of murder against Harold Quince. Quince, 40, was arrested on Friday. "
        "The victims were identified as Quince's mother, Edna Quince, 70, and his sister, Ruth Bell, 36."
    )
    perps = _perps(text)
    assert perps["Harold Quince"].certainty is Certainty.CHARGED
    assert "Edna Quince" not in perps and "Ruth Bell" not in perps


def test_the_one_killed_in_a_murder_suicide_is_not_the_attacker() -> None:
    text = (
        "Police called it a murder-suicide. Irene Colt was killed by her husband, who then turned the gun "
        "on himself at their farm."
    )
    assert "Irene Colt" not in _perps(text)


def test_two_people_of_the_attackers_age_name_no_one() -> None:
    text = (
        "A 17-year-old boy shot a classmate after school, police said. Those involved were identified as "
        "Evan Roth, 17, and Mia Dore, 17."
    )
    perps = _perps(text)
    assert "Mia Dore" not in perps


def test_a_man_killed_by_police_without_an_attack_is_not_a_suspect() -> None:
    text = "Protests broke out after Dale Marsh, 43, was shot and killed by police during a traffic stop."
    assert "Dale Marsh" not in _perps(text)


def test_a_fraud_case_against_an_executive_is_not_a_charge() -> None:
    text = "Senators said the claims could be grounds for a fraud case against Arthur Penn himself."
    assert "Arthur Penn" not in _perps(text)
