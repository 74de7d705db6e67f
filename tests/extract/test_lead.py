from __future__ import annotations

from summariser.extract import extract

ARTICLE = (
    "A suicide bomber killed 12 people at a wedding in the town of Qaim in western Iraq on Saturday. "
    "At least 30 others were wounded, police said.\n"
    "The Islamic State group claimed responsibility for the bombing in a statement.\n"
    '"The hall was full of children," said Ahmed Jabouri, a guest.\n'
    "Iraq's prime minister condemned the attack and promised an inquiry."
)


def test_headline_description_summary_time() -> None:
    draft = extract(ARTICLE)
    assert draft.headline == "Suicide bombing kills 12 people in Qaim, Iraq"
    assert draft.description.startswith("A suicide bombing hit Qaim, Iraq on Saturday, killing 12 people")
    assert (
        "injuring At least 30 others" in draft.description
        or "injuring at least 30" in draft.description.lower()
    )
    assert draft.time_text == "on Saturday"
    assert [ARTICLE[s:e] for s, e in draft._time_spans] == ["on Saturday"]
    assert 2 <= len(draft._summary_spans) <= 4
    assert draft.summary == " ".join(ARTICLE[s:e] for s, e in draft._summary_spans)
    assert draft._summary_spans[0][0] == 0
    assert not any(ARTICLE[s:e].startswith('"') for s, e in draft._summary_spans)


def test_minimal_text_still_gives_a_full_draft() -> None:
    draft = extract("The committee met.")
    assert draft.headline and draft.summary and draft.description
    assert draft.time_text is None and draft._time_spans == []


def test_empty_text() -> None:
    draft = extract("")
    assert draft.summary == "" or draft.summary is not None
    assert draft.quotes == [] and draft.casualties == []


def test_extract_many_matches_extract() -> None:
    from summariser.extract import extract_many

    texts = [ARTICLE, "The committee met on Monday to discuss the budget and the new roads plan."]
    many = extract_many(texts)
    assert [d.model_dump() for d in many] == [extract(t).model_dump() for t in texts]
    assert many[0]._summary_spans == extract(ARTICLE)._summary_spans


def test_headline_names_a_described_victim_once_and_agrees_in_number() -> None:
    from summariser.extract import extract

    d = extract(
        "Teen killed in Marlow shooting\n\nA teen was shot and killed in Marlow on Sunday, police said."
    )
    assert "teen teen" not in d.headline.lower()
    d = extract("Clashes between rival groups killed four people in Nardin on Sunday, officials said.")
    assert "clashes kills" not in d.headline.lower()


def test_headline_keeps_a_victims_name_and_lowercases_a_figure() -> None:
    from summariser.extract import extract

    d = extract(
        "At least 12 people were killed when shells hit the market in Varsa on Monday, officials said."
    )
    assert "kills at least 12 people" in d.headline
    d = extract(
        "Volunteer medic Oren Delacroix was shot in Tarrow while answering a call. "
        "Delacroix died from his wounds."
    )
    assert "kills Delacroix" in d.headline or "kills Oren Delacroix" in d.headline
