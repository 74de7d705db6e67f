"""Comparing two runs case by case: paired differences, bootstrap CIs and a regression gate.

Public API
----------
``compare_runs(base, new, *, fields=None, thresholds=None, resamples=1000, seed=0, confidence=0.95)
-> Comparison``
    Over the cases both runs hold, for every metric key both runs scored (restricted by ``fields``:
    field names such as ``quotes`` or metric keys such as ``quotes.speaker_accuracy``), the mean of
    the paired differences ``new - base`` (cases where either side is ``None`` are left out), its
    percentile bootstrap CI, and the cases that got worse. A metric *regresses* when its mean
    difference is worse than its threshold: below ``-threshold`` for rates, above ``+threshold`` for
    count metrics (lower is better, e.g. ``casualties.missing``).
``Thresholds``
    ``Thresholds.parse(["0.02", "quotes=0.05", "quotes.speaker_accuracy=0.1"])``: a bare number sets the
    default (``DEFAULT_THRESHOLD`` otherwise); ``KEY=NUMBER`` overrides one metric key or every metric
    of one field; a metric key beats its field, which beats the default.
``metric_order(keys) -> list[str]``
    ``schema.valid`` first, then fields in ``FIELDS`` order, metrics in the order given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from pydantic import BaseModel, Field

from ..errors import EvalError
from .aggregate import bootstrap_ci
from .metrics import COUNT_METRICS
from .models import FIELDS
from .runfile import RunFile

__all__ = [
    "DEFAULT_THRESHOLD",
    "Comparison",
    "MetricDiff",
    "RunInfo",
    "Thresholds",
    "WorseCase",
    "compare_runs",
    "field_of",
    "known_fields",
    "metric_order",
    "select_keys",
]

DEFAULT_THRESHOLD = 0.02


def field_of(key: str) -> str:
    return key.split(".", 1)[0]


def known_fields() -> list[str]:
    return ["schema", *FIELDS]


def metric_order(keys: Iterable[str]) -> list[str]:
    rank = {f: i for i, f in enumerate(known_fields())}
    keys = list(dict.fromkeys(keys))
    return sorted(keys, key=lambda k: (rank.get(field_of(k), len(rank)), keys.index(k)))


def select_keys(keys: Iterable[str], fields: Sequence[str] | None) -> list[str]:
    """``keys`` restricted to ``fields`` (field names or metric keys); all of them without ``fields``."""
    keys = metric_order(keys)
    if not fields:
        return keys
    chosen = set(fields)
    return [k for k in keys if k in chosen or field_of(k) in chosen]


class Thresholds(BaseModel):
    default: float = DEFAULT_THRESHOLD
    overrides: dict[str, float] = Field(default_factory=dict)

    @classmethod
    def parse(cls, values: Iterable[str]) -> Thresholds:
        out = cls()
        for raw in values:
            key, sep, number = raw.rpartition("=")
            try:
                value = float(number)
            except ValueError:
                raise EvalError(
                    f"threshold {raw!r}: {number!r} is not a number",
                    hint="write 0.02 (every metric) or KEY=0.05 (a field or metric key)",
                ) from None
            if value < 0:
                raise EvalError(f"threshold {raw!r} is negative", hint="a threshold is a tolerated drop >= 0")
            if not sep:
                out.default = value
                continue
            key = key.strip()
            if field_of(key) not in known_fields():
                raise EvalError(
                    f"threshold {raw!r}: unknown field {field_of(key)!r}",
                    hint="fields: " + ", ".join(known_fields()),
                )
            out.overrides[key] = value
        return out

    def for_key(self, key: str) -> float:
        if key in self.overrides:
            return self.overrides[key]
        return self.overrides.get(field_of(key), self.default)


class WorseCase(BaseModel):
    case_id: str
    base: float
    new: float


class MetricDiff(BaseModel):
    key: str
    field: str
    base_mean: float | None = None
    new_mean: float | None = None
    base_micro: float | None = Field(default=None, description="The paired cases pooled (from tallies).")
    new_micro: float | None = None
    diff: float | None = Field(default=None, description="Mean of paired new - base differences.")
    ci_low: float | None = None
    ci_high: float | None = None
    n: int = 0
    lower_is_better: bool = False
    threshold: float = DEFAULT_THRESHOLD
    regressed: bool = False
    worse: list[WorseCase] = Field(default_factory=list)
    better: int = 0

    @property
    def status(self) -> str:
        if self.diff is None:
            return "n/a"
        if self.regressed:
            return "REGRESSED"
        change = -self.diff if self.lower_is_better else self.diff
        return "better" if change > 1e-12 else "worse" if change < -1e-12 else "same"


class RunInfo(BaseModel):
    label: str
    model: str
    engine: str
    created: str
    prompt_versions: list[str] = Field(default_factory=list)
    n_cases: int = 0

    @classmethod
    def of(cls, run: RunFile, label: str) -> RunInfo:
        return cls(
            label=label,
            model=run.model,
            engine=run.engine,
            created=run.created,
            prompt_versions=run.prompt_versions,
            n_cases=len(run.cases),
        )


class Comparison(BaseModel):
    base: RunInfo
    new: RunInfo
    shared_cases: list[str]
    only_base: list[str] = Field(default_factory=list)
    only_new: list[str] = Field(default_factory=list)
    fields: list[str] = Field(default_factory=list, description="The --fields restriction (empty: all).")
    thresholds: Thresholds = Field(default_factory=Thresholds)
    metrics: list[MetricDiff] = Field(default_factory=list)
    confidence: float = 0.95

    @property
    def regressions(self) -> list[MetricDiff]:
        return [m for m in self.metrics if m.regressed]

    @property
    def passed(self) -> bool:
        return not self.regressions

    def worse_by_field(self) -> dict[str, dict[str, list[tuple[str, float, float]]]]:
        """field -> case id -> [(metric key, base, new)] for every metric that got worse on that case."""
        out: dict[str, dict[str, list[tuple[str, float, float]]]] = {}
        for m in self.metrics:
            for w in m.worse:
                out.setdefault(m.field, {}).setdefault(w.case_id, []).append((m.key, w.base, w.new))
        return out


def _micro(run: RunFile, key: str, case_ids: list[str]) -> float | None:
    tallies = [t for c in case_ids if (s := run.score_of(c)) is not None and (t := s.tallies.get(key))]
    den = sum(d for _, d in tallies)
    return sum(n for n, _ in tallies) / den if den else None


def _diff(
    key: str,
    base: RunFile,
    new: RunFile,
    shared: list[str],
    threshold: float,
    *,
    resamples: int,
    seed: int,
    confidence: float,
) -> MetricDiff:
    lower = key in COUNT_METRICS
    out = MetricDiff(key=key, field=field_of(key), lower_is_better=lower, threshold=threshold)
    pairs: list[tuple[str, float, float]] = []
    for case_id in shared:
        b, n = base.score_of(case_id), new.score_of(case_id)
        bv = b.scores.get(key) if b else None
        nv = n.scores.get(key) if n else None
        if bv is not None and nv is not None:
            pairs.append((case_id, bv, nv))
    out.n = len(pairs)
    if not pairs:
        return out
    diffs = np.array([nv - bv for _, bv, nv in pairs])
    out.base_mean = float(np.mean([bv for _, bv, _ in pairs]))
    out.new_mean = float(np.mean([nv for _, _, nv in pairs]))
    out.base_micro = _micro(base, key, [c for c, _, _ in pairs])
    out.new_micro = _micro(new, key, [c for c, _, _ in pairs])
    out.diff = float(diffs.mean())
    out.ci_low, out.ci_high = bootstrap_ci(list(diffs), resamples=resamples, seed=seed, confidence=confidence)
    sign = -1.0 if lower else 1.0
    out.regressed = sign * out.diff < -threshold - 1e-12
    out.worse = [WorseCase(case_id=c, base=bv, new=nv) for c, bv, nv in pairs if sign * (nv - bv) < -1e-12]
    out.better = sum(sign * (nv - bv) > 1e-12 for _, bv, nv in pairs)
    return out


def compare_runs(
    base: RunFile,
    new: RunFile,
    *,
    fields: Sequence[str] | None = None,
    thresholds: Thresholds | None = None,
    base_label: str = "base",
    new_label: str = "new",
    resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Comparison:
    """Paired per-metric differences of ``new`` against ``base`` (see the module docstring)."""
    thresholds = thresholds or Thresholds()
    for f in fields or []:
        if field_of(f) not in known_fields():
            raise EvalError(f"unknown field {f!r}", hint="fields: " + ", ".join(known_fields()))
    new_ids = set(new.case_ids)
    base_ids = set(base.case_ids)
    shared = [c for c in base.case_ids if c in new_ids]
    if not shared:
        raise EvalError(
            "the two runs share no case",
            hint="compare runs made on the same cases (see the case ids in each run file)",
        )
    keys_base = dict.fromkeys(k for s in base.scores for k in s.scores)  # ordered, unlike a set
    keys_new = dict.fromkeys(k for s in new.scores for k in s.scores)
    keys = select_keys([k for k in keys_base if k in keys_new], fields)
    if fields and not keys:
        raise EvalError(f"no metric of {', '.join(fields)} is scored by both runs")
    metrics = [
        _diff(
            k,
            base,
            new,
            shared,
            thresholds.for_key(k),
            resamples=resamples,
            seed=seed,
            confidence=confidence,
        )
        for k in keys
    ]
    return Comparison(
        base=RunInfo.of(base, base_label),
        new=RunInfo.of(new, new_label),
        shared_cases=shared,
        only_base=[c for c in base.case_ids if c not in new_ids],
        only_new=[c for c in new.case_ids if c not in base_ids],
        fields=list(fields or []),
        thresholds=thresholds,
        metrics=metrics,
        confidence=confidence,
    )
