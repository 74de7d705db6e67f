from __future__ import annotations

import pytest

from summariser.extract.nlp import analyse, analyse_many, get_nlp


def test_pipeline_loaded_once_and_lean() -> None:
    assert get_nlp() is get_nlp()
    names = get_nlp().pipe_names
    assert "ner" in names and "senter" in names
    assert "parser" not in names and "lemmatizer" not in names


def test_analysis_sentences_paragraphs_mentions() -> None:
    text = "The Red Cross said on Monday that aid arrived.Aid workers left.\nMaria Lopez stayed in Madrid."
    an = analyse(text)
    assert len(an.paragraphs) == 2
    assert all("\n" not in text[s:e] for s, e in an.sentences)
    assert any(text[s:e] == "Aid workers left." for s, e in an.sentences)
    labels = {m.text: m.label for m in an.mentions}
    assert labels.get("Red Cross") == "ORG"  # the leading "The" is left out of the span
    assert labels.get("Maria Lopez") == "PERSON"
    for m in an.mentions:
        assert text[m.start : m.end] == m.text
    assert an.paragraph_index(text.index("Maria")) == 1


def test_text_longer_than_spacys_limit_is_analysed_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    paragraph = "Maria Lopez arrived in Madrid on Monday. The Red Cross said aid was late.\n"
    text = paragraph * 60 + "x" * 50 + " " + "y" * 3000 + "\nMaria Lopez left Madrid.\n"  # one huge word too
    nlp = get_nlp()
    monkeypatch.setattr(nlp, "max_length", 1000)  # spaCy refuses longer texts (E088) in one call
    an = analyse(text)
    assert an.text == text and an.doc.text == text
    assert len(an.paragraphs) == 62
    assert sum(m.text == "Maria Lopez" for m in an.mentions) == 61
    for m in an.mentions:
        assert text[m.start : m.end] == m.text
    assert an.sentences[-1] == (text.index("Maria Lopez left"), len(text) - 1)
    many = analyse_many([text, paragraph])
    assert [a.text for a in many] == [text, paragraph]
