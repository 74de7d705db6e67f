from __future__ import annotations

from summariser.extract import extract
from summariser.extract.places import same_place, skeleton
from summariser.schema.draft import Draft, DraftLocation


def _event(draft: Draft) -> list[DraftLocation]:
    """The places the draft gives as the event's own (secondary places, marked, come after them)."""
    return [loc for loc in draft.locations if not loc._secondary]


def test_skeleton_and_same_place() -> None:
    assert skeleton("Maaret al-Numan") == skeleton("Maarat al-Noaman")
    assert same_place("Maaret al-Numan", "Maarat al-Noaman")
    assert same_place("Deir ez-Zor", "Deir al-Zour")
    assert not same_place("Homs", "Hama")
    assert not same_place("Aleppo", "Idlib")


def test_one_location_two_spellings_with_region_and_country() -> None:
    text = (
        "An air strike hit the town of Kafr Nabudah in northern Syria on Monday, killing 9 people. "
        "A resident speaking from Kafar Nboudeh said the market was destroyed."
    )
    draft = extract(text)
    (loc,) = _event(draft)
    assert loc.name == "Kafr Nabudah"
    assert loc.aliases == ["Kafar Nboudeh"]
    assert loc.region == "northern Syria"
    assert loc.country == "Syria"
    assert {text[s:e] for s, e in loc.spans} == {"Kafr Nabudah", "Kafar Nboudeh"}


def test_explicit_country_after_place() -> None:
    text = "A car bomb exploded in Mogadishu, Somalia, killing 12 people."
    (loc,) = _event(extract(text))
    assert (loc.name, loc.country) == ("Mogadishu", "Somalia")


def test_talks_venue_is_not_the_event_place() -> None:
    text = (
        "Shelling killed 5 people in Douma on Friday. The opposition walked out of the Geneva talks, "
        "and its delegates left Geneva."
    )
    names = [loc.name for loc in _event(extract(text))]
    assert names == ["Douma"]


def test_no_places() -> None:
    assert extract("The committee will meet again soon to discuss the budget.").locations == []


def test_dateline_country_and_generic_place_words() -> None:
    text = (
        "KORVAN, Zeltravia, May 2 (Wire) - Shelling killed 6 people in Korvan on Monday, officials said. "
        "Later a mortar round hit the Bayda camp outside the city, and residents fled Bayda."
    )
    draft = extract(text)
    names = {loc.name: loc for loc in _event(draft)}
    assert "Zeltravia" not in names  # an unknown country from the dateline is the country, not a place
    korvan = next(loc for loc in _event(draft) if loc.name.lower() == "korvan")
    assert korvan.country == "Zeltravia"


def test_adjective_country_is_no_place_and_no_country_of_the_event() -> None:
    text = (
        "A mortar round killed 5 people in the village of Dravik on Sunday, a France-based rights group "
        "said. The group has tracked the war for years."
    )
    draft = extract(text)
    (loc,) = _event(draft)
    assert loc.name == "Dravik"
    assert loc.country is None  # "France-based" says where the group is, not where the shelling was
    assert "France" not in {a.name for a in draft.actors}


def test_country_comes_from_the_place_context() -> None:
    text = (
        "The British charity said on Monday it was worried. Shelling killed 7 people in the Moldovan "
        "town of Ruvesti, local officials said. In London, ministers met to discuss aid."
    )
    (loc,) = _event(extract(text))
    assert (loc.name, loc.country) == ("Ruvesti", "Moldova")


def test_country_named_only_as_an_actor_is_not_the_event_country() -> None:
    text = "Germany condemned the attack. A bomb killed 3 people in Tarbuk on Friday."
    (loc,) = _event(extract(text))
    assert loc.country is None


def test_hospital_town_is_a_location() -> None:
    text = (
        "A rocket hit a school in the town of Bosk on Monday, killing 4 children. More than 30 people "
        "were taken to hospital in the nearby city of Varun Tel."
    )
    names = [loc.name for loc in _event(extract(text))]
    assert names == ["Bosk", "Varun Tel"]


def test_a_capitalised_direction_is_a_name_not_a_region() -> None:
    text = "A bomb exploded in Belfast, the capital of Northern Ireland, killing 2 people."
    locations = {loc.name: loc for loc in _event(extract(text))}
    assert locations["Belfast"].country != "Ireland" and locations["Belfast"].region is None


def test_a_diplomatic_event_happens_at_its_venue() -> None:
    text = (
        "The foreign ministers of Arvelia and Tomsk met in Lisbon on Tuesday for talks on the border. "
        "They agreed to meet again in Oslo next month."
    )
    draft = extract(text)
    assert [loc.name for loc in _event(draft)] == ["Lisbon"]


def test_web_page_title_fragment_is_no_place() -> None:
    for text in (
        "One killed in Pike County - NewsNow.com - Columbus, OH\n\n"
        "Pike County Sheriff Tom Reed said a man was shot and killed on Sunday.",
        "Man shot in Lake County - WXYZ.com - Jackson, MS\n\nLake County Sheriff Tom Reed said so.",
    ):
        assert all(not loc.name.endswith("-") and " - " not in loc.name for loc in extract(text).locations)


def test_first_half_of_a_compound_neighbourhood_is_no_place() -> None:
    text = (
        "Two hurt in Virginia-Highland neighborhood\n\n"
        "Two men were shot Sunday night in the Virginia-Highland neighborhood, police said."
    )
    assert "Virginia" not in [loc.name for loc in extract(text).locations]
