"""Cited sources: outlets and institutions the article attributes information to.

"according to X", "as per X", "X reported", "told X", "in an interview with X"; anaphors such as
"the publication" or "the news agency" resolve to the outlet cited last before them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..brief import ActorKind
from .actors import ActorIndex, org_kind
from .nlp import Analysis

__all__ = ["Citation", "citation_in", "find_citations", "source_kind"]

_ANAPHOR = re.compile(
    r"(?:the\s+)?(?:publication|newspaper|paper|news agency|agency|outlet|broadcaster|network|channel|daily|"
    r"magazine|wire service)\b",
    re.IGNORECASE,
)
_INTRO = re.compile(
    r"\b(?:according to|as per|as reported by|reported by|cited by|quoted by|"
    r"(?:told|telling|speaking to|speaking with|in an interview with"
    r"|in a statement to)(?=\s+(?:the\s+)?[A-Z]))"
    r"\s+(?:the\s+)?(?:(?:statement|report|reports|account|figures?|data|estimates?|tally)\s+(?:of|by|from)\s+"
    r"(?:the\s+)?)?",
    re.IGNORECASE,
)
_VERB_AFTER = re.compile(
    r"\s+(?:has\s+|had\s+|have\s+)?(?:reported|reports|reveals|revealed|said|says|stated|states|announced|"
    r"speculated|confirmed|quoted|cited|published|wrote|writes)\b"
)
_GENERIC = re.compile(
    r"(?:state media|state television|state TV|activists"
    r"|officials|witnesses|residents|rescuers|medics|doctors|"
    r"local sources|sources|monitors|a monitoring group|the monitor|police|the police|the military|the army|"
    r"the ministry|health officials|hospital officials)\b",
    re.IGNORECASE,
)


_PHRASE = re.compile(
    r"(?:(?:provincial|local|regional|state|city|national|district|military|government)\s+)?"
    r"(?:[a-z]+\s+){0,2}(?:office|ministry|department|directorate|authorit(?:y|ies)|officials?|"
    r"committee|council|agency|service|command|sources|staff|monitor|observatory|spokes(?:man|woman))\b"
)


@dataclass(frozen=True)
class Citation:
    name: str  # canonical name (an anaphor resolved to the outlet it stands for)
    kind: str
    start: int  # the mention as written
    end: int
    at: int  # where the citation is made (for "which sentence")


def source_kind(kind: ActorKind) -> str:
    if kind is ActorKind.MEDIA:
        return "media"
    if kind is ActorKind.PERSON:
        return "person"
    if kind is ActorKind.OTHER:
        return "other"
    return "institution"


def _named_at(an: Analysis, pos: int, actors: ActorIndex) -> tuple[str, str, int, int] | None:
    """The named source starting at ``pos``: (canonical name, kind, start, end)."""
    for m in an.mentions:
        if m.start == pos and m.label in ("ORG", "PERSON", "GPE", "NORP", "WORK_OF_ART", "FAC"):
            actor = actors.at(m.start, m.end) or actors.find(m.text)
            if actor is not None:
                return actor.name, source_kind(actor.kind), m.start, m.end
            return m.text, source_kind(org_kind(m.text)) if m.label == "ORG" else "other", m.start, m.end
    actor = actors.at(pos, pos + 1)
    if actor is not None:
        for s, e in actor.mentions:
            if s == pos:
                return actor.name, source_kind(actor.kind), s, e
    return None


def find_citations(an: Analysis, actors: ActorIndex) -> list[Citation]:
    text = an.text
    found: list[Citation] = []
    for m in _INTRO.finditer(text):
        pos = m.end()
        named = _named_at(an, pos, actors)
        if named:
            found.append(Citation(named[0], named[1], named[2], named[3], m.start()))
            continue
        ana = _ANAPHOR.match(text, pos)
        if ana:
            prev = [c for c in found if c.kind == "media" and c.at < m.start()]
            if prev:
                found.append(Citation(prev[-1].name, "media", prev[-1].start, prev[-1].end, m.start()))
            continue
        gen = _GENERIC.match(text, pos) or _PHRASE.match(text, pos)
        if gen and gen.group().strip():
            found.append(Citation(gen.group(), "other", gen.start(), gen.end(), m.start()))
    for a in actors.actors:
        if a.kind in (ActorKind.PERSON, ActorKind.STATE, ActorKind.OTHER):
            continue
        for s, e in a.mentions:
            if not an.in_quote(s) and _VERB_AFTER.match(text, e):
                found.append(Citation(a.name, source_kind(a.kind), s, e, e))
    for m in _GENERIC.finditer(text):
        if not an.in_quote(m.start()) and _VERB_AFTER.match(text, m.end()):
            found.append(Citation(m.group(), "other", m.start(), m.end(), m.end()))
    for m in re.finditer(
        r"\b(?:the\s+)?(?:news agency|publication|newspaper)(?=" + _VERB_AFTER.pattern + ")",
        text,
        re.IGNORECASE,
    ):
        prev = [c for c in found if c.kind == "media" and c.at < m.start()]
        if prev:
            found.append(Citation(prev[-1].name, "media", prev[-1].start, prev[-1].end, m.start()))
    found.sort(key=lambda c: c.at)
    return found


def citation_in(citations: list[Citation], start: int, end: int) -> Citation | None:
    """The first citation made between ``start`` and ``end`` (a sentence)."""
    return next((c for c in citations if start <= c.at < end), None)
