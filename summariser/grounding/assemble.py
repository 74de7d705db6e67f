"""Assemble a brief from a grounded draft, merging the extractor's candidates where the model fell short.

``assemble(draft, text, origin=..., fallback=extractor_draft)``: model items are grounded; what the model
missed or got wrong and the extractor has is added from the extractor (origin ``extractor``), and
``meta.warnings`` says so. Ids are assigned here and every name is linked to an actor id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..schema.brief import (
    Actor,
    CasualtyFigure,
    DiplomaticContext,
    DiplomaticProcess,
    Discrepancy,
    DiscrepancyValue,
    Event,
    EventTime,
    Location,
    NextStep,
    Origin,
    Position,
    Quote,
)
from ..schema.draft import Draft
from .dates import names_other_day, resolve_date
from .freetext import FreeText
from .ground import Grounder, Problems
from .link import ActorIdResolver, same_actor
from .trust import Trust
from .with_rules import drop_injected, prepare

__all__ = ["Assembled", "assemble"]


@dataclass
class Assembled:
    headline: str
    summary: str
    summary_evidence: list
    event: Event
    casualties: list[CasualtyFigure]
    actors: list[Actor]
    quotes: list[Quote]
    diplomatic_context: DiplomaticContext
    sources_cited: list
    discrepancies: list[Discrepancy]
    problems: Problems = field(default_factory=Problems)


def _overlaps(a: Quote, b: Quote) -> bool:
    return any(x.start < y.end and y.start < x.end for x in a.evidence for y in b.evidence)


def _actors(g: Grounder, draft: Draft, fallback: Draft | None, origin: Origin, p: Problems) -> list[Actor]:
    out: list[Actor] = []
    pools = [(draft.actors, origin)] + ([(fallback.actors, Origin.EXTRACTOR)] if fallback else [])
    for pool, src in pools:
        for a in pool:
            names = [a.name, *a.aliases]
            existing = next(
                (x for x in out if any(same_actor(n, m) for n in names for m in [x.name, *x.aliases])), None
            )
            if existing is not None:
                for n in names:
                    if n not in existing.aliases and n != existing.name and g.find(n, fuzzy=False):
                        existing.aliases.append(n)
                continue
            ev = g.name(a, a.name)
            name = a.name
            if not ev:
                alt = next((n for n in a.aliases if g.find(n, fuzzy=False)), None)
                if alt is None:
                    p.ungrounded.append(f"actor {a.name!r} is not in the article")
                    continue
                name, ev = alt, g.name(a.model_copy(), alt)
            aliases = [n for n in g.names([x for x in names if x != name], p, f"actor {name!r} alias")]
            if src == Origin.EXTRACTOR and origin == Origin.LLM:
                p.warnings.append(f"actor {name!r} added from the extractor (the model missed it)")
            out.append(
                Actor(
                    id="",
                    name=name,
                    aliases=aliases,
                    kind=a.kind,
                    role=a.role,
                    affiliation=a.affiliation,
                    evidence=ev,
                )
            )
    for i, actor in enumerate(out, 1):
        actor.id = f"a{i}"
    return out


def _quotes(g: Grounder, draft: Draft, fallback: Draft | None, p: Problems) -> list[Quote]:
    quotes: list[Quote] = []
    for q in draft.quotes:
        gq = g.quote(q, f"q{len(quotes) + 1}", p)
        if gq is not None and not any(_overlaps(gq, x) for x in quotes):
            g.speaker(gq, p)
            quotes.append(gq)
    if fallback is not None and fallback is not draft:
        for q in fallback.quotes:
            cand = g.quote(q, "", Problems())
            if cand is None:
                continue
            twin = next((x for x in quotes if _overlaps(x, cand)), None)
            if twin is None:
                p.warnings.append(f'quote "{cand.text[:40]}…" added from the extractor (the model missed it)')
                quotes.append(cand)
            elif twin.speaker is None and cand.speaker:
                p.warnings.append(f"{twin.id}: speaker taken from the extractor ({cand.speaker})")
                twin.speaker, twin.speaker_evidence = cand.speaker, cand.speaker_evidence
                twin.speaker_origin = Origin.EXTRACTOR
    quotes.sort(key=lambda x: x.evidence[0].start if x.evidence else 0)
    for i, gq in enumerate(quotes, 1):
        gq.id = f"q{i}"
    return quotes


def _casualties(
    g: Grounder, draft: Draft, fallback: Draft | None, origin: Origin, p: Problems
) -> list[CasualtyFigure]:
    out = [c for c in (g.casualty(x, p, origin) for x in draft.casualties) if c is not None]
    if fallback is not None and fallback is not draft:
        for x in fallback.casualties:
            if not any(
                c.category == x.category and c.count == x.count and c.count_min == x.count_min for c in out
            ):
                c = g.casualty(x, Problems(), Origin.EXTRACTOR)
                if c is not None:
                    p.warnings.append(
                        f"figure {x.as_written!r} ({x.category.value}) added from the extractor"
                    )
                    out.append(c)
        for x in fallback.casualties:  # a model's figures carry no toll marks: take the extractor's
            key = (x.category, x.count, x.count_min)
            twin = next((c for c in out if (c.category, c.count, c.count_min) == key), None)
            if twin is not None:
                twin.toll = twin.toll or x._toll
                twin.suspects = twin.suspects or x._suspects
    return out


def _locations(g: Grounder, draft: Draft, fallback: Draft | None, p: Problems) -> list[Location]:
    out: list[Location] = []
    pool = list(draft.locations) + (list(fallback.locations) if fallback and fallback is not draft else [])
    for loc in pool:
        names = [loc.name, *loc.aliases]
        if any(any(same_actor(n, m) for n in names for m in [x.name, *x.aliases]) for x in out):
            continue
        ev = g.name(loc, loc.name)
        if not ev:
            p.ungrounded.append(f"place {loc.name!r} is not in the article")
            continue
        aliases = g.names(loc.aliases, p, f"place {loc.name!r} alias")
        aliases += [s for s in loc._spellings if s != loc.name and s not in aliases]  # of grounded names
        for alias in aliases:
            m = g.find(alias, fuzzy=False)
            if m and not any(e.start == m.start for e in ev):
                ev.append(g.from_match(m, ev[0].origin))
        out.append(
            Location(
                id=f"l{len(out) + 1}",
                name=loc.name,
                aliases=aliases,
                kind=loc._kind,
                city=loc._city,
                region=loc.region,
                country=loc.country,
                secondary=loc._secondary,
                evidence=ev,
            )
        )
    return out


def _diplomacy(g: Grounder, draft: Draft, index: ActorIdResolver, p: Problems) -> DiplomaticContext:
    ctx = DiplomaticContext()
    for pr in draft.processes:
        ev = g.name(pr, pr.name) or g.statement(pr, pr.name)
        if not ev:
            p.warnings.append(f"process {pr.name!r} is not in the article; dropped")
            continue
        parties = [aid for aid in (index.resolve(n) for n in pr.parties) if aid]
        ctx.processes.append(
            DiplomaticProcess(name=pr.name, kind=pr.kind, status=pr.status, parties=parties, evidence=ev)
        )
    for pos in draft.positions:
        ev = g.statement(pos, pos.position)
        if ev:
            ctx.positions.append(
                Position(
                    actor=pos.actor, actor_id=index.resolve(pos.actor), position=pos.position, evidence=ev
                )
            )
        else:
            p.warnings.append(f"position of {pos.actor!r} not found in the article; dropped")
    for step in draft.next_steps:
        ev = g.statement(step, step.step)
        if ev:
            ctx.next_steps.append(NextStep(actor=step.actor, step=step.step, evidence=ev))
        else:
            p.warnings.append(f"next step {step.step[:40]!r} not found in the article; dropped")
    return ctx


def _discrepancies(g: Grounder, draft: Draft) -> list[Discrepancy]:
    out = []
    for d in draft.discrepancies:
        values = []
        for v in d.values:
            ev = g.name(v, v.value)
            if ev:
                values.append(DiscrepancyValue(value=v.value, source=v.source, evidence=ev))
        if len(values) >= 2:
            out.append(Discrepancy(field=d.field, description=d.description, values=values))
    return out


def _free_text(g: Grounder, value: str, fallback: str, what: str, p: Problems) -> str:
    bad = g.numbers_not_in_text(value)
    if bad and fallback:
        p.warnings.append(f"{what} had numbers not in the article ({bad}); replaced by the extractive {what}")
        return fallback
    return value


def assemble(
    draft: Draft,
    text: str,
    *,
    origin: Origin,
    fallback: Draft | None = None,
    published: dt.date | None = None,
    grounder: Grounder | None = None,
    trust: Trust | None = None,
) -> Assembled:
    """``trust`` (default: the conservative ``Trust()``) rules how a model's draft is merged with
    ``fallback``, the extractor's (``with_rules.prepare``)."""
    g = grounder or Grounder(text)
    p = Problems()
    free: FreeText | None = None
    if origin == Origin.LLM and fallback is not None and fallback is not draft:
        free = FreeText(text)
        draft = prepare(draft, fallback, trust or Trust(), free, p.warnings)
    actors = _actors(g, draft, fallback, origin, p)
    index = ActorIdResolver((a.id, [a.name, *a.aliases]) for a in actors)
    quotes = _quotes(g, draft, fallback, p)
    for q in quotes:
        q.speaker_id = index.resolve(q.speaker)
        actor = next((a for a in actors if a.id == q.speaker_id), None)
        if actor is not None:
            q.speaker = actor.name
    casualties = _casualties(g, draft, fallback, origin, p)
    for c in casualties:
        c.reporter_id = index.resolve(c.reported_by)
    perps = [x for x in (g.perpetrator(pp, pp.name, p) for pp in draft.perpetrators) if x is not None]
    if not perps and fallback is not None and fallback is not draft:
        perps = [x for x in (g.perpetrator(pp, pp.name, Problems()) for pp in fallback.perpetrators) if x]
    for perp in perps:
        perp.actor_id = index.resolve(perp.name)
    time_src = draft if draft.time_text or fallback is None else fallback
    time_ev = [g.evidence(sp, Origin.EXTRACTOR) for sp in time_src._time_spans] or (
        [g.from_match(m, origin)] if (m := g.find(time_src.time_text, fuzzy=False)) else []
    )
    time = EventTime(
        text=time_src.time_text if time_ev else None,
        evidence=time_ev,
        date=resolve_date(time_src.time_text, published) if time_ev else None,
    )
    if time.date is None and published is not None and not names_other_day(time.text):
        # the report names no day of its own: news of the day tells of that day
        time.date = published
        p.warnings.append("event date: the report names no day; the publication date is assumed")
    event = Event(
        type=draft.event_type,
        sub_type=draft.sub_type,
        description=draft.description,
        locations=_locations(g, draft, fallback, p),
        time=time,
        perpetrators=perps,
    )
    fb = fallback if fallback is not None else draft
    summary = _free_text(g, draft.summary, fb.summary, "summary", p)
    summary_src = fb if summary is fb.summary else draft
    summary_ev = [g.evidence(sp, Origin.EXTRACTOR) for sp in summary_src._summary_spans]
    if not summary_ev:
        summary_ev = [e for s in summary.split(". ") for e in g.statement(None, s)]
    sources = [x for x in (g.source(s, s.name, s.kind, p) for s in draft.sources) if x is not None]
    for s in sources:
        s.actor_id = index.resolve(s.name)
    result = Assembled(
        headline=_free_text(g, draft.headline, fb.headline, "headline", p),
        summary=summary,
        summary_evidence=summary_ev,
        event=event,
        casualties=casualties,
        actors=actors,
        quotes=quotes,
        diplomatic_context=_diplomacy(g, draft, index, p),
        sources_cited=sources,
        discrepancies=_discrepancies(g, draft),
        problems=p,
    )
    if free is not None:
        drop_injected(result, free, p.warnings)
    return result
