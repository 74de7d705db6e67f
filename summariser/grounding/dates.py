"""Resolve a time expression to an ISO date, only where the text or the publication date allows it."""

from __future__ import annotations

import datetime as dt
import re

from ..calendar_words import MONTHS, WEEKDAYS

__all__ = ["names_other_day", "resolve_date"]

_WEEKDAYS = [d.lower() for d in WEEKDAYS]
_MONTHS = [m.lower() for m in MONTHS]
_MONTH_RE = "|".join(m[:3] + r"[a-z]*\.?" for m in _MONTHS)


_AHEAD_DAYS = 14
"""A day and month with no year more than this far after publication is of the year before."""


def _month(name: str) -> int:
    return next(i + 1 for i, m in enumerate(_MONTHS) if m.startswith(name[:3].lower()))


def resolve_date(text: str | None, published: dt.date | None) -> dt.date | None:
    """'March 3, 2016' -> 2016-03-03; 'on Tuesday' + published -> the last Tuesday on or before it."""
    if not text:
        return None
    low = text.lower()
    m = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", low)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    m = re.search(rf"\b({_MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?", low)
    m2 = re.search(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})(?:,?\s+(\d{{4}}))?", low)
    if m or m2:
        if m:
            month, day, year = _month(m[1]), int(m[2]), m[3]
        else:
            assert m2 is not None
            month, day, year = _month(m2[2]), int(m2[1]), m2[3]
        if year is None and published is None:
            return None
        y = int(year) if year else published.year  # type: ignore[union-attr]
        if not year and re.search(r"\blast year\b", low):
            y -= 1
        try:
            found = dt.date(y, month, day)
        except ValueError:
            return None
        if not year and published is not None and found > published + dt.timedelta(days=_AHEAD_DAYS):
            # "Dec. 30" in a report published in January: an event is reported after it happens
            found = found.replace(year=found.year - 1)
        return found
    if published is None:
        return None
    try:
        return _relative(low, published)
    except OverflowError:  # e.g. "yesterday" published 0001-01-01: before the calendar starts
        return None


def _relative(low: str, published: dt.date) -> dt.date | None:
    if "yesterday" in low or "last night" in low:
        return published - dt.timedelta(days=1)
    if re.search(r"\b(?:today|tonight|overnight|this (?:morning|afternoon|evening)|early morning)\b", low):
        return published
    for i, day_name in enumerate(_WEEKDAYS):
        if re.search(rf"\b{day_name}\b", low):
            back = (published.weekday() - i) % 7
            if back == 6:
                # the day after the publication day: a publication date a day early (time zones, a
                # late edition) or a day ahead ("turns 6 on Sunday"), seldom six days back
                return published
            return published - dt.timedelta(days=back)
    return None


_OTHER_DAY = re.compile(
    rf"\b(?:weeks?|months?|years?|days|ago|last|earlier|since|{'|'.join(_WEEKDAYS)}|{_MONTH_RE})\b", re.I
)


def names_other_day(text: str | None) -> bool:
    """Whether a time expression points away from the publication day ('last week', 'in March',
    'two days ago', a weekday) — then a date it cannot resolve is not the publication day either."""
    return bool(text and _OTHER_DAY.search(text))
