"""Perpetrators: who is said to be responsible, how certain, and who says so.

Each rule finds a keyword ("blamed", "claimed responsibility", "denied", "carried out by", "launched
attacks") and reads the noun phrase it governs with the tagger: the subject before it or the object after
it, trimmed to the actor ("government artillery positions south of the town" -> "government artillery")
and split at "and" ("blamed IS and the Assad regime"). ``attributed_by`` is the subject of the verb that
makes the attribution ("Residents blamed ..."); a denial or a claim is never attributed to the one who
denies or claims it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..schema.brief import Certainty
from .actors import ActorIndex, ActorRec
from .events import CASUALTY_WORDS, VIOLENT
from .nlp import Analysis
from .reporters import clause_at, reporter_named, subject_np

__all__ = ["Perp", "find_perpetrators"]


@dataclass
class Perp:
    name: str
    certainty: Certainty
    spans: list[tuple[int, int]]
    attributed_by: list[str] = field(default_factory=list)


_ATTACK = (
    r"(?:bombing raids?|bombings?|air ?strikes?|airstrikes?|drone strikes?|missile strikes?"
    r"|air raids?|raids?|attacks?|strikes?|shelling|bombardment|assaults?|blasts?|explosions?|killings?|"
    r"massacre|ambush|offensive|violence|shootings?)"
)
_HEDGE = re.compile(
    r"\b(?:believed|thought|suspected|reportedly|allegedly|presumably|probably|likely|may|might|could)\b"
)
_NEGATED = re.compile(r"\b(?:no|not|nobody|none|never|neither|nor|any)\s+(?:\w+\s+)?$", re.IGNORECASE)
_BAD = re.compile(
    r"^(?:it|they|he|she|this|that|which|who|there|we|i|you|one|others?|much|more|further|another|new|recent|"
    r"latest|possible|similar|deadly|terrorist|terror|chemical|gas|suicide|bomb|car|arson|hate|major|an?|the|"
    r"first|second|third|last|earlier|later|attack|attacks|group|groups|side|sides|someone|anyone|nobody|"
    r"responsibility|involvement|accusations?|claims?|reports?|statement|people|civilians|residents|"
    r"victims?|children|women|men)$",
    re.IGNORECASE,
)
_BAD_HEAD = re.compile(
    r"^(?:it|they|he|she|this|that|which|who|there|we|i|you|one|others?|attack|attacks|responsibility|"
    r"involvement|accusations?|claims?|reports?|statement|people|civilians|residents|victims?|children)$",
    re.IGNORECASE,
)
_TAIL = re.compile(
    r"\s+(?:positions?|posts?|lines?|bases?|batteries|battery|emplacements?|territory|areas?|side|strongholds?|"
    r"units?|checkpoints?|(?:north|south|east|west)\w*)$",
    re.IGNORECASE,
)
_ARMED_HEAD = re.compile(
    r"\b(?:gunmen|militants?|attackers?|insurgents?|rebels?|fighters|jihadists|militia\w*|troops|forces|"
    r"soldiers|army|military|police|government|regime|group|brigade|battalion|bomber|assailants?)$",
    re.IGNORECASE,
)

# (keyword regex, where the perpetrator is: "before" its start / "after" its end, certainty, attributing)
_RULES: list[tuple[re.Pattern[str], str, Certainty, bool]] = [
    (
        re.compile(
            r"\b(?:blamed|accused|blames|accuses|blaming|accusing"
            r"|(?:holds?|held|holding)(?=\s[^.;]{1,60}?\s+responsible\b))\s+"
            r"(?!(?:the\s+|an?\s+)?" + _ATTACK + r"\b)(?=\S)"
        ),
        "after",
        Certainty.SUSPECTED,
        True,
    ),
    (
        re.compile(
            r"\b(?:blamed|blames|blaming)\s+(?:the\s+|an?\s+)?(?:\w+\s+){0,2}?" + _ATTACK + r"\s+on\s+"
        ),
        "after",
        Certainty.SUSPECTED,
        True,
    ),
    (
        re.compile(
            r"\b(?:said|says|believed|believes|suspected|suspects|suggested|alleged|claimed|claims|think|thinks|"
            r"concluded|assessed|stated|insisted|argued|speculated|reported|told|indicated|believe)\s+(?:that\s+)?(?=[^.;]{1,60}?\s+"
            r"(?:was|were|is|are|had been|may have been|might have been)\s+(?:likely\s+|probably\s+)?"
            r"(?:responsible|behind)\b)"
        ),
        "after",
        Certainty.SUSPECTED,
        True,
    ),
    (
        re.compile(
            r"\s+(?:was|were|is|are)\s+(?:widely\s+)?(?:believed|thought|suspected|said|blamed|accused)\s+"
            r"(?:to\s+(?:be|have been)\s+(?:responsible|behind)|for|of)\b"
        ),
        "before",
        Certainty.SUSPECTED,
        False,
    ),
    (
        re.compile(
            r"\b(?:(?:widely\s+)?(?:believed|thought|suspected|presumed)\s+to\s+have\s+been\s+"
            r"(?:carried out|conducted|launched|committed|planted|perpetrated)"
            r"|blamed\s+on|attributed\s+to)\s+(?:by\s+)?"
        ),
        "after",
        Certainty.SUSPECTED,
        False,
    ),
    (
        re.compile(
            r"\s+(?:has\s+|have\s+|had\s+|later\s+|quickly\s+|swiftly\s+|also\s+)?(?:claimed|accepted|admitted)"
            r"\s+(?:full\s+)?responsibility\b"
        ),
        "before",
        Certainty.CLAIMED,
        False,
    ),
    (
        re.compile(r"\bresponsibility\s+(?:was|has been|had been)\s+(?:claimed|accepted)\s+by\s+"),
        "after",
        Certainty.CLAIMED,
        False,
    ),
    (
        re.compile(
            r"\s+(?:has\s+|have\s+|had\s+|also\s+|quickly\s+|later\s+)?"
            r"(?:denied|denies|deny|rejected|rejects)\s+(?:any\s+|all\s+)?(?:responsibility|involvement|"
            r"carrying out|any role|being behind|the accusations?|that it|the claims?|blame|the allegations?)"
        ),
        "before",
        Certainty.DENIED,
        False,
    ),
    (
        re.compile(
            rf"\b{_ATTACK}\s+(?:was|were|had been|has been)\s+(?:carried out|conducted|launched|committed|"
            rf"perpetrated|claimed)\s+by\s+"
        ),
        "after",
        Certainty.CONFIRMED,
        False,
    ),
    (
        re.compile(
            r"\b(?:had been|have been|has been|was|were)\s+(?:fired|launched|carried out|planted|detonated|"
            r"set off|committed|perpetrated|conducted)\s+by\s+"
        ),
        "after",
        Certainty.CONFIRMED,
        False,
    ),
    (
        re.compile(
            r"\s+(?:confirmed|acknowledged|admitted)\s+(?:that\s+)?(?:it|they)\s+(?:had\s+)?"
            r"(?:carried out|conducted|launched)"
        ),
        "before",
        Certainty.CONFIRMED,
        False,
    ),
    (
        re.compile(
            r"\s+(?:had\s+|has\s+|have\s+)?(?:launched|carried out|conducted|staged|mounted)\s+"
            rf"(?:(?:a|an|the|several|multiple|two|three|new|fresh|series of|wave of|deadly|coordinated)\s+)*"
            rf"(?:\w+\s+)?{_ATTACK}\b"
            r"|\s+(?:had\s+|has\s+)?(?:detonated|bombed|shelled|ambushed|opened fire"
            r"|fired (?:rockets|missiles|mortars|shells))\b"
            r"|\s+(?:had\s+|have\s+|has\s+)?(?:killed|shot dead|abducted|kidnapped|massacred|executed)\s+"
            r"(?=(?:at least |more than |about |some |nearly )?(?:\d|dozens|hundreds|scores|several|"
            r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fifteen|twenty)\b))"
        ),
        "before",
        Certainty.CONFIRMED,
        False,
    ),
]
_NARRATIVE = _RULES[-1][0]
_REPORTED = re.compile(
    r"\b(?:said|says|claimed|claims|alleged|alleges|accused|insisted|maintained|argued|told|believes|"
    r"believed)\b"
)
_KEYS = re.compile(
    r"\b(?:suspected|alleged|apparent|presumed|responsib\w*|behind|blam\w*|accus\w*|held|holds?|claimed|"
    r"denie[sd]|deny|rejected|rejects|carried out|conducted|launched|confirmed|acknowledged|admitted|"
    r"believed|thought|attributed|staged|mounted|detonated|bombed|shelled|ambushed|opened fire|fired|killed|"
    r"shot dead|abducted|kidnapped|massacred|executed)\b"
)
_SUSPECTED_ADJ = re.compile(
    rf"\b(?:suspected|alleged|apparent|presumed)\s+(?P<x>(?!air\b)[\w'’-]+(?:\s+(?!air\b)[\w'’-]+)??)\s+{_ATTACK}"
)
_RANK = {
    Certainty.CONVICTED: 6,
    Certainty.CHARGED: 5,
    Certainty.CONFIRMED: 4,
    Certainty.CLAIMED: 3,
    Certainty.DENIED: 2,
    Certainty.SUSPECTED: 1,
    Certainty.UNKNOWN: 0,
}


def _trim(an: Analysis, s: int, e: int) -> tuple[int, int] | None:
    text = an.text
    while (t := _TAIL.search(text, s, e)) is not None and t.start() > s:
        e = t.start()
    while e > s and not an.tag_at(e - 1).startswith(("NN", "JJ")):
        cut = text.rfind(" ", s, e)
        if cut <= s:
            return None
        e = cut
    x = text[s:e]
    if not x or _BAD.match(x) or _BAD_HEAD.match(x.split()[-1]) or len(x.split()) > 7:
        return None
    return s, e


def _objects(an: Analysis, start: int, ceil: int) -> list[tuple[int, int]]:
    """The noun phrase after ``start`` and any joined to it by "and"/"or"."""
    out: list[tuple[int, int]] = []
    pos = start
    while len(out) < 3:
        np = an.noun_phrase_after(pos, ceil)
        if np is None or np[0] - pos > 12:
            break
        trimmed = _trim(an, *np)
        if trimmed:
            out.append(trimmed)
        nxt = re.match(r"\s*(?:,\s*)?(?:and|or)\s+", an.text[np[1] : ceil])
        if not nxt:
            break
        pos = np[1] + nxt.end()
    return out


_SUBUNIT = re.compile(
    r"(?:'s|’s)\s+(?:[\w-]+\s+){0,2}(?:brigade|battalion|unit|wing|cell|faction|branch|command|division|"
    r"regiment|militia|fighters|militants|commanders?)$",
    re.IGNORECASE,
)
_COMPLEMENT = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:,\s*)?(?:of|for|over|in)\b")


def _about_the_event(an: Analysis, end: int, ceil: int) -> bool:
    """'blamed X' alone, or 'accused X of/for <violence>'; not 'accused X of lying'."""
    comp = _COMPLEMENT.match(an.text, end, ceil)
    if comp is None:
        return True
    return VIOLENT.search(an.lower, comp.end(), min(ceil, comp.end() + 80)) is not None


def _negated(an: Analysis, s: int) -> bool:
    return _NEGATED.search(an.text, max(0, s - 20), s) is not None


def _matches(
    an: Analysis, actors: ActorIndex, ws: int, we: int
) -> list[tuple[tuple[int, int], Certainty, str | None]]:
    """(perpetrator span, certainty, attributor) for every rule hit in the sentence ``text[ws:we]``."""
    text = an.text
    out: list[tuple[tuple[int, int], Certainty, str | None]] = []
    for m in _SUSPECTED_ADJ.finditer(text, ws, we):
        s = m.start("x")
        span = _trim(an, s, s + len(m.group("x")))
        if span is None:
            continue
        last_tag = an.tag_at(span[1] - 1)
        proper_adj = last_tag == "JJ" and text[s].isupper()
        if last_tag.startswith("NN") or text[span[1] - 1].isupper() or proper_adj:
            out.append((span, Certainty.SUSPECTED, None))
    for rx, where, certainty, attributing in _RULES:
        for m in rx.finditer(text, ws, we):
            if an.in_quote(m.start()):
                continue
            cs, ce = clause_at(an, m.start())
            if where == "after":
                spans = _objects(an, m.end(), ce)
            else:
                np = subject_np(an, max(cs, ws), m.start() + len(m.group()) - len(m.group().lstrip()))
                spans = [t for t in [_trim(an, *np) if np else None] if t]
            narrative = rx is _NARRATIVE
            if narrative and not (an.sentence_index(ws) < 3 or CASUALTY_WORDS.search(an.lower, ws, we)):
                continue  # "launched its offensive last year": background, not this event's perpetrator
            cert = certainty
            by: str | None = None
            reported = None
            if certainty is Certainty.CONFIRMED:
                reported = next(
                    (v for v in _REPORTED.finditer(text, ws, m.start()) if not an.in_quote(v.start())), None
                )
            if reported is not None:  # "the army said the shells were fired by insurgents"
                cert = Certainty.SUSPECTED
                subj = subject_np(an, max(cs, ws), reported.start())
                by = reporter_named(an, actors, *subj).name if subj else None
            elif certainty is Certainty.CONFIRMED and _HEDGE.search(text, cs, m.start()):
                cert = Certainty.SUSPECTED
            if attributing:
                subj = subject_np(an, cs, m.start())
                if subj is not None:
                    by = reporter_named(an, actors, *subj).name
            for span in spans:
                if _negated(an, span[0]):
                    continue
                if attributing and where == "after" and not _about_the_event(an, span[1], ce):
                    continue
                if narrative and not _agentive(an, actors, *span):
                    continue
                out.append((span, cert, by))
    return out


def _agentive(an: Analysis, actors: ActorIndex, s: int, e: int) -> bool:
    """A narrative subject that can carry out an attack: a named actor or an armed/state body."""
    if _covering(actors, s, e) is not None:
        return True
    return bool(_ARMED_HEAD.search(an.text, s, e))


def find_perpetrators(an: Analysis, actors: ActorIndex) -> list[Perp]:
    text = an.text
    found: dict[str, Perp] = {}
    windows = sorted({an.sentence_at(k.start()) for k in _KEYS.finditer(text)})
    hits = [h for ws, we in windows for h in _matches(an, actors, ws, we)]
    for (s, e), certainty, by in hits:
        sub = _SUBUNIT.search(text, s, e)
        if sub and sub.start() > s:  # "the IRA's Belfast brigade" -> the IRA
            e = sub.start()
        x = text[s:e]
        actor = actors.find(x) or actors.find(x + "s") or _covering(actors, s, e)
        name = actor.name if actor else x
        key = name.lower().rstrip("s")
        perp = found.get(key)
        if perp is None:
            perp = found[key] = Perp(name, certainty, [])
        if (s, e) not in perp.spans:
            perp.spans.append((s, e))
        if _RANK[certainty] > _RANK[perp.certainty]:
            perp.certainty = certainty
        if by and by.casefold() != name.casefold() and by not in perp.attributed_by:
            perp.attributed_by.append(by)
    out = list(found.values())
    for p in out:
        p.spans.sort()
    return sorted(out, key=lambda p: p.spans[0])


def _covering(actors: ActorIndex, s: int, e: int) -> ActorRec | None:
    """The actor named by ``text[s:e]``: one of its mentions ends the phrase and is the whole phrase or a
    name ("the armed separatist group ETA"); a generic head ("the Red Hand militia") stays as written."""
    for a in actors.actors:
        for ms, me in a.mentions:
            if me == e and s <= ms and (ms == s or a.label not in ("GOV", "ARMED")):
                return a
    return None
