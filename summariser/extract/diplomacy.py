"""Diplomatic context: processes (talks, ceasefires, resolutions, agreements, sanctions) with their
status and parties, actors' stated positions, and announced next steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..schema.brief import ActorKind, ProcessKind
from .actors import ActorIndex, ActorRec
from .nlp import Analysis
from .places import skeleton

__all__ = ["Process", "Stance", "find_next_steps", "find_positions", "find_processes"]

_MODS = (
    r"(?:(?:peace|ceasefire|political|direct|indirect|proximity"
    r"|formal|new|fresh|[\w]+-(?:led|brokered|backed|sponsored))\s+)"
)
_PROCESS_RES: list[tuple[re.Pattern[str], ProcessKind]] = [
    (
        re.compile(
            rf"(?:(?P<mod>(?:[A-Z][\w.'’-]*\s+){{1,3}})|\b){_MODS}*(?:talks|negotiations|peace process|"
            rf"peace conference|summit)\b"
        ),
        ProcessKind.TALKS,
    ),
    (
        re.compile(
            r"\b(?:(?:temporary|partial|nationwide|fragile|shaky|humanitarian|[\w]+-brokered|current|"
            r"week-long|(?:\w+-)?day)\s+)*(?:ceasefire|cease-fire"
            r"|truce|cessation of hostilities|armistice)\b",
            re.IGNORECASE,
        ),
        ProcessKind.CEASEFIRE,
    ),
    (
        re.compile(r"\b(?:(?:UN|U\.N\.|Security Council)\s+)?[Rr]esolution(?:\s+\d+)?\b"),
        ProcessKind.RESOLUTION,
    ),
    (
        re.compile(
            r"\b(?:(?:peace|ceasefire|nuclear|framework|political)\s+)(?:agreement|accords?|deal)\b"
            r"|\b(?:[A-Z][\w-]+\s+)(?:Agreement|Accords?)\b"
        ),
        ProcessKind.AGREEMENT,
    ),
    (
        re.compile(r"\b(?:(?:new|fresh|economic|targeted|international)\s+)?sanctions\b"),
        ProcessKind.SANCTIONS,
    ),
]
_CUES = [
    re.compile(r"talks|negotiations|peace process|peace conference|summit"),
    re.compile(r"cease-?fire|truce|cessation of hostilities|armistice"),
    re.compile(r"resolution"),
    re.compile(r"agreement|accord|deal"),
    re.compile(r"sanctions"),
]
_VENUE = re.compile(r"\s+(?:in|at)\s+(?P<post>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)")
_STATUS: list[tuple[str, str]] = [
    (r"in effect|in place|took effect|came into effect|into force|in force|holding\b", "in effect"),
    (r"postpon\w*", "postponed"),
    (r"suspend\w*", "suspended"),
    (r"walk(?:ed|ing)? out|withdr[ae]w\w*|pull(?:ed|ing)? out|quit\b", "withdrawal"),
    (r"fail(?:ed|ure|s)?\b|collaps\w*|broke down|breakdown", "failed"),
    (r"\bend of\b|\bended\b|\bis over\b", "ended"),
    (r"violat\w*|breach\w*", "violated"),
    (r"resum\w*", "resumed"),
    (r"\bagreed\b|\bsigned\b|\breached\b|\bbrokered\b", "agreed"),
    (r"upcoming|anticipated|scheduled|due to (?:start|begin|resume)", "upcoming"),
    (r"\bagainst\b|\boppos\w*", "opposed"),
]
_UNREAL = re.compile(
    r"\b(?:(?:could|may|might|would|not|never)\s+(?:be\s+)?|(?:wants?|wanted|threatens?|threatened|risks?|"
    r"hopes?|aims?|seeks?|trying)\s+(?:[\w'’]+\s+){0,3}?to\s+)$",
    re.IGNORECASE,
)
_STATUS_RES = [(re.compile(p, re.IGNORECASE), label) for p, label in _STATUS]
_PARTY_KINDS = (
    ActorKind.STATE,
    ActorKind.GOVERNMENT,
    ActorKind.POLITICAL_BODY,
    ActorKind.INTERNATIONAL_ORG,
    ActorKind.ARMED_GROUP,
)


@dataclass
class Process:
    name: str
    kind: ProcessKind
    spans: list[tuple[int, int]] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    place: str | None = None

    @property
    def status(self) -> str | None:
        return "; ".join(self.statuses) if self.statuses else None


def _statuses(an: Analysis, s: int, e: int) -> list[str]:
    ss, se = an.sentence_at(s)
    lo, hi = max(ss, s - 70), min(se, e + 70)
    window = an.text[lo:hi]
    hits = []
    for rx, label in _STATUS_RES:
        for m in rx.finditer(window):
            if not _UNREAL.search(window, 0, m.start()):  # "want the truce to fail": not its status
                hits.append((m.start(), label))
                break
    return [label for _, label in sorted(hits)]


def find_processes(an: Analysis, actors: ActorIndex) -> list[Process]:
    text = an.text
    found: list[Process] = []
    for (rx, kind), cue in zip(_PROCESS_RES, _CUES, strict=True):
        if not cue.search(an.lower):  # a cheap look for the head word before the costly pattern
            continue
        for m in rx.finditer(text):
            s, e = m.start(), m.end()
            written = m.group()
            mod = (m.groupdict().get("mod") or "").strip()
            if mod and (
                mod.split()[0] in ("The", "A", "An", "In", "During", "After") or an.sentence_at(s)[0] == s
            ):
                first = mod.split()[0]
                if first in ("The", "A", "An", "In", "During", "After") or len(mod.split()) == 1:
                    s += len(first) + 1
                    written = text[s:e]
                    mod = mod[len(first) :].strip()
            while written.lower().startswith(("the ", "a ")):
                cut = written.index(" ") + 1
                s += cut
                written = written[cut:]
            if not written:
                continue
            venue = _VENUE.match(text, e) if kind is ProcessKind.TALKS and not mod else None
            post = venue.group("post") if venue else None
            if venue and an.mentions_in(venue.start("post"), venue.end("post"), ("GPE", "LOC", "FAC")):
                e = venue.end()  # "the talks in Geneva": the venue names the process
                written = text[s:e]
            else:
                post = None
            key = skeleton(mod) if mod else (skeleton(post) if post else "")
            home = None
            for p in found:
                if p.kind is not kind:
                    continue
                if kind is not ProcessKind.TALKS or (p.place or "") == key or not key:
                    home = p
                    break
            if home is None:
                home = Process(written, kind, place=key or None)
                found.append(home)
            elif len(written) > len(home.name) and key and home.place == key:
                home.name = written
            home.spans.append((s, e))
            for st in _statuses(an, s, e):
                if st not in home.statuses:
                    home.statuses.append(st)
            _add_parties(home, an, actors, s)
    for p in found:
        if p.kind is ProcessKind.TALKS and p.place:
            place_names = [w for w in re.findall(r"[A-Z][\w'’-]+", p.name) if skeleton(w) == p.place]
            for w in place_names:
                for m in re.finditer(
                    rf"\b(?:leav\w*|left|quit\w*|depart\w*|walk\w* out of)\s+{re.escape(w)}\b", text
                ):
                    if "withdrawal" not in p.statuses:
                        p.statuses.append("withdrawal")
                    _add_parties(p, an, actors, m.start())
        p.spans.sort()
    return found


def _add_parties(p: Process, an: Analysis, actors: ActorIndex, pos: int) -> None:
    """Actors named in the narrative of the sentence at ``pos`` (not in quotes or their attributions)."""
    ss, se = an.sentence_at(pos)
    if an.overlaps_quote(ss, se):
        return
    for a in actors.actors:
        if a.kind not in _PARTY_KINDS or a.name in p.parties:
            continue
        here = [s for s, e in a.mentions if ss <= s and e <= se]
        # an actor named only inside the process name ("the Geneva talks") is not a party
        if here and not all(any(ps <= s < pe for ps, pe in p.spans) for s in here):
            p.parties.append(a.name)


@dataclass
class Stance:
    actor: str
    text: str
    start: int
    end: int


_STANCE = re.compile(
    r"\b(?:will not|won't|would not|refuse[sd]?|reject(?:s|ed)?|demand(?:s|ed)?|call(?:s|ed)? (?:on|for)|"
    r"condemn(?:s|ed)?|oppose[sd]?|(?:is|are|was|were) (?:now )?(?:strongly |firmly )?(?:against|opposed to)|"
    r"insist(?:s|ed)?|urge[sd]?|must|should|support(?:s|ed)?|welcome[sd]?|agree to|vow(?:s|ed)?|"
    r"(?:stressed|insisted|argued|warned|maintained|stated) that)\b",
    re.IGNORECASE,
)
_SUBJECT = re.compile(r"(?:^|,\s+|\bthat\s+)(?P<subj>(?:[\w(][\w.'’()-]*\s+){0,5}?[\w(][\w.'’()-]*)\s*$")
_PRONOUN = re.compile(r"^(?:it|they|he|she|we|i|you|this|that|there|which|who)$", re.IGNORECASE)


def _subject(an: Analysis, clause_start: int, pos: int, actors: ActorIndex) -> tuple[str, int] | None:
    before = an.text[clause_start:pos]
    before = re.sub(r"\s+(?:now|also|still|soon|already|strongly|firmly|further)\s*$", " ", before)
    m = _SUBJECT.search(before.rstrip() + " ")
    if not m:
        return None
    subj = re.sub(r"^(?:the|The)\s+", "", m.group("subj").strip())
    subj = re.sub(r"\s*\([^)]*\)$", "", subj)
    if not subj or _PRONOUN.match(subj) or len(subj.split()) > 5:
        return None
    start = clause_start + m.start("subj")
    actor = actors.find(subj) or actors.at(start, start + len(m.group("subj")))
    return (actor.name if actor else subj), start


def find_positions(
    an: Analysis, actors: ActorIndex, quoted: list[tuple[list[tuple[int, int]], str | None, ActorRec | None]]
) -> list[Stance]:
    """Stances: stance sentences in quotes (actor: the speaker, or his body for "we") and in the narrative."""
    text = an.text
    out: list[Stance] = []
    for spans, speaker, actor in quoted:
        if not speaker:
            continue
        for s, e in spans:
            first, last = an.sentence_index(s), an.sentence_index(max(s, e - 1))
            for ss, se in an.sentences[first : last + 1]:  # the sentences the quote spans, not all
                lo, hi = max(s, ss), min(e, se)
                if hi - lo < 12 or not _STANCE.search(text, lo, hi):
                    continue
                chunk = text[lo:hi]
                who = speaker
                if (
                    actor is not None
                    and actor.affiliation
                    and re.search(r"\b(?:we|our|us)\b", chunk, re.IGNORECASE)
                ):
                    who = actor.affiliation
                out.append(Stance(who, chunk.strip(' ,"“”'), lo, hi))
    for ss, se in an.sentences:
        if an.overlaps_quote(ss, se):
            continue
        m = _STANCE.search(text, ss, se)
        if not m:
            continue
        subj = _subject(an, ss, m.start(), actors)
        if subj is None:
            continue
        end = se
        while end > m.start() and text[end - 1] in ".!? ":
            end -= 1
        out.append(Stance(subj[0], text[subj[1] : end], subj[1], end))
    out.sort(key=lambda st: st.start)
    return out


_MODAL = re.compile(
    r"\b(?:will|is going to|are going to|(?:is|are) expected to|plans? to|intends? to|(?:is|are) due to|"
    r"(?:is|are) set to|(?:is|are) scheduled to|vowed to|pledged to|promised to)\b(?!\s+not\b)"
)
_STEP_END = re.compile(
    r",\s+(?:as per|according to|said|says|the \w+ said|\w+ said|which)\b|[.;!?](?:\s|$)|$"
)


def find_next_steps(an: Analysis, actors: ActorIndex) -> list[Stance]:
    """Announced next steps in the narrative: "the HNC will soon be leaving Geneva"."""
    text = an.text
    out: list[Stance] = []
    for ss, se in an.sentences:
        for m in _MODAL.finditer(text, ss, se):
            if an.in_quote(m.start()):
                continue
            subj = _subject(an, ss, m.start(), actors)
            if subj is None:
                continue
            end_m = _STEP_END.search(text, m.end(), se)
            end = end_m.start() if end_m else se
            if end - m.start() < 8:
                continue
            out.append(Stance(subj[0], text[m.start() : end].rstrip(), m.start(), end))
            break
    return out
