"""Who reports a fact: clauses, the subject of a reporting verb, and the reporter of a casualty figure.

A figure binds to the reporter of its own clause: in "The civil defence put the death toll at 12, but the
monitor, a UK-based group, said 15 had died" 12 is the civil defence's and 15 the monitor's. A clause
without a reporter takes the sentence's: "According to X, ..." at its start or ", X said." at its end.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..schema.brief import ActorKind
from .actors import ActorIndex
from .nlp import Analysis

__all__ = ["REPORT_VERB", "Reporter", "clause_at", "clauses", "figure_reporter", "subject_np"]

_BREAK = re.compile(
    r",\s+(?:but|while|whereas|although|though|however|yet|and\s+(?=(?:the|a|an)\b|[A-Z]))\b|;\s+|\s+but\s+"
    r"|\s[—–]\s"
)
REPORT_VERB = re.compile(
    r"\b(?:said|says|say|told|tells|reported|reports|confirmed|confirms|announced|announces|stated|states|"
    r"added|adds|estimated|estimates|counted|recorded|documented|registered|tallied|"
    r"(?:put|puts|putting|gave|gives|giving|raised|raises|raising|revised|revises|set|sets|updated|updates|"
    r"brought|brings|bringing)(?=\s+(?:the\s+|its\s+|their\s+)?(?:\w+\s+){0,2}(?:toll|figure|number|count)\b))\b"
)
_ACCORDING = re.compile(r"\b(?:according to|as reported by|as per)\s+", re.IGNORECASE)
_DET = re.compile(r"^(?:the|a|an|its|their|his|her)\s+", re.IGNORECASE)
_PRONOUN = re.compile(r"^(?:it|they|he|she|we|i|you|this|that|who|which)$", re.IGNORECASE)
_PRONOUN_BEFORE = re.compile(r"\b(he|she|they|it)\s+(?:\w+\s+)?$", re.IGNORECASE)
_TRAILING_RB = re.compile(
    r"(?:\s+(?:has|have|had|also|later|earlier|then|now|previously|separately|initially|again|officially|"
    r"publicly|had\s+earlier))+\s*$"
)
_FINITE = ("VBD", "VBZ", "VBP", "MD")
_NAMED = ("ORG", "PERSON", "NORP", "GPE", "FAC")
_OPENER = re.compile(
    r"(?:an?|the|which|who|whose|one of|itself|its|whom|where|based|itself a)\b", re.IGNORECASE
)
_AUX = frozenset({"has", "have", "had", "is", "are", "was", "were", "will", "would", "also", "later"})


@dataclass(frozen=True)
class Reporter:
    name: str  # the actor's canonical name, else the phrase as written (no leading "the")
    start: int  # the phrase as written
    end: int
    kind: ActorKind | None  # the actor's kind when the phrase is an actor


def clauses(an: Analysis, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` (a sentence) cut at ", but", ";", ", while" ... (never inside a quote)."""
    cuts = [start]
    for m in _BREAK.finditer(an.text, start, end):
        if not an.in_quote(m.start()):
            cuts.append(m.end())
    cuts.append(end)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def clause_at(an: Analysis, pos: int) -> tuple[int, int]:
    ss, se = an.sentence_at(pos)
    return next(((a, b) for a, b in clauses(an, ss, se) if a <= pos < b), (ss, se))


