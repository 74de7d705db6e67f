"""The lead: headline, description and a 2-4 sentence summary built from the extracted facts, and the
time expression as written ("on Tuesday"). The summary is verbatim lead sentences (spans kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..schema.brief import CasualtyCategory, Certainty
from ..schema.taxonomy import EventType
from .casualties import Figure
from .events import EventGuess
from .nlp import Analysis
from .numbers import word_value
from .perpetrators import Perp
from .places import Place

__all__ = ["Facts", "description", "find_time", "headline", "summary_sentences"]

_CORE = {
    "Air/drone strike": "air strike",
    "Shelling/artillery/missile attack": "shelling",
    "Suicide bomb": "suicide bombing",
    "Remote explosive/landmine/IED": "bombing",
    "Grenade": "grenade attack",
    "Chemical weapon": "chemical attack",
    "Armed clash": "clashes",
    "Government regains territory": "government offensive",
    "Non-state actor overtakes territory": "armed takeover",
    "Attack": "attack",
    "Abduction/forced disappearance": "abduction",
    "Sexual violence": "sexual violence",
    "Peaceful protest": "protest",
    "Protest with intervention": "protest",
    "Excessive force against protesters": "crackdown on protesters",
    "Violent demonstration": "riot",
    "Mob violence": "mob violence",
    "Arrests": "arrests",
    "Talks/meeting": "talks",
}
_PREP = re.compile(
    r"(?:\b(?:on|in|at|last|early|late|this|since|during|by|from|until|overnight)\s+)$", re.IGNORECASE
)
_VAGUE_TIME = re.compile(
    r"^(?:today|now|currently|recently|the past|years?|months?|decades?)$"
    r"|^\d{1,3}(?:-(?:years?|months?|weeks?|days?)-old)?$",  # an age ("17-year-old") or a bare number
    re.IGNORECASE,
)


@dataclass
class Facts:
    guess: EventGuess
    places: list[Place]
    perps: list[Perp]
    figures: list[Figure]
    time_text: str | None


_RELATIVE_TIME = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|last night|"
    r"this morning)\b",
    re.I,
)
_DATELINE_HEAD = re.compile(r"\s*[A-Z][A-Za-z .'\u2019-]*,\s*")


def _is_dateline(an: Analysis, start: int) -> bool:
    """'KYIV, March 3 (Reuters) -': the date of the report, not of the event."""
    return start < 80 and _DATELINE_HEAD.fullmatch(an.text[:start]) is not None


def find_time(an: Analysis, event_sents: set[int]) -> tuple[str, tuple[int, int]] | None:
    """The event's time as written: in an event sentence (else the first paragraph), a weekday or relative
    expression ('on Tuesday', 'last night') before a calendar date, never the dateline's date."""
    dates = [
        m
        for m in an.mentions
        if m.label in ("DATE", "TIME")
        and not an.in_quote(m.start)
        and not _VAGUE_TIME.match(m.text)
        and not _is_dateline(an, m.start)
    ]
    first_para = an.paragraphs[0] if an.paragraphs else (0, len(an.text))
    for pick in (
        lambda m: an.sentence_index(m.start) in event_sents,
        lambda m: m.start < first_para[1],
        lambda m: an.sentence_index(m.start) < 3,
    ):
        tier = [m for m in dates if pick(m)]
        if tier:
            m = next((m for m in tier if _RELATIVE_TIME.search(m.text)), tier[0])
            pre = _PREP.search(an.text[max(0, m.start - 12) : m.start])
            s = m.start - (len(pre.group()) if pre else 0)
            return an.text[s : m.end], (s, m.end)
    return None


def _place_phrase(places: list[Place]) -> str | None:
    if not places:
        return None
    p = places[0]
    if p.country and p.country != p.name and not p.is_country:
        return f"{p.name}, {p.country}"
    return p.name


def _figure(figures: list[Figure], cat: CasualtyCategory) -> Figure | None:
    """The best-supported figure of ``cat`` (the toll), else the first that is not a cumulative count."""
    toll = next((f for f in figures if f.category is cat and f.toll), None)
    return toll or next((f for f in figures if f.category is cat and not f.cumulative), None)


def _core(an: Analysis, facts: Facts) -> str:
    core = _CORE.get(facts.guess.sub_type or "", "incident")
    suspected = next((p for p in facts.perps if p.certainty is Certainty.SUSPECTED), None)
    if suspected:
        written = an.text[slice(*suspected.spans[0])]
        if len(written.split()) <= 2:
            return f"suspected {written} {core}"
        return f"suspected {core}"
    return core


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


