"""Comparing runs: paired differences, the regression gate, thresholds, and the Markdown reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from summariser.errors import EvalError
from summariser.evals import CaseScore, aggregate, load_cases
from summariser.evals.compare import Thresholds, compare_runs, metric_order
from summariser.evals.report_md import compare_markdown, run_markdown, runs_markdown
from summariser.evals.runfile import CaseRecord, RunFile
from summariser.evals.runner import rescore, run_eval
from summariser.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "evals" / "cases"


@pytest.fixture(scope="module")
def cases():
    return load_cases(CASES)


@pytest.fixture(scope="module")
def run():
    return run_eval(CASES, Settings(model="extractive"), resamples=100)


def without_speakers(run: RunFile, cases) -> RunFile:  # type: ignore[no-untyped-def]
    """The run as a prompt that never names a speaker would have made it, re-scored."""
    records = []
    for rec in run.cases:
        brief = rec.brief_dict(next(c.article for c in cases if c.id == rec.id))
        assert brief is not None
        for quote in brief["quotes"]:
            quote.update(speaker=None, speaker_id=None, speaker_evidence=[])
        records.append(rec.model_copy(update={"brief": brief, "texts": "inline"}))
    return rescore(run.model_copy(update={"cases": records}), cases)


@pytest.fixture(scope="module")
def worse(run, cases):
    return without_speakers(run, cases)


def synthetic(values: dict[str, dict[str, float | None]]) -> RunFile:
    """A run whose case scores are given: {case_id: {metric key: value}}."""
    scores = [CaseScore(case_id=cid, scores={"schema.valid": 1.0, **s}) for cid, s in values.items()]
    return RunFile(
        created="2025-01-01T00:00:00+00:00",
        cases_spec="synthetic",
        model="m",
        engine="e",
        model_name="m",
        cases=[CaseRecord(id=cid, article_sha256="0") for cid in values],
        scores=scores,
        report=aggregate(scores, resamples=50),
    )


def test_a_run_compared_with_itself_passes(run) -> None:
    cmp = compare_runs(run, run, resamples=100)
    assert cmp.passed and cmp.shared_cases == run.case_ids
    assert all(m.diff in (0.0, None) and not m.worse for m in cmp.metrics)
    assert {m.status for m in cmp.metrics} <= {"same", "n/a"}
    assert [m.key for m in cmp.metrics] == metric_order(run.report.metrics)
    assert cmp.metrics[0].key == "schema.valid"


def test_dropping_speakers_regresses_speaker_accuracy(run, worse) -> None:
    cmp = compare_runs(run, worse, resamples=100)
    assert not cmp.passed
    regressed = {m.key for m in cmp.regressions}
    assert "quotes.speaker_accuracy" in regressed
    speaker = next(m for m in cmp.metrics if m.key == "quotes.speaker_accuracy")
    assert speaker.diff is not None and speaker.diff < -0.02
    assert speaker.ci_low is not None and speaker.ci_high is not None
    assert speaker.ci_low <= speaker.diff <= speaker.ci_high
    assert speaker.worse and all(w.new < w.base for w in speaker.worse)
    assert "quotes" in cmp.worse_by_field()
    # nothing but the speakers changed
    assert {m.field for m in cmp.metrics if m.worse} == {"quotes"}


def test_fields_restrict_what_is_gated(run, worse) -> None:
    assert compare_runs(run, worse, fields=["locations", "casualties"], resamples=50).passed
    cmp = compare_runs(run, worse, fields=["quotes.speaker_accuracy"], resamples=50)
    assert [m.key for m in cmp.metrics] == ["quotes.speaker_accuracy"] and not cmp.passed
    with pytest.raises(EvalError, match="unknown field"):
        compare_runs(run, worse, fields=["speakers"])


def test_a_per_metric_threshold_overrides_the_default(run, worse) -> None:
    loose = Thresholds.parse(["quotes.speaker_accuracy=1"])
    assert compare_runs(run, worse, thresholds=loose, resamples=50).passed
    strict_field_loose_metric = Thresholds.parse(["0", "quotes=0", "quotes.speaker_accuracy=1"])
    assert compare_runs(run, worse, thresholds=strict_field_loose_metric, resamples=50).passed


def test_threshold_parsing() -> None:
    t = Thresholds.parse(["0.05", "quotes=0.1", "quotes.speaker_accuracy=0.2"])
    assert t.for_key("actors.f1") == 0.05
    assert t.for_key("quotes.f1") == 0.1
    assert t.for_key("quotes.speaker_accuracy") == 0.2
    assert Thresholds.parse([]).for_key("actors.f1") == 0.02
    for bad, message in (("abc", "not a number"), ("-1", "negative"), ("speakers.x=0.1", "unknown field")):
        with pytest.raises(EvalError, match=message):
            Thresholds.parse([bad])


def test_counts_regress_when_they_rise() -> None:
    base = synthetic({"a": {"casualties.missing": 0.0}, "b": {"casualties.missing": 1.0}})
    new = synthetic({"a": {"casualties.missing": 1.0}, "b": {"casualties.missing": 1.0}})
    up = compare_runs(base, new, resamples=50)
    missing = next(m for m in up.metrics if m.key == "casualties.missing")
    assert missing.lower_is_better and missing.regressed and missing.diff == 0.5
    assert [w.case_id for w in missing.worse] == ["a"]
    down = compare_runs(new, base, resamples=50)
    assert down.passed and next(m for m in down.metrics if m.key == "casualties.missing").status == "better"


def test_differences_are_paired_over_shared_cases_only() -> None:
    base = synthetic({"a": {"actors.f1": 0.0}, "b": {"actors.f1": 0.5}, "c": {"actors.f1": None}})
    new = synthetic({"b": {"actors.f1": 0.6}, "c": {"actors.f1": 1.0}, "d": {"actors.f1": 0.0}})
    cmp = compare_runs(base, new, resamples=50)
    assert cmp.shared_cases == ["b", "c"] and cmp.only_base == ["a"] and cmp.only_new == ["d"]
    f1 = next(m for m in cmp.metrics if m.key == "actors.f1")
    assert f1.n == 1 and f1.diff == pytest.approx(0.1)
    assert (f1.ci_low, f1.ci_high) == pytest.approx((0.1, 0.1))
    assert cmp.passed


def test_a_drop_within_the_threshold_passes_and_beyond_it_fails() -> None:
    base = synthetic({c: {"actors.f1": 1.0} for c in "abcd"})
    slightly = synthetic(
        {"a": {"actors.f1": 0.96}, "b": {"actors.f1": 1.0}, "c": {"actors.f1": 1.0}, "d": {"actors.f1": 1.0}}
    )
    assert compare_runs(base, slightly, resamples=50).passed  # mean drop 0.01 <= 0.02
    assert not compare_runs(base, slightly, thresholds=Thresholds(default=0.005), resamples=50).passed


def test_runs_sharing_no_case_cannot_be_compared() -> None:
    with pytest.raises(EvalError, match="share no case"):
        compare_runs(synthetic({"a": {}}), synthetic({"b": {}}))


def test_metric_order_puts_schema_first_then_fields_in_order() -> None:
    keys = ["quotes.f1", "actors.f1", "schema.valid", "event_type.accuracy", "actors.recall"]
    assert metric_order(keys) == [
        "schema.valid",
        "event_type.accuracy",
        "actors.f1",
        "actors.recall",
        "quotes.f1",
    ]


def test_markdown_reports(run, worse) -> None:
    text = run_markdown(run)
    assert text.index("**schema.valid**") < text.index("event_type.accuracy")
    assert "## Cost" in text and "LLM calls" in text
    cmp_text = compare_markdown(compare_runs(run, worse, base_label="extractive", new_label="no-speakers"))
    assert "**Result: FAILED**" in cmp_text and "`quotes.speaker_accuracy`" in cmp_text
    assert "## Cases that got worse" in cmp_text and "### quotes" in cmp_text
    assert "**Result: passed**" in compare_markdown(compare_runs(run, run))
    side = runs_markdown({"extractive": run, "no-speakers": worse}, title="Two runs")
    assert side.startswith("# Two runs") and "| Metric | extractive | no-speakers |" in side


def test_every_table_shows_micro_beside_macro_and_what_was_left_out(run, worse) -> None:
    from summariser.evals.report_html import render_compare_html, render_run_html

    text = run_markdown(run)
    assert "| Metric | Mean | 95% CI | Micro | n | Left out |" in text
    left = [m for m in run.report.metrics.values() if m.left_out]
    assert left, "the golden cases hold fields without golden items: some recall is left out"
    side = runs_markdown({"a": run, "b": worse})
    assert "micro" in side and "left out" in side
    cmp = compare_runs(run, worse)
    assert "| Base micro | New micro |" in compare_markdown(cmp)
    speaker = next(m for m in cmp.metrics if m.key == "quotes.speaker_accuracy")
    assert speaker.base_micro is not None and speaker.new_micro is not None
    assert speaker.new_micro < speaker.base_micro
    assert "Left out" in render_run_html(run)
    assert "Base micro" in render_compare_html(cmp)
