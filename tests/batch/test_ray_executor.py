"""The Ray executor on a real local Ray runtime (one per test session): the same briefs, manifest and
errors as the local executor; resume; actors whose process dies.

Kept few and small: the extractive engine (and the scripted test server for errors raised inside an actor),
two actors, invented reports from ``batch_support``.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import ray
from batch_support import bad_inputs, draft_for, make_report

from summariser.batch.executor import WorkerLostError
from summariser.batch.ray_executor import RayOptions
from summariser.batch.runner import ERRORS_FILE, MANIFEST_FILE, BatchRunner, collect_inputs
from summariser.errors import ConfigError, ModelError
from summariser.settings import Settings
from summariser.store.runlog import RunLog
from summariser.testing import OpenAIServer, Step

# the fault-injecting summariser below runs inside the actors: ship it by value, not by module name
ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="session")
def ray_runtime() -> Iterator[Any]:
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=200 * 1024 * 1024,
        log_to_driver=False,
        logging_level=logging.WARNING,
    )
    yield ray
    ray.shutdown()


def extractive(tmp_path: Path) -> Settings:
    return Settings.from_env(model="extractive", cache_dir=tmp_path / "cache", log_db=tmp_path / "logs.db")


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def run(settings: Settings, inputs: list[str], out: Path, **kwargs: Any) -> Any:
    runner = BatchRunner(settings, out, runlog=False, **kwargs)
    return runner.run(collect_inputs(inputs, exclude=[out]))


def briefs(out: Path) -> dict[str, dict[str, Any]]:
    """Every brief in ``out``, without the one timing field of ``meta``."""
    found = {}
    for p in sorted(out.glob("*.json")):
        data = json.loads(p.read_text(encoding="utf-8"))
        data["meta"].pop("duration_s")
        found[p.stem] = data
    return found


def manifest(out: Path) -> dict[str, dict[str, Any]]:
    lines = (out / MANIFEST_FILE).read_text(encoding="utf-8").splitlines()
    return {e["id"]: {k: v for k, v in e.items() if k != "finished"} for e in map(json.loads, lines)}


def errors(out: Path) -> dict[str, Any]:
    lines = (out / ERRORS_FILE).read_text(encoding="utf-8").splitlines()
    return {e["id"]: (e["source"], e["error"]) for e in map(json.loads, lines)}


def ray_options(actors: int = 2, **kwargs: Any) -> RayOptions:
    return RayOptions(actors=actors, **kwargs)


# -- same briefs, resume ------------------------------------------------------------------------------------
def test_forty_articles_brief_as_locally_and_a_resumed_run_redoes_nothing(
    ray_runtime: Any, tmp_path: Path
) -> None:
    folder = write(tmp_path / "in", {f"report-{i:02d}.txt": make_report(i, seed=13) for i in range(40)})
    settings = extractive(tmp_path)
    local = run(settings, [str(folder)], tmp_path / "local")
    runner = BatchRunner(settings, tmp_path / "ray", runlog=False, executor="ray", ray=ray_options())
    remote = runner.run(collect_inputs([str(folder)]))
    assert (local.done, remote.done, remote.failed) == (40, 40, 0)
    ready = runner.executor.ready_info  # type: ignore[attr-defined]
    assert len(ready) == 2 and all(r["ledger"] and r["error"] is None for r in ready)
    assert briefs(tmp_path / "ray") == briefs(tmp_path / "local")
    assert len(briefs(tmp_path / "ray")) == 40
    assert manifest(tmp_path / "ray") == manifest(tmp_path / "local")
    assert (tmp_path / "ray" / ERRORS_FILE).read_text() == ""

    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "ray").glob("*.json")}
    again = run(settings, [str(folder)], tmp_path / "ray", executor="ray", ray=ray_options())
    assert (again.done, again.skipped, again.failed) == (0, 40, 0)
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "ray").glob("*.json")} == before


# -- errors --------------------------------------------------------------------------------------------------
MARK_400 = "REJECTED-BY-ENDPOINT"
MARK_SHAPE = "ANSWERED-WRONG-SHAPE"


def scripted(request: dict[str, Any]) -> Step:
    """Answers a draft; a 400 for one marked article; a useless answer for another."""
    text = "\n".join(str(m.get("content")) for m in request.get("messages", []))
    if MARK_400 in text:
        return Step.error(400, body={"error": {"message": "this request was refused"}})
    if MARK_SHAPE in text:
        return Step.answer({"title": "not a draft"})
    match = re.search(r"<article>\n(.*)\n</article>", text, re.S)
    return Step.answer(draft_for(match.group(1) if match else "Report."))


def test_errors_jsonl_matches_the_local_executor(ray_runtime: Any, tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {f"good-{i}.txt": make_report(i) for i in range(3)}
    files |= bad_inputs()
    files["refused.txt"] = make_report(50) + f"\n{MARK_400} in the last paragraph.\n"
    files["useless.txt"] = make_report(51) + f"\n{MARK_SHAPE} in the last paragraph.\n"
    folder = write(tmp_path / "in", files)
    records = tmp_path / "records.jsonl"
    records.write_text(
        json.dumps({"id": "rec-ok", "text": make_report(60)})
        + "\n{broken\n"
        + json.dumps({"id": "rec-date", "text": make_report(61), "published": "soon"})
        + "\n",
        encoding="utf-8",
    )
    inputs = [str(folder), str(records), str(tmp_path / "missing.txt")]
    with OpenAIServer(responder=scripted) as server:
        settings = Settings.from_env(
            model="openai:scripted",
            base_url=server.base_url,
            api_key="sk-test-dummy-0000",
            max_retries=0,
            reasks=1,
            use_cache=False,
            cache_dir=tmp_path / "cache",
            log_db=tmp_path / "logs.db",
        )
        local = run(settings, inputs, tmp_path / "local", jobs=2)
        runner = BatchRunner(settings, tmp_path / "ray", jobs=2, executor="ray", ray=ray_options())
        remote = runner.run(collect_inputs(inputs, exclude=[tmp_path / "ray"]))
    assert local.failed >= 9 and (remote.done, remote.failed) == (local.done, local.failed)
    local_errors, ray_errors = errors(tmp_path / "local"), errors(tmp_path / "ray")
    assert ray_errors == local_errors
    # raised inside an actor, rebuilt in the driver as the same type, message and hint
    assert ray_errors["refused"][1]["type"] == "EndpointError"
    assert ray_errors["useless"][1]["type"] == "GenerationError"
    assert briefs(tmp_path / "ray") == briefs(tmp_path / "local")
    # the actors' model calls are logged under the driver's one run, which the driver finished
    (run_info,) = RunLog(tmp_path / "logs.db").runs()
    assert run_info.run_id == runner.run_id and run_info.status == "failed"
    assert run_info.model_calls >= remote.done and (run_info.done, run_info.failed) == (
        remote.done,
        remote.failed,
    )


# -- actors that die -----------------------------------------------------------------------------------------
class Crashing:
    """Wraps an actor's ``Summariser``: its process exits on marked articles, ``CRASH-ONCE-n`` on the first
    attempt only (a marker file remembers it across processes), ``CRASH-ALWAYS`` every time."""

    def __init__(self, inner: Any, marker_dir: str) -> None:
        self.inner, self.marker_dir = inner, marker_dir
        self.backend = inner.backend

    def _maybe_die(self, text: str) -> None:
        if "CRASH-ALWAYS" in text:
            os._exit(1)
        found = re.search(r"CRASH-ONCE-\d+", text)
        if found:
            marker = Path(self.marker_dir) / found.group(0)
            if not marker.exists():
                marker.touch()
                os._exit(1)

    def brief(self, article: Any) -> Any:
        self._maybe_die(article.text)
        return self.inner.brief(article)

    async def abrief(self, article: Any) -> Any:
        self._maybe_die(article.text)
        return await self.inner.abrief(article)


def crashing(summariser: Any, *, marker_dir: str) -> Crashing:
    return Crashing(summariser, marker_dir)


def test_a_killed_actors_items_are_retried_once_and_nothing_is_lost(ray_runtime: Any, tmp_path: Path) -> None:
    # briefed in name order: the outside kill (at the first result) hits a plain report, well before the
    # marked ones, so no item is killed twice by chance (that would rightly use up its one retry)
    files = {f"a-report-{i:02d}.txt": make_report(i, seed=7) for i in range(10)}
    files |= {f"z-crash-once-{i}.txt": make_report(20 + i) + f"\nCRASH-ONCE-{i}\n" for i in range(2)}
    files["z-poison.txt"] = make_report(30) + "\nCRASH-ALWAYS\n"
    folder = write(tmp_path / "in", files)
    (tmp_path / "markers").mkdir()
    settings = extractive(tmp_path)
    wrap = functools.partial(crashing, marker_dir=str(tmp_path / "markers"))

    killed: list[int] = []
    runner = BatchRunner(
        settings, tmp_path / "ray", runlog=False, executor="ray", ray=ray_options(wrap_summariser=wrap)
    )

    def kill_an_actor_once(result: Any) -> None:  # from outside too, as an operator or the OOM killer would
        if not killed:
            killed.append(1)
            ray.kill(runner.executor.actors[0], no_restart=False)  # type: ignore[attr-defined]

    runner.on_result = kill_an_actor_once
    summary = runner.run(collect_inputs([str(folder)]))

    assert sorted(p.name for p in (tmp_path / "markers").iterdir()) == ["CRASH-ONCE-0", "CRASH-ONCE-1"]
    lost = errors(tmp_path / "ray")
    assert (summary.done, summary.failed) == (12, 1), lost
    assert list(lost) == ["z-poison"] and lost["z-poison"][1]["type"] == WorkerLostError.__name__
    assert "z-poison" not in manifest(tmp_path / "ray") and not (tmp_path / "ray" / "z-poison.json").exists()
    assert not [p for p in (tmp_path / "ray").iterdir() if p.name.endswith(".tmp")]

    del files["z-poison.txt"]
    run(settings, [str(write(tmp_path / "clean", files))], tmp_path / "local")
    assert briefs(tmp_path / "ray") == briefs(tmp_path / "local")  # retried items: as if nothing happened


# -- configuration ------------------------------------------------------------------------------------------
def test_a_model_that_cannot_load_in_the_actors_is_a_config_error(ray_runtime: Any, tmp_path: Path) -> None:
    write(tmp_path / "in", {"a.txt": make_report(1)})
    settings = Settings.from_env(model=f"local:{tmp_path / 'no-such-model.gguf'}")
    with pytest.raises(ModelError):
        run(settings, [str(tmp_path / "in")], tmp_path / "out", executor="ray", ray=ray_options(actors=1))
    assert not (tmp_path / "out" / MANIFEST_FILE).exists() or manifest(tmp_path / "out") == {}


def test_without_ray_installed_the_ray_executor_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` does when it is not installed
    with pytest.raises(ConfigError, match=r"summariser\[ray\]"):
        BatchRunner(extractive(tmp_path), tmp_path / "out", executor="ray")


# -- evals ---------------------------------------------------------------------------------------------------
def test_an_eval_briefs_on_ray_and_scores_as_locally(ray_runtime: Any, tmp_path: Path) -> None:
    from summariser.evals.runner import run_eval

    cases = Path(__file__).resolve().parents[2] / "evals" / "cases"
    settings = extractive(tmp_path)
    local = run_eval(cases, settings, limit=4, resamples=50)
    remote = run_eval(cases, settings, limit=4, resamples=50, executor="ray", ray=ray_options())

    def recorded(run: Any) -> list[Any]:
        out = []
        for rec in run.cases:
            data = rec.model_dump(mode="json", exclude={"seconds"})
            if data.get("brief"):
                data["brief"]["meta"].pop("duration_s")
            out.append(data)
        return out

    assert [r.id for r in remote.cases] == [r.id for r in local.cases] and len(remote.cases) == 4
    assert recorded(remote) == recorded(local)
    timing = {"cost": {"duration_s", "mean_duration_s"}}
    assert remote.report.model_dump(exclude=timing) == local.report.model_dump(exclude=timing)