def subject_np(an: Analysis, floor: int, verb_start: int) -> tuple[int, int] | None:
    """The noun phrase subject right before a verb: "The X civil defence service [put]", "the Y monitor, a
    UK-based group, [said]" (the apposition skipped), "local officials [said]"."""
    text = an.text
    end = verb_start
    while end > floor and text[end - 1].isspace():
        end -= 1
    rb = _TRAILING_RB.search(text, floor, end)
    if rb:
        end = rb.start()
    while end > floor:  # adverbs and auxiliaries: "locals have alternatively [blamed]"
        i = an.token_index(end - 1)
        tok = an.doc[i] if i >= 0 else None
        if tok is None or tok.idx + len(tok.text) != end or tok.idx < floor:
            break
        if not (an.tag(i) == "RB" or tok.lower_ in _AUX):
            break
        end = tok.idx
        while end > floor and text[end - 1].isspace():
            end -= 1
    end = _before_time(an, floor, end)
    if end > floor and text[end - 1] == ",":  # an apposition: "X, a UK-based monitoring group,"
        np = _apposition_subject(an, floor, end)
    else:
        np = an.noun_phrase_before(end, floor)
        if np is not None:
            np = _attached(an, floor, _coordinated(an, floor, np))
    if np is None and re.search(r"\s(?:and|but)$", text[floor:end]):  # "X rejected it and [said]"
        first = an.first_tagged(floor, end, _FINITE)
        if first is not None and first > floor:
            return subject_np(an, floor, first)
    if np is None:
        return None
    s, e = np
    det = _DET.match(text, s, e)
    if det:
        s = det.end()
    if _PRONOUN.match(text[s:e]):
        return None
    return s, e


def _before_time(an: Analysis, floor: int, end: int) -> int:
    """``end`` moved before a time phrase: "Norvane's military on Monday [denied]"."""
    for m in an.mentions_in(floor, end, ("DATE", "TIME")):
        if m.end == end:
            pre = re.search(r"\s+(?:on|in|at|last|early|late|this|since)?\s*$", an.text[floor : m.start])
            cut = floor + pre.start() if pre else m.start
            return cut if cut > floor else end
    return end


def _attached(an: Analysis, floor: int, np: tuple[int, int]) -> tuple[int, int]:
    """A noun phrase governed by a preposition belongs to the one before it: "a surgeon at the hospital",
    "a spokesman for the army" (the whole phrase is the subject)."""
    m = re.search(r"(?:^|\s)(?:at|of|from|for|with|in)\s+(?:the\s+|a\s+|an\s+)?$", an.text[floor : np[0]])
    if m is None or m.start() == 0:
        return np
    left = an.noun_phrase_before(floor + m.start(), floor)
    return (left[0], np[1]) if left is not None else np


def _named(an: Analysis, s: int, e: int) -> bool:
    return any(m.end == e and m.start >= s and m.label in _NAMED for m in an.mentions_in(s, e))


def _apposition_subject(an: Analysis, floor: int, end: int) -> tuple[int, int] | None:
    """The subject described by an apposition ending at the comma ``text[end-1]``: "the Y monitor, an
    independent group that ..., [said]" -> "Y monitor"; "the union that called it, the Z Federation,
    [said]" -> "Z Federation" (a named apposition names the subject)."""
    text = an.text
    close = end - 1
    c = close
    for _ in range(3):
        c = text.rfind(",", floor, c)
        if c < floor:
            return None
        inner_s = c + 1
        while inner_s < close and text[inner_s].isspace():
            inner_s += 1
        if len(text[inner_s:close].split()) > 30:
            return None
        inner = an.noun_phrase_before(close, inner_s)
        lead = text[inner_s : inner[0]].strip().lower() if inner else "x"
        if inner and lead in ("", "the") and _named(an, *inner):
            return inner
        if _OPENER.match(text, inner_s) or an.tag_at(inner_s) in ("VBG", "VBN"):
            head = an.noun_phrase_before(c, floor)
            if head is not None:
                return _attached(an, floor, head)
    return None


def _coordinated(an: Analysis, floor: int, np: tuple[int, int]) -> tuple[int, int]:
    """ "camp officials and aid workers [said]": both conjuncts."""
    m = re.search(r"\s+(?:and|or)\s+$", an.text[max(floor, np[0] - 6) : np[0]])
    if m is None:
        return np
    left = an.noun_phrase_before(np[0] - len(m.group()), floor)
    return (left[0], np[1]) if left is not None else np


