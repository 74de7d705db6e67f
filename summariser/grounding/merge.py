"""Merging the briefs of an article's parts into one (``merge_parts``), with offsets mapped back.

Each part was briefed on its own text: its offsets are shifted by the part's start and every span is
checked to reproduce the whole article. Actors, places, quotes, figures, perpetrators, processes and
sources seen in several parts (overlapping spans, or the same name) are merged, ids renumbered and
references remapped.

May import: ``schema``, ``errors``, the rest of ``grounding``.
"""

from __future__ import annotations

import copy
from dataclasses import fields
from typing import Any

from ..errors import InternalError
from ..schema.brief import (
    Actor,
    CasualtyFigure,
    DiplomaticContext,
    Discrepancy,
    Evidence,
    Location,
    Perpetrator,
    Quote,
    Source,
    evidence_in,
)
from .align import normalise
from .assemble import Assembled
from .ground import Problems
from .link import name_key, same_actor

__all__ = ["evidence_of", "merge_parts"]


def evidence_of(piece: Assembled) -> list[Evidence]:
    """Every evidence span in an assembled brief, in the order of its fields."""
    return evidence_in(*(getattr(piece, f.name) for f in fields(piece) if f.name != "problems"))


def _shifted(piece: Assembled, offset: int, text: str) -> Assembled:
    b = copy.deepcopy(piece)
    for ev in evidence_of(b):
        ev.start += offset
        ev.end += offset
        if text[ev.start : ev.end] != ev.text:
            raise InternalError(f"internal error: a part's span is not the article's at {ev.start}")
    return b


def _spans(evidence: list[Evidence]) -> set[tuple[int, int]]:
    return {(e.start, e.end) for e in evidence}


def _overlap(a: list[Evidence], b: list[Evidence]) -> bool:
    return any(x.start < y.end and y.start < x.end for x in a for y in b)


def _add_evidence(into: list[Evidence], more: list[Evidence]) -> None:
    have = _spans(into)
    for e in more:
        if (e.start, e.end) not in have:
            into.append(e)
            have.add((e.start, e.end))
    into.sort(key=lambda e: e.start)


def _names(x: Actor | Location) -> list[str]:
    return [x.name, *x.aliases]


def _figure(c: CasualtyFigure) -> tuple[object, ...]:
    return (c.category, c.count, c.count_min, c.count_max, name_key(c.reported_by or ""))


def _twin_by_name(pool: list[Any], names: list[str]) -> Any:
    return next((x for x in pool if any(same_actor(n, m) for n in names for m in _names(x))), None)


