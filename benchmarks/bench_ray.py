"""7. The Ray executor beside the local one: briefs/s with 1 and 2 actors, start-up, overhead per item.

Invented articles (``benchmarks/invented.py``) are briefed by the batch library (``BatchRunner``, what
``summariser batch --executor ray --actors N`` runs) in one child process, for two engines:

- ``extractive``: CPU only (spaCy + grounding), one item at a time per actor;
- ``openai:bench-model`` against the scripted test server (a thread of the parent) answering each request
  after 0.5 s, ``jobs`` requests in flight per actor (and in the local executor).

Each configuration gets a new output folder; a local Ray runtime (2 CPUs, 256 MB object store) is started
once in the child and its start-up time reported. Throughput is timed from the moment the executor is
ready (actors warm, ``on_start``) to the end of the run, so it excludes start-up, which is reported apart
(Ray runtime, then actors loading spaCy). "Ray overhead per item" is measured four ways: one actor call
and its answer, in turn (the latency each item adds); extractive briefs one after another, no files, in
this process and through one actor (the difference is the overhead); the extra wall time per item of a
whole batch with one actor over the local executor; and the driver's CPU per item (loading, manifest,
writing, plus Ray's submission and transfer).

    .venv/bin/python -m benchmarks.bench_ray [--quick]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.bench_batch import responder_for, write_inputs
from benchmarks.common import emit, loadavg, maxrss_mb, run_child, summary
from benchmarks.invented import invented_articles

LATENCY = 0.5
JOBS = 8  # requests in flight per actor (and in the local executor) for the remote engine


def _settings(model: str, base_url: str | None, work: Path) -> Any:
    from summariser.settings import Settings

    return Settings(
        model=model,
        base_url=base_url,
        api_key="bench" if base_url else None,
        cache_dir=work / "cache",
        use_cache=False,  # every configuration pays for every brief
        log_db=work / "logs.db",
        max_retries=0,
    )


def one_run(model: str, base_url: str | None, inputs: Path, work: Path, executor: str, actors: int) -> dict:
    from summariser.batch.ray_executor import RayOptions
    from summariser.batch.runner import BatchRunner, collect_inputs

    work.mkdir(parents=True, exist_ok=True)
    settings = _settings(model, base_url, work)
    ready: list[float] = []
    created = time.perf_counter()
    runner = BatchRunner(
        settings,
        work / f"out-{executor}-{actors}",
        jobs=JOBS,
        executor=executor,  # type: ignore[arg-type]
        ray=RayOptions(actors=actors) if executor == "ray" else None,
        on_start=lambda _n: ready.append(time.perf_counter()),
    )
    items = collect_inputs([inputs])
    cpu0 = time.process_time()
    done = runner.run(items)
    end = time.perf_counter()
    cpu = time.process_time() - cpu0
    briefing = end - ready[0]
    return {
        "executor": executor,
        "actors": actors if executor == "ray" else None,
        "in_flight": getattr(runner.executor, "capacity", runner.jobs),
        "done": done.done,
        "failed": done.failed,
        "start_s": round(ready[0] - created, 3),
        "briefing_s": round(briefing, 3),
        "briefs_per_s": round(done.done / briefing, 2) if briefing else None,
        "driver_cpu_ms_per_item": round(1000 * cpu / max(1, len(items)), 2),
    }


def child(base_url: str, inputs: Path, work: Path, reps: int) -> dict[str, Any]:
    import logging

    import ray

    from summariser.extract import warm_up

    warm_up()  # the local executor's spaCy (the actors load their own, inside start_s)
    started = time.perf_counter()
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=256 * 1024 * 1024,
        log_to_driver=False,
        logging_level=logging.ERROR,
    )
    ray_init_s = time.perf_counter() - started
    roundtrip_ms = _roundtrip_ms(ray)
    sequential = _sequential_ms(inputs)
    rows = []
    for model, url in (("extractive", None), ("openai:bench-model", base_url)):
        for executor, actors in (("local", 1), ("ray", 1), ("ray", 2)):
            runs = [one_run(model, url, inputs, work / f"r{i}", executor, actors) for i in range(reps)]
            best = sorted(runs, key=lambda r: r["briefs_per_s"] or 0)[len(runs) // 2]
            best["briefs_per_s_all"] = summary([r["briefs_per_s"] or 0 for r in runs], 2)
            rows.append({"engine": model, **best})
    ray.shutdown()
    return {
        "ray_init_s": round(ray_init_s, 3),
        "roundtrip_ms": roundtrip_ms,
        "sequential_ms_per_item": sequential,
        "rows": rows,
        "maxrss_mb": maxrss_mb(),
    }


def _sequential_ms(inputs: Path) -> dict[str, float]:
    """Extractive briefs one after another, no files: in this process, and through one Ray actor."""
    import asyncio

    from summariser.batch.ray_executor import RayExecutor, RayOptions
    from summariser.batch.runner import collect_inputs
    from summariser.load import article_from_text
    from summariser.pipeline import Summariser
    from summariser.settings import Settings

    settings = Settings(model="extractive", use_cache=False, use_log=False)
    articles = [article_from_text(i.text or "", name=i.id) for i in collect_inputs([inputs])]
    summariser = Summariser(settings)
    summariser.brief(articles[0])
    started = time.perf_counter()
    for a in articles:
        summariser.brief(a)
    local = (time.perf_counter() - started) / len(articles)

    async def through_ray() -> float:
        executor = RayExecutor(settings, options=RayOptions(actors=1))
        await executor.start()
        await executor.brief(articles[0].name, articles[0])
        started = time.perf_counter()
        for a in articles:
            await executor.brief(a.name, a)
        seconds = time.perf_counter() - started
        await executor.close()
        return seconds / len(articles)

    remote = asyncio.run(through_ray())
    return {
        "in_process": round(1000 * local, 2),
        "one_actor": round(1000 * remote, 2),
        "difference": round(1000 * (remote - local), 2),
    }


def _roundtrip_ms(ray: Any, calls: int = 300) -> float:
    """One actor call and its answer, one at a time (what each item pays on top of its brief)."""
    import asyncio

    from summariser.batch.ray_actor import BriefActor
    from summariser.settings import Settings

    actor = ray.remote(BriefActor).remote(Settings(model="extractive"), "-", None)
    ray.get(actor.ready.remote())

    async def calls_in_turn() -> float:
        started = time.perf_counter()
        for _ in range(calls):
            await actor.ready.remote()
        return time.perf_counter() - started

    seconds = asyncio.run(calls_in_turn())
    ray.kill(actor)
    return round(1000 * seconds / calls, 3)


def _row(rows: list[dict[str, Any]], engine: str, executor: str, actors: int) -> dict[str, Any]:
    return next(
        r
        for r in rows
        if r["engine"] == engine
        and r["executor"] == executor
        and (executor == "local" or r["actors"] == actors)
    )


def measure(n_articles: int, reps: int) -> dict[str, Any]:
    import ray

    from summariser.testing.openai_server import OpenAIServer

    articles = invented_articles(n_articles)
    folder = Path(tempfile.mkdtemp(prefix="bench-ray-"))
    inputs = write_inputs(articles, folder)
    with OpenAIServer(responder=responder_for(articles), latency=LATENCY) as server:
        args = ["-m", "benchmarks.bench_ray", "--child", "--base-url", server.base_url]
        args += ["--inputs", str(inputs), "--work", str(folder), "--reps", str(reps)]
        out = run_child(args, timeout=1200).result
    shutil.rmtree(folder, ignore_errors=True)
    rows = out["rows"]
    ext_local, ext_1, ext_2 = (
        _row(rows, "extractive", e, a) for e, a in (("local", 1), ("ray", 1), ("ray", 2))
    )
    wall_ms = 1000 * (ext_1["briefing_s"] - ext_local["briefing_s"]) / n_articles
    speedup = (ext_2["briefs_per_s"] or 0) / (ext_local["briefs_per_s"] or 1)
    return {
        "goal": "report: briefs/s of the Ray executor (1, 2 actors) beside the local one; overhead per item",
        "measured": out["roundtrip_ms"],
        "met": None,
        "unit": "ms per item: one actor call and its answer (driver to actor and back)",
        "wall_ms_per_item_1_actor_minus_local": round(wall_ms, 2),
        "sequential_ms_per_item": out["sequential_ms_per_item"],
        "articles": n_articles,
        "latency_s": LATENCY,
        "jobs_per_actor_remote": JOBS,
        "ray_version": ray.__version__,
        "ray_init_s": out["ray_init_s"],
        "extractive_speedup_2_actors_vs_local": round(speedup, 2),
        "rows": rows,
        "child_maxrss_mb": out["maxrss_mb"],
        "loadavg_end": loadavg(),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="24 articles, one run per configuration")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--inputs", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--reps", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        emit(child(args.base_url, args.inputs, args.work, args.reps))
        return
    emit(measure(24 if args.quick else 64, reps=1 if args.quick else 3))


if __name__ == "__main__":
    main()
