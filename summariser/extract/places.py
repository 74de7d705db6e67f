"""Places: mentions clustered across spellings ("Maaret al-Numan" / "Maarat al-Noaman"), with region
("north-western Syria") and country, and the choice of the event's own locations.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..schema.brief import PlaceKind
from .gazetteer import ADJECTIVAL, DEMONYMS, country_of
from .nlp import Analysis, Mention

__all__ = ["Place", "PlaceSet", "find_places", "same_place", "skeleton"]

_SETTLEMENT = re.compile(
    r"\b(?:city|town|village|province|district|region|area|neighbou?rhood|camp|suburb|governorate|"
    r"municipality|county|state|port|capital)\s+of\s+(?P<name>[A-Z][\w'’-]*(?:\s+(?:al-|el-|ad-|as-|de\s+)?"
    r"[A-Z][\w'’-]*){0,3})"
)
_DIRECTION = (
    r"(?:north|south|east|west|central|northern|southern|eastern|western|"
    r"(?:north|south)[- ]?(?:east|west)(?:ern)?)"
)
_REGION = re.compile(rf"\b(?P<region>(?i:{_DIRECTION})\s+(?P<country>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?))")
_PROVINCE = re.compile(
    r"\b(?P<region>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?\s+(?:province|governorate|region|district))\b"
)
_NOT_EVENT_PLACE = re.compile(
    r"^\s*(?:peace\s+)?(?:talks|conference|process|accords?|agreement|convention|summit|negotiations|meeting|"
    r"communiqu[eé]|declaration|protocol)\b",
    re.IGNORECASE,
)
_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|at|ash|an|az|ath|adh|ed|es|et|en|ul)$")
_LOCATIVE = re.compile(
    r"\b(?:in|across|throughout|inside|into|within|around|near|all over|parts of|areas of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_DEMONYM_SETTLEMENT = re.compile(
    r"\b(?P<dem>[A-Z][a-z]+)\s+(?:(?:northern|southern|eastern|western|central|border|coastal|capital|"
    r"provincial|frontline|rebel-held|government-held)\s+)?(?:city|town|village|province|region|district|"
    r"capital|port|camp)(?:\s+of)?\s+$"
)


_FUTURE = re.compile(r"\b(?:will|next (?:week|month|year)|again|upcoming|planned|later this)\b")


def _locative_at(text: str, start: int) -> bool:
    """``start`` follows "in", "at" or "to" (a venue: "met in Lisbon", "flew to Doha for talks")."""
    return re.search(r"\b(?:in|at|to)\s+(?:the\s+)?$", text[max(0, start - 12) : start]) is not None


def _locative(text: str, start: int) -> bool:
    return _LOCATIVE.search(text, max(0, start - 20), start) is not None


@functools.lru_cache(maxsize=4096)
def skeleton(name: str) -> str:
    """A spelling-tolerant key: Arabic article and vowels dropped, doubled letters collapsed."""
    words = re.split(r"[\s'’-]+", name.lower())
    kept = [w for w in words if w and not _ARTICLE.match(w)]
    s = re.sub(r"[^a-z]", "", "".join(kept))
    s = re.sub(r"[aeiouy]", "", s)
    return re.sub(r"(.)\1+", r"\1", s)


@functools.lru_cache(maxsize=8192)
def same_place(a: str, b: str) -> bool:
    if a.lower() == b.lower():
        return True
    ka, kb = skeleton(a), skeleton(b)
    if not ka or not kb:
        return False
    if ka == kb and len(ka) >= 3:
        return fuzz.ratio(a.lower(), b.lower()) >= 55
    return min(len(ka), len(kb)) >= 5 and fuzz.ratio(ka, kb) >= 88 and fuzz.ratio(a.lower(), b.lower()) >= 70


@dataclass
class Place:
    name: str
    mentions: list[Mention] = field(default_factory=list)
    country: str | None = None
    region: str | None = None
    is_country: bool = False
    kind: PlaceKind = PlaceKind.OTHER
    city: str | None = None  # the city a neighbourhood, street or site is in
    secondary: bool = False  # a hospital, a street, another incident's place

    @property
    def aliases(self) -> list[str]:
        out: list[str] = []
        for m in self.mentions:
            if m.text != self.name and m.text not in out:
                out.append(m.text)
        return out


@dataclass
class PlaceSet:
    places: list[Place]
    spans: set[tuple[int, int]]
    regions: list[tuple[str, int, int, str | None]]  # (region as written, start, end, country)

    def dominant_country(self, text: str) -> str | None:
        """The country the article places things in most often ("in Syria", "northern Syria"); a country
        named only as an actor ("Syria said") or an adjective does not count."""
        counts: Counter[str] = Counter()
        for p in self.places:
            if p.is_country and p.country:
                counts.update(p.country for m in p.mentions if _locative(text, m.start))
        counts.update(c for _, _, _, c in self.regions if c)
        return counts.most_common(1)[0][0] if counts else None

    def country_near(self, text: str, start: int, end: int) -> str | None:
        """A country the text places something in between ``start`` and ``end`` (a sentence)."""
        for _written, rs, _re, c in self.regions:
            if c and start <= rs < end:
                return c
        for p in self.places:
            located = any(start <= m.start < end and _locative(text, m.start) for m in p.mentions)
            if p.is_country and p.country and located:
                return p.country
        return None


_PAGE_TITLE = re.compile(r"\s[-–|](?:\s|$)|\.(?:com|net|org)\b")
"""A web page's title run into a name ("Lincoln County - Example.com - Jackson"): no place."""
_COMPOUND_PART = re.compile(
    r"[-–][A-Z][\w'’]+(?:\s[A-Z][\w'’]+)?\s+(?:neighbou?rhood|section|area|district)\b"
)
"""The first half of a compound neighbourhood name ("the Maple-Ridge neighborhood"): not a place itself."""


