"""Evaluators: one tiny class per field, each ``evaluate(case, brief) -> FieldResult``.

A ``FieldResult`` holds ``scores`` (metric key -> value, ``None`` when not applicable), ``tallies``
(key -> (numerator, denominator) for micro averages) and ``labels`` (key -> (gold, predicted) pairs
for confusion tables). Keys are ``<field>.<metric>``; which keys appear depends only on the answer key
(so every brief scored against a case has the same keys), and a value is ``None`` when nothing could be
judged (e.g. reporter accuracy when no figure matched).

Set metrics (locations, actors, perpetrators, sources, discrepancies, quotes, casualties) match
predicted items to golden ones one-to-one (``matching.assign``) and report precision = tp/predicted,
recall = tp/golden and F1 = 2tp/(predicted+golden). Recall with no golden item is undefined (``None``:
left out of the mean; reports count what was left out): on a partially annotated corpus "no gold
actors" often means "not annotated". Otherwise nothing predicted and nothing golden scores 1.0, and an
empty side against a non-empty one 0.0.

- ``event_type``: ``accuracy``, ``sub_type_accuracy`` (when the key has a sub-type); labels.
- ``locations``/``actors``/``sources``: P/R/F1 by alias-aware name matching (for locations, a place
  marked ``secondary`` that the key does not list is not counted against precision).
- ``perpetrators``: P/R/F1 and ``certainty_accuracy`` on matched perpetrators whose key gives one.
- ``time``: ``date_accuracy``, ``date_within_1d`` (at most one day off) and ``text_accuracy`` (token F1
  >= 0.5) when the key gives them.
- ``toll``: ``killed_accuracy`` / ``injured_accuracy`` when the key gives ``toll``: the brief's toll
  (``brief_toll``: the figure marked ``toll``, plus suspects' casualties counted apart; no figure is 0)
  equals the key's.
- ``casualties``: per category, ``exact_*`` (same number or range), ``*`` (within ``tolerance``,
  default 10%), ``range_*`` (intervals overlap; "at least n" is [n, inf), "up to n" [0, n], "about n"
  n +- tolerance); ``missing``/``invented`` counts (tolerance matching); ``reporter_accuracy`` and
  ``qualifier_accuracy`` on matched figures (a key's reporter None = the article itself).
- ``quotes``: ``exact_*`` (equal after ``normalise_quote``), ``*`` (token F1 >= 0.5 pairs),
  ``token_*`` (soft: summed token F1 of the best one-to-one pairs), ``speaker_accuracy`` on matched
  quotes, ``verbatim`` (share of brief quotes found in the article, see ``quote_is_verbatim``).
- ``discrepancies``: P/R/F1; a pair matches when the field agrees and half the key's values are found.
- ``diplomatic``: ``processes_*`` P/R/F1, key-point ``coverage`` and ``rouge1/2/L`` of the brief's
  positions and next steps against the key points.
- ``summary``: ``coverage`` and ``rouge1/2/L`` of the brief's summary against the key points.
- ``grounding``: ``reproduce`` (share of evidence spans with ``text[start:end] == evidence.text``),
  ``ungrounded`` (count of items without evidence, plus quotes not found verbatim) and ``grounded_rate``.
"""

import math

from ..schema.brief import CasualtyCategory, CasualtyFigure, IncidentBrief, Qualifier
from .matching import entity_similarity, match_entities, token_f1
from .metric_base import COUNT_METRICS, Evaluator, FieldResult, aligner_for, same_name
from .metrics_text import (
    DiplomaticEvaluator,
    DiscrepanciesEvaluator,
    GroundingEvaluator,
    QuotesEvaluator,
    SummaryEvaluator,
    quote_is_verbatim,
)
from .models import Case, GoldCasualty
from .toll import brief_toll

__all__ = [
    "COUNT_METRICS",
    "ActorsEvaluator",
    "CasualtiesEvaluator",
    "DiplomaticEvaluator",
    "DiscrepanciesEvaluator",
    "Evaluator",
    "EventTypeEvaluator",
    "FieldResult",
    "GroundingEvaluator",
    "LocationsEvaluator",
    "PerpetratorsEvaluator",
    "QuotesEvaluator",
    "SourcesEvaluator",
    "SummaryEvaluator",
    "TimeEvaluator",
    "TollEvaluator",
    "aligner_for",
    "brief_toll",
    "default_evaluators",
    "quote_is_verbatim",
]


