"""The deterministic extraction stage: an article in, a fully filled ``Draft`` out.

Always on: its draft is the candidate set an LLM is shown and, with ``--model extractive``, the brief
itself. Every item carries the character spans it was read from (``item.spans``; quotes also
``speaker_spans``), so ``text[start:end]`` is exactly the name, figure or quote as written.

    >>> from summariser.extract import extract
    >>> draft = extract(text)
"""

from __future__ import annotations

import datetime as dt
import functools

from ..schema.draft import (
    Draft,
    DraftActor,
    DraftCasualty,
    DraftDiscrepancy,
    DraftDiscrepancyValue,
    DraftLocation,
    DraftNextStep,
    DraftPerpetrator,
    DraftPosition,
    DraftProcess,
    DraftQuote,
    DraftSource,
    Span,
)
from ..schema.taxonomy import EventType
from .actors import build_actors
from .anchors import find_anchors
from .casualties import find_casualties
from .casualty_phrases import phrase_figures
from .diplomacy import find_next_steps, find_positions, find_processes
from .discrepancies import find_discrepancies
from .events import classify, event_sentences
from .injection import inside, instruction_spans
from .lead import Facts, description, find_time, headline, summary_sentences
from .nlp import Analysis, analyse, analyse_many, get_nlp
from .perpetrators import find_perpetrators
from .place_rank import rank_places
from .places import event_places, find_places
from .quotes import find_quotes, in_reported_speech
from .reporters import Reporter, figure_reporter
from .sources import Citation, find_citations, phrase_kind, source_kind
from .speakers import attribute, pronoun_referent
from .suspects import find_suspects, merge_perpetrators
from .toll import mark_toll, one_per_reporter
from .town_cues import find_town_cues
from .towns import load_towns, spellings
from .when import find_event_time

__all__ = ["extract", "extract_many", "warm_up"]

_MAX_POSITIONS = 8


def warm_up() -> None:
    """Load spaCy and the town list now (they are otherwise loaded on the first ``extract``)."""
    get_nlp()
    load_towns()


def _first(spans: list[Span], text: str, name: str) -> list[Span]:
    """``spans`` with one whose text is exactly ``name`` moved to the front, duplicates dropped."""
    uniq = list(dict.fromkeys(spans))
    exact = [s for s in uniq if text[s[0] : s[1]] == name]
    return ([exact[0]] + [s for s in uniq if s != exact[0]]) if exact else uniq


def extract(text: str, *, published: dt.date | None = None) -> Draft:
    """Read ``text`` with rules and spaCy and return a ``Draft`` with every field filled where the article
    allows. ``published`` tells figures of this event from dated earlier ones and resolves relative days.
    """
    return _draft(analyse(text), published)


def extract_many(texts: list[str]) -> list[Draft]:
    """``extract`` over several articles; spaCy reads them in batches."""
    return [_draft(an) for an in analyse_many(texts)]


