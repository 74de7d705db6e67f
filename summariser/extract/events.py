"""Event type and sub-type from keyword rules, and the sentences that tell the event."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..schema.taxonomy import EventType
from .nlp import Analysis

__all__ = ["CASUALTY_WORDS", "VIOLENT", "EventGuess", "classify", "event_sentences"]

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
        r"(?:peace )?talks\b|negotiations|summit|met with|meeting (?:between|with)|bilateral meeting",
        EventType.DIPLOMATIC,
        "Talks/meeting",
        0.6,
    ),
    (
        r"cease-?fire (?:agreement|deal|was announced|announced|agreed|declared)"
        r"|(?:announced|agreed|declared|signed) (?:a |an |the )?(?:\w+ )?(?:cease-?fire|truce)",
        EventType.DIPLOMATIC,
        "Ceasefire announcement",
        0.8,
    ),
    (r"sanctions", EventType.DIPLOMATIC, "Sanctions", 0.8),
    (
        r"walked out of (?:the )?(?:peace )?talks|withdr[ae]w from (?:the )?(?:peace )?talks|"
        r"pull(?:ed|s)? out of (?:the )?(?:peace )?talks|suspend\w* (?:its |their )?participation",
        EventType.DIPLOMATIC,
        "Withdrawal from talks",
        1.0,
    ),
]


def _lowercase(pattern: str) -> str:
    """The pattern for lowercased text: letters lowercased, escapes (\\b, \\s, \\w) kept."""
    return re.sub(r"(\\.)|([A-Z])", lambda m: m.group(1) or m.group(2).lower(), pattern)


# every keyword regex runs on ``Analysis.lower`` (same offsets), case-sensitively: far faster than IGNORECASE
_COMPILED = [(re.compile(rf"\b(?:{_lowercase(p)})"), t, s, w) for p, t, s, w in _RULES]
_CASUALTY_WORDS = r"killed|killing|dead|died|deaths?|wounded|injured|injuring|casualties|death toll"
VIOLENT = re.compile(
    r"\b(?:"
    + "|".join(_lowercase(p) for p, t, _, _ in _RULES if t not in (EventType.DIPLOMATIC, EventType.STRATEGIC))
    + rf")|\b(?:{_CASUALTY_WORDS})\b"
)
"""Violence or casualties; search ``Analysis.lower``."""
CASUALTY_WORDS = re.compile(rf"\b(?:{_CASUALTY_WORDS})\b")
"""Casualty words; search ``Analysis.lower``."""


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
    with_casualties = {an.sentence_index(m.start()) for m in CASUALTY_WORDS.finditer(an.lower)}
    for rx, etype, sub, weight in _COMPILED:
        for m in rx.finditer(an.lower):
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
    if not scores:  # no rule fired (deaths alone may be a disease or an accident): undecided
        return EventGuess(EventType.OTHER, None)
    by_type: dict[EventType, float] = {}
    for (etype, _), v in scores.items():
        by_type[etype] = by_type.get(etype, 0.0) + v
    best_type = max(by_type, key=lambda t: by_type[t])
    best = max((k for k in scores if k[0] is best_type), key=lambda k: scores[k])
    return EventGuess(best_type, best[1], first[best], {f"{k[0].value}/{k[1]}": v for k, v in scores.items()})


_HOSPITAL = re.compile(
    r"\b(?:hospitali[sz]ed|(?:taken|rushed|brought|evacuated|admitted) to (?:a |the |local |nearby )?"
    r"hospitals?|treated (?:in|at) (?:a |the |local |nearby )?hospitals?)\b",
    re.IGNORECASE,
)


_DIPLOMATIC = re.compile(
    r"\b(?:talks|met|meet|meeting|summit|negotiat\w+|signed|sign|agreed|agreement|cease-?fire|truce|sanctions|"
    r"visit\w*|hosted|envoy|delegations?)\b"
)


def event_sentences(an: Analysis, etype: EventType | None = None) -> set[int]:
    """Indices of sentences that tell of violence, casualties or the victims' hospital (narrative, not
    quotes); for a diplomatic event, the sentences about the meeting, deal or sanctions."""
    rxs = (_DIPLOMATIC,) if etype is EventType.DIPLOMATIC else (VIOLENT, _HOSPITAL)
    hits = {an.sentence_index(m.start()) for rx in rxs for m in rx.finditer(an.lower)}
    return {i for i in hits if not an.in_quote(*an.sentences[i])} if an.sentences else set()
