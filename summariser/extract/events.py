"""Event type and sub-type from keyword rules, the sentences that tell the event, and perpetrators
(who is said to be responsible, how certain, and who says so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..brief import Certainty
from ..taxonomy import EventType
from .actors import ActorIndex
from .nlp import Analysis

__all__ = ["EventGuess", "Perp", "classify", "event_sentences", "find_perpetrators"]

_E, _B, _V = EventType.EXPLOSIONS, EventType.BATTLES, EventType.VIOLENCE_AGAINST_CIVILIANS
_RULES: list[tuple[str, EventType, str, float]] = [
    (r"suicide (?:bomb(?:er|ing|s)?|attack(?:er)?s?|vest|car bomb)", _E, "Suicide bomb", 3.0),
    (r"chemical (?:attack|weapons?)|sarin|chlorine gas|nerve agent|toxic gas", _E, "Chemical weapon", 3.0),
    (
        r"air ?strikes?|airstrikes?|air raids?|bombing raids?"
        r"|warplanes?|fighter jets?|jets? (?:bombed|struck|hit)"
        r"|drone strikes?|drones? (?:struck|hit)|helicopter gunships?"
        r"|barrel bombs?|aerial (?:bombardment|attack)s?"
        r"|bombed from the air|airstrike",
        _E,
        "Air/drone strike",
        2.5,
    ),
    (
        r"shell(?:ing|ed|s)\b|artillery|mortars?|rockets?|missiles?|bombard(?:ment|ed)",
        _E,
        "Shelling/artillery/missile attack",
        2.0,
    ),
    (
        r"roadside bombs?|car bombs?|improvised explosive|\bIEDs?\b|landmines?|land mines?|explosive devices?"
        r"|pressure[- ]cooker bombs?|bombs? (?:exploded|went off"
        r"|detonated|blast)|explosions?|blasts?|detonat\w+"
        r"|bombings?\b|exploded",
        _E,
        "Remote explosive/landmine/IED",
        1.5,
    ),
    (r"grenades?", _E, "Grenade", 1.5),
    (
        r"clash(?:es|ed)?|fighting|gun ?battles?|firefights?|battles? for|fought|offensive|ambush(?:ed)?",
        _B,
        "Armed clash",
        1.5,
    ),
    (r"recaptured|retook|regained control", _B, "Government regains territory", 1.5),
    (
        r"(?:seized|captured|overran|took control of) (?:the )?(?:town|city|village|base|area)",
        _B,
        "Non-state actor overtakes territory",
        1.5,
    ),
    (
        r"shooting|shot dead|gunm[ae]n|opened fire|massacre|stabb(?:ed|ing)|executed|beheaded|"
        r"mass shooting|killing spree|rampage|hostages?",
        _V,
        "Attack",
        1.5,
    ),
    (r"kidnapp(?:ed|ing)|abduct(?:ed|ion)|disappeared", _V, "Abduction/forced disappearance", 1.5),
    (r"\brap(?:e|ed)\b|sexual (?:violence|assault)", _V, "Sexual violence", 1.5),
    (
        r"protest(?:s|ers|ed)?|demonstrat(?:ion|ors|ed)|rall(?:y|ies)|marche[sd]",
        EventType.PROTESTS,
        "Peaceful protest",
        1.0,
    ),
    (r"riot(?:s|ers|ing)?|looting|mob\b", EventType.RIOTS, "Violent demonstration", 1.2),
    (r"arrested|detained|detention|rounded up", EventType.STRATEGIC, "Arrests", 0.8),
    (
        r"peace talks|negotiations|summit|ceasefire (?:agreement"
        r"|deal|announced)|sanctions|walked out of talks",
        EventType.DIPLOMATIC,
        "Talks/meeting",
        0.6,
    ),
]
_COMPILED = [(re.compile(rf"\b(?:{p})", re.IGNORECASE), t, s, w) for p, t, s, w in _RULES]
_VIOLENT = re.compile(
    r"\b(?:"
    + "|".join(p for p, t, _, _ in _RULES if t not in (EventType.DIPLOMATIC, EventType.STRATEGIC))
    + r")"
    r"|\b(?:killed|killing|dead|died|deaths?|wounded|injured|injuring|casualties|death toll)\b",
    re.IGNORECASE,
)
_CASUALTY = re.compile(
    r"\b(?:killed|killing|dead|died|deaths?|wounded|injured|injuring|casualties|death toll)\b", re.IGNORECASE
)


@dataclass
class EventGuess:
    type: EventType
    sub_type: str | None
    trigger: tuple[int, int] | None = None  # the first keyword of the winning sub-type
    scores: dict[str, float] = field(default_factory=dict)


def classify(an: Analysis) -> EventGuess:
    """Score every sub-type's keywords, lead sentences and non-quoted text weighing more."""
    scores: dict[tuple[EventType, str], float] = {}
    first: dict[tuple[EventType, str], tuple[int, int]] = {}
    with_casualties = {an.sentence_index(m.start()) for m in _CASUALTY.finditer(an.text)}
    for rx, etype, sub, weight in _COMPILED:
        for m in rx.finditer(an.text):
            idx = an.sentence_index(m.start())
            w = (
                weight
                * (3.0 if idx < 2 else 1.5 if idx < 5 else 1.0)
                * (0.4 if an.in_quote(m.start()) else 1.0)
            )
            if idx in with_casualties:
                w *= 1.5
            key = (etype, sub)
            scores[key] = scores.get(key, 0.0) + w
            first.setdefault(key, (m.start(), m.end()))
    if not scores:
        if _CASUALTY.search(an.text):
            return EventGuess(_V, "Attack")
        return EventGuess(EventType.OTHER, None)
    by_type: dict[EventType, float] = {}
    for (etype, _), v in scores.items():
        by_type[etype] = by_type.get(etype, 0.0) + v
    best_type = max(by_type, key=lambda t: by_type[t])
    best = max((k for k in scores if k[0] is best_type), key=lambda k: scores[k])
    return EventGuess(best_type, best[1], first[best], {f"{k[0].value}/{k[1]}": v for k, v in scores.items()})


