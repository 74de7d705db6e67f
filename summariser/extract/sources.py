"""Cited sources: outlets and institutions the article attributes information to.

"according to X", "as per X", "as reported by X", "told X", "in an interview with X"; anaphors such as
"the publication" or "the news agency" resolve to the outlet cited last before them. The subject of a
reporting verb ("local officials said", "the provincial health office put the toll at") is a source when it
is an outlet or an official body, or when what it reports is about the event (casualties, violence) rather
than a stance or a quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..schema.brief import ActorKind
from .actors import ActorIndex, org_kind
from .events import VIOLENT
from .nlp import Analysis
from .reporters import REPORT_VERB, clause_at, reporter_named, subject_np

__all__ = ["Citation", "citation_in", "find_citations", "phrase_kind", "source_kind"]

_ANAPHOR = re.compile(
    r"(?:the\s+)?(?:publication|newspaper|paper|news agency|agency|outlet|broadcaster|network|channel|daily|"
    r"magazine|wire service)\b",
    re.IGNORECASE,
)
_INTRO = re.compile(
    r"\b(?:according to|as per|as reported by|reported by|cited by|quoted by|"
    r"(?:told|telling|speaking to|speaking with|in an interview with"
    r"|in a statement to)(?=\s+(?:the\s+)?(?-i:[A-Z])))"
    r"\s+(?:the\s+|an?\s+)?(?:(?:\w+\s+)?(?:statement|report|reports|account|figures?|data|estimates?|tally)"
    r"\s+(?:of|by|from)\s+(?:the\s+)?)?",
    re.IGNORECASE,
)
_MEDIA_VERB = re.compile(r"\b(?:reveals|revealed|published|wrote|writes|speculated|cited|quoted)\b")
_MEDIA_PHRASE = re.compile(
    r"\b(?:television|TV|radio|news agency|newspaper|broadcaster|media|press agency|channel)$", re.IGNORECASE
)
_OFFICIAL_HEAD = re.compile(
    r"\b(?:officials?|police|ministry|department|office|directorate|authorit(?:y|ies)|army|military|command|"
    r"agency|service|services|forces|spokes(?:man|woman|person)|coroner|prosecutors?|hospital|observatory|"
    r"monitor|government)$",
    re.IGNORECASE,
)
_TOLL = re.compile(r"\b(?:toll|casualt\w+|victims|bodies|survivors|hospitali[sz]ed)\b", re.IGNORECASE)
_VOICE_OF = re.compile(
    r"(?:\w+\s+)?(?:spokes(?:man|woman|person)|officials?|sources?|representatives?|officers?|members?)\s+"
    r"(?:for|of|at|from|in|with)\s+(?:the\s+)?(?=\S)",
    re.IGNORECASE,
)
_INDEFINITE = re.compile(r"\b(?:a|an|one)\s+$", re.IGNORECASE)
_NUMBER = re.compile(
    r"\b(?:\d[\d,.]*|dozens|hundreds|thousands|scores|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|twenty|thirty|forty|fifty|hundred)\b",
    re.IGNORECASE,
)
_STANCE_WORDS = re.compile(
    r"\b(?:responsib\w*|blam\w*|behind|accus\w*|den(?:y|ies|ied)"
    r"|(?:fired|carried out|launched|planted) by)\b",
    re.IGNORECASE,
)
_PRONOUN_START = re.compile(r"(?:it|they|he|she|we|i|you|this|that|there|which|who)\b", re.IGNORECASE)
_INTRO_END = re.compile(r"[,.;:!?\"“”(]|\s+(?:on|in|at|that|who|which|after|when|as|and)\s")


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


def phrase_kind(phrase: str) -> str:
    if _MEDIA_PHRASE.search(phrase):
        return "media"
    if _OFFICIAL_HEAD.search(phrase):
        return "institution"
    return "other"


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


def _intro_phrase(an: Analysis, pos: int) -> tuple[int, int] | None:
    """The unnamed source after "according to": "the provincial health office", "the text of the deal"."""
    text = an.text
    stop = _INTRO_END.search(text, pos, min(len(text), pos + 80))
    end = stop.start() if stop else min(len(text), pos + 80)
    while end > pos and text[end - 1].isspace():
        end -= 1
    words = text[pos:end].split()
    if not words or len(words) > 7 or _PRONOUN_START.match(text, pos):
        return None
    if not any(tag.startswith("NN") for _, tag in an.tags_in(pos, end)):
        return None
    if not an.tag_at(end - 1).startswith("NN"):
        return None
    return pos, end


def _head(phrase: str) -> str:
    """The phrase without its prepositional tail: "surgeon at the hospital" -> "surgeon"."""
    return re.split(r"\s+(?:at|of|from|for|in|with|on)\s+", phrase, maxsplit=1)[0]


def _conjuncts(an: Analysis, s: int, e: int) -> list[tuple[int, int]]:
    """ "police and hospital officials": each source on its own (a name with "and" stays whole)."""
    text = an.text
    m = re.search(r"\s+and\s+", text[s:e])
    if m is None or any(x.start < s + m.start() and s + m.end() < x.end for x in an.mentions_in(s, e)):
        return [(s, e)]
    return [(s, s + m.start()), (s + m.end(), e)]


def _factual(an: Analysis, start: int, end: int) -> bool:
    """What is reported in ``text[start:end]`` is about the event (violence, casualties), not a stance."""
    chunk = an.lower[start:end]
    return bool(VIOLENT.search(chunk) or _TOLL.search(chunk)) and not _STANCE_WORDS.search(chunk)


def _quote_in(an: Analysis, start: int, end: int) -> bool:
    return an.overlaps_quote(start, end)


def _from_intros(an: Analysis, actors: ActorIndex, found: list[Citation]) -> None:
    text = an.text
    for m in _INTRO.finditer(text):
        if an.in_quote(m.start()):
            continue
        pos = m.end()
        named = _named_at(an, pos, actors)
        whole = _intro_phrase(an, pos)
        if named and whole and whole[1] > named[3]:  # "the army's northern command", not "army"
            named = None
        if named:
            found.append(Citation(named[0], named[1], named[2], named[3], m.start()))
            continue
        ana = _ANAPHOR.match(text, pos)
        if ana and ana.end() - pos >= 4:
            prev = [c for c in found if c.kind == "media" and c.at < m.start()]
            if prev:
                found.append(Citation(prev[-1].name, "media", prev[-1].start, prev[-1].end, m.start()))
            continue
        phrase = whole
        if phrase is not None:
            rep = reporter_named(an, actors, *phrase)
            kind = source_kind(rep.kind) if rep.kind else phrase_kind(rep.name)
            found.append(Citation(rep.name, kind, phrase[0], phrase[1], m.start()))


def _from_subjects(an: Analysis, actors: ActorIndex, found: list[Citation]) -> None:
    """Subjects of reporting verbs: "local officials said", "the health office put the death toll at"."""
    text = an.text
    verbs = [*REPORT_VERB.finditer(text), *_MEDIA_VERB.finditer(text)]
    for v in sorted(verbs, key=lambda m: m.start()):
        if an.in_quote(v.start()) or not an.tag_at(v.start()).startswith("VB"):
            continue
        cs, ce = clause_at(an, v.start())
        np = subject_np(an, cs, v.start())
        if np is None:
            continue
        ana = _ANAPHOR.fullmatch(text, np[0], np[1])
        if ana:
            prev = [c for c in found if c.kind == "media" and c.at < np[0]]
            if prev:
                found.append(Citation(prev[-1].name, "media", prev[-1].start, prev[-1].end, np[0]))
            continue
        voice = _VOICE_OF.match(text, np[0], np[1])  # "a spokesman for the army": the army
        if voice:
            np = (voice.end(), np[1])
        elif _INDEFINITE.search(text, max(0, np[0] - 4), np[0]) and not _OFFICIAL_HEAD.search(
            _head(text[np[0] : np[1]])
        ):
            continue  # "a surgeon at the hospital said": an unnamed witness, not a cited source
        # what is reported: the words after the verb, or before the subject ("..., police said.")
        ts, te = (v.end(), ce) if len(text[v.end() : ce].split()) > 2 else (cs, np[0])
        quoted = _quote_in(an, cs, ce)
        stance = bool(_STANCE_WORDS.search(text, ts, te))  # an attribution of blame: a perpetrator's
        for part in _conjuncts(an, *np):
            rep = reporter_named(an, actors, *part)
            kind = source_kind(rep.kind) if rep.kind else phrase_kind(rep.name)
            if rep.kind is ActorKind.STATE:
                continue
            official = kind == "institution" and bool(_OFFICIAL_HEAD.search(_head(rep.name)))
            facts = _factual(an, ts, te) or (official and _NUMBER.search(text, ts, te) is not None)
            if kind == "media" or (facts and not quoted and not stance):
                found.append(Citation(rep.name, kind, part[0], part[1], v.start()))


def find_citations(an: Analysis, actors: ActorIndex) -> list[Citation]:
    found: list[Citation] = []
    _from_intros(an, actors, found)
    found.sort(key=lambda c: c.at)
    _from_subjects(an, actors, found)
    found.sort(key=lambda c: c.at)
    return found


def citation_in(citations: list[Citation], start: int, end: int) -> Citation | None:
    """The first citation made between ``start`` and ``end`` (a sentence)."""
    return next((c for c in citations if start <= c.at < end), None)
