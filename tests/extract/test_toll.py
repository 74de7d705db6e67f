"""The event's toll and casualty phrases without a number. Every sentence here is written for the tests."""

from __future__ import annotations

import datetime as dt

from toll_support import draft_of, toll_of

from summariser.schema.brief import CasualtyCategory
from summariser.schema.draft import Draft, DraftCasualty

KILLED, INJURED = CasualtyCategory.KILLED, CasualtyCategory.INJURED


_draft, _toll = draft_of, toll_of


def _tolled(draft: Draft) -> list[DraftCasualty]:
    return [c for c in draft.casualties if c._toll]


def test_shot_with_some_fatally_splits_killed_and_injured() -> None:
    d = _draft("Six shot, 2 fatally, outside Brenton bowling alley\n\nSix people were shot late on Friday.")
    assert (_toll(d, KILLED), _toll(d, INJURED)) == (2, 4)
    injured = next(c for c in _tolled(d) if c.category is INJURED)
    assert injured.as_written == "Six shot, 2"  # the phrase that gives both numbers


def test_shot_and_dead_in_a_headline() -> None:
    d = _draft("3 shot, 1 dead at Marlow Park cookout\n\nPolice were called to the park at dusk.")
    assert (_toll(d, KILLED), _toll(d, INJURED)) == (1, 2)


def test_shot_alone_counts_as_injured() -> None:
    d = _draft("Five people were shot outside a skating rink in Orlan on Saturday night, police said.")
    assert (_toll(d, KILLED), _toll(d, INJURED)) == (0, 5)


def test_shot_to_death_and_fatally_shot_are_deaths() -> None:
    assert _toll(_draft("Two brothers were shot to death in their garage on Monday."), KILLED) == 2
    assert _toll(_draft("Officers said three men were fatally shot near the docks."), KILLED) == 3


def test_homicides_are_deaths() -> None:
    d = _draft("Detectives are investigating four homicides that happened overnight in the east end.")
    assert _toll(d, KILLED) == 4


def test_double_and_triple_homicide() -> None:
    assert _toll(_draft("Police are treating it as a double homicide, the chief said."), KILLED) == 2
    assert _toll(_draft("A triple murder shocked the quiet village of Ashwell."), KILLED) == 3
    d = _draft("A double shooting on Pine Street left both men in hospital.")
    assert (_toll(d, KILLED), _toll(d, INJURED)) == (0, 2)


def test_a_person_killed_is_one_death_with_the_victim_described() -> None:
    d = _draft("A 19-year-old man was shot and killed outside a corner shop on Elm Road.")
    (c,) = _tolled(d)
    assert (c.category, c.count, c.victims) == (KILLED, 1, "19-year-old man")


def test_killing_him_is_one_death() -> None:
    d = _draft("The teenager accidentally shot his cousin while cleaning a rifle, killing him.")
    assert _toll(d, KILLED) == 1


def test_was_later_pronounced_dead() -> None:
    d = _draft("A woman was struck in the chest and was later pronounced dead at the hospital.")
    assert _toll(d, KILLED) == 1


def test_named_victims_listed_after_the_verb_are_counted() -> None:
    d = _draft("Police said the man fatally shot his wife and his stepson before fleeing in a pickup.")
    assert _toll(d, KILLED) == 2


def test_parts_in_different_places_are_added() -> None:
    d = _draft("A gunman went on a rampage, killing 4 in Harwick and 1 in Lowden before he was stopped.")
    assert _toll(d, KILLED) == 5


def test_parts_with_different_victims_are_added() -> None:
    d = _draft("Two women and 3 children were killed when the gunman fired into the house.")
    assert _toll(d, KILLED) == 5


def test_vague_figure_is_never_a_death_toll_without_a_death_word() -> None:
    d = _draft("More than a dozen people gathered at the scene after the shooting on Carver Street.")
    assert _toll(d, KILLED) == 0
    assert not [c for c in d.casualties if c.category is KILLED]