class _Merger:
    def __init__(self) -> None:
        self.actors: list[Actor] = []
        self.locations: list[Location] = []
        self.quotes: list[Quote] = []
        self.casualties: list[CasualtyFigure] = []
        self.perpetrators: list[Perpetrator] = []
        self.context = DiplomaticContext()
        self.sources: list[Source] = []
        self.discrepancies: list[Discrepancy] = []

    def add(self, b: Assembled) -> None:
        amap = self._actors(b.actors)

        def remap(actor_id: str | None) -> str | None:
            return amap.get(actor_id) if actor_id else None

        for loc in b.event.locations:
            twin = _twin_by_name(self.locations, _names(loc))
            if twin is None:
                self.locations.append(loc.model_copy(update={"id": f"l{len(self.locations) + 1}"}))
            else:
                _add_evidence(twin.evidence, loc.evidence)
                twin.aliases.extend(a for a in _names(loc) if a != twin.name and a not in twin.aliases)
        for q in b.quotes:
            q.speaker_id = remap(q.speaker_id)
            twin_q = next(
                (
                    x
                    for x in self.quotes
                    if _overlap(x.evidence, q.evidence) or normalise(x.text) == normalise(q.text)
                ),
                None,
            )
            if twin_q is None:
                self.quotes.append(q)
            elif twin_q.speaker is None and q.speaker:
                twin_q.speaker, twin_q.speaker_id = q.speaker, q.speaker_id
                twin_q.speaker_evidence, twin_q.speaker_origin = q.speaker_evidence, q.speaker_origin
        for c in b.casualties:
            c.reporter_id = remap(c.reporter_id)
            if not any(_overlap(x.evidence, c.evidence) or _figure(x) == _figure(c) for x in self.casualties):
                self.casualties.append(c)
        for p in b.event.perpetrators:
            p.actor_id = remap(p.actor_id)
            p.attributed_by = [amap.get(a, a) for a in p.attributed_by]
            twin_p = next((x for x in self.perpetrators if same_actor(x.name, p.name)), None)
            if twin_p is None:
                self.perpetrators.append(p)
            else:
                _add_evidence(twin_p.evidence, p.evidence)
                twin_p.attributed_by.extend(a for a in p.attributed_by if a not in twin_p.attributed_by)
        self._context(b.diplomatic_context, amap)
        for s in b.sources_cited:
            s.actor_id = remap(s.actor_id)
            twin_s = next((x for x in self.sources if name_key(x.name) == name_key(s.name)), None)
            if twin_s is None:
                self.sources.append(s)
            else:
                _add_evidence(twin_s.evidence, s.evidence)
        for d in b.discrepancies:
            key = (d.field, sorted(v.value for v in d.values))
            if not any((x.field, sorted(v.value for v in x.values)) == key for x in self.discrepancies):
                self.discrepancies.append(d)

    def _actors(self, actors: list[Actor]) -> dict[str, str]:
        amap: dict[str, str] = {}
        for a in actors:
            twin = _twin_by_name(self.actors, _names(a))
            if twin is None:
                twin = a.model_copy(update={"id": f"a{len(self.actors) + 1}"})
                self.actors.append(twin)
            else:
                _add_evidence(twin.evidence, a.evidence)
                twin.aliases.extend(n for n in _names(a) if n != twin.name and n not in twin.aliases)
                twin.role = twin.role or a.role
                twin.affiliation = twin.affiliation or a.affiliation
            amap[a.id] = twin.id
        return amap

    def _context(self, ctx: DiplomaticContext, amap: dict[str, str]) -> None:
        for pr in ctx.processes:
            pr.parties = [amap[p] for p in pr.parties if p in amap]
            twin = next((x for x in self.context.processes if name_key(x.name) == name_key(pr.name)), None)
            if twin is None:
                self.context.processes.append(pr)
            else:
                _add_evidence(twin.evidence, pr.evidence)
                twin.parties.extend(p for p in pr.parties if p not in twin.parties)
                twin.status = twin.status or pr.status
        for pos in ctx.positions:
            pos.actor_id = amap.get(pos.actor_id) if pos.actor_id else None
            if not any(_overlap(x.evidence, pos.evidence) for x in self.context.positions):
                self.context.positions.append(pos)
        for step in ctx.next_steps:
            if not any(_overlap(x.evidence, step.evidence) for x in self.context.next_steps):
                self.context.next_steps.append(step)


def merge_parts(text: str, pieces: list[tuple[int, Assembled]], note: str) -> Assembled:
    """One assembled brief of ``text`` from those of its parts (``(part start offset, piece)``).

    Headline, summary and event type come from the first part (news leads with the essentials); every
    list is the union of the parts', de-duplicated. The warnings are ``note`` and each part's, prefixed
    with its number.
    """
    if not pieces:
        raise InternalError("internal error: no parts to merge")
    shifted = [_shifted(b, off, text) for off, b in pieces]
    m = _Merger()
    for b in shifted:
        m.add(b)
    m.quotes.sort(key=lambda q: q.evidence[0].start if q.evidence else 0)
    for i, q in enumerate(m.quotes, 1):
        q.id = f"q{i}"
    first = shifted[0]
    time = next((b.event.time for b in shifted if b.event.time.text), first.event.time)
    event = first.event.model_copy(
        update={"locations": m.locations, "perpetrators": m.perpetrators, "time": time}
    )
    warnings = [note]
    for i, b in enumerate(shifted, 1):
        warnings.extend(f"part {i}: {w}" for w in b.problems.warnings)
    merged = Assembled(
        headline=first.headline,
        summary=first.summary,
        summary_evidence=first.summary_evidence,
        event=event,
        casualties=m.casualties,
        actors=m.actors,
        quotes=m.quotes,
        diplomatic_context=m.context,
        sources_cited=m.sources,
        discrepancies=m.discrepancies,
        problems=Problems(warnings=list(dict.fromkeys(warnings))),
    )
    bad = [e for e in evidence_of(merged) if text[e.start : e.end] != e.text]
    if bad:
        raise InternalError(f"internal error: {len(bad)} merged spans do not reproduce the article")
    return merged
