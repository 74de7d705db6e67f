"""Aggregating case scores into a report.

Public API
----------
``aggregate(scores, *, resamples=1000, seed=0, confidence=0.95) -> Report``
    For every metric key: ``mean`` (macro: mean over the cases that scored it; ``left_out`` cases had
    it undefined, e.g. recall with no golden item, and are not in it), ``micro`` (summed
    numerators over summed denominators, e.g. all true positives over all golden items; None for
    metrics without tallies such as ROUGE), a bootstrap confidence interval of the macro mean
    (``resamples`` resamples of the cases with a seeded ``numpy`` generator, percentile method),
    ``n`` cases and, for count metrics, ``total``. Also the cost (sums and per-case means of tokens,
    calls, retries, seconds), confusion tables of the categorical labels and the number of valid briefs.
``confusion(scores, key) -> dict[gold, dict[predicted, count]]``
``PRIMARY`` maps each field to its headline metric; ``Report.primary(field)`` falls back to recall
for fields scored recall-only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, Field

from .metrics import COUNT_METRICS
from .score import CaseScore

__all__ = ["PRIMARY", "CostSummary", "MetricSummary", "Report", "aggregate", "bootstrap_ci", "confusion"]

PRIMARY: dict[str, str] = {
    "schema": "schema.valid",
    "event_type": "event_type.accuracy",
    "locations": "locations.f1",
    "time": "time.text_accuracy",
    "casualties": "casualties.f1",
    "toll": "toll.killed_accuracy",
    "perpetrators": "perpetrators.f1",
    "actors": "actors.f1",
    "quotes": "quotes.f1",
    "sources": "sources.f1",
    "discrepancies": "discrepancies.f1",
    "diplomatic": "diplomatic.coverage",
    "summary": "summary.coverage",
    "grounding": "grounding.reproduce",
}


class MetricSummary(BaseModel):
    mean: float | None = None
    micro: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int = 0
    left_out: int = Field(
        default=0, description="Cases that have the metric but where it is undefined (e.g. recall, no gold)."
    )
    total: float | None = Field(default=None, description="Sum over cases, for count metrics.")
    lower_is_better: bool = False


class CostSummary(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    llm_calls: int = 0
    retries: int = 0
    duration_s: float = 0.0
    cases: int = Field(default=0, description="Cases with a cost (valid briefs, and failed ones that spent).")
    mean_total_tokens: float | None = None
    mean_llm_calls: float | None = None
    mean_duration_s: float | None = None


class Report(BaseModel):
    n_cases: int
    n_valid: int
    metrics: dict[str, MetricSummary]
    cost: CostSummary
    confusion: dict[str, dict[str, dict[str, int]]] = Field(default_factory=dict)
    resamples: int
    seed: int
    confidence: float

    def primary(self, field: str) -> MetricSummary | None:
        key = PRIMARY.get(field)
        if key is None:
            return None
        if key in self.metrics:
            return self.metrics[key]
        recall = key.rsplit(".", 1)[0] + ".recall"
        return self.metrics.get(recall)


def bootstrap_ci(
    values: Sequence[float], *, resamples: int = 1000, seed: int = 0, confidence: float = 0.95
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of ``values`` (resampled with replacement)."""
    arr = np.asarray(values, dtype=float)
    if arr.size == 0:
        raise ValueError("no values")
    if arr.size == 1 or resamples <= 0:
        return float(arr.mean()), float(arr.mean())
    rng = np.random.default_rng(seed)
    means = arr[rng.integers(0, arr.size, size=(resamples, arr.size))].mean(axis=1)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha])
    return float(low), float(high)


def confusion(scores: Sequence[CaseScore], key: str) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for s in scores:
        for gold, pred in s.labels.get(key, []):
            row = table.setdefault(gold, {})
            row[pred] = row.get(pred, 0) + 1
    return table


def _keys(scores: Sequence[CaseScore]) -> list[str]:
    seen: dict[str, None] = {}
    for s in scores:
        seen.update(dict.fromkeys(s.scores))
    return list(seen)


def aggregate(
    scores: Sequence[CaseScore], *, resamples: int = 1000, seed: int = 0, confidence: float = 0.95
) -> Report:
    """Per-metric macro/micro means with bootstrap CIs, cost totals and confusion tables."""
    metrics: dict[str, MetricSummary] = {}
    for key in _keys(scores):
        values = [v for s in scores if (v := s.scores.get(key)) is not None]
        tallies = [s.tallies[key] for s in scores if key in s.tallies and s.scores.get(key) is not None]
        left_out = sum(key in s.scores and s.scores[key] is None for s in scores)
        summary = MetricSummary(n=len(values), left_out=left_out, lower_is_better=key in COUNT_METRICS)
        if values:
            summary.mean = float(np.mean(values))
            summary.ci_low, summary.ci_high = bootstrap_ci(
                values, resamples=resamples, seed=seed, confidence=confidence
            )
        den = sum(d for _, d in tallies)
        if den:
            summary.micro = sum(n for n, _ in tallies) / den
        if key in COUNT_METRICS:
            summary.total = float(sum(values))
        metrics[key] = summary
    costs = [s.cost for s in scores if s.cost is not None]
    cost = CostSummary(cases=len(costs))
    for c in costs:
        cost.prompt_tokens += c.prompt_tokens
        cost.completion_tokens += c.completion_tokens
        cost.total_tokens += c.total_tokens
        cost.llm_calls += c.llm_calls
        cost.retries += c.retries
        cost.duration_s += c.duration_s
    if costs:
        cost.mean_total_tokens = cost.total_tokens / len(costs)
        cost.mean_llm_calls = cost.llm_calls / len(costs)
        cost.mean_duration_s = cost.duration_s / len(costs)
    label_keys = sorted({k for s in scores for k in s.labels})
    return Report(
        n_cases=len(scores),
        n_valid=sum(s.valid for s in scores),
        metrics=metrics,
        cost=cost,
        confusion={k: confusion(scores, k) for k in label_keys},
        resamples=resamples,
        seed=seed,
        confidence=confidence,
    )
