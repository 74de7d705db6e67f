"""Batch runs (extractive engine, fake backends): inputs, outputs, errors, resume, exit codes, concurrency."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest
from batch_support import bad_inputs, draft_for, foreign_report, hostile_report, html_report, make_report
from click.testing import CliRunner

from summariser.backends.base import Completion, Message, T
from summariser.backends.fake import FakeBackend
from summariser.batch.runner import (
    ERRORS_FILE,
    MANIFEST_FILE,
    BatchRunner,
    Manifest,
    collect_inputs,
    prepare_output_dir,
    run_batch,
)
from summariser.cli.main import cli
from summariser.errors import ConfigError
from summariser.settings import Settings
from summariser.store.runlog import RunLog


def extractive() -> Settings:
    """From the environment conftest isolates: the cache and run log live in temporary folders."""
    return Settings.from_env(model="extractive")


def write(folder: Path, files: dict[str, str | bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def errors(out: Path) -> dict[str, dict[str, Any]]:
    lines = (out / ERRORS_FILE).read_text(encoding="utf-8").splitlines()
    return {e["id"]: e["error"] for e in map(json.loads, lines)}


def no_temp_files(out: Path) -> bool:
    return not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


# -- inputs ------------------------------------------------------------------------------------------------
def test_collect_folders_files_globs_and_jsonl(tmp_path: Path) -> None:
    write(
        tmp_path / "a",
        {
            "one.txt": "x",
            "sub/two.md": "x",
            "sub/three.html": "x",
            "skip.pdf": "x",
            ".hidden/four.txt": "x",
            ".dot.txt": "x",
        },
    )
    write(tmp_path / "b", {"one.txt": "x", "One.TXT.txt": "x"})
    records = [
        {"id": "rec/1", "text": "hello"},
        {"text": "no id"},
        {"id": "bad-date", "text": "t", "published": "May"},
    ]
    jsonl = tmp_path / "recs.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in records) + "\nnot json\n[1, 2]\n\n", encoding="utf-8")
    items = collect_inputs(
        [
            str(tmp_path / "a"),
            str(tmp_path / "b" / "*.txt"),
            str(jsonl),
            str(tmp_path / "missing.txt"),
            str(tmp_path / "none-*.txt"),
        ]
    )
    ids = [i.id for i in items]
    assert ids[:3] == ["one", "three", "two"]  # sorted paths: a/one.txt, a/sub/three.html, a/sub/two.md
    assert "one-2" in ids and len(set(map(str.lower, ids))) == len(ids)
    assert "rec_1" in ids and "recs-2" in ids
    by_id = {i.id: i for i in items}
    assert by_id["rec_1"].text == "hello" and by_id["rec_1"].problem is None
    assert by_id["bad-date"].problem is not None and "not a date" in by_id["bad-date"].problem.message
    problems = [i.problem.message for i in items if i.problem]
    assert any("not a JSON object" in m for m in problems)
    assert any("no such file" in m for m in problems) and any("matches no files" in m for m in problems)
    assert not any("four" in i or "dot" in i or "skip" in i for i in ids)


def test_collect_skips_the_output_folder(tmp_path: Path) -> None:
    write(tmp_path, {"in.txt": "x", "out/old.md": "x"})
    assert [i.id for i in collect_inputs([str(tmp_path)], exclude=[tmp_path / "out"])] == ["in"]


def test_ids_are_stable_across_runs(tmp_path: Path) -> None:
    write(tmp_path, {"x/r.txt": "a", "y/r.txt": "b", "z/r.txt": "c"})
    first = [(i.id, i.source) for i in collect_inputs([str(tmp_path)])]
    assert first == [(i.id, i.source) for i in collect_inputs([str(tmp_path)])]
    assert [i for i, _ in first] == ["r", "r-2", "r-3"]


# -- output folder -----------------------------------------------------------------------------------------
def test_output_folder_is_created_or_refused_up_front(tmp_path: Path) -> None:
    assert prepare_output_dir(tmp_path / "new").is_dir()
    with pytest.raises(ConfigError, match="does not exist"):
        prepare_output_dir(tmp_path / "no" / "such")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="not a folder"):
        prepare_output_dir(tmp_path / "file")


def test_unwritable_output_folder_is_refused(tmp_path: Path) -> None:
    if os.geteuid() == 0:  # root ignores permission bits: use a file system nobody can write to
        target = Path("/proc")
    else:
        target = tmp_path / "ro"
        target.mkdir()
        target.chmod(0o555)
    with pytest.raises(ConfigError, match="cannot write there"):
        prepare_output_dir(target)


# -- runs --------------------------------------------------------------------------------------------------
def test_batch_briefs_good_files_and_records_bad_ones(tmp_path: Path) -> None:
    good = {f"r{i}.txt": make_report(i) for i in range(4)}
    write(
        tmp_path / "in",
        good
        | bad_inputs()
        | {"hostile.md": hostile_report(), "page.html": html_report(7), "foreign.txt": foreign_report()},
    )
    out = tmp_path / "out"
    summary = run_batch([str(tmp_path / "in")], out, extractive())
    bad = {"empty", "blank", "binary", "latin1", "huge"}
    assert summary.failed == len(bad) and summary.exit_code == 1
    assert summary.done == 4 + 5  # the good reports, BOM, CRLF, hostile, HTML, foreign
    errs = errors(out)
    assert set(errs) == bad
    assert errs["huge"]["type"] == "InputError" and "larger than" in errs["huge"]["message"]
    assert "UTF-8" in errs["latin1"]["message"] and errs["latin1"]["hint"]
    assert "binary" in errs["binary"]["message"] and "empty" in errs["blank"]["message"]
    for name in ("r0", "ok-bom", "ok-crlf", "page", "hostile", "foreign"):
        brief = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        assert brief["meta"]["source_sha256"] and brief["meta"]["model"] == "extractive"
    crlf = json.loads((out / "ok-crlf.json").read_text(encoding="utf-8"))
    text = (tmp_path / "in" / "ok-crlf.txt").read_bytes().decode()
    assert "\r\n" in text
    for q in crlf["quotes"]:
        for e in q["evidence"]:
            assert text[e["start"] : e["end"]] == e["text"]
    foreign = json.loads((out / "foreign.json").read_text(encoding="utf-8"))
    assert any("English" in w for w in foreign["meta"]["warnings"])
    page = json.loads((out / "page.json").read_text(encoding="utf-8"))
    assert any("HTML" in w for w in page["meta"]["warnings"])
    assert no_temp_files(out)


def test_rerun_skips_done_items_and_redoes_changed_ones(tmp_path: Path) -> None:
    write(tmp_path / "in", {f"r{i}.txt": make_report(i) for i in range(3)})
    out = tmp_path / "out"
    first = run_batch([str(tmp_path / "in")], out, extractive())
    assert (first.done, first.skipped, first.exit_code) == (3, 0, 0)
    stamp = (out / "r0.json").stat().st_mtime_ns
    (tmp_path / "in" / "r1.txt").write_text(make_report(101), encoding="utf-8")
    (out / "r2.json").unlink()  # a lost output is redone even though the manifest lists it
    second = run_batch([str(tmp_path / "in")], out, extractive())
    assert (second.done, second.skipped) == (2, 1)
    assert {r.id for r in second.results if r.status == "done"} == {"r1", "r2"}
    assert (out / "r0.json").stat().st_mtime_ns == stamp
    third = run_batch([str(tmp_path / "in")], out, extractive(), fmt="markdown")
    assert third.done == 3 and (out / "r0.md").read_text(encoding="utf-8").startswith("#")


def test_a_manifest_cut_by_kill_is_mended(tmp_path: Path) -> None:
    path = tmp_path / MANIFEST_FILE
    path.write_text('{"id": "a", "sha256": "1"}\n{"id": "b", "sha2', encoding="utf-8")
    m = Manifest(path)
    assert set(m.entries) == {"a"}
    m.add({"id": "c", "sha256": "3"})
    assert set(Manifest(path).entries) == {"a", "c"}


def test_stale_temp_files_are_removed(tmp_path: Path) -> None:
    write(tmp_path / "in", {"r.txt": make_report(1)})
    out = tmp_path / "out"
    out.mkdir()
    (out / ".r.json.abc123.tmp").write_text("{half")
    run_batch([str(tmp_path / "in")], out, extractive())
    assert no_temp_files(out) and (out / "r.json").is_file()


def test_a_file_that_disappears_mid_run(tmp_path: Path) -> None:
    write(tmp_path / "in", {f"r{i}.txt": make_report(i) for i in range(3)})
    out = tmp_path / "out"

    def vanish(result: Any) -> None:
        (tmp_path / "in" / "r2.txt").unlink(missing_ok=True)

    runner = BatchRunner(extractive(), out, on_result=vanish)
    summary = runner.run(collect_inputs([str(tmp_path / "in")]))
    assert [r.status for r in summary.results] == ["done", "done", "failed"]
    assert "no such file" in errors(out)["r2"]["message"]


def test_one_batch_at_a_time_per_output_folder(tmp_path: Path) -> None:
    import fcntl

    out = prepare_output_dir(tmp_path / "out")
    with (out / ".lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        with pytest.raises(ConfigError, match="another summariser batch"):
            run_batch([str(tmp_path)], out, extractive())


def test_jsonl_records(tmp_path: Path) -> None:
    jsonl = tmp_path / "recs.jsonl"
    rows = [{"id": "a/b", "text": make_report(1), "published": "2024-03-05"}, {"id": "empty", "text": " "}]
    jsonl.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    summary = run_batch([str(jsonl)], out, extractive())
    assert (summary.done, summary.failed) == (1, 1)
    brief = json.loads((out / "a_b.json").read_text(encoding="utf-8"))
    assert brief["meta"]["published"] == "2024-03-05"
    assert errors(out)["empty"]["type"] == "InputError"


# -- one model, or real concurrency --------------------------------------------------------------------------
class CountingBackend(FakeBackend):
    """Tracks how many calls are in flight at once."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(default=self.answer, **kw)
        self.in_flight = 0
        self.most = 0

    @staticmethod
    def answer(messages: list[Message], response_model: type[Any]) -> Any:
        from batch_support import article_in

        return draft_for(article_in({"messages": messages}) or "")

    async def acomplete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int = 1024, max_reasks: int = 2
    ) -> Completion[T]:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            await asyncio.sleep(0.05)
            return self.complete(messages, response_model, max_tokens=max_tokens, max_reasks=max_reasks)
        finally:
            self.in_flight -= 1


