"""Towns a report names in passing, as a modifier or an address rather than a dateline: "Waycross Police
officers", "a 21-year-old Aurora man", "the Stroudsburg Area School District", "her Far Rockaway
apartment", "Jane Doe, 17, of Lingle", "from Connell", "in Lone Tree", "the county part of Broken Arrow",
"Pittsburgh's Hill-Top neighborhood", "a Temple Hills-area house", "D.C." (Washington).

Each needs the gazetteer (``anchors.city_info`` or a US town of ``towns``), except a home town written
after a named person's age ("Jane Doe, 17, of Lingle"), the most explicit of these cues. A cue that
names the scene (police, a home, a school district, a neighbourhood) is strong; one that names where
someone lives or was taken (a man, a hospital, "from", "in") is weak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..calendar_words import DAY_OR_MONTH, MONTH_ABBREVIATIONS
from .anchors import REGION_WORD, SITE, STREET, Anchor, city_info, plausible, state_name
from .nlp import Analysis
from .towns import town_info

__all__ = ["TownCue", "find_town_cues", "states_named"]

_W = r"(?:[A-Z][a-z]*[A-Z][a-z]+|[A-Z][a-z]+)"  # "Aurora", "McLean", "DeKalb"
_TOWN = (
    rf"(?P<place>(?!(?:The|A|An|This|That|In|At|On|Her|His)\s)(?:(?:St|Mt|Ft)\.?\s+)?{_W}(?:\s+{_W}){{0,2}})"
)
_TOWN_LAZY = _TOWN.replace("{0,2}", "{0,2}?")  # before a fixed suffix: "Stroudsburg" Area School District
_PERSON_NOUNS = (
    r"man|woman|men|women|teen|teenager|boy|girl|resident|residents|couple|family|native|mother|father"
)
_SCENE_NOUNS = (
    r"home|house|apartment|residence|neighbou?rhood|campus|school|store|bar|nightclub|club|motel|hotel|church|"
    r"pharmacy|business|restaurant|park|street|block|duplex|complex"
)
_MODIFIER = re.compile(
    rf"(?:\b(?:[Aa]n?|[Tt]he|[Hh]er|[Hh]is|[Tt]heir|[Oo]ur)|\d+-year-old|['’]s)\s+{_TOWN_LAZY}\s+"
    rf"(?:(?P<scene>{_SCENE_NOUNS})|{_PERSON_NOUNS}|hospital)\b"
)
_HEAD_MODIFIER = re.compile(rf"^{_TOWN_LAZY}\s+(?:{_PERSON_NOUNS})\b", re.MULTILINE)  # "Aurora man hurt"
_INSTITUTION = re.compile(
    rf"\b{_TOWN_LAZY}\s+(?:(?P<scene>[Pp]olice|Fire (?:Department|Chief)|(?:Area\s+)?School District|"
    r"City Schools|Public Schools|City Council|City Hall)|(?:Regional\s+)?Medical Center|Regional Hospital)\b"
)
_AREA = re.compile(rf"\b{_TOWN_LAZY}(?:-{_W}(?:\s{_W})?)*-area\b")
_LOCATIVE = re.compile(rf"\b(?:[Ii]n|[Nn]ear|[Oo]utside|[Ff]rom|part of)\s+{_TOWN}")
_OF = re.compile(rf"\sof\s+{_TOWN}\b")
_HOME_TOWN = re.compile(
    rf"(?:\d{{1,3}}-year-old\s+(?:{_W}\s+){{1,3}}|{_W},\s+\d{{1,3}},\s+)of\s+{_TOWN_LAZY}(?=[,.;]|\s+[a-z])"
)
_POSSESSIVE = re.compile(
    rf"\b{_TOWN_LAZY}['’]s\s+(?:[A-Z][\w'’-]*\s+){{1,3}}?(?:neighbou?rhood|section|district|area|side)\b"
)
_DC = re.compile(r"\bD\.\s?C\.|\bDistrict of Columbia\b")
_STATE_ABBR = re.compile(r",\s+(?P<st>[A-Z][a-z]{1,4}\.|[A-Z]\.[A-Z]\.|[A-Z]{2})(?=\W)")
_NOT_TOWN = re.compile(r"^(?:The|This|That|Police|Officers|Deputies|Sheriff|Authorities|Investigators)\b")


@dataclass
class TownCue:
    """A town the text names in passing: its name, where, and how many cues name it."""

    name: str
    start: int
    end: int
    region: str | None
    country: str | None
    count: int = 1
    strong: bool = False  # named as the scene's town ("Waycross Police"), not only as someone's home town

    def anchor(self) -> Anchor:
        return Anchor(self.name, self.start, self.end, self.region, self.country, "cue")


def states_named(text: str) -> frozenset[str]:
    """US states the text names, in full ("Georgia") or after a comma ("Aurora, Ill.", "Connell, WA")."""
    found = {s for s in (state_name(m.group("st")) for m in _STATE_ABBR.finditer(text)) if s}
    for m in re.finditer(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\b", text):
        for w in (m.group(), m.group().split()[0]):
            s = state_name(w)
            if s and len(w) > 2:
                found.add(s)
    return frozenset(found)


def _known(name: str, states: frozenset[str]) -> tuple[str | None, str | None] | None:
    if not plausible(name) or _NOT_TOWN.match(name) or state_name(name):
        return None
    if REGION_WORD.search(name):
        return None
    single = " " not in name  # "University", "Park": a word, not a town; "Bean Station" is one
    # a US town first when the text names a US state ("Abingdon, Va."), else the world's city ("Paris")
    info = (town_info(name, states) or city_info(name)) if states else (city_info(name) or town_info(name))
    if info is None or (single and (SITE.search(name) or STREET.search(name))):
        return None
    return info


_RUNS_ON = re.compile(r"['’]|\s+[A-Z]")
_TIME_WORD = re.compile(rf"(?:{DAY_OR_MONTH}|{'|'.join(MONTH_ABBREVIATIONS)})$")
_NAME_GOES_ON = re.compile(r"(?:['’]s)?\s+(?P<w>[A-Z][a-z]+)")


def _goes_on(text: str, end: int) -> bool:
    """The name runs on into a county, street or site ("Lincoln County", "Ridge Road", "Prince George's
    County"): its first words are no town."""
    m = _NAME_GOES_ON.match(text, end)
    return m is not None and any(rx.search(m.group("w")) for rx in (REGION_WORD, STREET, SITE))


def _longest_known(
    text: str, start: int, name: str, states: frozenset[str]
) -> tuple[str, tuple[str | None, str | None]] | None:
    """``name`` (at ``start``), or its part before a day or month ("Lone Tree" of "Lone Tree Sunday"), if a
    known town, unless the name goes on into a county, street or site."""
    words = name.split()
    for n in range(len(words), 0, -1):
        part = " ".join(words[:n])
        if n < len(words) and not _TIME_WORD.match(words[n]):
            continue  # "Hamilton Heights" is no "Hamilton"; "Lone Tree Sunday" is "Lone Tree"
        if _goes_on(text, start + len(part)):
            return None
        info = _known(part, states)
        if info is not None:
            return part, info
    return None


def find_town_cues(an: Analysis) -> list[TownCue]:
    """Towns named by the cues of this module, most often named first."""
    text = an.text
    states = states_named(text)
    found: dict[str, TownCue] = {}

    def add(name: str, start: int, info: tuple[str | None, str | None], strong: bool = False) -> None:
        cue = found.get(name.lower())
        if cue is None:
            cue = found[name.lower()] = TownCue(name, start, start + len(name), info[0], info[1], 0)
        cue.count += 1
        cue.strong = cue.strong or strong

    for rx in (_MODIFIER, _HEAD_MODIFIER, _INSTITUTION, _AREA, _POSSESSIVE):
        for m in rx.finditer(text):
            name = m.group("place")
            info = _known(name, states)
            if info is not None:
                add(
                    name,
                    m.start("place"),
                    info,
                    strong=rx in (_AREA, _POSSESSIVE) or bool(m.groupdict().get("scene")),
                )
    for m in _LOCATIVE.finditer(text):
        if _RUNS_ON.match(text, m.end()):
            continue  # "in Williams' death", "from Star EMS"
        known = _longest_known(text, m.start("place"), m.group("place"), states)
        if known is not None:
            add(known[0], m.start("place"), known[1], strong=m.group().startswith("part"))
    for m in _OF.finditer(text):
        before = an.mentions_in(max(0, m.start() - 40), m.start(), ("PERSON",))
        after_age = re.search(r"\d{1,3},$", text[max(0, m.start() - 5) : m.start()])
        if not after_age and not any(p.end == m.start() for p in before):
            continue
        known = _longest_known(text, m.start("place"), m.group("place"), states)
        if known is not None:
            add(known[0], m.start("place"), known[1])
    for m in _HOME_TOWN.finditer(text):
        name = m.group("place")
        if name.lower() not in found and plausible(name) and not state_name(name) and not SITE.search(name):
            info = _known(name, states) or (None, "United States" if states else None)
            add(name, m.start("place"), info)
    for m in _DC.finditer(text):
        dc = found.setdefault(
            "washington",
            TownCue("Washington", m.start(), m.end(), "District of Columbia", "United States", 0),
        )
        dc.count, dc.strong = dc.count + 1, True
    return sorted(found.values(), key=lambda c: (-c.count, c.start))