class EventTypeEvaluator:
    name = "event_type"

    def evaluate(self, case: Case, brief: IncidentBrief) -> FieldResult:
        res, gold = FieldResult(), case.golden.event
        res.rate("event_type.accuracy", float(brief.event.type == gold.type), 1)
        res.labels["event_type"] = [(gold.type.value, brief.event.type.value)]
        if gold.sub_type is not None:
            res.rate("event_type.sub_type_accuracy", float(brief.event.sub_type == gold.sub_type), 1)
            res.labels["event_type.sub_type"] = [(gold.sub_type, brief.event.sub_type or "(none)")]
        return res


class _NamedList:
    """P/R/F1 over named items with aliases."""

    name: str

    def items(self, case: Case, brief: IncidentBrief) -> tuple[list[list[str]], list[list[str]]]:
        raise NotImplementedError

    def evaluate(self, case: Case, brief: IncidentBrief) -> FieldResult:
        pred, gold = self.items(case, brief)
        res = FieldResult()
        pairs = match_entities(pred, gold, entity_similarity)
        res.prf(f"{self.name}.", len(pairs), len(pred), len(gold))
        return res


class LocationsEvaluator(_NamedList):
    """Recall over every place of the brief; precision over the places it gives as the event's own: a
    place marked ``secondary`` (a hospital, a street, a place of another incident) claims no more than
    that the article names it, so one the key does not list is no error."""

    name = "locations"

    def items(self, case: Case, brief: IncidentBrief) -> tuple[list[list[str]], list[list[str]]]:
        return (
            [[x.name, *x.aliases] for x in brief.event.locations],
            [[x.name, *x.aliases] for x in case.golden.locations],
        )

    def evaluate(self, case: Case, brief: IncidentBrief) -> FieldResult:
        pred, gold = self.items(case, brief)
        secondary = [x.secondary for x in brief.event.locations]
        res = FieldResult()
        pairs = match_entities(pred, gold, entity_similarity)
        tp_primary = sum(1 for i, _, _ in pairs if not secondary[i])
        n_primary = secondary.count(False)
        # secondary places that matched the key count as claims too (they were right)
        n_claimed = n_primary + (len(pairs) - tp_primary)
        res.prf("locations.", len(pairs), n_claimed, len(gold))
        return res


class ActorsEvaluator(_NamedList):
    name = "actors"

    def items(self, case: Case, brief: IncidentBrief) -> tuple[list[list[str]], list[list[str]]]:
        return [[x.name, *x.aliases] for x in brief.actors], [
            [x.name, *x.aliases] for x in case.golden.actors
        ]


class SourcesEvaluator(_NamedList):
    name = "sources"

    def items(self, case: Case, brief: IncidentBrief) -> tuple[list[list[str]], list[list[str]]]:
        return [[x.name] for x in brief.sources_cited], [[x.name, *x.aliases] for x in case.golden.sources]


class PerpetratorsEvaluator:
    name = "perpetrators"

    def evaluate(self, case: Case, brief: IncidentBrief) -> FieldResult:
        pred, gold = brief.event.perpetrators, case.golden.perpetrators
        res = FieldResult()
        pairs = match_entities(
            [[p.name] for p in pred], [[g.name, *g.aliases] for g in gold], entity_similarity
        )
        res.prf("perpetrators.", len(pairs), len(pred), len(gold))
        judged = [(pred[i], gold[j]) for i, j, _ in pairs if gold[j].certainty is not None]
        if any(g.certainty is not None for g in gold):
            right = sum(p.certainty == g.certainty for p, g in judged)
            res.rate("perpetrators.certainty_accuracy", right, len(judged))
            res.labels["perpetrators.certainty"] = [
                (g.certainty.value, p.certainty.value) for p, g in judged if g.certainty is not None
            ]
        return res


class TimeEvaluator:
    name = "time"

    def evaluate(self, case: Case, brief: IncidentBrief) -> FieldResult:
        res, gold, pred = FieldResult(), case.golden.time, brief.event.time
        if gold.date is not None:
            res.rate("time.date_accuracy", float(pred.date == gold.date), 1)
            near = pred.date is not None and abs((pred.date - gold.date).days) <= 1
            res.rate("time.date_within_1d", float(near), 1)
        if gold.text:
            res.rate("time.text_accuracy", float(token_f1(pred.text or "", gold.text) >= 0.5), 1)
        return res


