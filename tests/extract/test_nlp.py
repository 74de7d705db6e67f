from __future__ import annotations

from summariser.extract.nlp import analyse, get_nlp


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
