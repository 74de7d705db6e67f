from __future__ import annotations

import pytest

from summariser.extract.numbers import find_numbers, word_value
from summariser.schema.brief import Qualifier


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("44", 44),
        ("1,200", 1200),
        ("3 million", 3_000_000),
        ("three", 3),
        ("twenty-five", 25),
        ("one hundred and twenty", 120),
        ("Forty-four", 44),
        ("a hundred", 100),
        ("two thousand", 2000),
    ],
)
def test_word_value(written: str, value: int) -> None:
    assert word_value(written) == value


def test_word_value_rejects_words() -> None:
    assert word_value("many") is None


def _one(text: str):
    found = find_numbers(text)
    assert len(found) == 1, found
    n = found[0]
    assert text[n.start : n.end] == n.as_written
    return n


def test_qualifiers() -> None:
    assert _one("at least 37 people").qualifier is Qualifier.AT_LEAST
    assert _one("more than 20 people").qualifier is Qualifier.MORE_THAN
    assert _one("about 40 people").qualifier is Qualifier.ABOUT
    assert _one("up to twenty-five").qualifier is Qualifier.UP_TO
    assert _one("fewer than ten").qualifier is Qualifier.FEWER_THAN
    n = _one("at least 37 people")
    assert (n.as_written, n.count) == ("at least 37", 37)


def test_ranges() -> None:
    n = _one("between 10 and 15 people")
    assert (n.count, n.count_min, n.count_max, n.as_written) == (None, 10, 15, "between 10 and 15")
    n = _one("10-15 people")
    assert (n.count_min, n.count_max) == (10, 15)
    n = _one("two or three soldiers")
    assert (n.count_min, n.count_max) == (2, 3)


def test_vague_amounts_are_ranges() -> None:
    n = _one("dozens were hurt")
    assert n.count is None and n.count_min == 24 and n.count_max == 99
    assert n.qualifier is Qualifier.ABOUT
    n = _one("hundreds fled")
    assert (n.count_min, n.count_max) == (200, 999)
    assert _one("a dozen people").count == 12


def test_offsets_in_a_longer_text() -> None:
    text = "Officials said three soldiers and 12 civilians died."
    found = find_numbers(text)
    assert [text[n.start : n.end] for n in found] == ["three", "12"]


def test_no_numbers() -> None:
    assert find_numbers("Nobody was hurt in the blast.") == []
