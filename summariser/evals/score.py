"""Scoring one brief against one case.

Public API
----------
``score_case(case, brief_or_dict, *, evaluators=None) -> CaseScore``
    ``brief_or_dict`` is an ``IncidentBrief`` or its JSON dict. A dict that fails ``IncidentBrief``
    validation is *invalid*: ``schema.valid`` is 0, every rate metric of the case's fields is 0.0 and
    count metrics are those of an empty brief (all golden casualty figures missing). Only evaluators
    of ``case.fields`` run; for ``case.recall_only`` fields the precision and F1 keys are dropped.
``CaseScore``
    JSON-serialisable: ``scores`` (``schema.valid`` first, then ``<field>.<metric>`` in evaluator order),
    ``tallies`` for micro averages, ``labels`` for confusion tables, ``cost`` from ``brief.meta``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from ..schema.brief import Event, IncidentBrief, Meta
from ..schema.taxonomy import EventType
from .metrics import COUNT_METRICS, Evaluator, FieldResult, default_evaluators
from .models import Case

__all__ = ["INVALID_LABEL", "CaseCost", "CaseScore", "score_case"]

INVALID_LABEL = "(invalid brief)"


class CaseCost(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    llm_calls: int = 0
    retries: int = 0
    duration_s: float = 0.0

    @classmethod
    def from_meta(cls, meta: Meta) -> CaseCost:
        u = meta.usage
        return cls(
            prompt_tokens=u.prompt_tokens,
            completion_tokens=u.completion_tokens,
            total_tokens=u.total_tokens,
            llm_calls=meta.llm_calls,
            retries=meta.retries,
            duration_s=meta.duration_s,
        )


class CaseScore(BaseModel):
    case_id: str
    origin: str = "golden"
    fields: list[str] = Field(default_factory=list, description="Fields scored.")
    valid: bool = True
    error: str | None = Field(default=None, description="Why the brief failed validation.")
    scores: dict[str, float | None] = Field(default_factory=dict)
    tallies: dict[str, tuple[float, float]] = Field(default_factory=dict)
    labels: dict[str, list[tuple[str, str]]] = Field(default_factory=dict)
    cost: CaseCost | None = None


def _empty_brief() -> IncidentBrief:
    return IncidentBrief(
        headline="",
        summary="",
        event=Event(type=EventType.OTHER, description=""),
        meta=Meta(engine="invalid", model="", prompt_version="", prompt_hash="", source_sha256=""),
    )


def _recall_only(key: str, fields: Sequence[str]) -> bool:
    field, _, metric = key.partition(".")
    return field in fields and (metric.endswith("precision") or metric.endswith("f1"))


def score_case(
    case: Case,
    brief_or_dict: IncidentBrief | dict[str, Any],
    *,
    evaluators: Sequence[Evaluator] | None = None,
) -> CaseScore:
    """Score one brief (or brief dict) against one case; see the module docstring."""
    error = None
    if isinstance(brief_or_dict, IncidentBrief):
        brief: IncidentBrief = brief_or_dict
    else:
        try:
            brief = IncidentBrief.model_validate(brief_or_dict)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(top level)"
            error = f"{exc.error_count()} validation error(s); first: {where}: {first['msg']}"
            brief = _empty_brief()
    chosen = [e for e in (evaluators or default_evaluators()) if e.name in case.fields]
    out = CaseScore(
        case_id=case.id,
        origin=case.origin,
        fields=[e.name for e in chosen],
        valid=error is None,
        error=error,
        cost=None if error else CaseCost.from_meta(brief.meta),
    )
    out.scores["schema.valid"] = 0.0 if error else 1.0
    out.tallies["schema.valid"] = (0.0 if error else 1.0, 1.0)
    merged = FieldResult()
    for evaluator in chosen:
        part = evaluator.evaluate(case, brief)
        merged.scores.update(part.scores)
        merged.tallies.update(part.tallies)
        for key, pairs in part.labels.items():
            merged.labels[key] = [(g, INVALID_LABEL if error else p) for g, p in pairs]
    for key, value in merged.scores.items():
        if _recall_only(key, case.recall_only):
            continue
        if error and key not in COUNT_METRICS and value is not None:
            value = 0.0
            _, den = merged.tallies.get(key, (0.0, 1.0))
            merged.tallies[key] = (0.0, den)
        out.scores[key] = value
        if key in merged.tallies:
            out.tallies[key] = merged.tallies[key]
    out.labels = merged.labels
    return out
