"""The event's time as written and its date against the publication day. Texts written for the tests."""

from __future__ import annotations

import datetime as dt

import pytest

from summariser.extract import extract
from summariser.grounding.dates import resolve_date

SUNDAY = dt.date(2016, 5, 8)


def _time(text: str) -> str | None:
    return extract(text, published=SUNDAY).time_text


@pytest.mark.parametrize(
    ("text", "expected", "date"),
    [
        (
            "Two men were shot late Saturday night outside a bar, police said Sunday.",
            "late Saturday night",
            7,
        ),
        ("A woman was wounded early Sunday in a drive-by shooting.", "early Sunday", 8),
        ("Three people were hurt in a shooting last night, officers said.", "last night", 7),
        ("Police said Monday that a man was killed on April 30 at a gas station.", "on April 30", -1),
    ],
)
def test_event_time_and_date(text: str, expected: str, date: int) -> None:
    found = _time(text)
    assert found == expected
    want = dt.date(2016, 4, 30) if date == -1 else dt.date(2016, 5, date)
    assert resolve_date(found, SUNDAY) == want


def test_the_event_day_not_the_day_of_a_later_hearing() -> None:
    text = (
        "Suspect in court\n\n"
        "A man appeared in court on Friday charged with murder. "
        "The victim was shot dead on Tuesday outside his home."
    )
    assert _time(text) == "on Tuesday"


def test_publication_stamps_and_datelines_are_not_the_event_time() -> None:
    text = (
        "Teen shot\n\nPosted: Sunday, May 8, 2016 10:00 AM\n\n"
        "KENT, Wash. (AP) — A teenager was shot on Saturday afternoon, police said."
    )
    assert _time(text) == "on Saturday afternoon"


def test_relative_days_resolve_against_the_publication_day() -> None:
    assert resolve_date("overnight", SUNDAY) == SUNDAY
    assert resolve_date("early this morning", SUNDAY) == SUNDAY
    assert resolve_date("yesterday", SUNDAY) == dt.date(2016, 5, 7)
    assert resolve_date("late Friday", SUNDAY) == dt.date(2016, 5, 6)


def test_a_december_date_in_a_january_report_is_last_year() -> None:
    assert resolve_date("Dec. 30", dt.date(2016, 1, 2)) == dt.date(2015, 12, 30)
    assert resolve_date("Jan. 1", dt.date(2016, 1, 2)) == dt.date(2016, 1, 1)
