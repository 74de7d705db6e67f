"""What every evaluator shares: ``FieldResult`` (scores, tallies, labels), the ``Evaluator`` protocol,
``COUNT_METRICS``, one aligner per article (``aligner_for``) and name agreement (``same_name``)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

from pydantic import BaseModel, Field

from ..grounding.align import Aligner
from ..schema.brief import IncidentBrief
from .matching import NAME_THRESHOLD, entity_similarity
from .models import Case

__all__ = ["COUNT_METRICS", "Evaluator", "FieldResult", "aligner_for", "same_name"]

#: Metrics that count problems (lower is better); every other metric is a rate in [0, 1].
COUNT_METRICS = frozenset({"casualties.missing", "casualties.invented", "grounding.ungrounded"})


class FieldResult(BaseModel):
    scores: dict[str, float | None] = Field(default_factory=dict)
    tallies: dict[str, tuple[float, float]] = Field(default_factory=dict)
    labels: dict[str, list[tuple[str, str]]] = Field(default_factory=dict)

    def rate(self, key: str, num: float, den: float, *, empty: float | None = None) -> None:
        """``num/den``, or ``empty`` when ``den`` is 0."""
        self.scores[key] = num / den if den else empty
        self.tallies[key] = (float(num), float(den))

    def prf(self, prefix: str, tp: float, n_pred: int, n_gold: int) -> None:
        """Precision, recall and F1 under the empty-set conventions of the module docstring."""
        both_empty = 1.0 if n_pred == 0 and n_gold == 0 else 0.0
        self.rate(f"{prefix}precision", tp, n_pred, empty=both_empty)
        self.rate(f"{prefix}recall", tp, n_gold)  # nothing to recall: undefined, not 0 or 1
        self.rate(f"{prefix}f1", 2 * tp, n_pred + n_gold, empty=1.0)


class Evaluator(Protocol):
    name: str

    def evaluate(self, case: Case, brief: IncidentBrief) -> FieldResult: ...


@lru_cache(maxsize=8)
def aligner_for(text: str) -> Aligner:
    return Aligner(text)


def same_name(pred: str | None, gold: Sequence[str | None]) -> bool:
    """Names agree (both None counts as agreement)."""
    if pred is None or gold[0] is None:
        return pred is None and gold[0] is None
    return entity_similarity([pred], [g for g in gold if g]) >= NAME_THRESHOLD
