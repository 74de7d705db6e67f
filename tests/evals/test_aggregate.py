from __future__ import annotations

import json

import pytest

from summariser.evals import CaseCost, CaseScore, Report, aggregate, confusion
from summariser.evals.aggregate import bootstrap_ci


def _score(
    case_id: str, f1: float | None, tp: float, den: float, missing: float, tokens: int, label: tuple[str, str]
) -> CaseScore:
    return CaseScore(
        case_id=case_id,
        scores={"schema.valid": 1.0, "actors.f1": f1, "casualties.missing": missing},
        tallies={"schema.valid": (1.0, 1.0), "actors.f1": (tp, den)},
        labels={"event_type": [label]},
        cost=CaseCost(total_tokens=tokens, llm_calls=1, duration_s=2.0),
    )


SCORES = [
    _score("a", 1.0, 2, 2, 0, 100, ("Battles", "Battles")),  # F1 2*1/(1+1)
    _score("b", 0.5, 2, 4, 2, 300, ("Battles", "Riots")),  # F1 2*1/(2+2)
    _score("c", None, 0, 0, 1, 200, ("Riots", "Riots")),  # not applicable
]


def test_macro_micro_counts_and_cost() -> None:
    report = aggregate(SCORES, resamples=200, seed=1)
    f1 = report.metrics["actors.f1"]
    assert f1.n == 2 and f1.mean == 0.75
    assert f1.micro == pytest.approx(4 / 6)
    missing = report.metrics["casualties.missing"]
    assert missing.total == 3.0 and missing.mean == 1.0 and missing.lower_is_better
    assert report.n_cases == 3 and report.n_valid == 3
    assert report.cost.total_tokens == 600 and report.cost.mean_total_tokens == 200
    assert report.cost.llm_calls == 3 and report.cost.duration_s == 6.0
    assert report.confusion["event_type"] == {"Battles": {"Battles": 1, "Riots": 1}, "Riots": {"Riots": 1}}
    assert report.primary("actors") == f1


def test_bootstrap_ci_is_seeded_and_brackets_the_mean() -> None:
    values = [0.0, 0.2, 0.4, 0.9, 1.0, 1.0]
    low, high = bootstrap_ci(values, resamples=1000, seed=7)
    assert (low, high) == bootstrap_ci(values, resamples=1000, seed=7)
    assert 0.0 <= low < sum(values) / len(values) < high <= 1.0
    assert bootstrap_ci([0.3]) == (0.3, 0.3)
    with pytest.raises(ValueError):
        bootstrap_ci([])


def test_report_is_json_serialisable() -> None:
    report = aggregate(SCORES, resamples=50)
    again = Report.model_validate(json.loads(report.model_dump_json()))
    assert again == report
    assert again.metrics["actors.f1"].ci_low is not None


def test_primary_falls_back_to_recall_for_recall_only_fields() -> None:
    s = CaseScore(case_id="w", scores={"actors.recall": 0.5}, tallies={"actors.recall": (1.0, 2.0)})
    report = aggregate([s], resamples=10)
    assert report.primary("actors") == report.metrics["actors.recall"]
    assert report.primary("nonsense") is None


def test_confusion_counts_pairs() -> None:
    assert confusion(SCORES, "missing-key") == {}
    assert confusion(SCORES, "event_type")["Battles"]["Riots"] == 1
