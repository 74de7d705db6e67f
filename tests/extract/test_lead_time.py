"""The event's time: never the dateline's date; a weekday or relative expression before a calendar date."""

from __future__ import annotations

from summariser.extract import extract


def test_dateline_date_is_not_the_event_time() -> None:
    text = (
        "NORTHBRIDGE, March 3 (Wire) - Two soldiers were killed on Friday morning when a roadside bomb "
        "struck their patrol near the border town of Ashvale, the army said.\n"
    )
    d = extract(text)
    assert d.time_text is not None and "Friday" in d.time_text
    s, e = d._time_spans[0]
    assert text[s:e] == d.time_text


def test_weekday_is_preferred_to_a_calendar_date_in_the_event_sentence() -> None:
    text = (
        "Three people were wounded on Tuesday in a grenade attack on a market in Lorvik, which had been "
        "calm since March 2021, police said.\n"
    )
    d = extract(text)
    assert d.time_text is not None and "Tuesday" in d.time_text


def test_an_age_or_a_bare_number_is_not_the_event_time() -> None:
    text = "A 17-year-old was wounded in a shooting in Garrow, police said. He is one of 3 hurt this year.\n"
    d = extract(text)
    assert d.time_text is None or ("year-old" not in d.time_text and not d.time_text.strip().isdigit())


def test_an_update_stamp_is_not_the_event_time() -> None:
    text = (
        "Two hurt in cinema shooting\n\nUPDATE SATURDAY 6:10 AM\n\n"
        "Two people were shot on Friday night outside a cinema in Harwick, police said.\n"
    )
    d = extract(text)
    assert d.time_text is not None and "Friday" in d.time_text
