"""Batch outputs at a filesystem URL (fsspec's in-memory filesystem): the same files as a local folder,
resume, what a killed run leaves behind, and the errors when fsspec is missing or the URL is unusable."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import fsspec
import pytest
from batch_support import make_report

from summariser.batch import remote as remote_output
from summariser.batch.outputs import LocalOutput, open_output
from summariser.batch.remote import PARTS, RemoteOutput, is_url
from summariser.batch.runner import ERRORS_FILE, MANIFEST_FILE, BatchRunner, collect_inputs
from summariser.errors import ConfigError
from summariser.settings import Settings


@pytest.fixture
def memory_url() -> Any:
    fs = fsspec.filesystem("memory")
    url = "memory://batch-tests/out"
    if fs.exists("/batch-tests"):
        fs.rm("/batch-tests", recursive=True)
    yield url
    if fs.exists("/batch-tests"):
        fs.rm("/batch-tests", recursive=True)


def inputs(tmp_path: Path, n: int = 5) -> list[Any]:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(n):
        (folder / f"r{i}.txt").write_text(make_report(i), encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    return collect_inputs([str(folder)])


def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(model="extractive", cache_dir=tmp_path / "cache", log_db=tmp_path / "logs.db")


def read(url: str, name: str) -> str:
    return str(fsspec.filesystem("memory").cat_file(f"{url.removeprefix('memory://')}/{name}").decode())


def without_timing(text: str) -> dict[str, Any]:
    data = json.loads(text)
    data["meta"].pop("duration_s")
    return data


def test_is_url() -> None:
    assert is_url("s3://bucket/briefs") and is_url("memory://x") and is_url("gcs://b")
    assert not is_url("out") and not is_url("/tmp/out") and not is_url("file:///tmp/out")
    assert not is_url("C:\\briefs") and not is_url("c://x")
    assert isinstance(open_output(f"file://{Path.cwd()}"), LocalOutput)


def test_a_url_gets_the_same_files_as_a_folder_and_resumes(tmp_path: Path, memory_url: str) -> None:
    items = inputs(tmp_path)
    local = BatchRunner(settings(tmp_path), tmp_path / "local", runlog=False).run(items)
    remote = BatchRunner(settings(tmp_path), memory_url, runlog=False).run(items)
    assert (remote.done, remote.failed) == (local.done, local.failed) == (5, 1)
    assert remote.out_dir == memory_url
    fs = fsspec.filesystem("memory")
    names = sorted(p.rsplit("/", 1)[-1] for p in fs.ls(memory_url.removeprefix("memory://"), detail=False))
    assert names == sorted([".manifest.jsonl", ERRORS_FILE, *(f"r{i}.json" for i in range(5))])
    for i in range(5):
        assert without_timing(read(memory_url, f"r{i}.json")) == without_timing(
            (tmp_path / "local" / f"r{i}.json").read_text(encoding="utf-8")
        )
    errors = [json.loads(line) for line in read(memory_url, ERRORS_FILE).splitlines()]
    local_errors = [json.loads(line) for line in (tmp_path / "local" / ERRORS_FILE).read_text().splitlines()]
    assert [(e["id"], e["error"]) for e in errors] == [(e["id"], e["error"]) for e in local_errors]
    manifest = [json.loads(line) for line in read(memory_url, MANIFEST_FILE).splitlines()]
    assert sorted(e["id"] for e in manifest) == [f"r{i}" for i in range(5)]

    again = BatchRunner(settings(tmp_path), memory_url, runlog=False).run(items)
    assert (again.done, again.skipped, again.failed) == (0, 5, 1)


def test_what_a_killed_run_left_is_read_and_cleaned(
    tmp_path: Path, memory_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = inputs(tmp_path)
    monkeypatch.setattr(remote_output, "FLUSH_EVERY", 2)
    first = BatchRunner(settings(tmp_path), memory_url, runlog=False)
    first.run(items)
    root = memory_url.removeprefix("memory://")
    fs = fsspec.filesystem("memory")
    # as if killed before the merge: the manifest only in parts, and a half-written output left over
    lines = read(memory_url, MANIFEST_FILE).splitlines()
    fs.rm(f"{root}/{MANIFEST_FILE}")
    fs.pipe_file(f"{root}/{PARTS}/a-000001.jsonl", ("\n".join(lines[:3]) + "\n").encode())
    fs.pipe_file(f"{root}/{PARTS}/a-000002.jsonl", (lines[3] + "\n" + '{"id": "cut sh').encode())
    fs.pipe_file(f"{root}/.r4.json.abc123.tmp", b'{"half')
    fs.rm(f"{root}/r4.json")

    again = BatchRunner(settings(tmp_path), memory_url, runlog=False).run(items)
    assert (again.done, again.skipped, again.failed) == (1, 4, 1)  # only the item whose line was lost
    assert not fs.exists(f"{root}/.r4.json.abc123.tmp") and not fs.exists(f"{root}/{PARTS}/a-000001.jsonl")
    merged = [json.loads(line) for line in read(memory_url, MANIFEST_FILE).splitlines()]
    assert sorted(e["id"] for e in merged) == [f"r{i}" for i in range(5)]


def test_without_fsspec_a_url_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fsspec", None)
    with pytest.raises(ConfigError, match="needs fsspec"):
        BatchRunner(settings(tmp_path), "s3://bucket/briefs", runlog=False)


def test_an_unknown_filesystem_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="nosuchfs"):
        RemoteOutput("nosuchfs://x/y", manifest_file=MANIFEST_FILE, errors_file=ERRORS_FILE)
