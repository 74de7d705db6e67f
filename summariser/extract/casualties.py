"""Casualty figures: one entry per reported figure (killed, injured, missing, displaced, detained), with
qualifier, victims and who reported it, plus a discrepancy entry where figures for one category disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..brief import CasualtyCategory, Qualifier
from .nlp import Analysis
from .numbers import NumberPhrase, find_numbers
from .sources import Citation, citation_in

__all__ = ["Figure", "find_casualties", "find_discrepancies", "Discrepancy"]

_CATEGORY = {
    "killed": CasualtyCategory.KILLED, "killing": CasualtyCategory.KILLED, "died": CasualtyCategory.KILLED,
    "dead": CasualtyCategory.KILLED, "deaths": CasualtyCategory.KILLED, "death": CasualtyCategory.KILLED,
    "fatalities": CasualtyCategory.KILLED, "lives": CasualtyCategory.KILLED, "perished": CasualtyCategory.KILLED,
    "slain": CasualtyCategory.KILLED, "massacred": CasualtyCategory.KILLED, "executed": CasualtyCategory.KILLED,
    "injured": CasualtyCategory.INJURED, "wounded": CasualtyCategory.INJURED, "hurt": CasualtyCategory.INJURED,
    "injuring": CasualtyCategory.INJURED, "wounding": CasualtyCategory.INJURED, "injuries": CasualtyCategory.INJURED,
    "missing": CasualtyCategory.MISSING, "unaccounted": CasualtyCategory.MISSING,
    "displaced": CasualtyCategory.DISPLACED, "fled": CasualtyCategory.DISPLACED, "homeless": CasualtyCategory.DISPLACED,
    "evacuated": CasualtyCategory.DISPLACED, "uprooted": CasualtyCategory.DISPLACED,
    "detained": CasualtyCategory.DETAINED, "arrested": CasualtyCategory.DETAINED, "abducted": CasualtyCategory.DETAINED,
    "kidnapped": CasualtyCategory.DETAINED, "captured": CasualtyCategory.DETAINED, "taken hostage": CasualtyCategory.DETAINED,
}
_AFTER_VERB = (r"killed|died|dead|perished|slain|massacred|executed|injured|wounded|hurt|missing|unaccounted|"
               r"displaced|fled|homeless|evacuated|uprooted|detained|arrested|abducted|kidnapped|captured|"
               r"taken hostage|deaths|fatalities|injuries")
_AUX = r"(?:were|was|have|has|had|been|are|is|being|reportedly|also|all|later|allegedly|confirmed|feared|left|now|went|gone|remain|remained|remain)"
_AFTER = re.compile(
    rf"^\s+(?P<vict>(?:(?!{_AUX}\b)[A-Za-z'’-]+\s+){{0,4}}?)(?:{_AUX}\s+)*(?P<verb>{_AFTER_VERB})\b",
    re.IGNORECASE,
)
_BEFORE = re.compile(
    r"\b(?P<verb>killing|killed|kills|kill|wounding|wounded|injuring|injured|left|leaving|claimed the lives of|"
    r"death toll (?:\w+\s+){0,3}?(?:to|at|of)|displacing|displaced|arrested|detained|abducted|kidnapped)"
    r"(?:\s+(?:at least|more than|about|some|nearly|almost|up to|around))?\s*$",
    re.IGNORECASE,
)
_UNITS_AFTER = re.compile(
    r"^\s*(?:%|percent|per cent|years?|months?|weeks?|days?|hours?|minutes?|km|kilometres?|kilometers?|miles?|"
    r"metres?|meters?|feet|times|a\.m\.|p\.m\.|am|pm|dollars|euros|pounds|\$|million dollars|bn|billion|points?|"
    r"votes?|seats?|tons?|tonnes?|kg)\b", re.IGNORECASE,
)
_CUMULATIVE = re.compile(r"\b(?:since (?:19|20)\d\d|since the (?:start|beginning)|civil war|the war has|the conflict has|"
                         r"so far this year|in total|overall|the war,|the conflict,)", re.IGNORECASE)
_VICTIM_CUT = re.compile(r"\s+(?:in|at|on|from|by|during|after|near|when|who|and|since|as|were|was)\b.*$", re.IGNORECASE)


@dataclass
class Figure:
    category: CasualtyCategory
    number: NumberPhrase
    victims: str | None
    reported_by: str | None
    cumulative: bool


def _victims(raw: str) -> str | None:
    v = _VICTIM_CUT.sub("", raw.strip()).strip(" ,")
    v = re.sub(r"^(?:of\s+)?(?:them|whom)$", "", v, flags=re.IGNORECASE).strip()
    v = re.sub(r"^(?:other|others)$", "others", v)
    return v or None


def find_casualties(an: Analysis, citations: list[Citation]) -> list[Figure]:
    text = an.text
    out: list[Figure] = []
    seen: set[tuple[int, int]] = set()
    for sent_start, sent_end in an.sentences:
        for num in find_numbers(text, sent_start, sent_end):
            if (num.count is not None and 1900 <= num.count <= 2100 and num.qualifier is Qualifier.EXACT) or \
                    _UNITS_AFTER.match(text, num.end) or (num.start > 0 and text[num.start - 1] in "$£€#"):
                continue
            if num.as_written.lower() in ("one", "a few", "several") and not re.match(r"\s+(?:person|people|man|woman|child|civilian|soldier)", text[num.end:]):
                continue
            after = _AFTER.match(text[num.end:sent_end])
            before = _BEFORE.search(text[max(sent_start, num.start - 60):num.start])
            category: CasualtyCategory | None = None
            victims: str | None = None
            if after:
                category = _CATEGORY.get(after.group("verb").lower())
                victims = _victims(after.group("vict"))
                if victims and len(victims.split()) > 3:
                    category = None
            if category is None and before:
                verb = before.group("verb").lower()
                if verb.startswith("death toll") or verb.startswith("claimed the lives"):
                    category = CasualtyCategory.KILLED
                elif verb in ("left", "leaving"):
                    tail = re.match(r"\s+(?:[a-z]+\s+){0,2}?(dead|injured|wounded|homeless|missing)\b", text[num.end:sent_end])
                    category = _CATEGORY.get(tail.group(1)) if tail else None
                else:
                    category = _CATEGORY.get(re.sub(r"s$", "", verb) + ("ed" if verb.endswith("kill") else ""),
                                             _CATEGORY.get(verb))
                    if verb in ("kills", "kill"):
                        category = CasualtyCategory.KILLED
                vm = re.match(r"\s+((?:[A-Za-z'’-]+\s*){1,3})", text[num.end:sent_end])
                victims = _victims(vm.group(1)) if vm else None
            if category is None or (num.start, num.end) in seen:
                continue
            seen.add((num.start, num.end))
            cite = citation_in(citations, sent_start, sent_end)
            out.append(Figure(category, num, victims, cite.name if cite else None,
                              bool(_CUMULATIVE.search(text, sent_start, sent_end))))
    return out


@dataclass
class Discrepancy:
    field: str
    description: str
    figures: list[Figure]


def _key(f: Figure) -> tuple[int | None, int | None, int | None, Qualifier]:
    n = f.number
    return n.count, n.count_min, n.count_max, n.qualifier


def find_discrepancies(figures: list[Figure]) -> list[Discrepancy]:
    """Figures for one category that disagree (event figures only, not cumulative war tolls)."""
    out: list[Discrepancy] = []
    for cat in CasualtyCategory:
        group = [f for f in figures if f.category is cat and not f.cumulative]
        distinct: dict[tuple[int | None, int | None, int | None, Qualifier], Figure] = {}
        for f in group:
            distinct.setdefault(_key(f), f)
        if len(distinct) < 2:
            continue
        values = list(distinct.values())
        parts = [f"{f.number.as_written}" + (f" ({f.reported_by})" if f.reported_by else "") for f in values]
        noun = {"killed": "death tolls", "injured": "injury figures"}.get(cat.value, f"{cat.value} figures")
        out.append(Discrepancy(f"casualties.{cat.value}", f"Reports give different {noun}: " + " vs ".join(parts) + ".",
                               values))
    return out
