"""The checked-in baselines (evals/baselines/, made by scripts/update-baselines) hold and reproduce."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from summariser.cli.main import cli
from summariser.evals import load_cases
from summariser.evals.compare import compare_runs
from summariser.evals.report_md import compare_markdown
from summariser.evals.runfile import RunFile, load_run
from summariser.evals.runner import cases_for_run, rescore, run_eval
from summariser.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "evals" / "cases"
BASELINES = ROOT / "evals" / "baselines"
FIX = "regenerate them with scripts/update-baselines"


def baseline(name: str) -> RunFile:
    path = BASELINES / f"{name}.json"
    if not path.is_file():
        pytest.fail(f"{path} is missing: {FIX}")
    return load_run(path)


@pytest.fixture(scope="module")
def cases():
    return load_cases(CASES)


@pytest.mark.parametrize(("name", "engine"), [("extractive", "extractive"), ("local", "local")])
def test_baselines_are_runs_of_the_offline_engines_on_the_cases(name: str, engine: str, cases) -> None:
    run = baseline(name)
    assert run.engine == engine and run.cases_spec == "evals/cases" and run.limit is None
    known = {c.id for c in cases}
    assert set(run.case_ids) <= known, f"{FIX}: the baseline has cases that no longer exist"
    assert run.report.n_cases == len(run.cases) == len(run.scores)
    assert run.settings.get("use_cache") is False  # its cost is that of real model calls


def test_the_extractive_engine_does_not_regress_against_its_baseline(cases) -> None:
    base = baseline("extractive")
    base = rescore(base, [c for c in cases if c.id in set(base.case_ids)])  # same answer keys on both sides
    now = run_eval(CASES, Settings(model="extractive", use_cache=False), resamples=200)
    cmp = compare_runs(base, now, base_label="baseline", new_label="now", resamples=200)
    assert cmp.shared_cases == base.case_ids
    assert cmp.passed, compare_markdown(cmp) + f"\nIf the change is intended, {FIX}."


@pytest.mark.parametrize("name", ["extractive", "local"])
def test_rescoring_a_baseline_reproduces_its_scores(name: str) -> None:
    run = baseline(name)
    again = rescore(run, cases_for_run(run, run_path=BASELINES / f"{name}.json"))
    for old, new in zip(run.scores, again.scores, strict=True):
        assert new.case_id == old.case_id
        assert new.scores == pytest.approx(old.scores, nan_ok=True), f"{name}/{new.case_id}: {FIX}"
        assert new.valid == old.valid
    assert again.report.metrics.keys() == run.report.metrics.keys()


def test_baselines_hold_no_text_of_articles_from_outside_the_project(cases) -> None:
    external = [c for c in cases if not Path(c.article_file).resolve().is_relative_to(CASES)]
    assert external
    for name in ("extractive", "local", "openai-smollm2", "openai-smollm2.rules"):
        text = (BASELINES / f"{name}.json").read_text(encoding="utf-8")
        for case in external:
            windows = {case.article[i : i + 40] for i in range(0, len(case.article) - 40, 5)}
            assert not [w for w in windows if w in text], f"{name}.json copies text of {case.id}"


def test_the_baselines_readme_is_generated_from_the_baselines(tmp_path: Path) -> None:
    out = tmp_path / "README.md"
    args = [
        "eval",
        "report",
        str(BASELINES / "extractive.json"),
        str(BASELINES / "local.json"),
        "--format",
        "markdown",
        "--title",
        "Eval baselines",
        "--out",
        str(out),
    ]  # as scripts/update-baselines
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0
    readme = BASELINES / "README.md"
    assert readme.is_file() and readme.read_text(encoding="utf-8") == out.read_text(encoding="utf-8"), FIX


def test_the_real_server_run_does_not_regress_against_the_rules() -> None:
    """``scripts/eval-real-server`` recorded the OpenAI path against llama-cpp-python's server with the
    bundled SmolLM2 (trust profile ``openai-smollm2.trust.json``): no field worse than the rules alone."""
    run = baseline("openai-smollm2")
    assert run.model == "openai:smollm2" and run.cases_spec == "evals/cases" and run.limit is None
    assert run.report.n_valid == run.report.n_cases == len(run.cases)
    profile = json.loads((BASELINES / "openai-smollm2.trust.json").read_text(encoding="utf-8"))
    assert {c.brief["meta"]["trust_profile"] for c in run.cases if c.brief} == {profile["id"]}
    # Paired with the rules-only run recorded from the same code (``openai-smollm2.rules.json``): the claim
    # is "never worse than the rules it was merged with", which a later change of the rules cannot move.
    rules = baseline("openai-smollm2.rules")
    assert rules.model == "extractive" and rules.case_ids == run.case_ids
    cmp = compare_runs(rules, run, new_label="smollm2", resamples=200)
    assert cmp.shared_cases == run.case_ids and cmp.passed, compare_markdown(cmp)
