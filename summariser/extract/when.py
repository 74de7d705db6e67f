"""The event's time as written: the expression that dates the event itself ("late Saturday night",
"early Sunday", "July 2", "last night"), not the day police spoke, a suspect was charged or a court sat.

Candidates are weekday, calendar and relative-day expressions (with their part of day), outside quotes,
datelines and "Posted/Updated/Published" stamps. Each is ranked by its sentence: one that tells the event
("shot", "killed", "the shooting happened") beats one that tells a later step ("was charged",
"appeared in court", "police said Monday"); ties go to the earlier one (the headline and lead first).
Resolving the expression to a date against the publication day is ``summariser.dates.resolve_date``.
"""

from __future__ import annotations

import re

from .nlp import Analysis

__all__ = ["TIME_EXPRESSION", "find_event_time"]

_DAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_PART = r"(?:morning|afternoon|evening|night|overnight)"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
TIME_EXPRESSION = re.compile(
    rf"\b(?:(?:early|late|last|this|before\s+dawn|after\s+dark|shortly\s+after\s+midnight)\s+)?(?:on\s+)?"
    rf"(?:(?:early|late)\s+)?{_DAY}(?:,?\s+{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?"
    rf"(?:,\s+\d{{4}})?)?(?:\s+{_PART})?\b"
    rf"|\b(?:on\s+)?{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,\s+\d{{4}}|,?\s+(?:last|this)\s+year)?\b"
    r"|\b(?:last\s+night|yesterday(?:\s+" + _PART + r")?|overnight|early\s+(?:this\s+)?morning|this\s+morning"
    r"|this\s+afternoon|this\s+evening|tonight|earlier\s+today)\b",
    re.IGNORECASE,
)
_STAMP = re.compile(
    r"\b(?:Posted|Updated?|Published|Last Updated|Created)\b:?[^\n]{0,12}$|\(Published\s*$|©|Copyright", re.I
)
_EVENT = re.compile(
    r"\b(?:shot|shooting|shootings|killed|killing|dead|died|wounded|injured|hurt|opened fire|fired|gunfire|"
    r"happened|occurred|took place|slain|stabbed|found|homicide|murder(?:ed)?|responded|attack(?:ed)?|"
    r"strikes?|bomb(?:ing|ed)?|blast|explosion|clash(?:es)?|fighting|riot(?:ing)?|protest(?:ers|ed)?|raid)\b",
    re.I,
)
_LATER_STEP = re.compile(
    r"\b(?:arraign\w*|court|hearing|sentenc\w*|charged|indicted|jury|trial|appeared|bond|arrested|custody|"
    r"booked|released|identified|funeral|vigil|convicted|pleaded|surrendered|named|update[ds]?|denied|"
    r"denies|blamed|condemned|claimed)\b",
    re.I,
)
_SAID = re.compile(r"\b(?:said|says|announced|reported|told|confirmed|released|tweeted)\s*$", re.I)
_SAID_AFTER = re.compile(r"^\s*(?:,\s*)?(?:police|officials|authorities|the \w+ said)\b", re.I)


def _stamped(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return bool(_STAMP.search(text[line_start:start]))


def _dateline(text: str, start: int) -> bool:
    """'INDIANAPOLIS, Ind. (Feb. 20, 2014) —', 'KYIV, Ukraine, March 3 (Reuters) -': the report's own date."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    return bool(re.fullmatch(r"\s*[A-Z][A-Z .'’-]*,[^\n(—–]{0,40}?,?\s*\(?", before))


def _rank(an: Analysis, start: int, end: int) -> int:
    """0: the sentence tells the event; 1: neither; 2: it tells a later step or who said so."""
    text = an.text
    s, e = an.sentence_at(start)
    sentence = text[s:e]
    said = bool(_SAID.search(text[max(s, start - 25) : start]))
    if said:
        return 2
    event = bool(_EVENT.search(sentence))
    later = bool(_LATER_STEP.search(sentence))
    if event and not later:
        return 0
    if event:
        # both: the expression belongs to whichever is nearer ("charged Monday in the shooting Saturday")
        ev = min((abs(m.start() - (start - s)) for m in _EVENT.finditer(sentence)), default=999)
        lt = min((abs(m.start() - (start - s)) for m in _LATER_STEP.finditer(sentence)), default=999)
        return 0 if ev < lt else 2
    return 2 if later else 1


def find_event_time(an: Analysis) -> tuple[str, tuple[int, int]] | None:
    """The event's time expression as written and its span, or None."""
    text = an.text
    best: tuple[int, int, tuple[int, int]] | None = None
    for m in TIME_EXPRESSION.finditer(text):
        start, end = m.start(), m.end()
        if an.in_quote(start) or _stamped(text, start) or _dateline(text, start):
            continue
        rank = _rank(an, start, end)
        if best is None or (rank, start) < best[:2]:
            best = (rank, start, (start, end))
    if best is None or best[0] == 2:
        return None if best is None else (text[slice(*best[2])], best[2])
    s, e = best[2]
    return text[s:e], (s, e)
