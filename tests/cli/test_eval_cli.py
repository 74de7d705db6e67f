"""``summariser eval``: the default `run` command, score, report and the compare gate's exit codes."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from summariser.cli.main import cli
from summariser.evals.runfile import load_run
from summariser.testing import OpenAIServer, Step

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "evals" / "cases"
HAS_HTML = importlib.util.find_spec("summariser.evals.report_html") is not None


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["eval", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def run_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("runs") / "extractive.json"
    result = invoke(
        str(CASES), "--model", "extractive", "--limit", "6", "--out", str(path), "--resamples", "100"
    )
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def worse_file(run_file: Path) -> Path:
    """The run file edited as a worse prompt would have made it: no quote has a speaker (not re-scored)."""
    data = json.loads(run_file.read_text(encoding="utf-8"))
    for case in data["cases"]:
        for quote in case["brief"]["quotes"]:
            quote.update(speaker=None, speaker_id=None, speaker_evidence=[])
    path = run_file.with_name("no-speakers.json")
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_eval_cases_runs_scores_and_prints_schema_validity_first(run_file: Path) -> None:
    run = load_run(run_file)
    assert len(run.cases) == 6 and run.model == "extractive"
    result = invoke(
        str(CASES), "--model", "extractive", "--limit", "2", "--out", str(run_file.with_name("two.json"))
    )
    assert result.exit_code == 0
    out = result.stdout
    assert out.index("schema.valid") < out.index("event_type.accuracy") < out.index("quotes.f1")
    assert "95% CI" in out and "LLM calls" in out and "seconds" in out
    assert "wrote" in result.stderr


def test_explicit_run_command_and_group_help() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("run", "score", "report", "compare"):
        assert command in result.output
    assert "CASES" in invoke("run", "--help").output
    assert "--threshold" in invoke("compare", "--help").output


def test_default_run_file_goes_to_evals_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("run", str(CASES), "-m", "extractive", "--limit", "1", "--format", "json")
    assert result.exit_code == 0
    (made,) = (tmp_path / "evals" / "runs").glob("*-extractive.json")
    assert load_run(made).case_ids == [sorted(p.name for p in CASES.iterdir() if p.is_dir())[0]]
    assert json.loads(result.stdout)["n_cases"] == 1


def test_score_reproduces_and_writes_a_new_run(run_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "rescored.json"
    result = invoke("score", str(run_file), "--out", str(out))
    assert result.exit_code == 0
    assert "all 6 case scores match the recorded ones" in result.stderr
    assert load_run(out).scores == load_run(run_file).scores


def test_compare_with_itself_exits_0(run_file: Path) -> None:
    result = invoke("compare", str(run_file), str(run_file))
    assert result.exit_code == 0
    assert "passed" in result.stdout


def test_compare_gates_a_worse_prompt(run_file: Path, worse_file: Path, tmp_path: Path) -> None:
    rescored = tmp_path / "no-speakers-scored.json"
    scored = invoke("score", str(worse_file), "--out", str(rescored))
    assert scored.exit_code == 0 and "differ from the recorded ones" in scored.stderr
    result = invoke("compare", str(run_file), str(rescored))
    assert result.exit_code == 1
    assert (
        "quotes.speaker_accuracy" in result.stdout
        and "REGRESSED" in result.stdout
        and "FAILED" in result.stdout
    )
    # the unscored edit is caught too when compare re-scores both runs itself
    assert invoke("compare", str(run_file), str(worse_file), "--rescore").exit_code == 1
    as_json = invoke("compare", str(run_file), str(rescored), "--format", "json")
    data = json.loads(as_json.stdout)
    assert (
        as_json.exit_code == 1
        and data["passed"] is False
        and "quotes.speaker_accuracy" in data["regressions"]
    )


def test_compare_thresholds_and_fields(run_file: Path, worse_file: Path) -> None:
    args = ["compare", str(run_file), str(worse_file), "--rescore"]
    assert invoke(*args, "--threshold", "quotes.speaker_accuracy=1").exit_code == 0
    assert invoke(*args, "--fields", "locations,casualties").exit_code == 0
    assert (
        invoke(*args, "--fields", "quotes", "-t", "0.5", "-t", "quotes.speaker_accuracy=0.01").exit_code == 1
    )
    bad = invoke(*args, "--threshold", "speakers=0.1")
    assert bad.exit_code == 6 and "unknown field" in bad.stderr


def test_markdown_reports_to_files(run_file: Path, worse_file: Path, tmp_path: Path) -> None:
    report = tmp_path / "run.md"
    assert invoke("report", str(run_file), "--format", "markdown", "--out", str(report)).exit_code == 0
    assert report.read_text(encoding="utf-8").startswith("# Eval run: extractive")
    cmp = tmp_path / "cmp.md"
    result = invoke(
        "compare", str(run_file), str(worse_file), "--rescore", "--format", "markdown", "--out", str(cmp)
    )
    assert result.exit_code == 1
    assert "**Result: FAILED**" in cmp.read_text(encoding="utf-8")
    side = invoke("report", str(run_file), str(worse_file), "--format", "markdown", "--title", "Both")
    assert side.exit_code == 0 and side.stdout.startswith("# Both") and "no-speakers" in side.stdout


def test_html_reports_need_the_html_module(run_file: Path, tmp_path: Path) -> None:
    html = tmp_path / "run.html"
    out = tmp_path / "never.json"
    result = invoke(str(CASES), "-m", "extractive", "--limit", "1", "--out", str(out), "--html", str(html))
    if HAS_HTML:
        assert result.exit_code == 0 and html.is_file()
    else:
        assert result.exit_code == 3
        assert "HTML reports are not available" in result.stderr
        assert not out.exists()  # refused before any brief was made


def test_errors_are_one_line_with_exit_codes(tmp_path: Path) -> None:
    missing = invoke(str(tmp_path / "nowhere"), "-m", "extractive")
    assert missing.exit_code == 6 and missing.stderr.startswith("error:")
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    bad = invoke("compare", str(tmp_path / "bad.json"), str(tmp_path / "bad.json"))
    assert bad.exit_code == 6 and "not an eval run file" in bad.stderr
    unknown_model = invoke(str(CASES), "-m", "nonsense")
    assert unknown_model.exit_code == 3


def test_options_may_come_before_the_cases(tmp_path: Path) -> None:
    out = tmp_path / "first.json"
    result = invoke("-m", "extractive", "--limit", "1", "--out", str(out), str(CASES), "--fields", "schema")
    assert result.exit_code == 0 and load_run(out).model == "extractive"


def test_unknown_fields_are_refused_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "never.json"
    result = invoke(str(CASES), "-m", "extractive", "--out", str(out), "--fields", "quotes,speakers")
    assert result.exit_code == 2 and "unknown field 'speakers'" in result.stderr
    assert not out.exists()


def _minimal_draft(request: dict[str, object]) -> Step:
    return Step.answer(
        {
            "headline": "An incident",
            "summary": "Something happened.",
            "event_type": "Other",
            "description": "An incident.",
        }
    )


def test_a_second_eval_is_answered_from_the_response_cache(tmp_path: Path) -> None:
    """Through the whole stack: the pipeline's cache around a real OpenAI client and a local test server."""
    with OpenAIServer(responder=_minimal_draft) as server:
        common = ["-m", "openai:test", "--base-url", server.base_url, "--limit", "3", "--jobs", "2"]
        first = invoke(str(CASES), *common, "--out", str(tmp_path / "first.json"))
        assert first.exit_code == 0, first.output
        calls = len(server.chat_requests)
        assert calls >= 3
        second = invoke(str(CASES), *common, "--out", str(tmp_path / "second.json"))
        assert second.exit_code == 0
        assert len(server.chat_requests) == calls  # no model call the second time
    one, two = load_run(tmp_path / "first.json"), load_run(tmp_path / "second.json")
    assert all(r.brief is not None and r.brief["meta"]["llm_calls"] >= 1 for r in one.cases)
    assert all(r.brief is not None and r.brief["meta"]["llm_calls"] == 0 for r in two.cases)
    assert one.cache is not None and one.cache["hits"] == 0
    assert two.cache is not None and two.cache["hits"] == calls and two.cache["misses"] == 0
    assert [s.scores for s in two.scores] == [s.scores for s in one.scores]
    assert two.engine == "openai" and two.model == "openai:test"
