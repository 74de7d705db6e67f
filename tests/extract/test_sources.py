from __future__ import annotations

from summariser.extract import extract


def test_outlets_institutions_and_anaphors() -> None:
    text = (
        "According to the BBC, 14 people died. The Health Ministry said the toll could rise. "
        "According to the publication, the hospital was hit twice. "
        "The Washington Post reported that aid convoys were turned back."
    )
    draft = extract(text)
    kinds = {s.name: s.kind for s in draft.sources}
    assert kinds["BBC"] == "media"
    assert kinds["Health Ministry"] == "institution"
    assert kinds["Washington Post"] == "media"
    bbc = next(s for s in draft.sources if s.name == "BBC")
    assert len(bbc.spans) == 1  # the anaphor adds a citation, not a new span
    for s in draft.sources:
        assert text[slice(*s.spans[0])] == s.name


def test_no_sources() -> None:
    assert extract("The river flooded the lower town after three days of rain.").sources == []


def _sources(text: str) -> dict[str, str]:
    draft = extract(text)
    for s in draft.sources:
        assert s.spans
    return {s.name: s.kind for s in draft.sources}


def test_officials_keep_their_modifiers_and_each_clause_its_source() -> None:
    text = (
        "Eight people were killed in the blast, provincial health officials said. The Ostra rescue service "
        "put the death toll at 10, but the Delta Watch for Civil Rights, a Dutch-based monitoring group, "
        "said 13 people had died."
    )
    sources = _sources(text)
    assert sources == {
        "provincial health officials": "institution",
        "Ostra rescue service": "institution",
        "Delta Watch for Civil Rights": "other",
    }


def test_stances_quotes_and_anonymous_witnesses_are_not_sources() -> None:
    text = (
        "The Liberty Party said it would boycott the vote. The Justice Ministry said rebels were responsible "
        'for the bombing. "We ran when the blast came," a shopkeeper said. A nurse at the clinic said the '
        "blast shattered every window."
    )
    assert _sources(text) == {}


def test_according_to_an_unnamed_body() -> None:
    sources = _sources("Two bridges were destroyed, according to the regional transport authority.")
    assert sources == {"regional transport authority": "institution"}


def test_trailing_attribution_conjuncts_and_statement_from() -> None:
    text = (
        "A shell hit the ferry terminal, killing one porter, harbour authorities said. Two drivers were "
        "wounded, firefighters and hospital staff said. Nine guards died, according to a statement from "
        "the navy's eastern command."
    )
    assert set(_sources(text)) == {
        "harbour authorities",
        "firefighters",
        "hospital staff",
        "navy's eastern command",
    }


def test_denials_and_unnamed_people_at_an_institution_are_not_sources() -> None:
    text = (
        "The coast guard denied that its boats fired on the village. A doctor at the district hospital "
        "said the shelling lasted an hour."
    )
    assert _sources(text) == {}