_PEOPLE = (
    "teen", "teenager", "man", "woman", "men", "women", "boy", "girl", "child", "children", "toddler", "baby",
    "officer", "deputy", "trooper", "student", "people", "person", "victim", "victims",
)  # fmt: skip


def _victims(f: Figure) -> str:
    figure = f.number.as_written
    words = figure.split()
    common = ("a", "an", "the", "his", "her", "their", "one", *_PEOPLE)
    name = all(w[:1].isupper() and word_value(w) is None for w in words) and words[0].lower() not in common
    if not name:
        figure = figure[:1].lower() + figure[1:]  # "At least 12" / "A man" start a sentence: no name
    if f.victims and f.victims.lower() in figure.lower():
        return figure  # "a teen" described: the words already name the victims
    if f.described and f.number.count == 1 and not f.victims:
        return figure if figure.lower() not in ("him", "her") else "one person"
    return f"{figure} {f.victims or ('person' if f.number.count == 1 else 'people')}"


def _verb(core: str, singular: str) -> str:
    """'An attack kills', 'Clashes kill'."""
    return singular[:-1] if core.endswith(("clashes", "arrests", "talks", "shootings")) else singular


def headline(an: Analysis, facts: Facts, first_sentence: str) -> str:
    if facts.guess.type in (EventType.DIPLOMATIC, EventType.OTHER) and not facts.figures:
        words = first_sentence.split()
        return " ".join(words[:14]).rstrip(",;:") + ("..." if len(words) > 14 else "")
    core = _core(an, facts)
    place = _place_phrase(facts.places)
    where = f" in {place}" if place else ""
    killed = _figure(facts.figures, CasualtyCategory.KILLED)
    injured = _figure(facts.figures, CasualtyCategory.INJURED)
    if killed:
        return _cap(f"{core} {_verb(core, 'kills')} {_victims(killed)}{where}")
    if injured:
        return _cap(f"{core} {_verb(core, 'injures')} {_victims(injured)}{where}")
    return _cap(f"{core}{where}")


def description(an: Analysis, facts: Facts) -> str:
    core = _core(an, facts)
    article = "An" if core[:1].lower() in "aeiou" else "A"
    if core.endswith(("clashes", "arrests", "talks")):
        article = ""
    place = _place_phrase(facts.places)
    violent = facts.guess.type in (
        EventType.EXPLOSIONS,
        EventType.VIOLENCE_AGAINST_CIVILIANS,
        EventType.BATTLES,
    )
    verb = "hit" if violent and facts.guess.type is EventType.EXPLOSIONS else "took place in"
    parts = [f"{article} {core}".strip()]
    if place:
        parts.append(f"{verb} {place}")
    else:
        parts.append("took place")
    if facts.time_text:
        parts.append(facts.time_text)
    out = " ".join(parts)
    killed = _figure(facts.figures, CasualtyCategory.KILLED)
    injured = _figure(facts.figures, CasualtyCategory.INJURED)
    if killed:
        out += f", killing {_victims(killed)}"
        if injured:
            out += f" and injuring {_victims(injured)}"
    elif injured:
        out += f", injuring {_victims(injured)}"
    return _cap(out) + "."


def summary_sentences(
    an: Analysis, facts: Facts, event_sents: set[int], extra: list[tuple[int, int]], max_words: int = 130
) -> list[tuple[int, int]]:
    """Two to four verbatim sentences: the lead plus the sentences carrying the most facts."""
    text = an.text
    fact_pos = [f.number.start for f in facts.figures] + [s for p in facts.perps for s, _ in p.spans]
    fact_pos += [s for s, _ in extra]
    scored: list[tuple[float, int]] = []
    for i, (s, e) in enumerate(an.sentences):
        words = len(text[s:e].split())
        if words < 6:
            continue
        quoted = an.quoted_chars(s, e)
        if quoted > 0.3 * (e - s):
            continue
        score = 3.0 * sum(1 for p in fact_pos if s <= p < e) + (1.0 if i in event_sents else 0.0)
        score += 4.0 if not scored else 0.0
        score -= 0.1 * i
        scored.append((score, i))
    chosen: list[int] = []
    total = 0
    for score, i in sorted(scored, key=lambda x: (-x[0], x[1])):
        s, e = an.sentences[i]
        n = len(text[s:e].split())
        if len(chosen) >= 4 or (len(chosen) >= 2 and (total + n > max_words or score <= 0)):
            break
        if total + n > max_words and len(chosen) >= 1:
            continue
        chosen.append(i)
        total += n
    if not chosen and an.sentences:
        chosen = [0]
    return [an.sentences[i] for i in sorted(chosen)]
