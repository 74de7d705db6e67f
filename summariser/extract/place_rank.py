"""The event's place hierarchy: the anchored city first (``anchors``), then neighbourhoods, admin areas
(state, province) and country; hospitals, streets, sites and other places the lead names after it, marked
secondary.
"""

from __future__ import annotations

import re

from ..schema.brief import PlaceKind
from .anchors import REGION_WORD, SITE, STREET, Anchor, city_info, plausible, state_name
from .events import VIOLENT
from .nlp import Analysis, Mention
from .places import Place
from .town_cues import TownCue
from .towns import spelled_out

__all__ = ["rank_places"]

_HOSPITAL = re.compile(r"\b(?:Hospital|Medical Center|Health|Clinic|Trauma)\b")


def _kind(p: Place) -> PlaceKind:
    if p.is_country:
        return PlaceKind.COUNTRY
    if STREET.search(p.name) or re.search(r"\bblock of\b", p.name):
        return PlaceKind.STREET
    if SITE.search(p.name):
        return PlaceKind.SITE
    if REGION_WORD.search(p.name) or state_name(p.name):
        return PlaceKind.REGION
    if city_info(p.name):
        return PlaceKind.CITY
    return PlaceKind.OTHER


def _expanded(name: str) -> str:
    """'Mt. Juliet' -> 'Mount Juliet': the spelled-out name, else ``name``."""
    return spelled_out(name) or name


def _body_spelling(text: str, name: str) -> str:
    """The article's own mixed-case spelling of a name its dateline shouts ('MCLEAN' -> 'McLean')."""
    m = re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE)
    while m is not None and m.group().isupper():
        m = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE).search(text, m.end())
    return m.group() if m is not None else name


def _place_of(an: Analysis, anchor: Anchor, out: list[Place]) -> Place:
    home = next((p for p in out if p.name.lower() == anchor.name.lower()), None)
    if home is None:
        written = an.text[anchor.start : anchor.end]
        home = Place(
            _body_spelling(an.text, anchor.name), [Mention(written, "GPE", anchor.start, anchor.end)]
        )
    else:
        out.remove(home)
        if home.name.isupper():
            home.name = _body_spelling(an.text, anchor.name)
    home.kind = PlaceKind.REGION if REGION_WORD.search(anchor.name) else PlaceKind.CITY
    home.region = home.region or anchor.region
    home.country = anchor.country or home.country
    home.name = _expanded(home.name)
    return home


_MAX_SECONDARY = 8
_MAX_TOWNS = 6
_NAMEDSITE = re.compile(
    r"(?P<name>(?:[A-Z][\w'’-]*\s+){0,3}[A-Z][\w'’-]*\s+(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Boulevard|"
    r"Lane|Drive|Airfield|Airport|Hospital|Hotel|[Rr]estaurant|[Cc]af[eé]|[Mm]arket|[Mm]osque|[Cc]hurch|School|"
    r"Base|Castle|Barracks)\b"
    r"|(?:Rue|Calle|Via|Avenida|Cafetería|Cafeteria|Café|Hotel)\s+(?:(?:de|del|la|le|du|des)\s+)?"
    r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})"
)
_NAMED_NEIGHBOURHOOD = re.compile(
    r"\bthe\s+(?P<name>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})\s+(?:neighbou?rhood|section|district)\b"
)
SITE_NOT = re.compile(r"^(?:The|A|An|In|At|On|Near|By|From|To|After|Before|When|While)\s+")


def _in_scope(an: Analysis, start: int, lead_end: int) -> bool:
    """In the lead, or in a sentence about violence or its toll."""
    if start < lead_end:
        return True
    s, e = an.sentence_at(start)
    return VIOLENT.search(an.lower, s, e) is not None


def _lead_end(an: Analysis) -> int:
    """Where the lead ends: after the fourth paragraph (headline, dateline and lead)."""
    return an.paragraphs[min(3, len(an.paragraphs) - 1)][1] if an.paragraphs else len(an.text)


def _secondary_places(an: Analysis, chosen: list[Place], others: list[Place], lead_end: int) -> list[Place]:
    """Other places the lead or a sentence about the violence names (countries, streets, the town victims
    were taken to) and named sites ("the Central Hospital", "Cafe Rolando"), all secondary."""
    text = an.text
    names = {p.name.lower() for p in chosen}
    out: list[Place] = []
    for sm in _NAMEDSITE.finditer(text):
        name = SITE_NOT.sub("", sm.group("name"))
        s = sm.end("name") - len(name)
        if name.lower() in names or an.in_quote(s) or not _in_scope(an, s, lead_end) or len(name) < 5:
            continue
        place = Place(name, [Mention(name, "FAC", s, sm.end("name"))], secondary=True)
        place.kind = _kind(place)
        out.append(place)
        names.add(name.lower())
    for p in others:
        if p.name.lower() in names or not any(_in_scope(an, m.start, lead_end) for m in p.mentions):
            continue
        p.kind, p.secondary = _kind(p), True
        out.append(p)
        names.add(p.name.lower())
    for m in an.mentions:
        if (
            m.label not in ("ORG", "FAC")
            or m.start >= lead_end
            or m.text.lower() in names
            or an.in_quote(m.start)
        ):
            continue
        if SITE.search(m.text) and not any(c.isdigit() for c in m.text):
            out.append(Place(m.text, [m], kind=PlaceKind.SITE, secondary=True))
            names.add(m.text.lower())
    return out[:_MAX_SECONDARY]