@pytest.mark.parametrize(("model", "jobs", "concurrent"), [("openai:test", 4, True), ("local", 4, False)])
def test_remote_engines_run_concurrently_local_ones_share_one_model(
    tmp_path: Path, model: str, jobs: int, concurrent: bool
) -> None:
    write(tmp_path / "in", {f"r{i}.txt": make_report(i) for i in range(8)})
    backend = CountingBackend(model="counting", concurrent=concurrent)  # as openai and llama declare it
    settings = Settings.from_env(model=model, api_key="sk-test-dummy-0000", base_url="http://127.0.0.1:9/v1")
    runner = BatchRunner(settings, tmp_path / "out", jobs=jobs, backend=backend)
    summary = runner.run(collect_inputs([str(tmp_path / "in")]))
    assert summary.done == 8
    assert runner.jobs == (jobs if concurrent else 1)
    assert (backend.most > 1) if concurrent else (backend.most == 1)
    assert len(backend.calls) == 8  # one shared backend, one call per article


def test_a_slot_bounds_the_briefs_and_is_not_taken_for_skipped_items(tmp_path: Path) -> None:
    """The hook ``summariser serve`` uses: each brief waits for its turn on a limiter shared with others."""
    import contextlib

    write(tmp_path / "in", {f"r{i}.txt": make_report(i) for i in range(6)})
    turns = asyncio.Semaphore(2)
    taken: list[str] = []

    @contextlib.asynccontextmanager
    async def slot() -> Any:
        async with turns:
            taken.append("turn")
            yield

    def run(backend: CountingBackend) -> Any:
        settings = Settings.from_env(model="openai:test", api_key="sk-test-dummy-0000", use_cache=False)
        runner = BatchRunner(settings, tmp_path / "out", jobs=4, backend=backend, slot=slot)
        assert runner.jobs == 4
        return runner.run(collect_inputs([str(tmp_path / "in")]))

    first = CountingBackend(model="counting", concurrent=True)
    assert run(first).done == 6
    assert len(taken) == 6 and first.most == 2  # four items at once, two briefs at a time
    second = CountingBackend(model="counting", concurrent=True)
    assert run(second).skipped == 6
    assert len(taken) == 6 and second.calls == []  # nothing to brief: no turn taken


