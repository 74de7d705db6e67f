from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from summariser.grounding.align import Aligner, normalise
from summariser.schema.brief import Alignment


def test_exact_match_reproduces() -> None:
    text = 'He said "we will stay" and left.'
    m = Aligner(text).find("we will stay")
    assert m is not None and m.alignment is Alignment.EXACT
    assert text[m.start : m.end] == "we will stay"


def test_normalised_match_folds_quotes_dashes_space_and_case() -> None:
    text = "It\u2019s a \u201cdangerous\u201d  escalation \u2014 truly.\r\nNext line"
    m = Aligner(text).find('it\'s a "dangerous" escalation - truly. next')
    assert m is not None and m.alignment is Alignment.NORMALISED
    assert text[m.start : m.end].startswith("It\u2019s") and text[m.start : m.end].endswith("Next")


def test_fuzzy_match_needs_high_score_and_similar_length() -> None:
    text = "The world must not ignore this challenge, the spokesman said."
    m = Aligner(text).find("The world must not ignore this chalenge")
    assert m is not None and m.alignment is Alignment.FUZZY
    assert "ignore" in text[m.start : m.end]
    assert Aligner(text).find("An entirely different sentence about weather") is None


def test_near_picks_the_closest_occurrence() -> None:
    text = "HNC said no. Later the HNC said yes."
    m = Aligner(text).find("HNC", near=20)
    assert m is not None and m.start == text.rindex("HNC")


def test_word_bounded_rejects_partial_words() -> None:
    text = "In 1440 the town had 44 houses."
    m = Aligner(text).find("44", word_bounded=True, fuzzy=False)
    assert m is not None and m.start == text.index(" 44 ") + 1


def test_empty_needle_and_empty_text() -> None:
    assert Aligner("abc").find("   ") is None
    assert Aligner("").find("abc") is None


def test_normalise() -> None:
    assert normalise("  \u201cA\u201d\u2013B\n\nC ") == '"a"-b c'


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=300), st.data())
def test_any_cut_of_any_text_aligns_to_offsets_that_reproduce_it(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    if not quote.strip():
        return
    m = Aligner(text).find(quote)
    assert m is not None
    assert text[m.start : m.end] == quote.strip()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["al-Meslet", "“quoted”", "—", "said", "  ", "\n", "44", "Geneva", "é"]),
        min_size=1,
        max_size=40,
    ),
    st.data(),
)
def test_normalised_variants_map_back_inside_the_text(words: list[str], data: st.DataObject) -> None:
    text = " ".join(words)
    i = data.draw(st.integers(0, len(words) - 1))
    j = data.draw(st.integers(i + 1, len(words)))
    needle = " ".join(words[i:j]).replace("“", '"').replace("”", '"').replace("—", "-")
    m = Aligner(text).find(needle, fuzzy=False)
    if not normalise(needle):
        assert m is None
        return
    assert m is not None
    assert normalise(text[m.start : m.end]) == normalise(needle)
