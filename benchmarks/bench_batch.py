"""4. Batch throughput against an OpenAI-compatible test server with a fixed 500 ms latency.

64 short invented articles (``benchmarks/invented.py``) are briefed with ``openai:bench-model`` by the batch
library (what ``summariser batch --jobs N`` runs) in a child process, for N = 1, 8, 32. The server (a thread
of this process) answers each request with the draft of the article it names, after 0.5 s. Briefs per second
are timed around ``BatchRunner.run`` (spaCy loaded before), against the ideal N / 0.5 s; peak memory is the
child's ``ru_maxrss``. Response cache and run log are on (new and empty), as on the command line.

    .venv/bin/python -m benchmarks.bench_batch [--quick]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import emit, loadavg, maxrss_mb, profile_summary, run_child, summary
from benchmarks.invented import REF, Invented, invented_articles

LATENCY = 0.5
GOAL_SHARE = 0.90  # of the ideal, at the largest N


# -- the server side (this process) -------------------------------------------------------------------------
def responder_for(articles: Sequence[Invented]) -> Any:
    from summariser.testing.openai_server import Step

    drafts = {a.id.removeprefix("bench-"): a.draft for a in articles}

    def respond(request: dict[str, Any]) -> Any:
        text = " ".join(str(m.get("content", "")) for m in request.get("messages", []))
        found = REF.search(text)
        if found is None or found.group(1) not in drafts:
            return Step.error(400, body={"error": {"message": "bench server: no article reference"}})
        return Step.answer(drafts[found.group(1)])

    return respond


def peak_concurrency(arrivals: Sequence[float], latency: float) -> int:
    """Most requests in flight at once, each taken as busy for ``latency`` seconds from its arrival."""
    events = sorted(
        [(t, 1) for t in arrivals] + [(t + latency, -1) for t in arrivals], key=lambda e: (e[0], e[1])
    )
    live = peak = 0
    for _, step in events:
        live += step
        peak = max(peak, live)
    return peak


def write_inputs(articles: Sequence[Invented], folder: Path) -> Path:
    path = folder / "articles.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps({"id": a.id, "text": a.text}) + "\n")
    return path


# -- the child (one batch run) ------------------------------------------------------------------------------
def child(jobs: int, base_url: str, inputs: Path, work: Path, profile: bool) -> dict[str, Any]:
    from summariser.batch.runner import BatchRunner, collect_inputs
    from summariser.extract import warm_up
    from summariser.settings import Settings

    warm_up()
    settings = Settings(
        model="openai:bench-model",
        base_url=base_url,
        api_key="bench",
        cache_dir=work / "cache",
        log_db=work / "logs.db",
        max_retries=0,
    )
    runner = BatchRunner(settings, work / "out", jobs=jobs)
    items = collect_inputs([inputs])
    result: dict[str, Any] = {}
    cpu_started = time.process_time()
    started = time.perf_counter()
    if profile:
        result["profile"] = profile_summary(lambda: result.update(summary=runner.run(items)), "run", lines=50)
        done = result.pop("summary")
    else:
        done = runner.run(items)
    elapsed = time.perf_counter() - started
    errors = (work / "out" / "errors.jsonl").read_text(encoding="utf-8").splitlines()
    if errors:
        result["first_error"] = json.loads(errors[0]).get("error")
    cpu = time.process_time() - cpu_started  # all threads of this process: the event loop and workers
    result.update(
        elapsed_s=round(elapsed, 4),
        cpu_s=round(cpu, 4),
        done=done.done,
        failed=done.failed,
        maxrss_mb=maxrss_mb(),
    )
    return result


# -- the parent ---------------------------------------------------------------------------------------------
def run_once(server: Any, inputs: Path, jobs: int, folder: Path, profile: bool = False) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"jobs{jobs}-", dir=folder))
    before = len(server.chat_requests)
    args = [
        "-m",
        "benchmarks.bench_batch",
        "--child",
        "--jobs",
        str(jobs),
        "--base-url",
        server.base_url,
        "--inputs",
        str(inputs),
        "--work",
        str(work),
    ]
    out = run_child([*args, "--profile"] if profile else args).result
    arrivals = [r.time for r in server.chat_requests[before:]]
    out["requests"] = len(arrivals)
    out["peak_in_flight"] = peak_concurrency(arrivals, LATENCY)
    shutil.rmtree(work, ignore_errors=True)
    return out


def measure(n_articles: int, jobs_list: Sequence[int], reps: int, *, profile: bool = True) -> dict[str, Any]:
    from summariser.testing.openai_server import OpenAIServer

    articles = invented_articles(n_articles)
    folder = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    inputs = write_inputs(articles, folder)
    rows = []
    with OpenAIServer(responder=responder_for(articles), latency=LATENCY) as server:
        for jobs in jobs_list:
            runs = [run_once(server, inputs, jobs, folder) for _ in range(1 if jobs == 1 else reps)]
            rates = [r["done"] / r["elapsed_s"] for r in runs]
            ideal = jobs / LATENCY
            mid = runs[sorted(range(len(runs)), key=lambda i: rates[i])[len(runs) // 2]]
            rows.append(
                {
                    "jobs": jobs,
                    "briefs_per_s": summary(rates, 2),
                    "ideal_per_s": ideal,
                    "share_of_ideal": round(summary(rates)["median"] / ideal, 3),
                    "elapsed_s (median run)": mid["elapsed_s"],
                    "done": mid["done"],
                    "failed": mid["failed"],
                    "requests": mid["requests"],
                    "peak_in_flight": mid["peak_in_flight"],
                    "cpu_ms_per_brief": round(1000 * mid["cpu_s"] / max(1, mid["done"]), 1),
                    "cpu_bound_ceiling_per_s": round(mid["done"] / mid["cpu_s"], 1) if mid["cpu_s"] else None,
                    "peak_rss_mb": max(r["maxrss_mb"] for r in runs),
                    **({"first_error": mid["first_error"]} if "first_error" in mid else {}),
                }
            )
        top = rows[-1]
        result: dict[str, Any] = {
            "goal": f">= {GOAL_SHARE:.0%} of the ideal N/{LATENCY:g}s briefs/s at N = {top['jobs']}",
            "measured": top["share_of_ideal"],
            "met": top["share_of_ideal"] >= GOAL_SHARE,
            "unit": "share of ideal",
            "articles": n_articles,
            "latency_s": LATENCY,
            "rows": rows,
        }
        if profile and not result["met"]:
            result["profile"] = run_once(server, inputs, top["jobs"], folder, profile=True).get("profile")
    shutil.rmtree(folder, ignore_errors=True)
    result["loadavg_end"] = loadavg()
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="16 articles, one run per N")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--inputs", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        emit(child(args.jobs, args.base_url, args.inputs, args.work, args.profile))
        return
    emit(measure(16 if args.quick else 64, (1, 8, 32), reps=1 if args.quick else 3))


if __name__ == "__main__":
    main()