def reporter_named(an: Analysis, actors: ActorIndex, s: int, e: int) -> Reporter:
    """The reporter at ``text[s:e]``: an actor when the phrase is one of its mentions."""
    text = an.text
    for a in actors.actors:
        for ms, me in a.mentions:
            if (ms, me) == (s, e) or (s <= ms and me == e and not text[s:ms].strip(" ’'s")):
                return Reporter(a.name, s, e, a.kind)
    found = actors.find(text[s:e])
    if found is not None and found.kind is not ActorKind.PERSON:
        return Reporter(found.name, s, e, found.kind)
    return Reporter(text[s:e], s, e, None)


def _after_subject(an: Analysis, ve: int, ceil: int) -> tuple[int, int] | None:
    """Inverted order: "..., said the provincial health office." -> the phrase after the verb."""
    text = an.text
    m = re.match(r"\s+(?:the\s+)?", text[ve:ceil])
    if not m:
        return None
    s = ve + m.end()
    stop = re.search(r"[,.;:!?]|\s+(?:on|in|at|that|who|which|after|when)\s", text[s:ceil])
    e = s + (stop.start() if stop else len(text[s:ceil]))
    np = an.noun_phrase_before(e, s)
    return np if np and np[0] == s else None


def _verb_ok(an: Analysis, pos: int) -> bool:
    return an.tag_at(pos).startswith("VB") and not an.in_quote(pos)


Resolve = Callable[[str, int, int], str | None]


def _in_clause(
    an: Analysis, actors: ActorIndex, cs: int, ce: int, num_start: int, pronoun: Resolve | None
) -> Reporter | None:
    text = an.text
    for acc in _ACCORDING.finditer(text, cs, ce):
        if an.in_quote(acc.start()):
            continue
        np = an.noun_phrase_before(_np_end(an, acc.end(), ce), acc.end())
        if np and np[0] <= acc.end() + 4:
            s = _DET.match(text, np[0], np[1])
            return reporter_named(an, actors, s.end() if s else np[0], np[1])
    for m in REPORT_VERB.finditer(text, cs, ce):
        if not _verb_ok(an, m.start()):
            continue
        if m.start() < num_start:
            np = subject_np(an, cs, m.start())
        else:
            between = text[num_start : m.start()]
            np = subject_np(an, cs, m.start()) if "," in between else None
            if np is not None and np[0] < num_start:
                np = None
            if np is None and not text[m.end() : m.end() + 4].strip(" .\n"):
                np = None
            elif np is None:
                np = _after_subject(an, m.end(), ce)
        if np is not None:
            return reporter_named(an, actors, *np)
        pron = _PRONOUN_BEFORE.search(text, max(cs, m.start() - 12), m.start())
        if pron and pronoun is not None:
            name = pronoun(pron.group(1).lower(), pron.start(1), pron.end(1))
            if name:
                return Reporter(name, pron.start(1), pron.end(1), ActorKind.PERSON)
    return None


def _np_end(an: Analysis, start: int, ceil: int) -> int:
    """End of the words after "according to": up to a comma, stop or a clause word."""
    stop = re.search(r"[,.;:!?]|\s+(?:on|in|at|that|who|which|after|when|as)\s", an.text[start:ceil])
    return start + (stop.start() if stop else ceil - start)


def figure_reporter(
    an: Analysis, actors: ActorIndex, start: int, end: int, pronoun: Resolve | None = None
) -> Reporter | None:
    """Who reports the figure at ``text[start:end]``: its clause's reporter, else the sentence's (another
    clause's, the nearest before it first). ``pronoun(word, start, end)`` names who "he"/"she" is."""
    ss, se = an.sentence_at(start)
    parts = clauses(an, ss, se)
    own = next(((a, b) for a, b in parts if a <= start < b), (ss, se))
    found = _in_clause(an, actors, own[0], own[1], start, pronoun)
    if found is not None:
        return found
    i = parts.index(own) if own in parts else 0
    for a, b in [*reversed(parts[:i]), *parts[i + 1 :]]:
        found = _in_clause(an, actors, a, b, b if (a, b) in parts[:i] else a, pronoun)
        if found is not None:
            return found
    return None
