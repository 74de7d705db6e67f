from __future__ import annotations

import pytest

from summariser.grounding.link import ActorIdResolver, numbers_in, same_actor


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Salem al-Meslet", "al-Meslet", True),
        ("Salem al-Meslet", "Meslet", True),
        ("Salem al-Meslet", "Ahmed al-Meslet", False),
        ("Riyad Hijab", "Riyad", True),
        ("Vladimir Putin", "Putin", True),
        ("President Vladimir Putin", "Putin", True),
        ("High Negotiations Committee", "HNC", True),
        ("the United Nations", "UN", True),
        ("Barack Obama", "Vladimir Putin", False),
        ("", "Putin", False),
    ],
)
def test_same_actor(a: str, b: str, same: bool) -> None:
    assert same_actor(a, b) is same
    assert same_actor(b, a) is same


def test_index_resolves_unique_matches_only() -> None:
    idx = ActorIdResolver(
        [("a1", ["Salem al-Meslet"]), ("a2", ["Riyad Hijab"]), ("a3", ["High Negotiations Committee", "HNC"])]
    )
    assert idx.resolve("Riyad") == "a2"
    assert idx.resolve("HNC") == "a3"
    assert idx.resolve("Ahmed al-Meslet") is None
    assert idx.resolve(None) is None
    twins = ActorIdResolver([("a1", ["Ali Hassan"]), ("a2", ["Omar Hassan"])])
    assert twins.resolve("Hassan") is None


def test_numbers_in() -> None:
    assert numbers_in("44 civilians, at least 37 people, 1,200 homes") == {44, 37, 1200}
    assert {3, 25, 300} <= numbers_in("three soldiers, twenty-five wounded, three hundred displaced")
