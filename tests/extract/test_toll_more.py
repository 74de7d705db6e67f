"""More ways reporters state a toll, and numbers that are no toll. Every sentence here is written for the
tests."""

from __future__ import annotations

import datetime as dt

from toll_support import draft_of, toll_of

from summariser.evals.toll import brief_toll
from summariser.extract import extract
from summariser.schema.brief import CasualtyCategory

KILLED, INJURED = CasualtyCategory.KILLED, CasualtyCategory.INJURED
AUG = dt.date(2021, 8, 3)


_draft, _toll = draft_of, toll_of


def _counts(text: str, published: dt.date | None = None) -> tuple[int, int]:
    d = _draft(text, published)
    return _toll(d, KILLED), _toll(d, INJURED)


def test_house_numbers_roads_emergency_calls_and_clock_times_are_no_counts() -> None:
    text = (
        "On 11450 Birchmoor, one person has been killed, police said. A neighbour called 911 after the "
        "shots near Highway 62 around 5 a.m. in the 3300 block of Quarry Road."
    )
    d = _draft(text)
    assert sorted(c.count or 0 for c in d.casualties) == [1]
    assert _counts(text) == (1, 0)


def test_bodies_are_deaths() -> None:
    assert _counts("Deputies found three bodies inside a burned pickup on Tuesday.")[0] == 3


def test_fatal_shooting_of_a_named_child_is_one_death() -> None:
    assert _counts("Two adults were indicted in the fatal shooting of 2-year-old Tamsin Rue.")[0] == 1


def test_a_named_victim_who_died_from_his_wounds() -> None:
    text = "Volunteer medic Oren Delacroix was shot while answering a call. Delacroix died from his wounds."
    assert _counts(text)[0] == 1


def test_left_a_named_person_dead() -> None:
    assert _counts("The argument left Marta Quill dead in her kitchen, detectives said.")[0] == 1


def test_left_one_of_them_dead_is_the_toll_not_a_breakdown() -> None:
    assert _counts("A quarrel between two cousins over a rifle left one of them dead on Friday.")[0] == 1


def test_the_slain_suspect_counts_once_beside_his_victims() -> None:
    text = (
        "A gunman killed a shop clerk on Main Street before officers shot him. Police have not named the "
        "slain suspect. The suspect who was killed had a long record, police said."
    )
    assert _counts(text)[0] == 2


def test_a_list_skips_a_place_name_and_a_weekday() -> None:
    assert (
        _counts(
            "In a shooting streamed on Cliptown Live, a 3-year-old girl and a 30-year-old man were killed."
        )[0]
        == 2
    )
    text = "The boy phoned police Thursday, saying his aunt and younger cousin were dead."
    assert _counts(text)[0] == 2


def test_a_parent_and_her_children_are_counted_together() -> None:
    assert _counts("A mother and her two sons were found dead in their flat on Sunday.")[0] == 3


def test_parts_joined_by_an_ampersand_in_a_headline() -> None:
    text = "Rampage Kills Clerk, Injures 2 Deputies & 3 Others in Harlow\n\nA gunman killed a shop clerk."
    assert _counts(text) == (1, 5)


def test_a_headline_list_of_people_shot() -> None:
    assert (
        _counts("Arrest made after man, toddler shot in Eastvale\n\nThe shooting happened at noon.")[1] == 2
    )


def test_fewer_shot_than_dead_means_no_injured() -> None:
    text = (
        "Five people are dead after a shooting and a fire at a home on Elm Row. Police said a family of "
        "four had been shot inside the house."
    )
    assert _counts(text) == (5, 0)


def test_figures_of_other_events_are_not_the_toll() -> None:
    text = (
        "Four people were shot outside the Lantern Bar on Friday. This comes after a person was killed "
        "outside the same bar in November of 2019."
    )
    assert _counts(text, dt.date(2021, 2, 20)) == (0, 4)
    text = "Seven people were shot on Main Street on Sunday. The city says 45 people were killed in July."
    assert _counts(text, AUG) == (0, 7)
    text = (
        "Eight people were wounded on Saturday. Police said it was retaliation for a shooting that left "
        "one man dead."
    )
    assert _counts(text, AUG) == (0, 8)


def test_one_of_them_after_a_sentence_about_an_earlier_incident() -> None:
    text = (
        "Three men were shot outside the Owl Club on Saturday. In 2019, two people were shot at the same "
        "club. One of them died at the hospital."
    )
    assert _counts(text, AUG) == (0, 3)


def test_a_spate_of_shootings_is_not_one_event() -> None:
    text = (
        "A spate of shootings over the weekend left five people dead across the city. On Pike Street, "
        "two people were killed on Saturday night."
    )
    assert _counts(text, AUG)[0] == 2


def test_a_toll_including_the_gunman_is_not_counted_twice() -> None:
    text = (
        "Four dead, 9 wounded at Varnell plant\n\nThe sheriff said four people were dead, including the "
        "gunman, and nine others were wounded. The deputy who killed the suspect saved lives, he said."
    )
    d = _draft(text)
    assert _counts(text) == (4, 9)
    assert any("suspect" in (c.victims or "") for c in d.casualties if c._toll)


def test_a_caption_is_no_toll() -> None:
    text = (
        "Six people were hurt in a shooting on Dale Avenue on Saturday.\n"
        "Caption Double homicide being investigated in Fenwick County\n"
        "Police have made no arrests."
    )
    assert _counts(text, AUG) == (0, 6)


def test_brief_toll_counts_the_suspects_mentions_once() -> None:
    from summariser import Summariser

    text = (
        "A homeowner shot an intruder on Friday. The wounded suspect died at the scene. The name of the "
        "suspect who was killed was not released. One suspect was shot to death, deputies said."
    )
    with Summariser(model="extractive") as s:
        brief = s.summarise(text)
    assert brief_toll(brief, KILLED) == 1
    assert extract(text).casualties