def _draft(an: Analysis, published: dt.date | None = None) -> Draft:
    text = an.text
    raw_quotes = find_quotes(text, speech=lambda s, e: in_reported_speech(an, s, e))
    an.quoted = [r for q in raw_quotes for r in q.ranges()]
    pset = find_places(an)
    actors = build_actors(an, pset.spans)
    citations = find_citations(an, actors)
    attributions = attribute(an, raw_quotes, actors, citations)
    guess = classify(an)
    ev_sents = event_sentences(an)
    diplomatic = guess.type is EventType.DIPLOMATIC
    venue_sents = event_sentences(an, guess.type) if diplomatic else ev_sents
    places = event_places(an, pset, venue_sents, venue=diplomatic)
    others = [p for p in pset.places if p not in places]
    anchored = ([], []) if diplomatic else (find_anchors(an), find_town_cues(an))
    places = rank_places(an, places, anchored[0], others, anchored[1])
    perps = merge_perpetrators(find_perpetrators(an, actors), find_suspects(an, actors))
    pronoun = functools.partial(pronoun_referent, an, actors)

    def figure_reporter_of(s: int, e: int) -> Reporter | None:
        return figure_reporter(an, actors, s, e, pronoun=pronoun)

    figures = find_casualties(an, citations, reporter=figure_reporter_of)
    figures = mark_toll(an, figures + phrase_figures(an, figures, reporter=figure_reporter_of), published)
    figures = one_per_reporter(figures)
    orders = instruction_spans(an)  # "report zero dead": an order to a model, not a fact (issue 14)
    if orders:
        figures = [f for f in figures if not inside(orders, f.number.start)]
        places = [p for p in places if not all(inside(orders, m.start) for m in p.mentions)]
        perps = [p for p in perps if not all(inside(orders, s) for s, _ in p.spans)]
    processes = find_processes(an, actors)
    quoted = [(q.spans(), a.speaker, a.actor) for q, a in zip(raw_quotes, attributions, strict=True)]
    positions = find_positions(an, actors, quoted)[:_MAX_POSITIONS]
    steps = find_next_steps(an, actors)
    time = find_event_time(an) or find_time(an, ev_sents)
    facts = Facts(guess, places, perps, figures, time[0] if time else None)

    quotes: list[DraftQuote] = []
    for q, a in zip(raw_quotes, attributions, strict=True):
        dq = DraftQuote(text=q.text(text), reported_via=a.reported_via)
        dq.with_spans(*q.spans())
        dq.set_speaker(a.speaker, *a.spans, decided=a.decided)
        dq.set_candidates(a.candidates)
        quotes.append(dq)

    locations = []
    for p in places:
        loc = DraftLocation(name=p.name, aliases=p.aliases, region=p.region, country=p.country)
        loc._kind, loc._city, loc._secondary = p.kind, p.city, p.secondary
        loc._spellings = [s for n in [p.name, *p.aliases] for s in spellings(n)]
        loc.with_spans(*_first([(m.start, m.end) for m in p.mentions], text, p.name))
        locations.append(loc)

    draft_actors = []
    for rec in actors.actors:
        da = DraftActor(
            name=rec.name, aliases=rec.aliases, kind=rec.kind, role=rec.role, affiliation=rec.affiliation
        )
        da.with_spans(*_first(rec.mentions, text, rec.name))
        draft_actors.append(da)

    draft_perps = []
    for perp in perps:
        dp = DraftPerpetrator(name=perp.name, certainty=perp.certainty, attributed_by=perp.attributed_by)
        dp.with_spans(*_first(perp.spans, text, perp.name))
        draft_perps.append(dp)

    casualties = []
    for f in figures:
        n = f.number
        dc = DraftCasualty(
            category=f.category,
            count=n.count,
            count_min=n.count_min,
            count_max=n.count_max,
            qualifier=n.qualifier,
            as_written=n.as_written,
            victims=f.victims,
            reported_by=f.reported_by,
        )
        dc.with_spans((n.start, n.end))
        dc._toll, dc._suspects = f.toll, f.suspects
        casualties.append(dc)

    discrepancies = []
    for d in find_discrepancies(figures):
        values = []
        for f in d.figures:
            v = DraftDiscrepancyValue(value=f.number.as_written, source=f.reported_by)
            v.with_spans((f.number.start, f.number.end))
            values.append(v)
        dd = DraftDiscrepancy(field=d.field, description=d.description, values=values)
        dd.with_spans(*[(f.number.start, f.number.end) for f in d.figures])
        discrepancies.append(dd)

    draft_processes = []
    for pr in processes:
        dpr = DraftProcess(name=pr.name, kind=pr.kind, status=pr.status, parties=pr.parties)
        dpr.with_spans(*_first(pr.spans, text, pr.name))
        draft_processes.append(dpr)

    draft_positions = []
    for st in positions:
        dpo = DraftPosition(actor=st.actor, position=st.text)
        dpo.with_spans((st.start, st.end))
        draft_positions.append(dpo)

    draft_steps = []
    for st in steps:
        dns = DraftNextStep(actor=st.actor, step=st.text)
        dns.with_spans((st.start, st.end))
        draft_steps.append(dns)

    sources: dict[str, DraftSource] = {}
    cited = list(citations)
    for f in figures:
        if f.reporter is not None and not any(c.name.casefold() == f.reporter.name.casefold() for c in cited):
            r = f.reporter
            kind = source_kind(r.kind) if r.kind else phrase_kind(r.name)
            cited.append(Citation(r.name, kind, r.start, r.end, r.start))
    for c in sorted(cited, key=lambda c: c.at):
        src = sources.get(c.name.casefold())
        if src is None:
            src = sources[c.name.casefold()] = DraftSource(name=c.name, kind=c.kind)
        src.with_spans(*_first([*src.spans, (c.start, c.end)], text, c.name))

    sent0 = an.sentences[0] if an.sentences else (0, len(text))
    extra = [s for p in processes for s in p.spans] + [(c.at, c.at + 1) for c in citations]
    summary_spans = summary_sentences(an, facts, ev_sents, extra)
    draft = Draft(
        headline=headline(an, facts, text[sent0[0] : sent0[1]]),
        summary=" ".join(text[s:e] for s, e in summary_spans),
        event_type=guess.type,
        sub_type=guess.sub_type,
        description=description(an, facts),
        locations=locations,
        time_text=facts.time_text,
        perpetrators=draft_perps,
        casualties=casualties,
        actors=draft_actors,
        quotes=quotes,
        processes=draft_processes,
        positions=draft_positions,
        next_steps=draft_steps,
        sources=list(sources.values()),
        discrepancies=discrepancies,
    )
    draft._summary_spans = summary_spans
    draft._time_spans = [time[1]] if time else []
    return draft