class TollEvaluator:
    name = "toll"

    def evaluate(self, case: Case, brief: IncidentBrief) -> FieldResult:
        res, gold = FieldResult(), case.golden.toll
        wanted = ((CasualtyCategory.KILLED, gold.killed), (CasualtyCategory.INJURED, gold.injured))
        for category, want in wanted:
            if want is not None:
                got = brief_toll(brief, category)
                res.rate(f"toll.{category.value}_accuracy", float(got == want), 1)
        return res


def _interval(c: CasualtyFigure | GoldCasualty, tol: float) -> tuple[float, float]:
    if c.count is None:
        return float(c.count_min or 0), float(c.count_max if c.count_max is not None else math.inf)
    n = float(c.count)
    return {
        Qualifier.AT_LEAST: (n, math.inf),
        Qualifier.MORE_THAN: (n, math.inf),
        Qualifier.UP_TO: (0.0, n),
        Qualifier.FEWER_THAN: (0.0, n),
        Qualifier.ABOUT: (n * (1 - tol), n * (1 + tol)),
    }.get(c.qualifier, (n, n))


def _central(c: CasualtyFigure | GoldCasualty) -> float:
    if c.count is not None:
        return float(c.count)
    if c.count_min is not None and c.count_max is not None:
        return (c.count_min + c.count_max) / 2
    return float(c.count_min if c.count_min is not None else c.count_max or 0)


class CasualtiesEvaluator:
    name = "casualties"

    def __init__(self, tolerance: float = 0.1) -> None:
        self.tolerance = tolerance

    def _exact(self, p: CasualtyFigure, g: GoldCasualty) -> bool:
        if p.count is not None or g.count is not None:
            return p.count == g.count
        return (p.count_min, p.count_max) == (g.count_min, g.count_max)

    def _close(self, p: CasualtyFigure, g: GoldCasualty) -> bool:
        a, b = _central(p), _central(g)
        return abs(a - b) <= self.tolerance * max(a, b)

    def _overlap(self, p: CasualtyFigure, g: GoldCasualty) -> bool:
        (a0, a1), (b0, b1) = _interval(p, self.tolerance), _interval(g, self.tolerance)
        return a0 <= b1 and b0 <= a1

    def _pairs(
        self, pred: list[CasualtyFigure], gold: list[GoldCasualty], ok: str
    ) -> list[tuple[int, int, float]]:
        test = getattr(self, ok)

        def score(p: CasualtyFigure, g: GoldCasualty) -> float:
            if p.category != g.category or not test(p, g):
                return 0.0  # ties broken towards the same reporter, then the closest number
            closeness = 1 / (1 + abs(_central(p) - _central(g)))
            return 1.0 + 0.01 * same_name(p.reported_by, [g.reported_by]) + 0.001 * closeness

        return match_entities(pred, gold, score, threshold=1.0)

    def evaluate(self, case: Case, brief: IncidentBrief) -> FieldResult:
        pred, gold, res = brief.casualties, case.golden.casualties, FieldResult()
        for prefix, test in (
            ("casualties.exact_", "_exact"),
            ("casualties.", "_close"),
            ("casualties.range_", "_overlap"),
        ):
            res.prf(prefix, len(self._pairs(pred, gold, test)), len(pred), len(gold))
        pairs = self._pairs(pred, gold, "_close")
        res.scores["casualties.missing"] = float(len(gold) - len(pairs))
        res.scores["casualties.invented"] = float(len(pred) - len(pairs))
        matched = [(pred[i], gold[j]) for i, j, _ in pairs]
        reporters = sum(same_name(p.reported_by, [g.reported_by]) for p, g in matched)
        res.rate("casualties.reporter_accuracy", reporters, len(matched))
        res.rate(
            "casualties.qualifier_accuracy", sum(p.qualifier == g.qualifier for p, g in matched), len(matched)
        )
        return res


def default_evaluators(*, tolerance: float = 0.1, min_token_f1: float = 0.5) -> list[Evaluator]:
    return [
        EventTypeEvaluator(),
        LocationsEvaluator(),
        TimeEvaluator(),
        CasualtiesEvaluator(tolerance),
        TollEvaluator(),
        PerpetratorsEvaluator(),
        ActorsEvaluator(),
        QuotesEvaluator(min_token_f1),
        SourcesEvaluator(),
        DiscrepanciesEvaluator(),
        DiplomaticEvaluator(),
        SummaryEvaluator(),
        GroundingEvaluator(),
    ]