def _candidates(an: Analysis) -> list[Mention]:
    text = an.text
    found: list[Mention] = []
    for sm in _SETTLEMENT.finditer(text):
        s, e = sm.start("name"), sm.end("name")
        found.append(Mention(text[s:e], "PLACE", s, e))
    for m in an.mentions:
        overlaps = any(f.start < m.end and m.start < f.end for f in found)
        # a name glued to a word is an adjective ("a UK-based group", "US-backed forces"): no place
        glued = ADJECTIVAL.match(text, m.end) or _COMPOUND_PART.match(text, m.end)
        if m.label in ("GPE", "LOC", "FAC") and not overlaps and not glued and not _PAGE_TITLE.search(m.text):
            found.append(m)
    # a person/organisation mention that is another spelling of a known place is that place
    for m in an.mentions:
        if (
            m.label in ("PERSON", "ORG")
            and not any(f.start < m.end and m.start < f.end for f in found)
            and not country_of(m.text)
            and any(same_place(m.text, f.text) and not country_of(f.text) for f in found)
        ):
            found.append(Mention(m.text, "PLACE", m.start, m.end))
    return sorted(found, key=lambda x: x.start)


_GENERIC_PLACE = re.compile(
    r"\s+(?:province|district|region|governorate|camp|city|town|village|valley|river|county|state|area|port)$",
    re.IGNORECASE,
)
_LOCATIVE_BEFORE = r"\b(?:in|at|near|from|to|into|of|outside|inside|across|towards?)\s+(?:the\s+)?"


_DATELINE = re.compile(
    r"^[A-Z][A-Z .'’-]+,\s+(?P<y>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?),\s+(?:[A-Z][a-z]{2,}\.?\s+\d|\()",
    re.MULTILINE,
)


def _with_generic(a: str, b: str) -> bool:
    """'Hazar' and 'Hazar province', 'Bayda' and 'Bayda camp': one place."""
    short, long = sorted((a, b), key=len)
    return long.startswith(short + " ") and bool(_GENERIC_PLACE.fullmatch(long[len(short) :]))


def _locative_somewhere(text: str, name: str) -> bool:
    return re.search(_LOCATIVE_BEFORE + re.escape(name) + r"\b", text) is not None


def _country_like(text: str, candidates: list[Mention]) -> set[str]:
    """Unknown countries from datelines and addresses: Y in 'TEL QARUN, Valdoria', 'in Sarvan, Talmor'."""
    names = {m.text for m in candidates}
    out: set[str] = set()
    for d in _DATELINE.finditer(text):
        y = d.group("y")
        if y in names and not country_of(y) and not _GENERIC_PLACE.search(" " + y):
            out.add(y)
    for m in candidates:
        after = re.match(r",\s+([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)(?=[,.;:)\s]|$)", text[m.end : m.end + 40])
        if not after:
            continue
        y = after.group(1)
        if y in names and not country_of(m.text) and not _GENERIC_PLACE.search(" " + y) and y != m.text:
            out.add(y)
    return out


