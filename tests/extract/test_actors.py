from __future__ import annotations

from summariser.extract import extract
from summariser.extract.actors import initials, name_like, org_kind
from summariser.schema.brief import ActorKind
from summariser.schema.draft import DraftActor


def _actors(text: str) -> dict[str, DraftActor]:
    draft = extract(text)
    for a in draft.actors:
        assert text[slice(*a.spans[0])] == a.name
    return {a.name: a for a in draft.actors}


def test_acronym_in_brackets_and_initials() -> None:
    text = (
        "The National Salvation Front (NSF) rejected the plan. The NSF said the United Nations "
        "had not consulted it, and a UN envoy agreed."
    )
    actors = _actors(text)
    assert "NSF" in actors["National Salvation Front"].aliases
    assert "UN" in actors["United Nations"].aliases
    assert actors["United Nations"].kind is ActorKind.INTERNATIONAL_ORG


def test_surname_merges_with_full_name() -> None:
    text = "President Vladimir Putin met Angela Merkel in Berlin. Putin later left for Moscow."
    actors = _actors(text)
    assert actors["Vladimir Putin"].aliases == ["Putin"]
    assert actors["Vladimir Putin"].role == "President"


def test_government_phrases_merge() -> None:
    text = (
        "Syrian government forces shelled the town. The regime denied it, but the Assad regime "
        "has done so before."
    )
    actors = _actors(text)
    gov = actors["Syrian government forces"]
    assert gov.kind is ActorKind.GOVERNMENT
    assert "regime" in gov.aliases


def test_roles_and_affiliations() -> None:
    text = (
        "Mark Doyle, the White House press secretary, spoke first. "
        "Then Lina Sabbagh, an independent activist, answered questions."
    )
    actors = _actors(text)
    assert (actors["Mark Doyle"].role, actors["Mark Doyle"].affiliation) == ("press secretary", "White House")
    assert actors["Lina Sabbagh"].role == "independent activist"


def test_kinds() -> None:
    assert org_kind("New York Times") is ActorKind.MEDIA
    assert org_kind("ABC") is ActorKind.MEDIA
    assert org_kind("U.S. State Department") is ActorKind.GOVERNMENT
    assert org_kind("Free Syrian Army") is ActorKind.ARMED_GROUP
    assert org_kind("High Negotiations Committee") is ActorKind.POLITICAL_BODY
    assert org_kind("NATO") is ActorKind.INTERNATIONAL_ORG
    assert org_kind("Acme Widgets") is ActorKind.OTHER
    assert initials("United Nations") == "UN"
    assert initials("High Negotiations Committee") == "HNC"


def test_states_only_outside_locative_phrases() -> None:
    actors = _actors("Russia and Turkey agreed a deal on Monday. Fighting continued in Syria.")
    assert actors["Russia"].kind is ActorKind.STATE
    assert "Syria" not in actors


def test_monitoring_group_is_not_media_and_uk_based_is_not_a_state() -> None:
    text = (
        "The Balkan Monitor for Civil Liberties, a UK-based monitoring group, said 12 people died. "
        "The Daily Herald reported the same figure."
    )
    actors = _actors(text)
    assert actors["Balkan Monitor for Civil Liberties"].kind is ActorKind.OTHER
    assert actors["Daily Herald"].kind is ActorKind.MEDIA
    assert "UK" not in actors


def test_apposition_gives_the_kind() -> None:
    text = "Radio Sahel, a local broadcaster, and the Amber Front, an armed group, both issued statements."
    actors = _actors(text)
    assert actors["Radio Sahel"].kind is ActorKind.MEDIA
    assert actors["Amber Front"].kind is ActorKind.ARMED_GROUP


def test_police_are_not_folded_into_the_government() -> None:
    text = "The government promised an inquiry. The police said two officers were hurt."
    actors = _actors(text)
    assert "police" not in actors["government"].aliases and "police" in actors
    draft = extract(text)
    assert {s.name for s in draft.sources} == {"police"}  # the source is the police, not "government"


def test_noise_is_no_actor_but_a_lowercase_body_is() -> None:
    names = set(_actors("Share on Facebook google+ Tumblr. The Free Army met the Harbour Council."))
    assert names == {"Free Army", "Harbour Council"}
    assert name_like("national election commission") and name_like("Staffan de Mistura")
    assert not name_like("Belfast Brigade of") and not name_like("FILE - Omar Said")
    assert not name_like('job?"Ruritania') and not name_like("Vorderbruggen[897")


def test_occupation_from_an_apposition() -> None:
    text = '"The roof fell in," said Dara Noor, a baker whose shop faces the square. Noor was unhurt.'
    assert _actors(text)["Dara Noor"].role == "baker"


def test_lowercase_body_before_a_role_is_the_affiliation() -> None:
    text = (
        "The opposition Union for Civic Renewal left the talks. Union spokesman Tarek Amin said the vote "
        'was rigged, and committee spokeswoman Ilse Brandt said: "We will appeal."'
    )
    actors = _actors(text)
    assert actors["Tarek Amin"].affiliation == "Union for Civic Renewal"
    text = "The Civic Renewal Council left the talks. Council spokeswoman Ilse Brandt said they would return."
    assert _actors(text)["Ilse Brandt"].affiliation == "Civic Renewal Council"