def test_vague_figure_stays_vague() -> None:
    d = _draft("Dozens of people were wounded when the stands collapsed.")
    (c,) = d.casualties
    assert (c.count, c.count_min, c.count_max, c.as_written) == (None, 24, 99, "Dozens")


def test_best_supported_toll_wins_over_a_lone_figure() -> None:
    text = (
        "Three killed in Dunmore bar shooting\n\n"
        "Three people were killed and two injured when a man opened fire in a bar in Dunmore on Sunday.\n\n"
        "An earlier report said two people had died.\n\n"
        "All three victims were regulars, the owner said."
    )
    d = _draft(text)
    assert _toll(d, KILLED) == 3


def test_figures_of_an_earlier_dated_event_are_not_the_toll() -> None:
    text = (
        "One dead in Fenwick shooting\n\n"
        "One man was killed in a shooting in Fenwick on Tuesday.\n\n"
        "In 2009, six people were killed in a shooting at the same mall."
    )
    d = _draft(text, published=dt.date(2016, 5, 4))
    assert _toll(d, KILLED) == 1


def test_suspect_killed_is_counted_apart_and_marked() -> None:
    d = _draft("The gunman killed two customers. Officers shot and killed the suspect in the parking lot.")
    suspects = [c for c in d.casualties if c._suspects]
    assert suspects and suspects[0].category is KILLED
    assert _toll(d, KILLED) == 3


def test_toll_including_the_gunman_does_not_add_him_again() -> None:
    d = _draft("Four people were dead, including the gunman, after the attack at the depot.")
    (c,) = _tolled(d)
    assert c.count == 4 and "including the suspect" in (c.victims or "")


def test_no_one_injured_is_no_figure() -> None:
    assert _draft("The crowd dispersed and police said no one was injured.").casualties == []


def test_one_figure_per_claim() -> None:
    d = _draft(
        "Riot leaves one dead in Tarsk\n\nRioting in Tarsk on Saturday left one man dead, police said."
    )
    killed = [c for c in d.casualties if c.category is KILLED]
    assert len(killed) == 1 and killed[0].victims == "man"


def test_day_of_the_month_is_not_a_figure() -> None:
    d = _draft("A boy who was shot on March 18 died over the weekend.")
    assert all(c.count != 18 for c in d.casualties)


def test_times_shot_is_not_a_figure() -> None:
    d = _draft("The clerk was shot three times and survived, officers said.")
    assert all(c.count != 3 for c in d.casualties)


def test_headline_uses_the_toll() -> None:
    text = (
        "Man dies after shooting in Dale Park\n\n"
        "Two people were shot and one of them died in Dale Park on Friday night, police said.\n\n"
        "In 2012, five people were killed in the park."
    )
    d = _draft(text, published=dt.date(2016, 6, 4))
    assert "five" not in d.headline.lower()


def test_killed_before_shooting_himself_counts_the_attacker() -> None:
    text = (
        "Deputies said a man shot and killed two people in a parked truck in Brenlow before shooting himself."
    )
    assert _toll(_draft(text), KILLED) == 3


def test_an_accidental_self_shooting_is_no_death() -> None:
    text = "A hunter shot himself in the foot near Brenlow on Sunday and was treated at a clinic."
    assert _toll(_draft(text), KILLED) == 0


def test_died_of_a_self_inflicted_wound_counts_the_attacker() -> None:
    text = (
        "Police said a gunman killed two people in Brenlow on Sunday and died of a self-inflicted wound "
        "in his garage."
    )
    assert _toll(_draft(text), KILLED) == 3


def test_a_toll_stated_apart_from_the_suicide_is_not_raised() -> None:
    # "three dead" may already count the gunman: only the same sentence ("killed N ... before") adds him
    text = (
        "Three people are dead after a shooting in Brenlow on Sunday. The gunman turned the gun on himself "
        "in the garage, police said."
    )
    assert _toll(_draft(text), KILLED) == 3
