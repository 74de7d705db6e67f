"""The HTML brief page: the brief beside the article, every evidence span highlighted and cross-linked.

``render_html(brief, text)`` returns one self-contained file (inline CSS/JS, no network). Clicking a field
scrolls to and flashes its evidence; clicking a highlight lists the fields that cite it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from markupsafe import Markup

from . import __version__
from .brief import Alignment, Certainty, Evidence, IncidentBrief, Origin
from .html_kit import asset, badge, page, segment_spans

__all__ = ["KINDS", "EvidenceRef", "render_html", "walk_evidence"]

KINDS: tuple[str, ...] = ("actor", "quote", "figure", "place", "time", "other")
_KIND_NAMES = {"actor": "Actor", "quote": "Quote", "figure": "Figure", "place": "Place", "time": "Time",
               "other": "Other"}
_NO_LLM_ENGINES = frozenset({"extractive"})
_CERTAINTY_TONE = {Certainty.CONFIRMED: "bad", Certainty.CLAIMED: "warn", Certainty.SUSPECTED: "info"}
_DISC_KINDS = {"casualties": "figure", "casualty": "figure", "location": "place", "locations": "place",
               "time": "time", "date": "time", "perpetrators": "actor", "actors": "actor", "quotes": "quote"}


class EvidenceRef(NamedTuple):
    """One evidence span and the brief field citing it (``dom_id`` is the field's id in the page)."""

    kind: str
    label: str
    dom_id: str
    evidence: Evidence


class _Field(NamedTuple):
    kind: str
    label: str
    dom_id: str
    evidence: list[Evidence]
    extractor: bool


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _field(kind: str, label: str, dom_id: str, evs: list[Evidence], extractor: bool | None = None) -> _Field:
    if extractor is None:
        extractor = any(e.origin is Origin.EXTRACTOR for e in evs)
    return _Field(kind, label, dom_id, evs, extractor)


def _fields(b: IncidentBrief) -> list[_Field]:
    """Every grounded field of the brief, in page order."""
    out = [_field("other", "Summary", "f-summary", b.summary_evidence)]
    ev = b.event
    out += [_field("place", f"Place {i} — {loc.name}", f"f-place-{i}", loc.evidence)
            for i, loc in enumerate(ev.locations, 1)]
    when = ev.time.text or (ev.time.date.isoformat() if ev.time.date else "unknown")
    out.append(_field("time", f"Time — {_short(when)}", "f-time", ev.time.evidence))
    out += [_field("actor", f"Perpetrator {i} — {p.name}", f"f-perp-{i}", p.evidence)
            for i, p in enumerate(ev.perpetrators, 1)]
    out += [_field("figure", f"Casualties {i} — {c.category.value} {c.as_written}", f"f-cas-{i}", c.evidence)
            for i, c in enumerate(b.casualties, 1)]
    out += [_field("actor", f"Actor {i} — {a.name}", f"f-actor-{i}", a.evidence)
            for i, a in enumerate(b.actors, 1)]
    for i, q in enumerate(b.quotes, 1):
        out.append(_field("quote", f"Quote {i} — {q.speaker or 'unattributed'}", f"f-quote-{i}", q.evidence))
        out.append(_field("actor", f"Quote {i} speaker — {q.speaker or 'unattributed'}", f"f-quote-{i}-speaker",
                          q.speaker_evidence, q.speaker_origin is Origin.EXTRACTOR
                          or any(e.origin is Origin.EXTRACTOR for e in q.speaker_evidence)))
    dc = b.diplomatic_context
    out += [_field("other", f"Process {i} — {p.name}", f"f-process-{i}", p.evidence)
            for i, p in enumerate(dc.processes, 1)]
    out += [_field("other", f"Position {i} — {p.actor}", f"f-position-{i}", p.evidence)
            for i, p in enumerate(dc.positions, 1)]
    out += [_field("other", f"Next step {i} — {_short(s.step, 40)}", f"f-step-{i}", s.evidence)
            for i, s in enumerate(dc.next_steps, 1)]
    out += [_field("actor", f"Source {i} — {s.name}", f"f-source-{i}", s.evidence)
            for i, s in enumerate(b.sources_cited, 1)]
    for i, d in enumerate(b.discrepancies, 1):
        kind = _DISC_KINDS.get(d.field.split(".")[0].lower(), "other")
        out += [_field(kind, f"Discrepancy {i} ({d.field}) — {_short(v.value, 40)}", f"f-disc-{i}-{j}", v.evidence)
                for j, v in enumerate(d.values, 1)]
    return out


def walk_evidence(brief: IncidentBrief) -> Iterator[EvidenceRef]:
    """Yield ``(kind, field_label, field_dom_id, evidence)`` for every evidence span, in page order."""
    for f in _fields(brief):
        for e in f.evidence:
            yield EvidenceRef(f.kind, f.label, f.dom_id, e)


class _Page:
    """What rendering needs: fields by id, evidence numbering, and which spans fit the article."""

    def __init__(self, brief: IncidentBrief, text: str) -> None:
        self.brief, self.text = brief, text
        self.fields = {f.dom_id: f for f in _fields(brief)}
        self.refs = list(walk_evidence(brief))
        self.llm = brief.meta.engine.lower() not in _NO_LLM_ENGINES
        self.ok = [0 <= r.evidence.start <= r.evidence.end <= len(text)
                   and text[r.evidence.start:r.evidence.end] == r.evidence.text for r in self.refs]
        self.ev_by_field: dict[str, list[int]] = {}
        for n, r in enumerate(self.refs):
            if self.ok[n]:
                self.ev_by_field.setdefault(r.dom_id, []).append(n)

    def notes(self, f: _Field) -> list[tuple[str, str, str, str]]:
        """(class, badge label, tone, explanation) for each caveat on a field."""
        out = []
        if any(e.alignment is Alignment.FUZZY for e in f.evidence):
            out.append(("is-fuzzy", "≈ fuzzy", "warn",
                        "Matched to the article only approximately (fuzzy alignment): check the wording."))
        if self.llm and f.extractor:
            out.append(("is-extractor", "extractor", "info",
                        f"Supplied by the rule-based extractor, not by the model ({self.brief.meta.engine})."))
        if any(not self.ok[n] for n, r in enumerate(self.refs) if r.dom_id == f.dom_id):
            out.append(("is-misaligned", "misaligned", "bad",
                        "Some evidence offsets do not match this article's text."))
        if not f.evidence:
            out.append(("no-ev", "no evidence", "neutral", "No supporting passage was found in the article."))
        return out

    def field(self, dom_id: str, body: Markup, *, cls: str = "", tag: str = "div") -> Markup:
        f = self.fields[dom_id]
        notes = self.notes(f)
        classes = " ".join(["field", f"k-{f.kind}", cls, *(n[0] for n in notes)]).strip()
        badges = Markup("").join(badge(label, tone=tone, title=why) for _, label, tone, why in notes)
        title = " ".join(n[3] for n in notes)
        evs = self.ev_by_field.get(dom_id, [])
        active = Markup(' tabindex="0" role="button" data-ev="{}"').format(" ".join(map(str, evs))) if evs else ""
        return Markup('<{tag} class="{cls}" id="{id}" data-kind="{kind}" data-label="{label}"{title}{active}>'
                      "{body}{badges}</{tag}>").format(
            tag=Markup(tag), cls=classes, id=dom_id, kind=f.kind, label=f.label,
            title=Markup(' title="{}"').format(title) if title else "", active=active, body=body, badges=badges)

    def article(self) -> Markup:
        spans = [(r.evidence.start, r.evidence.end) if self.ok[n] else (-1, -1) for n, r in enumerate(self.refs)]
        parts: list[Markup] = []
        for seg in segment_spans(len(self.text), spans):
            piece = self.text[seg.start:seg.end]
            if not seg.covers:
                parts.append(Markup.escape(piece))
                continue
            refs = [self.refs[n] for n in seg.covers]
            kinds = list(dict.fromkeys(r.kind for r in refs))
            ids = list(dict.fromkeys(r.dom_id for r in refs))
            classes = ["hl", f"k-{kinds[0]}"] + [f"u-{kinds[1]}"] * (len(kinds) > 1)
            classes += ["multi"] * (len(seg.covers) > 1) + ["hl-empty"] * (seg.start == seg.end)
            classes += ["fuzzy"] * any(r.evidence.alignment is Alignment.FUZZY for r in refs)
            title = "Cited by: " + "; ".join(self.fields[i].label for i in ids)
            parts.append(Markup('<mark class="{}" data-ev="{}" data-fields="{}" tabindex="0" role="button" '
                                'aria-haspopup="dialog" title="{}">{}</mark>').format(
                " ".join(classes), " ".join(map(str, seg.covers)), " ".join(ids), title, piece))
        return Markup("").join(parts)


def _sec(sec_id: str, title: str, body: Markup, count: int | None = None) -> Markup:
    n = Markup('<span class="count">{}</span>').format(count) if count is not None else ""
    return Markup('<section class="section" id="{}" aria-labelledby="{}-h"><h2 id="{}-h">{}{}</h2>{}</section>'
                  ).format(sec_id, sec_id, sec_id, title, n, body)


def _join(items: Iterable[Markup], sep: str = "") -> Markup:
    return Markup(sep).join(items)


def _dd(label: str, value: object) -> Markup:
    return Markup("<tr><th>{}</th><td>{}</td></tr>").format(label, value)


def _event(p: _Page) -> Markup:
    ev = p.brief.event
    places = _join(p.field(f"f-place-{i}", Markup('<strong>{}</strong>{}{}').format(
        loc.name,
        Markup(' <span class="muted">· {}</span>').format(", ".join(x for x in (loc.region, loc.country) if x))
        if loc.region or loc.country else "",
        Markup('<div class="aka">also: {}</div>').format(", ".join(loc.aliases)) if loc.aliases else ""),
        cls="inline") for i, loc in enumerate(ev.locations, 1)) or Markup('<span class="muted">Not stated</span>')
    t = ev.time
    when = p.field("f-time", Markup("{}{}").format(
        t.text or "Not stated", Markup(' <span class="muted">· {}</span>').format(t.date.isoformat()) if t.date
        else ""), cls="inline")
    perps = _join(p.field(f"f-perp-{i}", Markup("<strong>{}</strong>{}{}").format(
        pp.name, badge(pp.certainty.value, tone=_CERTAINTY_TONE.get(pp.certainty, "neutral"),
                       title="Certainty of the attribution"),
        Markup('<div class="aka">attributed by {}</div>').format(", ".join(pp.attributed_by))
        if pp.attributed_by else ""), cls="inline") for i, pp in enumerate(ev.perpetrators, 1)
    ) or Markup('<span class="muted">None named</span>')
    sub = Markup(' <span class="sep">›</span> {}').format(ev.sub_type) if ev.sub_type else ""
    body = Markup('<div class="card"><div class="etype"><span class="type-chip">{}</span>{}</div>'
                  '<p class="desc">{}</p><div class="facts"><div class="fact-l">Where</div><div>{}</div>'
                  '<div class="fact-l">When</div><div>{}</div><div class="fact-l">Perpetrators</div><div>{}</div>'
                  "</div></div>").format(ev.type.value, sub, ev.description, places, when, perps)
    return _sec("sec-event", "Event", body)


def _casualties(p: _Page) -> Markup:
    tiles = []
    for i, c in enumerate(p.brief.casualties, 1):
        if c.count is not None:
            num = f"{c.count:,}"
        elif c.count_min is not None and c.count_max is not None:
            num = f"{c.count_min:,}–{c.count_max:,}"
        else:
            num = c.as_written
        qual = c.qualifier.value if c.qualifier.value != "exact" and c.count is not None else ""
        meta = " · ".join(x for x in (c.victims, f"per {c.reported_by}" if c.reported_by else None) if x)
        tiles.append(p.field(f"f-cas-{i}", Markup(
            '<div class="stat-num">{}<span>{}</span></div><div class="stat-cat">{}</div>'
            '<div class="stat-meta">{}</div><div class="stat-src">“{}”</div>').format(
            Markup("<small>{}</small> ").format(qual) if qual else "", num, c.category.value, meta or "—",
            c.as_written), cls="stat"))
    return _sec("sec-casualties", "Casualties", Markup('<div class="stats">{}</div>').format(_join(tiles)),
                len(tiles)) if tiles else Markup("")


def _actors(p: _Page) -> Markup:
    rows = [p.field(f"f-actor-{i}", Markup('<div class="row-main"><strong>{}</strong>{}</div>{}{}').format(
        a.name, badge(a.kind.value.replace("_", " ")),
        Markup('<div class="sub">{}</div>').format(" · ".join(x for x in (a.role, a.affiliation) if x))
        if a.role or a.affiliation else "",
        Markup('<div class="aka">aka {}</div>').format(", ".join(a.aliases)) if a.aliases else ""), cls="row")
        for i, a in enumerate(p.brief.actors, 1)]
    return _sec("sec-actors", "Actors", Markup('<div class="card list">{}</div>').format(_join(rows)),
                len(rows)) if rows else Markup("")


def _quotes(p: _Page) -> Markup:
    cards = []
    for i, q in enumerate(p.brief.quotes, 1):
        speaker = p.field(f"f-quote-{i}-speaker", Markup("— {}").format(q.speaker or "Unattributed"),
                          cls="inline speaker", tag="span")
        via = Markup(' <span class="muted">via {}</span>').format(q.reported_via) if q.reported_via else ""
        cards.append(Markup('<figure class="quote">{}<figcaption>{}{}</figcaption></figure>').format(
            p.field(f"f-quote-{i}", Markup("<blockquote>“{}”</blockquote>").format(q.text)), speaker, via))
    return _sec("sec-quotes", "Quotes", _join(cards), len(cards)) if cards else Markup("")


def _diplomacy(p: _Page) -> Markup:
    dc = p.brief.diplomatic_context

    def party(pid: str) -> str:
        actor = p.brief.actor(pid)
        return actor.name if actor else pid

    parts = [p.field(f"f-process-{i}", Markup('<div class="row-main"><strong>{}</strong>{}{}</div>{}').format(
        pr.name, badge(pr.kind.value), badge(pr.status, tone="info") if pr.status else "",
        Markup('<div class="sub">Parties: {}</div>').format(", ".join(map(party, pr.parties))) if pr.parties
        else ""), cls="row") for i, pr in enumerate(dc.processes, 1)]
    parts += [p.field(f"f-position-{i}", Markup('<div class="row-main"><strong>{}</strong></div>'
                                               '<div class="sub">{}</div>').format(po.actor, po.position), cls="row")
              for i, po in enumerate(dc.positions, 1)]
    parts += [p.field(f"f-step-{i}", Markup('<div class="row-main">Next: {}</div>{}').format(
        s.step, Markup('<div class="sub">{}</div>').format(s.actor) if s.actor else ""), cls="row")
        for i, s in enumerate(dc.next_steps, 1)]
    return _sec("sec-diplomacy", "Diplomatic context", Markup('<div class="card list">{}</div>').format(
        _join(parts))) if parts else Markup("")


def _sources(p: _Page) -> Markup:
    chips = [p.field(f"f-source-{i}", Markup('{} <span class="muted">{}</span>').format(s.name, s.kind),
                     cls="chip", tag="span") for i, s in enumerate(p.brief.sources_cited, 1)]
    return _sec("sec-sources", "Sources cited", Markup('<div class="chips">{}</div>').format(_join(chips)),
                len(chips)) if chips else Markup("")


def _discrepancies(p: _Page) -> Markup:
    items = [Markup('<div class="callout disc"><strong>{}</strong> <code>{}</code><div class="values">{}</div>'
                    "</div>").format(d.description, d.field, _join(p.field(f"f-disc-{i}-{j}", Markup("{}{}").format(
                        v.value, Markup(' <span class="muted">— {}</span>').format(v.source) if v.source else ""),
                        cls="chip", tag="span") for j, v in enumerate(d.values, 1)))
             for i, d in enumerate(p.brief.discrepancies, 1)]
    return _sec("sec-discrepancies", "Discrepancies", _join(items), len(items)) if items else Markup("")


def _meta(p: _Page) -> Markup:
    m = p.brief.meta
    rows = [_dd("Engine", m.engine), _dd("Model", m.model),
            _dd("Prompt", Markup('{} <code title="{}">{}</code>').format(m.prompt_version, m.prompt_hash,
                                                                           m.prompt_hash[:12])),
            _dd("Tokens", f"{m.usage.prompt_tokens:,} prompt · {m.usage.completion_tokens:,} completion · "
                          f"{m.usage.total_tokens:,} total"),
            _dd("Model calls", f"{m.llm_calls} ({m.retries} retries)"), _dd("Duration", f"{m.duration_s:.2f} s"),
            _dd("Published", m.published.isoformat() if m.published else "—"),
            _dd("Source", Markup('<code title="{}">sha256 {}…</code>').format(m.source_sha256, m.source_sha256[:12])),
            _dd("Schema / package", f"v{m.schema_version} · summariser {m.package_version or __version__}")]
    warn = Markup('<div class="callout warnings"><strong>Warnings</strong><ul>{}</ul></div>').format(
        _join(Markup("<li>{}</li>").format(w) for w in m.warnings)) if m.warnings else ""
    return _sec("sec-meta", "Provenance", Markup('{}<div class="card"><table class="kv">{}</table></div>').format(
        warn, _join(rows)))


def _legend(p: _Page) -> Markup:
    counts = {k: 0 for k in KINDS}
    for n, r in enumerate(p.refs):
        counts[r.kind] += p.ok[n]
    items = _join(Markup('<li><span class="sw k-{}"></span>{} <span class="muted">{}</span></li>').format(
        k, _KIND_NAMES[k], counts[k]) for k in KINDS)
    return Markup('<ul class="legend" aria-label="Highlight colours">{}</ul>').format(items)


def render_html(brief: IncidentBrief, text: str) -> str:
    """One self-contained HTML page: the brief beside ``text`` (the exact input it was grounded in)."""
    p = _Page(brief, text)
    ev = brief.event
    deck = [ev.type.value, *([ev.sub_type] if ev.sub_type else []), *[loc.name for loc in ev.locations[:2]]]
    if ev.time.date or ev.time.text:
        deck.append(ev.time.date.isoformat() if ev.time.date else ev.time.text or "")
    bad = p.ok.count(False)
    alert = Markup('<div class="callout alert" role="alert">{} evidence span(s) do not match this article '
                   "and are not highlighted: was the brief made from another text?</div>").format(bad) if bad else ""
    top_warn = Markup('<div class="callout warnings warn-banner"><strong>{} warning(s)</strong> — see '
                      '<a href="#sec-meta">Provenance</a></div>').format(len(brief.meta.warnings)) \
        if brief.meta.warnings else ""
    brief_col = _join([
        top_warn, alert,
        _sec("sec-summary", "Summary", p.field("f-summary", Markup('<p class="lede">{}</p>').format(brief.summary),
                                               cls="summary")),
        _event(p), _casualties(p), _actors(p), _quotes(p), _diplomacy(p), _sources(p), _discrepancies(p), _meta(p),
    ])
    body = Markup(
        '<header class="topbar"><div class="topbar-inner"><div class="eyebrow">Incident brief</div>'
        '<h1 class="headline">{headline}</h1><div class="deck">{deck}<span class="engine">{engine}</span></div>'
        '</div></header><main class="layout"><div class="brief-pane" aria-label="Brief">{brief}</div>'
        '<div class="article-pane" id="article-pane" aria-label="Source article">'
        '<div class="article-head"><div class="ah-row"><h2>Source article</h2><span class="muted small">'
        '{chars:,} characters · {nspans} highlighted spans</span></div>{legend}<p class="hint no-print">'
        "Click a field to find its evidence; click a highlight to see which fields cite it.</p></div>"
        '<div class="article-card"><div class="article-text" id="article">{article}</div></div>'
        '<div id="cite-pop" class="pop" role="dialog" aria-label="Fields citing this passage" hidden>'
        '<div class="pop-head">Cited by</div><ul class="pop-list"></ul></div></div></main>'
        '<footer class="foot">Generated by summariser {version} · self-contained page, no network access</footer>'
    ).format(headline=brief.headline, deck=_join(Markup("<span>{}</span>").format(d) for d in deck),
             engine=f"{brief.meta.engine} · {brief.meta.model}", brief=brief_col, chars=len(text),
             nspans=p.ok.count(True), legend=_legend(p), article=p.article(),
             version=brief.meta.package_version or __version__)
    return page(f"Brief — {brief.headline}", body, extra_css=asset("brief.css"), extra_js=asset("brief.js"))
