"""The HTML brief page: the brief beside the article, every evidence span highlighted and cross-linked.

``render_html(brief, text)`` returns one self-contained file (inline CSS/JS, no network). Clicking a field
scrolls to and flashes its evidence; clicking a highlight lists the fields that cite it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import NamedTuple

import jinja2
from markupsafe import Markup

from .. import __version__
from ..schema.brief import Alignment, CasualtyFigure, Certainty, Evidence, IncidentBrief, Origin
from .html_kit import asset, badge, page, segment_spans
from .safe import visible_controls

__all__ = ["KINDS", "EvidenceRef", "render_html", "walk_evidence"]

KINDS: tuple[str, ...] = ("actor", "quote", "figure", "place", "time", "other")
_NO_LLM_ENGINES = frozenset({"extractive"})
_CERTAINTY_TONE = {Certainty.CONFIRMED: "bad", Certainty.CLAIMED: "warn", Certainty.SUSPECTED: "info"}
_FUZZY_NOTE = "Matched to the article only approximately (fuzzy alignment): check the wording."
_DISC_KINDS = {
    "casualties": "figure",
    "casualty": "figure",
    "location": "place",
    "locations": "place",
    "time": "time",
    "date": "time",
    "perpetrators": "actor",
    "actors": "actor",
    "quotes": "quote",
}


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
    out += [
        _field("place", f"Place {i} — {loc.name}", f"f-place-{i}", loc.evidence)
        for i, loc in enumerate(ev.locations, 1)
    ]
    when = ev.time.text or (ev.time.date.isoformat() if ev.time.date else "unknown")
    out.append(_field("time", f"Time — {_short(when)}", "f-time", ev.time.evidence))
    out += [
        _field("actor", f"Perpetrator {i} — {p.name}", f"f-perp-{i}", p.evidence)
        for i, p in enumerate(ev.perpetrators, 1)
    ]
    out += [
        _field("figure", f"Casualties {i} — {c.category.value} {c.as_written}", f"f-cas-{i}", c.evidence)
        for i, c in enumerate(b.casualties, 1)
    ]
    out += [
        _field("actor", f"Actor {i} — {a.name}", f"f-actor-{i}", a.evidence)
        for i, a in enumerate(b.actors, 1)
    ]
    for i, q in enumerate(b.quotes, 1):
        out.append(_field("quote", f"Quote {i} — {q.speaker or 'unattributed'}", f"f-quote-{i}", q.evidence))
        out.append(
            _field(
                "actor",
                f"Quote {i} speaker — {q.speaker or 'unattributed'}",
                f"f-quote-{i}-speaker",
                q.speaker_evidence,
                q.speaker_origin is Origin.EXTRACTOR
                or any(e.origin is Origin.EXTRACTOR for e in q.speaker_evidence),
            )
        )
    dc = b.diplomatic_context
    out += [
        _field("other", f"Process {i} — {p.name}", f"f-process-{i}", p.evidence)
        for i, p in enumerate(dc.processes, 1)
    ]
    out += [
        _field("other", f"Position {i} — {p.actor}", f"f-position-{i}", p.evidence)
        for i, p in enumerate(dc.positions, 1)
    ]
    out += [
        _field("other", f"Next step {i} — {_short(s.step, 40)}", f"f-step-{i}", s.evidence)
        for i, s in enumerate(dc.next_steps, 1)
    ]
    out += [
        _field("actor", f"Source {i} — {s.name}", f"f-source-{i}", s.evidence)
        for i, s in enumerate(b.sources_cited, 1)
    ]
    for i, d in enumerate(b.discrepancies, 1):
        kind = _DISC_KINDS.get(d.field.split(".")[0].lower(), "other")
        out += [
            _field(
                kind, f"Discrepancy {i} ({d.field}) — {_short(v.value, 40)}", f"f-disc-{i}-{j}", v.evidence
            )
            for j, v in enumerate(d.values, 1)
        ]
    return out


def walk_evidence(brief: IncidentBrief) -> Iterator[EvidenceRef]:
    """Yield ``(kind, field_label, field_dom_id, evidence)`` for every evidence span, in page order."""
    for f in _fields(brief):
        for e in f.evidence:
            yield EvidenceRef(f.kind, f.label, f.dom_id, e)


class _Page:
    """What the template needs beyond the brief: fields by id, evidence numbering, spans that fit the text."""

    def __init__(self, brief: IncidentBrief, text: str) -> None:
        self.brief, self.text = brief, text
        self.fields = {f.dom_id: f for f in _fields(brief)}
        self.refs = list(walk_evidence(brief))
        self.llm = brief.meta.engine.lower() not in _NO_LLM_ENGINES
        self.ok = [
            0 <= r.evidence.start <= r.evidence.end <= len(text)
            and text[r.evidence.start : r.evidence.end] == r.evidence.text
            for r in self.refs
        ]
        self.ev_by_field: dict[str, list[int]] = {}
        for n, r in enumerate(self.refs):
            if self.ok[n]:
                self.ev_by_field.setdefault(r.dom_id, []).append(n)
        self.counts = {
            k: sum(ok for r, ok in zip(self.refs, self.ok, strict=True) if r.kind == k) for k in KINDS
        }

    def notes(self, f: _Field) -> list[tuple[str, str, str, str]]:
        """(class, badge label, tone, explanation) for each caveat on a field."""
        out = []
        if any(e.alignment is Alignment.FUZZY for e in f.evidence):
            out.append(("is-fuzzy", "≈ fuzzy", "warn", _FUZZY_NOTE))
        if self.llm and f.extractor:
            why = f"Supplied by the rule-based extractor, not by the model ({self.brief.meta.engine})."
            out.append(("is-extractor", "extractor", "info", why))
        if any(not ok for r, ok in zip(self.refs, self.ok, strict=True) if r.dom_id == f.dom_id):
            out.append(
                ("is-misaligned", "misaligned", "bad", "Some evidence offsets do not match this article.")
            )
        if not f.evidence:
            out.append(("no-ev", "no evidence", "neutral", "No supporting passage was found in the article."))
        return out

    def field(self, dom_id: str, cls: str = "", tag: str = "div", *, caller: Callable[[], str]) -> Markup:
        """Wrap ``caller()`` (a template ``{% call %}`` body) as the brief field ``dom_id``: focusable and
        linked to its evidence when it has some, with a badge per caveat."""
        f = self.fields[dom_id]
        notes = self.notes(f)
        evs = self.ev_by_field.get(dom_id, [])
        attrs = (
            Markup(' tabindex="0" role="button" data-ev="{}"').format(" ".join(map(str, evs))) if evs else ""
        )
        if notes:
            attrs += Markup(' title="{}"').format(" ".join(n[3] for n in notes))
        return Markup(
            '<{tag} class="{cls}" id="{id}" data-kind="{kind}" data-label="{label}"{attrs}>{body}{badges}'
            "</{tag}>"
        ).format(
            tag=Markup(tag),
            cls=" ".join(["field", f"k-{f.kind}", *cls.split(), *(n[0] for n in notes)]),
            id=dom_id,
            kind=f.kind,
            label=f.label,
            attrs=attrs,
            body=Markup(caller()),
            badges=Markup("").join(badge(label, tone=tone, title=why) for _, label, tone, why in notes),
        )

    def article(self) -> Markup:
        """The text split at every span boundary; each covered segment is a ``<mark>`` naming its spans."""
        spans = [
            (r.evidence.start, r.evidence.end) if ok else (-1, -1)
            for r, ok in zip(self.refs, self.ok, strict=True)
        ]
        parts: list[Markup] = []
        for seg in segment_spans(len(self.text), spans):
            piece = self.text[seg.start : seg.end]
            if not seg.covers:
                parts.append(Markup.escape(piece))
                continue
            refs = [self.refs[n] for n in seg.covers]
            kinds = list(dict.fromkeys(r.kind for r in refs))
            ids = list(dict.fromkeys(r.dom_id for r in refs))
            classes = ["hl", f"k-{kinds[0]}", *(f"u-{k}" for k in kinds[1:2])]
            classes += ["multi"] if len(seg.covers) > 1 else []
            classes += ["hl-empty"] if seg.start == seg.end else []
            classes += ["fuzzy"] if any(r.evidence.alignment is Alignment.FUZZY for r in refs) else []
            parts.append(
                Markup(
                    '<mark class="{}" data-ev="{}" data-fields="{}" tabindex="0" role="button" '
                    'aria-haspopup="dialog" title="Cited by: {}">{}</mark>'
                ).format(
                    " ".join(classes),
                    " ".join(map(str, seg.covers)),
                    " ".join(ids),
                    "; ".join(self.fields[i].label for i in ids),
                    piece,
                )
            )
        return Markup("").join(parts)

    def actor_name(self, actor_id: str) -> str:
        actor = self.brief.actor(actor_id)
        return actor.name if actor else actor_id

    @staticmethod
    def figure(c: CasualtyFigure) -> tuple[str, str]:
        """(qualifier shown above the number, the number) for a casualty tile."""
        if c.count is not None:
            return ("" if c.qualifier.value == "exact" else c.qualifier.value), f"{c.count:,}"
        if c.count_min is not None and c.count_max is not None:
            return "", f"{c.count_min:,}–{c.count_max:,}"
        return "", c.as_written


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    env.globals.update(badge=badge, certainty_tone=lambda c: _CERTAINTY_TONE.get(c, "neutral"))
    return env.from_string(asset("brief.html.j2"))


def render_html(brief: IncidentBrief, text: str) -> str:
    """One self-contained HTML page: the brief beside ``text`` (the exact input it was grounded in)."""
    p = _Page(brief, text)
    ev = brief.event
    deck = [ev.type.value, *([ev.sub_type] if ev.sub_type else []), *(loc.name for loc in ev.locations[:2])]
    if ev.time.date or ev.time.text:
        deck.append(ev.time.date.isoformat() if ev.time.date else ev.time.text or "")
    body = _template().render(
        b=brief,
        p=p,
        field=p.field,
        deck=deck,
        kinds=KINDS,
        chars=len(text),
        misaligned=p.ok.count(False),
        version=brief.meta.package_version or __version__,
    )
    html = page(f"Brief — {brief.headline}", body, extra_css=asset("brief.css"), extra_js=asset("brief.js"))
    return visible_controls(html)  # a page shown with `cat` clears no screen: ESC is drawn as ␛
