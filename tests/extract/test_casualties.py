from __future__ import annotations

from summariser.extract import extract
from summariser.schema.brief import CasualtyCategory, Qualifier
from summariser.schema.draft import DraftCasualty


def _cas(text: str) -> list[DraftCasualty]:
    draft = extract(text)
    for c in draft.casualties:
        assert text[slice(*c.spans[0])] == c.as_written
    return draft.casualties


def test_numbers_as_words_and_categories() -> None:
    found = _cas("Three soldiers were killed and dozens of people were injured in the blast.")
    first = found[0]
    assert (first.category, first.count, first.victims) == (CasualtyCategory.KILLED, 3, "soldiers")
    injured = found[1]
    assert injured.category is CasualtyCategory.INJURED
    assert (injured.count, injured.count_min, injured.count_max) == (None, 24, 99)


def test_range_and_reporter() -> None:
    (c,) = _cas("The explosion killed between 10 and 15 people, police said.")
    assert (c.count_min, c.count_max, c.as_written) == (10, 15, "between 10 and 15")
    assert c.victims == "people"
    assert c.reported_by == "police"


def test_according_to_outlet() -> None:
    (c,) = _cas("According to Reuters, at least 12 civilians died in the shelling of the market.")
    assert (c.count, c.qualifier, c.victims, c.reported_by) == (
        12,
        Qualifier.AT_LEAST,
        "civilians",
        "Reuters",
    )


def test_other_categories() -> None:
    text = (
        "Two people went missing after the flood. Officials arrested five men. "
        "The fighting displaced 3,000 residents."
    )
    cats = {c.category: c.count for c in _cas(text)}
    assert cats == {
        CasualtyCategory.MISSING: 2,
        CasualtyCategory.DETAINED: 5,
        CasualtyCategory.DISPLACED: 3000,
    }


def test_death_toll_and_left_dead() -> None:
    found = _cas("The death toll rose to 20 on Sunday. An earlier blast left 7 dead.")
    assert [(c.category, c.count) for c in found] == [
        (CasualtyCategory.KILLED, 20),
        (CasualtyCategory.KILLED, 7),
    ]


def test_no_casualties() -> None:
    assert _cas("Nobody was hurt when the old bridge collapsed in 2015 after 40 years of use.") == []


def test_conflicting_tolls_make_a_discrepancy() -> None:
    text = (
        "Officials said 30 people were killed in the attack. "
        "According to the BBC, at least 41 people were killed."
    )
    draft = extract(text)
    (d,) = draft.discrepancies
    assert d.field == "casualties.killed"
    assert {(v.value, v.source) for v in d.values} == {("30", "Officials"), ("at least 41", "BBC")}
    assert len(d.spans) == 2


def test_same_toll_twice_is_no_discrepancy() -> None:
    draft = extract("Four people were killed on Monday. The four people killed were all farmers.")
    assert draft.discrepancies == []


def test_cumulative_war_toll_not_a_discrepancy() -> None:
    text = "Six people were killed in the strike. The war has killed 400,000 people since 2011."
    draft = extract(text)
    assert len(draft.casualties) == 2
    assert draft.discrepancies == []


def test_different_victim_groups_are_no_discrepancy() -> None:
    draft = extract("Five soldiers were killed on Monday. Two civilians were killed in a second strike.")
    assert len(draft.casualties) == 2
    assert draft.discrepancies == []


def test_victims_must_be_a_noun() -> None:
    (c,) = _cas("Nine unexplained deaths were reported in the camp.")
    assert (c.category, c.count, c.victims) == (CasualtyCategory.KILLED, 9, None)


def test_verb_before_wins_over_a_later_verb_across_and() -> None:
    found = _cas("The raid, which killed four guards and injured more than 30, lasted an hour.")
    assert [(c.category, c.count, c.as_written) for c in found] == [
        (CasualtyCategory.KILLED, 4, "four"),
        (CasualtyCategory.INJURED, 30, "more than 30"),
    ]


def test_another_and_a_further() -> None:
    found = _cas("The gunmen killed 6 guards and wounded another 9.")
    assert [(c.category, c.count) for c in found] == [
        (CasualtyCategory.KILLED, 6),
        (CasualtyCategory.INJURED, 9),
    ]


def test_hospital_counts_only_with_injuries() -> None:
    text = (
        "Fourteen people were taken to hospital with burn injuries. More than 40 were taken to hospital "
        "in the capital, and 8 others were detained in hospital overnight."
    )
    found = _cas(text)
    assert [(c.category, c.count) for c in found] == [(CasualtyCategory.INJURED, 14)]


def test_clause_reporters_and_discrepancy_sources() -> None:
    text = (
        "The Korvan civil protection agency put the death toll at 17, but the Steppe Monitor for Human "
        "Rights, an Austria-based monitoring group, said 23 civilians had died."
    )
    found = _cas(text)
    assert [(c.count, c.reported_by) for c in found] == [
        (17, "Korvan civil protection agency"),
        (23, "Steppe Monitor for Human Rights"),
    ]


def test_pronoun_reporter_resolves_to_the_person() -> None:
    text = "Union leader Mara Quist spoke outside the court.\nShe said 15 strikers had been arrested."
    (c,) = _cas(text)
    assert (c.category, c.count, c.reported_by) == (CasualtyCategory.DETAINED, 15, "Mara Quist")


def test_a_treated_count_is_no_rival_to_the_wounded_count() -> None:
    text = "The blast wounded 35 people, the army said. Doctors said 12 were treated for shrapnel wounds."
    draft = extract(text)
    assert [(c.category, c.count) for c in draft.casualties] == [
        (CasualtyCategory.INJURED, 35),
        (CasualtyCategory.INJURED, 12),
    ]
    assert draft.discrepancies == []