def _town_places(an: Analysis, towns: list[TownCue], known: set[str]) -> list[Place]:
    """Towns the text names in passing (``town_cues``) and the hierarchy lacks: secondary cities."""
    out: list[Place] = []
    for t in towns:
        name = _expanded(t.name)
        if name.lower() in known or t.name.lower() in known:
            continue
        mention = Mention(an.text[t.start : t.end], "GPE", t.start, t.end)
        out.append(
            Place(name, [mention], region=t.region, country=t.country, kind=PlaceKind.CITY, secondary=True)
        )
        known.add(name.lower())
    return out[:_MAX_TOWNS]


def _state_of(anchors: list[Anchor]) -> bool:
    """Whether a state beside the places is the anchored city's region: assumed for a dateline, headline or
    police city, not for a town the text names only in passing ("NEW YORK —" may be the city)."""
    return any(a.source != "cue" for a in anchors)


def rank_places(
    an: Analysis,
    places: list[Place],
    anchors: list[Anchor],
    others: list[Place] | None = None,
    towns: list[TownCue] | None = None,
) -> list[Place]:
    """``places`` (the event's) in hierarchy order with kind, city and secondary set: the anchored places
    first (added when the rules had not chosen them), neighbourhoods, admin areas, then sites and streets
    (secondary); a bare state abbreviation becomes the city's region, not a place of its own. ``others``:
    the article's other places, of which those the lead names are added last, as secondary; ``towns``:
    towns the text names in passing; the most-named, if named as the scene's ("Waycross Police", "a
    Waycross home"), is the event's city when nothing anchors the report."""
    towns = list(towns or [])
    if not anchors and towns and towns[0].strong:  # the most-named town, named as the scene's
        anchors = [towns.pop(0).anchor()]
    out: list[Place] = []
    for p in places:
        p.kind = _kind(p)
        if p.kind is PlaceKind.REGION and state_name(p.name) and _state_of(anchors):
            continue  # "Fla." beside the city: the city's region
        if p.kind is PlaceKind.OTHER and anchors:
            p.kind = PlaceKind.NEIGHBOURHOOD  # a named part of the anchored city
        p.name = _expanded(p.name)
        out.append(p)
    head = [_place_of(an, a, out) for a in anchors]
    known = {p.name.lower() for p in [*head, *out]}
    for m in _NAMED_NEIGHBOURHOOD.finditer(an.text, 0, _lead_end(an)):
        name = m.group("name")
        if anchors and name.lower() not in known and not an.in_quote(m.start()) and plausible(name):
            out.append(
                Place(
                    name, [Mention(name, "LOC", m.start("name"), m.end("name"))], kind=PlaceKind.NEIGHBOURHOOD
                )
            )
            known.add(name.lower())
    cities = [p.name for p in head if p.kind is PlaceKind.CITY]
    city = cities[0] if cities else next((p.name for p in out if p.kind is PlaceKind.CITY), None)
    for p in out:
        if p.kind in (PlaceKind.STREET, PlaceKind.SITE, PlaceKind.NEIGHBOURHOOD):
            p.city = city
        if p.kind is PlaceKind.STREET or (p.kind is PlaceKind.SITE and _HOSPITAL.search(p.name)):
            p.secondary = True
    order = {PlaceKind.CITY: 0, PlaceKind.NEIGHBOURHOOD: 1, PlaceKind.SITE: 2, PlaceKind.REGION: 3,
             PlaceKind.COUNTRY: 4, PlaceKind.STREET: 5, PlaceKind.OTHER: 6}  # fmt: skip
    rest = sorted(out, key=lambda p: (p.secondary, order[p.kind])) if anchors else out
    lead_end = _lead_end(an)
    rest += _town_places(an, towns, {n.lower() for p in head + rest for n in [p.name, *p.aliases]})
    extra = _secondary_places(an, head + rest, [p for p in others or [] if p not in out], lead_end)
    if anchors:
        for p in extra:
            if p.kind is PlaceKind.REGION and state_name(p.name):
                p.secondary = False  # the anchored city's state: part of its hierarchy
    return head + rest + [p for p in extra if not (p.kind is PlaceKind.REGION and state_name(p.name))]