def find_places(an: Analysis) -> PlaceSet:
    text = an.text
    places: list[Place] = []
    # a first or last name of someone the article names is not a place ("Tamerlan", "Tsarnaev")
    name_parts: set[str] = set()
    for pm in an.mentions:
        words = pm.text.split()
        if pm.label == "PERSON" and len(words) >= 2:
            name_parts.update((words[0], words[-1]))
    candidates = _candidates(an)
    country_like = _country_like(text, candidates)
    for m in candidates:
        if not re.search(r"[A-Za-z]", m.text) or m.text.lower() in ("earth", "the world"):
            continue
        if re.search(r"[\"“”]", m.text) or (m.text in name_parts and not _locative_somewhere(text, m.text)):
            continue
        country = country_of(m.text) or (m.text if m.text in country_like else None)
        home = next(
            (
                p
                for p in places
                if (country and p.is_country and p.country == country)
                or (
                    not country
                    and not p.is_country
                    and any(same_place(m.text, x.text) or _with_generic(m.text, x.text) for x in p.mentions)
                )
            ),
            None,
        )
        if home is None:
            places.append(Place(m.text, [m], country=country, is_country=country is not None))
        else:
            home.mentions.append(m)
    regions: list[tuple[str, int, int, str | None]] = []
    for r in _REGION.finditer(text):
        c = country_of(r.group("country"))
        proper = text[r.start()].isupper() and an.sentence_at(r.start())[0] != r.start()
        if c and not proper:  # "Northern Ireland", "South Sudan" mid-sentence are names, not regions
            regions.append(
                (text[r.start("region") : r.end("country")], r.start("region"), r.end("country"), c)
            )
    for r in _PROVINCE.finditer(text):
        regions.append((r.group("region"), r.start("region"), r.end("region"), None))
    pset = PlaceSet(places, {(m.start, m.end) for p in places for m in p.mentions}, regions)
    for p in places:
        if p.is_country:
            continue
        for m in p.mentions:
            after = re.match(r",\s+([A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)", text[m.end : m.end + 40])
            if after and (country_of(after.group(1)) or after.group(1) in country_like):
                p.country = country_of(after.group(1)) or after.group(1)
                break
    return pset


def _country_from_context(an: Analysis, pset: PlaceSet, p: Place) -> str | None:
    """The country a place's own sentences put it in: "the Syrian town of X", "X ... in northern Syria"."""
    text = an.text
    for m in p.mentions:
        dem = _DEMONYM_SETTLEMENT.search(text, max(0, m.start - 50), m.start)
        if dem and dem.group("dem").lower() in DEMONYMS:
            return DEMONYMS[dem.group("dem").lower()]
    for m in p.mentions:
        ss, se = an.sentence_at(m.start)
        found = pset.country_near(text, ss, se)
        if found:
            return found
    return None


def event_places(an: Analysis, pset: PlaceSet, event_sents: set[int], *, venue: bool = False) -> list[Place]:
    """The places where the event happened: places named in event sentences, countries only as a fallback.
    ``venue``: a diplomatic event happens where the talks are ("met in Lisbon", "the talks in Doha")."""
    text = an.text
    chosen: list[Place] = []
    for p in pset.places:
        for m in p.mentions:
            if an.sentence_index(m.start) not in event_sents:
                continue
            future = _FUTURE.search(text, *an.sentence_at(m.start))  # "agreed to meet again in Oslo"
            if venue and not p.is_country and _locative_at(text, m.start) and not future:
                chosen.append(p)
                break
            if not venue and not _NOT_EVENT_PLACE.match(text[m.end : m.end + 30]):
                chosen.append(p)
                break
    local = [p for p in chosen if not p.is_country]
    if not local:
        local = chosen[:1]
    if not local:
        others = [
            p
            for p in pset.places
            if not p.is_country
            and not _NOT_EVENT_PLACE.match(text[p.mentions[0].end : p.mentions[0].end + 30])
        ]
        others.sort(key=lambda p: -len(p.mentions))
        local = others[:1] or [p for p in pset.places if p.is_country][:1]
    dominant = pset.dominant_country(text)
    for p in local:
        if p.country is None:
            p.country = _country_from_context(an, pset, p) or dominant
        if p.region is None:
            for written, _start, _end, country in sorted(
                pset.regions, key=lambda r: (an.sentence_index(r[1]) not in event_sents, r[1])
            ):
                if written == p.name:
                    continue
                if country is None or country == p.country or (p.is_country and country == p.country):
                    p.region = written
                    break
        if p.is_country and p.region and p.region.endswith(p.name):
            p.region = p.region if p.region != p.name else None
    return local
