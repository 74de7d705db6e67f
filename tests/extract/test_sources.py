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
