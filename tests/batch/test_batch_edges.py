"""Batch runs at their edges (issue 14): ids that collide, a changed publication date, odd bytes in JSONL,
the output folder among the inputs, a full disk."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from batch_support import make_report
from click.testing import CliRunner

from summariser.batch.runner import ERRORS_FILE, MANIFEST_FILE, collect_inputs, run_batch
from summariser.cli.main import cli
from summariser.errors import ConfigError, OutputError
from summariser.settings import Settings
from summariser.testing.disk import full_disk_write


def extractive() -> Settings:
    return Settings.from_env(model="extractive")


def jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_changed_published_date_is_briefed_again(tmp_path: Path) -> None:
    feed = jsonl(tmp_path / "feed.jsonl", [{"id": "r", "text": make_report(1), "published": "2024-03-05"}])
    out = tmp_path / "out"
    assert run_batch([str(feed)], out, extractive()).done == 1
    assert run_batch([str(feed)], out, extractive()).skipped == 1
    jsonl(feed, [{"id": "r", "text": make_report(1), "published": "2024-04-09"}])
    again = run_batch([str(feed)], out, extractive())
    assert (again.done, again.skipped) == (1, 0)
    assert json.loads((out / "r.json").read_text(encoding="utf-8"))["meta"]["published"] == "2024-04-09"


def test_a_duplicate_id_never_takes_another_records_file(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"id": "rec1", "text": make_report(1)},
        {"id": "rec1", "text": make_report(2)},
        {"id": "rec1-2", "text": make_report(3)},
    ]
    feed = jsonl(tmp_path / "feed.jsonl", rows)
    items = collect_inputs([str(feed)])
    assert items[0].id == "rec1" and items[2].id == "rec1-2"
    assert items[1].id not in ("rec1", "rec1-2") and items[1].problem is not None
    assert "duplicate id" in str(items[1].problem) and "feed.jsonl:1" in str(items[1].problem)
    out = tmp_path / "out"
    summary = run_batch([str(feed)], out, extractive())
    assert (summary.done, summary.failed) == (2, 1)
    rec12 = json.loads((out / "rec1-2.json").read_text(encoding="utf-8"))
    assert "(report 3)" in rec12["summary"] or "report 3" in json.dumps(rec12)
    assert not list(out.glob("rec1-2-*.json"))


def test_suffixes_for_files_of_one_name_skip_the_ids_of_other_inputs(tmp_path: Path) -> None:
    for folder, name in (("a", "r.txt"), ("b", "r.txt"), ("c", "r-2.txt")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / name).write_text(make_report(1), encoding="utf-8")
    ids = {i.source.split(os.sep)[-2]: i.id for i in collect_inputs([str(tmp_path)])}
    assert ids["c"] == "r-2" and ids["a"] == "r" and ids["b"] not in ("r", "r-2")
    assert len(set(ids.values())) == 3


def test_a_jsonl_record_with_latin1_bytes_is_refused_like_the_same_file(tmp_path: Path) -> None:
    good = json.dumps({"id": "good", "text": make_report(1)}).encode()
    bad = b'{"id": "bad", "text": "Caf\xe9 owners said ' + make_report(2).encode()[:60] + b'"}'
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(good + b"\n" + bad + b"\n")
    items = {i.id: i for i in collect_inputs([str(feed)])}
    assert items["good"].problem is None
    assert items["bad"].problem is not None and "UTF-8" in str(items["bad"].problem)
    assert items["bad"].text is None


def test_out_inside_or_above_the_inputs_finds_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(make_report(1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["batch", "in", "--out", ".", "-m", "extractive", "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.json").is_file()


def test_out_equal_to_an_input_folder_is_refused_up_front(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(make_report(1), encoding="utf-8")
    with pytest.raises(ConfigError, match="input folder"):
        collect_inputs([str(tmp_path)], exclude=[tmp_path])
    result = CliRunner().invoke(cli, ["batch", str(tmp_path), "--out", str(tmp_path), "-m", "extractive"])
    assert result.exit_code == 3 and "input folder" in result.output and "no inputs" not in result.output


def test_disk_full_stops_the_batch_cleanly_and_a_rerun_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "in").mkdir()
    for i in range(6):
        (tmp_path / "in" / f"r{i}.txt").write_text(make_report(i), encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    with monkeypatch.context() as m:
        m.setattr(os, "write", full_disk_write(out, 9000))  # room for about two briefs
        with pytest.raises(OutputError, match="disk full"):
            run_batch([str(tmp_path / "in")], out, extractive())
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    for p in out.glob("*.json"):
        json.loads(p.read_text(encoding="utf-8"))  # every brief on disk is whole
    for name in (MANIFEST_FILE, ERRORS_FILE):
        data = (out / name).read_bytes() if (out / name).exists() else b""
        assert not data or data.endswith(b"\n"), f"{name} ends in a partial line"
        for line in data.splitlines():
            json.loads(line)
    done_before = len(list(out.glob("*.json")))
    again = run_batch([str(tmp_path / "in")], out, extractive())
    assert again.done + again.skipped == 6 and again.failed == 1
    assert again.skipped <= done_before


def test_disk_full_in_the_cli_is_one_line_and_exit_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in").mkdir()
    for i in range(3):
        (tmp_path / "in" / f"r{i}.txt").write_text(make_report(i), encoding="utf-8")
    out = tmp_path / "out"
    monkeypatch.setattr(os, "write", full_disk_write(out, 0))
    args = ["batch", str(tmp_path / "in"), "--out", str(out), "-m", "extractive", "-q"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 3, result.output
    assert "disk full" in result.output and "bug" not in result.output
