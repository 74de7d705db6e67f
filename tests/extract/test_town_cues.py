"""Towns a report names in passing (``town_cues``) and other spellings of place names (``towns``).
Every text here is written for the tests."""

from __future__ import annotations

from summariser.extract import extract
from summariser.extract.nlp import analyse
from summariser.extract.town_cues import find_town_cues, states_named
from summariser.extract.towns import spellings, town_info
from summariser.grounding.assemble import assemble
from summariser.schema.brief import Origin


def _cues(text: str) -> dict[str, bool]:
    return {c.name: c.strong for c in find_town_cues(analyse(text))}


def _names(text: str) -> list[str]:
    return [p.name for p in extract(text).locations]


def test_small_town_gazetteer() -> None:
    assert town_info("Walhalla") == ("South Carolina", "United States")  # about 4,000 people
    assert town_info("Nowhereville") is None


def test_town_police_officers() -> None:
    assert _cues("Shots fired\n\nWalhalla Police officers responded to a call on Friday night.") == {
        "Walhalla": True
    }


def test_town_as_modifier_of_a_person_or_a_home() -> None:
    text = (
        "Teen hurt\n\nA 19-year-old Sylva man was wounded on Friday. Deputies said the shots were fired "
        "inside her Blue Ash apartment."
    )
    assert _cues(text) == {"Sylva": False, "Blue Ash": True}  # a man's home town; the scene


def test_town_written_at_the_start_of_a_headline() -> None:
    assert "Baraboo" in _cues("Baraboo man charged in shooting\n\nA man was charged on Monday.")


def test_school_district_and_hospital_named_after_the_town() -> None:
    text = (
        "Student shot\n\nThe Pella Area School District said classes were cancelled. The boy was taken to "
        "Cortez Medical Center."
    )
    assert _cues(text) == {"Pella": True, "Cortez": False}  # the hospital is not the scene


def test_home_town_after_a_person() -> None:
    text = (
        "Man killed\n\nDeputies identified the victim as Sam Rowe, 34, of Hazard. A second man, "
        "a 40-year-old Tom Reyes of Glenbrook, was arrested."
    )
    cues = _cues(text)
    assert cues["Hazard"] is False  # a home town, not the scene
    assert "Glenbrook" in cues  # unknown to the gazetteer, but written after a named person's age


def test_in_from_and_part_of_a_town() -> None:
    text = (
        "Two shot\n\nThe men, both from Elkins, were shot in the Oak County part of Fort Payne. "
        "One died at a hospital in Sedona on Sunday."
    )
    cues = _cues(text)
    assert cues == {"Elkins": False, "Fort Payne": True, "Sedona": False}


def test_a_name_that_runs_on_is_no_town() -> None:
    text = (
        "Fire\n\nDeputies were called to a home in Cody County and later to Cody Road in Hamilton Heights. "
        "Medics from Cody EMS came, and a man was charged in Sedona's death. St. Cody Police said so."
    )
    assert _cues(text) == {}


def test_town_area_compound_and_city_neighbourhood() -> None:
    text = (
        "Woman shot\n\nShe was shot at a Mount Airy-Pine Hill-area house. In a second shooting, a man was "
        "hurt in Kingsport's Oak-Ridge neighborhood."
    )
    assert _cues(text) == {"Mount Airy": True, "Kingsport": True}


def test_dc_is_washington() -> None:
    text = "Three shot in D.C.\n\nThree men were shot on a D.C. street corner early Monday, police said."
    first = extract(text).locations[0]
    assert first.name == "Washington" and "D.C." in first.aliases


def test_states_named_in_full_or_abbreviated() -> None:
    assert states_named("It happened in Rifle, Colo., and near Ely, NV, in Utah.") == {
        "Colorado",
        "Nevada",
        "Utah",
    }


def test_scene_town_is_the_city_when_nothing_anchors_the_report() -> None:
    text = (
        "Two wounded outside store\n\n"
        "Walhalla Police officers found two men shot outside a store on Saturday, the department said."
    )
    first = extract(text).locations[0]
    assert (first.name, first.region, first._secondary) == ("Walhalla", "South Carolina", False)


def test_a_town_named_only_in_passing_is_secondary() -> None:
    text = (
        "Man shot\n\nLARAMIE, Wyo. — A man was shot on Friday. His brother, who drove him from Cody, "
        "said he would recover."
    )
    places = extract(text).locations
    assert places[0].name == "Laramie"
    assert any(p.name == "Cody" and p._secondary for p in places)


def test_a_world_city_is_not_a_us_town_without_a_state() -> None:
    text = "Attack\n\nA gunman opened fire in Paris on Friday, killing two people."
    assert "Paris" in _names(text)
    assert all(p.region != "Texas" for p in extract(text).locations)


def test_other_spellings_of_a_place_name() -> None:
    assert spellings("McLean") == ["Mc Lean"]
    assert spellings("St. Cloud") == ["Saint Cloud"]
    assert spellings("Mt Vernon") == ["Mount Vernon"]
    assert spellings("D.C.") == ["Washington"]
    assert spellings("Dayton") == []


def test_a_key_spelling_of_the_city_is_an_alias_of_the_brief() -> None:
    text = "Three found dead\n\nMCLEAN, Va. — Three people were found dead in a McLean home on Friday."
    brief = assemble(extract(text), text, origin=Origin.EXTRACTOR)
    first = brief.event.locations[0]
    assert first.name == "McLean" and "Mc Lean" in first.aliases


def test_a_home_town_alone_does_not_make_the_city() -> None:
    text = "Man shot\n\nA 36-year-old Walhalla man was shot outside a store on Friday, deputies said."
    assert all(p._secondary for p in extract(text).locations if p.name == "Walhalla")


def test_a_day_after_the_town_is_not_part_of_its_name() -> None:
    assert _cues("Two hurt\n\nTwo men were shot in Sedona Sunday night.") == {"Sedona": False}
