"""The names of days and months, for every rule that must tell a date from a name or a place."""

from __future__ import annotations

__all__ = ["DAY_OR_MONTH", "MONTHS", "MONTH_ABBREVIATIONS", "WEEKDAYS"]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)  # fmt: skip
MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec")
DAY_OR_MONTH = "|".join((*WEEKDAYS, *MONTHS))
"""A regex alternation of the full names (capitalised, as written in running text)."""