def event_sentences(an: Analysis) -> set[int]:
    """Indices of sentences that tell of violence or casualties (narrative, not quotes)."""
    hits = {an.sentence_index(m.start()) for m in _VIOLENT.finditer(an.text)}
    return {i for i in hits if not an.in_quote(*an.sentences[i])} if an.sentences else set()


@dataclass
class Perp:
    name: str
    certainty: Certainty
    spans: list[tuple[int, int]]
    attributed_by: list[str] = field(default_factory=list)


_ATTACK = (
    r"(?:bombing raids?|bombings?|air ?strikes?|airstrikes?"
    r"|air raids?|raids?|attacks?|strikes?|shelling|bombardment)"
)
_NP = r"(?:the\s+)?(?P<x>[A-Z]?[\w.'’-]+(?:\s+[\w.'’-]+){0,3}?)"
_KEYS = re.compile(
    r"\b(?:suspected|alleged|apparent|presumed|responsib\w*|behind|blam\w*|accus\w*|claimed|denie[sd]|"
    r"rejected|carried out|conducted|launched|confirmed|acknowledged|admitted)\b"
)
_PATTERNS: list[tuple[re.Pattern[str], Certainty, bool]] = [
    (
        re.compile(
            rf"\b(?:suspected|alleged|apparent|presumed)\s+(?P<x>(?!air\b)[\w'’-]+(?:\s+(?!air\b)[\w'’-]+)??)\s+{_ATTACK}"
        ),
        Certainty.SUSPECTED,
        False,
    ),
    (
        re.compile(
            rf"\b(?P<v>speculated|said|believed|suspected|suggested|alleged|claimed|think|thinks|believes|"
            rf"says|concluded|assessed)\s+(?:that\s+)?{_NP}\s+(?:was|were|is|are|had been|may have been|"
            rf"might have been)\s+(?:likely\s+|probably\s+)?(?:responsible|behind)"
        ),
        Certainty.SUSPECTED,
        True,
    ),
    (
        re.compile(
            rf"{_NP}\s+(?:was|were|is|are)\s+(?:widely\s+)?(?:believed|thought|suspected|said|blamed)\s+"
            rf"(?:to\s+(?:be|have been)\s+(?:responsible|behind)|for)"
        ),
        Certainty.SUSPECTED,
        False,
    ),
    (
        re.compile(rf"\b(?P<v>blamed|accused|blames|accuses)\s+{_NP}\s+(?:for|of)\b"),
        Certainty.SUSPECTED,
        True,
    ),
    (re.compile(rf"{_NP}\s+(?:has\s+|have\s+|later\s+)?claimed\s+responsibility"), Certainty.CLAIMED, False),
    (re.compile(rf"responsibility\s+(?:was|has been)\s+claimed\s+by\s+{_NP}\b"), Certainty.CLAIMED, False),
    (
        re.compile(
            rf"{_NP}\s+(?:has\s+|have\s+|had\s+)?(?:denied|denies|rejected)\s+(?:any\s+)?(?:responsibility|"
            rf"involvement|carrying out|any role|being behind|the accusations?|that it)"
        ),
        Certainty.DENIED,
        False,
    ),
    (
        re.compile(rf"{_ATTACK}\s+(?:was|were)\s+(?:carried out|conducted|launched)\s+by\s+{_NP}(?=[\s,.;])"),
        Certainty.CONFIRMED,
        False,
    ),
    (
        re.compile(
            rf"{_NP}\s+(?:confirmed|acknowledged|admitted)\s+(?:that\s+)?(?:it|they)\s+(?:had\s+)?"
            rf"(?:carried out|conducted|launched)"
        ),
        Certainty.CONFIRMED,
        False,
    ),
]
_RANK = {
    Certainty.CONFIRMED: 4,
    Certainty.CLAIMED: 3,
    Certainty.DENIED: 2,
    Certainty.SUSPECTED: 1,
    Certainty.UNKNOWN: 0,
}
_BAD_X = re.compile(
    r"^(?:it|they|he|she|this|that|which|who|there|we|i|you|one|others?|much|more|further|another|new|recent|"
    r"latest|possible|similar|deadly|terrorist|terror|chemical|gas|suicide|bomb|car|arson|hate|major|an?|the|"
    r"first|second|third|last|earlier|later)$",
    re.IGNORECASE,
)


