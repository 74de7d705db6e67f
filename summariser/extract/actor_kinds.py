"""What kind of actor a name is: outlet, international body, government, armed group, political body
(``org_kind``), the kind an apposition gives it ("X, a UK-based monitoring group," -> other), and whether
an NER span looks like a name at all (``name_like``).
"""

from __future__ import annotations

import re

from ..schema.brief import ActorKind
from .gazetteer import INTERNATIONAL, MEDIA, MEDIA_WORDS

__all__ = ["described_kind", "name_like", "org_kind"]

_NGO = re.compile(
    r"\b(?:for Human Rights|Human Rights|Observatory|Watch|Monitor (?:for|of)|Foundation|Institute|Centre|"
    r"Center|Crisis Group|Amnesty|Red Cross|Red Crescent|Society|Charity|Relief|Aid)\b"
)


def org_kind(name: str) -> ActorKind:
    low = name.lower()
    if low in MEDIA or (MEDIA_WORDS.search(name) and not _NGO.search(name)):
        return ActorKind.MEDIA
    if low in INTERNATIONAL or re.search(r"\b(?:United Nations|UN|U\.N\.|NATO)\b", name):
        return ActorKind.INTERNATIONAL_ORG
    if re.search(
        r"\b(?:Department|Ministry|Government|White House|Kremlin|Pentagon|Cabinet|Administration|"
        r"Embassy|Foreign Office|Elysee|Downing Street)\b",
        name,
        re.IGNORECASE,
    ):
        return ActorKind.GOVERNMENT
    if re.search(
        r"\b(?:Army|Forces|Brigades?|Front|Militia|Islamic State|ISIS|ISIL|IS|Daesh|Qaeda|Taliban|"
        r"Hezbollah|Hamas|Shabaab|Boko Haram|Jaish|Ahrar|Jabhat|Nusra|Guards?|Battalion|Regiment|"
        r"Corps|YPG|PKK|SDF|FSA)\b",
        name,
    ):
        return ActorKind.ARMED_GROUP
    if re.search(
        r"\b(?:Committee|Party|Council|Coalition|Parliament|Senate|Congress|Assembly|Commission|"
        r"Movement|Opposition|Campaign|Caucus|DNC|RNC|GOP|Democrats|Republicans)\b",
        name,
    ):
        return ActorKind.POLITICAL_BODY
    return ActorKind.OTHER


_DESCRIBED = re.compile(
    r",\s+(?:an?|the|one of the)\s+(?:[\w'’-]+\s+){0,4}?(?:(?P<media>news agency|newspaper|broadcaster|"
    r"television(?: channel| station)?|channel|outlet|daily|weekly|website|news site|radio(?: station)?)|"
    r"(?P<other>monitoring group|monitor|watchdog|rights group|charity|aid group|aid agency|NGO|"
    r"non-governmental organi[sz]ation|think tank|research group|observatory|advocacy group)|"
    r"(?P<armed>militia|armed group|(?:rebel|insurgent|jihadist|militant|separatist|armed|paramilitary)"
    r" (?:group|movement|organi[sz]ation|force|alliance)|faction)|"
    r"(?P<political>party|coalition|movement|alliance|opposition group|bloc))\b"
)
_DESCRIBED_KIND = {
    "media": ActorKind.MEDIA,
    "other": ActorKind.OTHER,
    "armed": ActorKind.ARMED_GROUP,
    "political": ActorKind.POLITICAL_BODY,
}


def described_kind(text: str, mentions: list[tuple[int, int]]) -> ActorKind | None:
    """The kind an apposition gives an organisation: "X, a UK-based monitoring group," -> other."""
    for _, e in mentions:
        m = _DESCRIBED.match(text, e)
        if m and m.lastgroup:
            return _DESCRIBED_KIND[m.lastgroup]
    return None


_NAME_PARTICLES = frozenset(
    {"of", "for", "the", "and", "de", "del", "della", "da", "di", "du", "des", "al", "el", "bin", "ibn"}
    | {"van", "von", "der", "le", "la", "y", "e", "on", "in", "at", "to"}
)


def name_like(name: str) -> bool:
    """A name as NER noise never is: no quotation marks, brackets or slashes, no glued sentence end, and
    no lowercase word but a particle ("Council for National Dialogue", "Staffan de Mistura")."""
    if re.search(r"[\"“”\[\]/|@#?!+]|[a-z][.?!][A-Z]", name):
        return False
    words = re.split(r"\s+", name.strip())
    if all(w.islower() for w in words):
        return True  # a body written in lowercase: "national human rights commission"
    if not words or (not words[0][:1].isupper() and words[0].lower() not in _NAME_PARTICLES):
        return False
    if len(words) > 1 and words[-1].lower() in _NAME_PARTICLES:  # "Belfast Brigade of"
        return False
    return all(
        w[:1].isupper() or w[:1].isdigit() or w.lower() in _NAME_PARTICLES or re.match(r"\w+-", w)
        for w in words
    )
