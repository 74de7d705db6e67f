"""The event's place hierarchy: datelines, headline places, 'X police', the gazetteer and secondary places.
Every text here is written for the tests."""

from __future__ import annotations

from summariser.extract import extract
from summariser.extract.anchors import city_info, find_anchors, state_name
from summariser.extract.nlp import analyse
from summariser.schema.brief import PlaceKind
from summariser.schema.draft import DraftLocation


def _places(text: str) -> list[DraftLocation]:
    return extract(text).locations


def test_dateline_city_comes_first_with_state_and_country() -> None:
    text = (
        "Two hurt in parking lot shooting\n\n"
        "DAYTON, Ohio (Valley News) — Two men were wounded in a parking lot on Elm Avenue late Friday, "
        "police said."
    )
    first = _places(text)[0]
    assert (first.name, first._kind, first.region, first.country) == (
        "Dayton",
        PlaceKind.CITY,
        "Ohio",
        "United States",
    )
    assert "DAYTON" in first.aliases  # as written in the dateline


def test_news_agency_state_abbreviation_is_the_region_not_a_place() -> None:
    text = "Teen wounded\n\nTOPEKA, Kan. — A teenager was shot in the leg on Sunday, officers said."
    places = _places(text)
    assert places[0].name == "Topeka" and places[0].region == "Kansas"
    assert all(p.name != "Kan." for p in places)


def test_headline_place_when_there_is_no_dateline() -> None:
    text = (
        "Four shot at birthday party in Fresno\n\n"
        "Four people were shot at a birthday party on Saturday night, the sheriff's office said."
    )
    assert _places(text)[0].name == "Fresno"


def test_city_named_by_its_police() -> None:
    text = "Shooting outside bar\n\nSpokane police said a man was wounded outside a bar on Sunday morning."
    assert "Spokane" in [p.name for p in _places(text)]


def test_neighbourhood_of_a_city() -> None:
    text = "Three wounded\n\nThree men were shot in Maple Hollow, Denver, on Saturday night."
    names = [p.name for p in _places(text)]
    assert "Denver" in names


def test_hospital_and_street_are_secondary() -> None:
    text = (
        "Man shot\n\n"
        "RENO, Nev. — A man was shot on Carlin Street on Friday and taken to Renown Regional Hospital, "
        "police said."
    )
    places = _places(text)
    assert places[0].name == "Reno" and not places[0]._secondary
    secondary = {p.name: p._kind for p in places if p._secondary}
    assert secondary.get("Carlin Street") is PlaceKind.STREET
    assert secondary.get("Renown Regional Hospital") is PlaceKind.SITE


def test_abbreviated_city_name_is_spelled_out() -> None:
    text = "Teen shot\n\nMT. VERNON, N.Y. — A teenager was shot on Friday, police said."
    first = _places(text)[0]
    assert first.name == "Mount Vernon" and "MT. VERNON" in first.aliases


def test_a_text_without_a_headline_line_has_no_headline_place() -> None:
    text = "Officials in Berlin said on Monday that a shelling killed 7 people in the town of Ruvesti."
    assert find_anchors(analyse(text)) == []


def test_gazetteer_lookups() -> None:
    assert city_info("Dayton") == ("Ohio", "United States")
    assert city_info("Springfield", "Illinois") == ("Illinois", "United States")
    assert city_info("Nowhereville") is None
    assert (
        state_name("Fla.") == "Florida" and state_name("TX") == "Texas" and state_name("Oregon") == "Oregon"
    )
    assert state_name("Main") is None


def test_university_police_is_no_city() -> None:
    text = (
        "Student killed\n\nOne person is dead after a shooting on the campus of Central State University on "
        "Friday.\n\nUniversity police chief John Reed identified the suspect."
    )
    assert "University" not in [a.name for a in find_anchors(analyse(text))]


def test_small_town_named_by_its_police() -> None:
    text = "Man shot at gas station\n\nSylva Police said a man was shot at a gas station on Friday."
    assert [(a.name, a.source) for a in find_anchors(analyse(text))] == [("Sylva", "police")]


def test_a_state_or_the_end_of_a_longer_name_is_no_police_city() -> None:
    text = (
        "Man shot\n\nIndiana State Police and Indiana police said a man was shot. He went to the "
        "St. Joseph Fire Station."
    )
    assert find_anchors(analyse(text)) == []


def test_saint_written_without_a_dot_is_spelled_out() -> None:
    text = "Man shot in apartment\n\nSt Charles police said a man was shot inside an apartment on Friday."
    assert "Saint Charles" in [p.name for p in _places(text)]