def _subject_before(an: Analysis, pos: int, actors: ActorIndex) -> str | None:
    """The named subject right before a verb at ``pos`` ("the U.S. State Department speculated")."""
    for m in reversed(an.mentions):
        if m.end <= pos and pos - m.end <= 2 and m.label in ("ORG", "PERSON", "GPE", "NORP"):
            return m.text
    a = actors.at(max(0, pos - 3), pos - 1)
    return a.name if a else None


_NEGATED = re.compile(r"\b(?:no|not|nobody|none|never|yet)\b", re.IGNORECASE)


def _nounish(an: Analysis, start: int, x: str) -> bool:
    """The last word of a perpetrator phrase is a noun or a proper adjective ("regime", "Russian")."""
    last = start + len(x) - len(x.split()[-1])
    tag = an.tag_at(last)
    return tag.startswith("NN") or (tag == "JJ" and x.split()[-1][:1].isupper())


def find_perpetrators(an: Analysis, actors: ActorIndex) -> list[Perp]:
    text = an.text
    found: dict[str, Perp] = {}
    windows = sorted({an.sentence_at(k.start()) for k in _KEYS.finditer(text)})
    for rx, certainty, attributes in _PATTERNS:
        for m in (m for ws, we in windows for m in rx.finditer(text, ws, we)):
            x = m.group("x").strip()
            if not x or _BAD_X.match(x) or _BAD_X.match(x.split()[-1]) or _NEGATED.search(x):
                continue
            if certainty is Certainty.SUSPECTED and not attributes and not _nounish(an, m.start("x"), x):
                continue
            s, e = m.start("x"), m.start("x") + len(x)
            actor = actors.find(x) or actors.find(x + "s") or actors.at(s, e)
            name = actor.name if actor else x
            key = name.lower().rstrip("s")
            perp = found.get(key)
            if perp is None:
                perp = found[key] = Perp(name, certainty, [])
            elif len(name) > len(perp.name):
                perp.name = name
            if (s, e) not in perp.spans:
                perp.spans.append((s, e))
            if _RANK[certainty] > _RANK[perp.certainty]:
                perp.certainty = certainty
            who: str | None = None
            if attributes and "v" in rx.groupindex:
                who = _subject_before(an, m.start("v"), actors)
            elif certainty in (Certainty.CLAIMED, Certainty.DENIED, Certainty.CONFIRMED):
                who = x
            if who and who not in perp.attributed_by:
                perp.attributed_by.append(who)
    out = list(found.values())
    for p in out:
        p.spans.sort()
    return sorted(out, key=lambda p: p.spans[0])