def test_cache_serves_a_second_batch_and_no_cache_does_not(tmp_path: Path) -> None:
    write(tmp_path / "in", {f"r{i}.txt": make_report(i) for i in range(3)})
    settings = Settings.from_env(
        model="openai:test",
        api_key="sk-x",
        base_url="http://127.0.0.1:9/v1",
        cache_dir=tmp_path / "cache",
        log_db=tmp_path / "logs.db",
    )
    backend = CountingBackend(model="counting")
    run_batch([str(tmp_path / "in")], tmp_path / "out1", settings, backend=backend)
    second = run_batch([str(tmp_path / "in")], tmp_path / "out2", settings, backend=backend)
    assert len(backend.calls) == 3 and second.cache_hits == 3 and second.calls == 0
    run_batch([str(tmp_path / "in")], tmp_path / "out3", settings.with_(use_cache=False), backend=backend)
    assert len(backend.calls) == 6
    runs = RunLog(tmp_path / "logs.db").runs()
    assert [r.cached for r in runs] == [0, 3, 0] and all(r.status == "ok" for r in runs)


# -- the command -------------------------------------------------------------------------------------------
def test_cli_exit_codes(tmp_path: Path) -> None:
    write(tmp_path / "good", {"a.txt": make_report(1)})
    write(tmp_path / "mixed", {"a.txt": make_report(1), "empty.txt": ""})
    write(tmp_path / "nothing", {"notes.pdf": "x"})
    runner = CliRunner()
    ok = runner.invoke(
        cli,
        ["batch", str(tmp_path / "good"), "--out", str(tmp_path / "o1"), "-m", "extractive", "--json", "-q"],
    )
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout.splitlines()[-1])["done"] == 1
    some = runner.invoke(
        cli, ["batch", str(tmp_path / "mixed"), "--out", str(tmp_path / "o2"), "-m", "extractive"]
    )
    assert some.exit_code == 1 and "1 failed" in some.output and "errors.jsonl" in some.output
    none = runner.invoke(cli, ["batch", str(tmp_path / "nothing"), "--out", str(tmp_path / "o3")])
    assert none.exit_code == 2 and "no inputs" in none.output
    bad_out = runner.invoke(cli, ["batch", str(tmp_path / "good"), "--out", str(tmp_path / "x" / "y")])
    assert bad_out.exit_code == 3 and "does not exist" in bad_out.output
    assert not (tmp_path / "x").exists()
    no_key = runner.invoke(
        cli, ["batch", str(tmp_path / "good"), "--out", str(tmp_path / "o4"), "-m", "openai:gpt-4o-mini"]
    )
    assert no_key.exit_code == 3 and "API key" in no_key.output


def test_cache_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from summariser.backends.wrap import CachedBackend
    from summariser.store.cache import ResponseCache

    monkeypatch.setenv("SUMMARISER_CACHE_DIR", str(tmp_path))
    CachedBackend(CountingBackend(model="m"), ResponseCache(tmp_path / "responses.sqlite3")).complete(
        [{"role": "user", "content": "<article>\nA report.\n</article>"}],
        __import__("summariser.schema.draft").schema.draft.Draft,
    )
    runner = CliRunner()
    info = json.loads(runner.invoke(cli, ["cache", "info", "--json"]).output)
    assert info["entries"] == 1 and info["models"] == {"m": 1}
    assert "1 answers" in runner.invoke(cli, ["cache", "info"]).output
    cleared = runner.invoke(cli, ["cache", "clear"])
    assert cleared.exit_code == 0 and "deleted 1 cached answer " in cleared.output
    assert json.loads(runner.invoke(cli, ["cache", "info", "--json"]).output)["entries"] == 0
