"""The run log: LoggedBackend records every call; runs are summarised; `summariser logs` shows them."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from summariser.backends.fake import FakeBackend
from summariser.backends.wrap import CachedBackend, LoggedBackend
from summariser.cli.main import cli
from summariser.errors import EndpointError
from summariser.settings import Settings
from summariser.store.cache import ResponseCache
from summariser.store.runlog import LOG_FILE, RunLog, current_item, redact

MESSAGES = [{"role": "user", "content": "Two apples."}]
KEY = "sk-test-SENTINEL-runlog-77aa"


class Item(BaseModel):
    name: str
    count: int


@pytest.fixture
def runlog(tmp_path: Path) -> RunLog:
    return RunLog(tmp_path / LOG_FILE)


def test_calls_are_recorded_with_outcome_tokens_and_item(runlog: RunLog, tmp_path: Path) -> None:
    answers = [{"name": "a", "count": 1}, EndpointError(f"server said key {KEY} is bad")]
    inner = FakeBackend(answers, model="m")
    run_id = runlog.start_run(command="test", model="fake:m")
    b = LoggedBackend(inner, runlog, run_id, secrets=[KEY])
    token = current_item.set("item-1")
    try:
        b.complete(MESSAGES, Item)
        with pytest.raises(EndpointError):
            b.complete(MESSAGES, Item)
    finally:
        current_item.reset(token)
    runlog.finish_run(run_id, status="failed", done=1, failed=1)
    calls = runlog.calls(run_id)
    assert [c.outcome for c in calls] == ["ok", "EndpointError"]
    assert calls[0].item == "item-1" and calls[0].model == "m" and calls[0].prompt_tokens > 0
    assert len(calls[0].prompt_hash) == 16 and calls[0].latency_s >= 0
    assert calls[1].error is not None and KEY not in calls[1].error and "***" in calls[1].error
    (run,) = runlog.runs()
    assert (run.run_id, run.status, run.requests, run.errors) == (run_id, "failed", 2, 1)
    assert (run.done, run.failed) == (1, 1)
    assert run.total_tokens == calls[0].prompt_tokens + calls[0].completion_tokens
    assert run.duration_s is not None and run.duration_s >= 0
    assert KEY.encode() not in (tmp_path / LOG_FILE).read_bytes()


def test_cached_calls_are_flagged(runlog: RunLog, tmp_path: Path) -> None:
    inner = FakeBackend(default=lambda m, rm: {"name": "a", "count": 1})
    run_id = runlog.start_run(command="test", model="fake")
    b = LoggedBackend(CachedBackend(inner, ResponseCache(tmp_path / "cache.sqlite3")), runlog, run_id)

    async def twice() -> None:
        await b.acomplete(MESSAGES, Item)
        await b.acomplete(MESSAGES, Item)

    asyncio.run(twice())
    calls = runlog.calls(run_id)
    assert [c.cached for c in calls] == [False, True]
    assert calls[1].calls == 0 and calls[1].prompt_tokens == 0
    (run,) = runlog.runs()
    assert (run.requests, run.model_calls, run.cached) == (2, 1, 1)


def test_runs_are_listed_newest_first_and_limited(runlog: RunLog) -> None:
    ids = [runlog.start_run(command="batch", model="extractive", run_id=f"run-{i}") for i in range(5)]
    runs = runlog.runs(limit=3)
    assert len(runs) == 3 and runs[0].run_id in ids
    assert runs[0].started >= runs[-1].started
    assert runs[0].status == "running" and runs[0].duration_s is None


def test_missing_log_reads_as_empty(tmp_path: Path) -> None:
    log = RunLog(tmp_path / "none" / LOG_FILE)
    assert log.runs() == [] and log.calls("x") == []


def test_an_unwritable_log_never_fails_a_call(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    log = RunLog(blocker / LOG_FILE)
    b = LoggedBackend(FakeBackend([{"name": "a", "count": 1}]), log, "r")
    assert b.complete(MESSAGES, Item).value.name == "a"
    assert log.errors >= 1


def test_redact() -> None:
    assert redact(f"key={KEY} done", [KEY]) == "key=*** done"
    assert "sk-***" in redact("got sk-abcdefghijklmnop from the server")
    assert redact("Authorization: Bearer abcdefghijklmnop") == "Authorization: Bearer ***"
    assert "hunter2hunter2" not in redact('{"api_key": "hunter2hunter2"}')


def test_default_path_follows_the_settings(tmp_path: Path) -> None:
    assert RunLog.for_settings(Settings(log_db=tmp_path / "x.db")).path == tmp_path / "x.db"
    assert RunLog.for_settings(Settings.from_env({"SUMMARISER_LOG_DB": str(tmp_path / "y.db")})).path == (
        tmp_path / "y.db"
    )


def test_logs_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARISER_LOG_DB", str(tmp_path / LOG_FILE))
    log = RunLog(tmp_path / LOG_FILE)
    run_id = log.start_run(command="batch", model="openai:test")
    b = LoggedBackend(FakeBackend([{"name": "a", "count": 1}, EndpointError("down")]), log, run_id)
    b.complete(MESSAGES, Item)
    with pytest.raises(EndpointError):
        b.complete(MESSAGES, Item)
    log.finish_run(run_id, status="failed", done=1, failed=1)
    runner = CliRunner()
    table = runner.invoke(cli, ["logs"])
    assert table.exit_code == 0, table.output
    assert run_id in table.output and "openai:test" in table.output
    data = json.loads(runner.invoke(cli, ["logs", "--json", "-n", "5"]).output)
    assert data[0]["run_id"] == run_id and data[0]["errors"] == 1 and data[0]["requests"] == 2
    calls = json.loads(runner.invoke(cli, ["logs", "--run", run_id, "--json"]).output)
    assert [c["outcome"] for c in calls] == ["ok", "EndpointError"]
    listing = runner.invoke(cli, ["logs", "--run", run_id])
    assert listing.exit_code == 0 and "EndpointError" in listing.output


def test_logs_command_with_no_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARISER_LOG_DB", str(tmp_path / "empty" / LOG_FILE))
    result = CliRunner().invoke(cli, ["logs"])
    assert result.exit_code == 0 and "no runs logged yet" in result.output


# -- issue 14 ----------------------------------------------------------------------------------------------
def test_a_run_whose_process_is_gone_is_stale_not_running(runlog: RunLog, tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from summariser.store.runlog import RunLog\n"
        "RunLog(sys.argv[1]).start_run(command='batch', model='m', run_id='killed')\n"
    )  # the process ends without finishing its run, as a killed or refused batch does
    subprocess.run([sys.executable, "-c", code, str(runlog.path)], check=True)
    runlog.start_run(command="batch", model="m", run_id="alive")
    status = {r.run_id: r.status for r in runlog.runs()}
    assert status == {"killed": "stale", "alive": "running"}
    runlog.finish_run("alive", status="ok")
    assert {r.run_id: r.status for r in runlog.runs()}["alive"] == "ok"


def test_a_log_from_before_pids_were_recorded_still_reads(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / LOG_FILE
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE runs (run_id TEXT PRIMARY KEY, started REAL NOT NULL, finished REAL, command TEXT "
            "NOT NULL, model TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'running', items INTEGER NOT NULL "
            "DEFAULT 0, done INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0, failed INTEGER "
            "NOT NULL DEFAULT 0);"
            "INSERT INTO runs (run_id, started, command, model) VALUES ('old', 1.0, 'batch', 'm');"
        )
    log = RunLog(path)
    log.start_run(command="brief", model="m", run_id="new")
    assert {r.run_id: r.status for r in log.runs()} == {"old": "running", "new": "running"}


def test_logs_run_tells_an_unknown_id_from_a_run_without_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `summariser batch` ends with "(summariser logs --run ID)": for an extractive run that run exists but
    # made no call; a mistyped id is a different answer (exit 2), not the same "nothing logged".
    monkeypatch.setenv("SUMMARISER_LOG_DB", str(tmp_path / LOG_FILE))
    log = RunLog(tmp_path / LOG_FILE)
    run_id = log.start_run(command="batch", model="extractive")
    log.finish_run(run_id, done=3)
    assert log.has_run(run_id) and not log.has_run("nope")
    runner = CliRunner()
    quiet = runner.invoke(cli, ["logs", "--run", run_id])
    assert quiet.exit_code == 0 and "made no model calls" in quiet.output
    assert json.loads(runner.invoke(cli, ["logs", "--run", run_id, "--json"]).output) == []
    unknown = runner.invoke(cli, ["logs", "--run", "nope"])
    assert unknown.exit_code == 2 and "no run nope" in unknown.output and "Traceback" not in unknown.output
