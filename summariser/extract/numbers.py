"""Number phrases as written: digits, words ("three", "twenty-five"), vague amounts ("dozens"),
ranges ("between 10 and 15", "10 to 15") and their qualifiers ("at least", "more than", "up to").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..schema.brief import Qualifier

__all__ = ["NumberPhrase", "find_numbers", "word_value"]

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
# vague amounts -> (min, max)
_VAGUE = {
    "a dozen": (12, 12),
    "half a dozen": (6, 6),
    "dozens": (24, 99),
    "scores": (40, 99),
    "hundreds": (200, 999),
    "thousands": (2000, 9999),
    "tens of thousands": (20_000, 99_999),
    "hundreds of thousands": (200_000, 999_999),
    "millions": (2_000_000, 9_999_999),
    "several dozen": (24, 99),
    "several hundred": (200, 999),
    "several thousand": (2000, 9999),
    "a handful of": (2, 5),
    "several": (3, 9),
    "a few": (2, 5),
    "a couple of": (2, 2),
}
_QUALIFIERS = {
    "at least": Qualifier.AT_LEAST,
    "no fewer than": Qualifier.AT_LEAST,
    "no less than": Qualifier.AT_LEAST,
    "a minimum of": Qualifier.AT_LEAST,
    "more than": Qualifier.MORE_THAN,
    "over": Qualifier.MORE_THAN,
    "upwards of": Qualifier.MORE_THAN,
    "in excess of": Qualifier.MORE_THAN,
    "about": Qualifier.ABOUT,
    "around": Qualifier.ABOUT,
    "approximately": Qualifier.ABOUT,
    "roughly": Qualifier.ABOUT,
    "nearly": Qualifier.ABOUT,
    "almost": Qualifier.ABOUT,
    "some": Qualifier.ABOUT,
    "an estimated": Qualifier.ABOUT,
    "estimated": Qualifier.ABOUT,
    "close to": Qualifier.ABOUT,
    "up to": Qualifier.UP_TO,
    "as many as": Qualifier.UP_TO,
    "at most": Qualifier.UP_TO,
    "fewer than": Qualifier.FEWER_THAN,
    "less than": Qualifier.FEWER_THAN,
    "under": Qualifier.FEWER_THAN,
}

_WORD = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
_ATOM_WORDS = rf"(?:{_WORD}|a)(?:(?:\s+and\s+|[\s-]+)(?:{_WORD}|hundred|thousand|million))*"
_ATOM_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:\s+(?:hundred|thousand|million))?"
_ATOM = rf"(?:{_ATOM_DIGITS}|{_ATOM_WORDS})"
_VAGUE_RE = "|".join(re.escape(v) for v in sorted(_VAGUE, key=len, reverse=True))
_QUAL_RE = "|".join(re.escape(q) for q in sorted(_QUALIFIERS, key=len, reverse=True))
_PATTERN = re.compile(
    rf"(?<![\w,.-])(?:(?P<qual>{_QUAL_RE})\s+)?"
    rf"(?:(?:between\s+(?P<lo>{_ATOM})\s+and\s+(?P<hi>{_ATOM}))"
    rf"|(?:(?P<lo2>{_ATOM})\s+(?:to|or)\s+(?P<hi2>{_ATOM}))"
    rf"|(?:(?P<lo3>\d[\d,]*)\s*[-–]\s*(?P<hi3>\d[\d,]*))"
    rf"|(?P<vague>{_VAGUE_RE})"
    rf"|(?P<one>{_ATOM}))(?![\w-])",
    re.IGNORECASE,
)


_LOWER_PATTERN = re.compile(_PATTERN.pattern)  # the same, for lowercased text (all its literals are)


@dataclass(frozen=True)
class NumberPhrase:
    """A number as written; ``text[start:end] == as_written``."""

    start: int
    end: int
    as_written: str
    count: int | None
    count_min: int | None
    count_max: int | None
    qualifier: Qualifier


def word_value(s: str) -> int | None:
    """The value of a number written in digits or words ("twenty-five", "1,200", "3 million")."""
    s = s.strip().lower()
    digits = re.fullmatch(r"([\d,]+(?:\.\d+)?)(?:\s+(hundred|thousand|million))?", s)
    if digits:
        value = float(digits.group(1).replace(",", ""))
        if digits.group(2):
            value *= _SCALES[digits.group(2)]
        return int(value)
    total, current, seen = 0, 0, False
    for word in re.split(r"[\s-]+", s):
        if word == "and":
            continue
        if word == "a":
            current = max(current, 1)
        elif word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES:
            scale = _SCALES[word]
            current = max(current, 1) * scale
            if scale >= 1000:
                total, current = total + current, 0
        else:
            return None
        seen = True
    return total + current if seen else None


def find_numbers(
    text: str, start: int = 0, end: int | None = None, *, lower: str | None = None
) -> list[NumberPhrase]:
    """Every number phrase in ``text[start:end]`` with offsets into ``text``. ``lower``: ``text`` already
    lowercased character for character (searched case-sensitively, which is faster)."""
    end = len(text) if end is None else end
    out: list[NumberPhrase] = []
    if lower is not None:
        matches = _LOWER_PATTERN.finditer(lower, start, end)
    else:
        matches = _PATTERN.finditer(text, start, end)
    for m in matches:
        qual_word = (m.group("qual") or "").lower()
        qualifier = _QUALIFIERS.get(qual_word, Qualifier.EXACT)
        lo_s = m.group("lo") or m.group("lo2") or m.group("lo3")
        hi_s = m.group("hi") or m.group("hi2") or m.group("hi3")
        count: int | None = None
        cmin: int | None = None
        cmax: int | None = None
        if lo_s and hi_s:
            lo, hi = word_value(lo_s), word_value(hi_s)
            if lo is None or hi is None or lo > hi:
                continue
            cmin, cmax = lo, hi
        elif m.group("vague"):
            cmin, cmax = _VAGUE[m.group("vague").lower()]
            if cmin == cmax:
                count, cmin, cmax = cmin, None, None
            if qualifier is Qualifier.EXACT and count is None:
                qualifier = Qualifier.ABOUT
        else:
            atom = m.group("one")
            if atom.lower() in ("a", "an"):
                continue
            count = word_value(atom)
            if count is None:
                continue
        out.append(NumberPhrase(m.start(), m.end(), text[m.start() : m.end()], count, cmin, cmax, qualifier))
    return out
