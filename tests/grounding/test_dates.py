from __future__ import annotations

import datetime as dt

import pytest

from summariser.grounding.dates import names_other_day, resolve_date

PUB = dt.date(2016, 2, 17)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on Tuesday", dt.date(2016, 2, 16)),
        ("on Wednesday", PUB),
        ("yesterday", dt.date(2016, 2, 16)),
        ("today", PUB),
        ("on March 3, 2015", dt.date(2015, 3, 3)),
        ("on 24 February", dt.date(2016, 2, 24)),
        ("on 3 March", dt.date(2015, 3, 3)),  # weeks ahead of publication: reported events are past
        ("Dec. 6", dt.date(2015, 12, 6)),
        ("2016-01-05", dt.date(2016, 1, 5)),
        ("last week", None),
        (None, None),
    ],
)
def test_resolve_date(text: str | None, expected: dt.date | None) -> None:
    assert resolve_date(text, PUB) == expected


def test_weekday_without_publication_date_gives_no_date() -> None:
    assert resolve_date("on Tuesday", None) is None
    assert resolve_date("on 3 March", None) is None
    assert resolve_date("on February 30, 2016", None) is None


@pytest.mark.parametrize("text", ["on Wednesday", "yesterday", "last night", "on Saturday"])
def test_a_date_at_the_edge_of_the_calendar_is_left_unresolved(text: str) -> None:
    # --published 0001-01-01 (a Monday): "yesterday" would be year 0, which Python cannot represent
    assert resolve_date(text, dt.date(1, 1, 1)) is None


@pytest.mark.parametrize(
    ("text", "other"),
    [
        (None, False),
        ("at 2330", False),
        ("two hours", False),
        ("last week", True),
        ("three days ago", True),
        ("in March", True),
        ("on Friday", True),
    ],
)
def test_names_other_day(text: str | None, other: bool) -> None:
    assert names_other_day(text) is other


def test_the_day_after_publication_is_not_read_as_six_days_back() -> None:
    # PUB is a Wednesday: "Thursday" is the next day, not the Thursday six days before
    assert resolve_date("on Thursday", PUB) == PUB
    assert resolve_date("on Friday", PUB) == dt.date(2016, 2, 12)
