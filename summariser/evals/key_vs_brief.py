"""The answer key beside the brief, item by item: what the HTML eval report shows when a case is opened.

Public API
----------
``field_views(score, case, brief) -> list[FieldView]``
    One ``FieldView`` per field the case scored (``title``, its metric values), in display order. With the
    case and its brief, the fields in ``DETAILED`` also hold ``lines``: each item of the answer key beside
    the brief's item matched to it (the same one-to-one matching the metrics use) with a ``status``
    (match, missed, invented, wrong speaker, wrong certainty, wrong type, wrong sub-type, mismatch,
    partly) and a ``tone`` (good, warn, bad, neutral); items of a field whose answer key is partial
    (``recall_only``) that the key lacks are "not in key", not "invented".
``Side`` / ``Line`` / ``FieldView``: plain dataclasses; ``Side.sub_bad`` marks the part that is wrong
(a quote's speaker, a perpetrator's certainty, an event's sub-type, a date).
``TITLES``: display names of the fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..schema.brief import IncidentBrief
from .compare import field_of, metric_order
from .matching import NAME_THRESHOLD, entity_similarity, match_entities, normalise_quote, token_f1
from .metrics import COUNT_METRICS, CasualtiesEvaluator
from .models import Case
from .score import CaseScore

__all__ = ["DETAILED", "TITLES", "FieldView", "Line", "Side", "field_views"]

MIN_QUOTE_F1 = 0.5  # as QuotesEvaluator: a produced quote matches a key quote at token F1 >= 0.5
TITLES = {
    "schema": "Schema",
    "event_type": "Event type",
    "locations": "Locations",
    "time": "Time",
    "casualties": "Casualties",
    "toll": "Toll",
    "perpetrators": "Perpetrators",
    "actors": "Actors",
    "quotes": "Quotes",
    "sources": "Sources",
    "discrepancies": "Discrepancies",
    "diplomatic": "Diplomatic",
    "summary": "Summary",
    "grounding": "Grounding",
}


@dataclass
class Side:
    """One item as the answer key or the brief gives it: ``main`` text and a ``sub`` line."""

    main: str
    sub: str = ""
    quote: bool = False
    sub_bad: bool = False


@dataclass
class Line:
    gold: Side | None
    made: Side | None
    status: str
    tone: str
    note: str = ""


@dataclass
class FieldView:
    name: str
    title: str
    scores: list[tuple[str, float | None, bool]]
    lines: list[Line] = field(default_factory=list)
    detailed: bool = False


def _unmatched(made: Side, recall_only: bool) -> Line:
    if recall_only:
        return Line(None, made, "not in key", "neutral", "the answer key of this field is partial")
    return Line(None, made, "invented", "bad")


def _named(gold: list[tuple[list[str], Side]], pred: list[tuple[list[str], Side]], ro: bool) -> list[Line]:
    pairs = {
        j: i for i, j, _ in match_entities([p for p, _ in pred], [g for g, _ in gold], entity_similarity)
    }
    lines = [
        Line(gs, pred[pairs[j]][1], "match", "good") if j in pairs else Line(gs, None, "missed", "bad")
        for j, (_, gs) in enumerate(gold)
    ]
    return lines + [_unmatched(ps, ro) for i, (_, ps) in enumerate(pred) if i not in pairs.values()]


def _aka(aliases: list[str]) -> str:
    return "aka " + ", ".join(aliases[:3]) + (" …" if len(aliases) > 3 else "") if aliases else ""


def _kind_aka(kind: str, aliases: list[str]) -> str:
    return " · ".join(filter(None, [kind.replace("_", " "), _aka(aliases)]))


def _speaker_ok(case: Case, brief: IncidentBrief, names: list[str], gold_speaker: str) -> bool:
    actor = case.golden.actor_named(gold_speaker)
    gold_names = [actor.name, *actor.aliases] if actor else [gold_speaker]
    return entity_similarity(names, gold_names) >= NAME_THRESHOLD


def _quotes(case: Case, b: IncidentBrief, ro: bool) -> list[Line]:
    gold, pred = case.golden.quotes, b.quotes
    soft = match_entities(pred, gold, lambda p, g: token_f1(p.text, g.text), 1e-9)
    pairs = {j: (i, s) for i, j, s in soft if s >= MIN_QUOTE_F1}
    lines = []
    for j, g in enumerate(gold):
        gs = Side(g.text, "— " + (g.speaker or "speaker not scored"), quote=True)
        if j not in pairs:
            lines.append(Line(gs, None, "missed", "bad"))
            continue
        i, s = pairs[j]
        p = pred[i]
        actor = b.actor(p.speaker_id)
        names = [n for n in (p.speaker, *([actor.name, *actor.aliases] if actor else [])) if n]
        ok = g.speaker is None or _speaker_ok(case, b, names, g.speaker)
        same = normalise_quote(p.text) == normalise_quote(g.text)
        made = Side(p.text, "— " + (p.speaker or "unattributed"), quote=True, sub_bad=not ok)
        note = "" if same else f"wording differs (token F1 {s:.2f})"
        lines.append(Line(gs, made, "match" if ok else "wrong speaker", "good" if ok else "bad", note))
    used = {i for i, _ in pairs.values()}
    for i, p in enumerate(pred):
        if i not in used:
            lines.append(_unmatched(Side(p.text, "— " + (p.speaker or "unattributed"), quote=True), ro))
    return lines


def _figure(c: Any) -> Side:
    if c.count is not None:
        num = f"{c.count:,}" if c.qualifier.value == "exact" else f"{c.qualifier.value} {c.count:,}"
    else:
        low, high = (n if n is not None else "?" for n in (c.count_min, c.count_max))
        num = f"{low}–{high}"
    sub = f"“{c.as_written}”" + (f" · {c.victims}" if c.victims else "")
    return Side(f"{c.category.value} {num}", sub + f" · per {c.reported_by or 'the article'}")


def _casualties(case: Case, b: IncidentBrief, ro: bool) -> list[Line]:
    ev = CasualtiesEvaluator()
    gold, pred = case.golden.casualties, b.casualties
    pairs = {j: i for i, j, _ in ev._pairs(pred, gold, "_close")}  # the pairs casualties.f1 counts
    lines = []
    for j, g in enumerate(gold):
        if j not in pairs:
            lines.append(Line(_figure(g), None, "missed", "bad"))
            continue
        p = pred[pairs[j]]
        notes = [] if ev._exact(p, g) else ["number within tolerance"]
        if (p.reported_by is None) != (g.reported_by is None) or (
            p.reported_by and g.reported_by and entity_similarity([p.reported_by], [g.reported_by]) < 0.5
        ):
            notes.append("reporter differs")
        if p.qualifier != g.qualifier:
            notes.append("qualifier differs")
        status, t = ("match", "good") if not notes else ("partly", "warn")
        lines.append(Line(_figure(g), _figure(p), status, t, "; ".join(notes)))
    lines += [_unmatched(_figure(p), ro) for i, p in enumerate(pred) if i not in pairs.values()]
    return lines


def _perpetrators(case: Case, b: IncidentBrief, ro: bool) -> list[Line]:
    gold, pred = case.golden.perpetrators, b.event.perpetrators
    lines = _named(
        [([g.name, *g.aliases], Side(g.name, g.certainty.value if g.certainty else "")) for g in gold],
        [([p.name], Side(p.name, p.certainty.value)) for p in pred],
        ro,
    )
    for line, g in zip(lines, gold, strict=False):
        if line.made and g.certainty is not None and line.made.sub != g.certainty.value:
            line.status, line.tone, line.made.sub_bad = "wrong certainty", "warn", True
    return lines


def _field_lines(name: str, case: Case, b: IncidentBrief, scores: dict[str, float | None]) -> list[Line]:
    ro, g = name in case.recall_only, case.golden
    if name == "event_type":
        gs = Side(g.event.type.value, g.event.sub_type or "")
        made = Side(b.event.type.value, b.event.sub_type or "")
        ok = b.event.type == g.event.type
        sub_ok = g.event.sub_type is None or b.event.sub_type == g.event.sub_type
        made.sub_bad = not sub_ok
        status = "match" if ok and sub_ok else "wrong type" if not ok else "wrong sub-type"
        return [Line(gs, made, status, "good" if ok and sub_ok else "bad" if not ok else "warn")]
    if name == "time":
        t = b.event.time
        gs = Side(g.time.text or "—", g.time.date.isoformat() if g.time.date else "")
        made = Side(t.text or "—", t.date.isoformat() if t.date else "no date" if g.time.date else "")
        bad = [k for k in ("time.text_accuracy", "time.date_accuracy") if scores.get(k) == 0.0]
        made.sub_bad = "time.date_accuracy" in bad
        return [Line(gs, made, "match" if not bad else "mismatch", "good" if not bad else "bad")]
    if name == "locations":
        return _named(
            [([x.name, *x.aliases], Side(x.name, _aka(x.aliases))) for x in g.locations],
            [
                ([x.name, *x.aliases], Side(x.name, ", ".join(filter(None, [x.region, x.country]))))
                for x in b.event.locations
            ],
            ro,
        )
    if name == "actors":
        return _named(
            [([x.name, *x.aliases], Side(x.name, _kind_aka(x.kind.value, x.aliases))) for x in g.actors],
            [([x.name, *x.aliases], Side(x.name, _kind_aka(x.kind.value, x.aliases))) for x in b.actors],
            ro,
        )
    if name == "sources":
        return _named(
            [([x.name, *x.aliases], Side(x.name, x.kind)) for x in g.sources],
            [([x.name], Side(x.name, x.kind)) for x in b.sources_cited],
            ro,
        )
    makers: dict[str, Callable[[Case, IncidentBrief, bool], list[Line]]] = {
        "quotes": _quotes,
        "casualties": _casualties,
        "perpetrators": _perpetrators,
    }
    return makers[name](case, b, ro) if name in makers else []


#: Fields shown key-beside-brief, in page order (the rest show their scores only).
DETAILED = ("event_type", "time", "locations", "perpetrators", "casualties", "quotes", "actors", "sources")


def field_views(score: CaseScore, case: Case | None, brief: IncidentBrief | None) -> list[FieldView]:
    """Every field the case scored: its scores and, with the case and a brief, key beside brief."""
    by_field: dict[str, list[tuple[str, float | None, bool]]] = {}
    for key in metric_order(score.scores):
        by_field.setdefault(field_of(key), []).append(
            (key.partition(".")[2] or key, score.scores[key], key in COUNT_METRICS)
        )
    views = []
    for name, metrics in by_field.items():
        view = FieldView(name, TITLES.get(name, name), metrics)
        if case is not None and brief is not None and name in DETAILED:
            view.lines, view.detailed = _field_lines(name, case, brief, score.scores), True
        views.append(view)
    rank = {f: i for i, f in enumerate(DETAILED)}
    return sorted(views, key=lambda v: (not v.detailed, rank.get(v.name, len(rank)) if v.detailed else 0))
