"""Run the benchmarks (``make bench``): each in a fresh child process, results to ``benchmarks/results/``.

    .venv/bin/python benchmarks/run.py                    # all, about 10 minutes on 2 cores
    .venv/bin/python benchmarks/run.py --quick            # smaller inputs, one repetition (a few minutes)
    .venv/bin/python benchmarks/run.py --only stages,batch

Each result file ``benchmarks/results/NAME.json`` holds the goal, the measured value, whether it was met,
the details, and the machine it ran on (CPU model, cores, RAM, Python, package versions, date, load).
``docs/benchmarks.md`` summarises them. Timings are medians of repetitions; on a shared machine, look at
``loadavg`` and re-run the timing-sensitive ones (``--only batch,coldstart``) when it was busy.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == ROOT / "benchmarks":
    sys.path.pop(0)  # this folder's modules must not shadow others (it holds e.g. "common")
sys.path.insert(0, str(ROOT))

from benchmarks.common import ONE_THREAD_ENV, RESULTS_DIR, machine_info, run_child  # noqa: E402

BENCHES: dict[str, tuple[str, str, dict[str, str]]] = {
    # name: (module, what it measures, extra environment)
    "overhead": ("benchmarks.bench_overhead", "local brief vs raw llama.cpp, same tokens", {}),
    "tokens": ("benchmarks.bench_tokens", "prompt/completion tokens per brief, per engine", {}),
    "stages": ("benchmarks.bench_stages", "extract+ground+render articles/s on one core", ONE_THREAD_ENV),
    "batch": ("benchmarks.bench_batch", "batch briefs/s vs ideal at 500 ms latency", {}),
    "coldstart": ("benchmarks.bench_coldstart", "--help and first output of `summariser brief`", {}),
    "scoring": ("benchmarks.bench_scoring", "`eval score` over 1,000 recorded briefs", {}),
    "serve": ("benchmarks.bench_serve", "serve: 200 requests from 16 clients; 429 over capacity", {}),
    "ray": ("benchmarks.bench_ray", "Ray executor (1, 2 actors) beside the local one", {}),
}


def _names(values: list[str]) -> list[str]:
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHES)}")
    return names or list(BENCHES)


def _line(name: str, result: dict[str, object], seconds: float) -> str:
    met = result.get("met")
    mark = {True: "met", False: "MISSED", None: "report"}.get(
        met if isinstance(met, bool) else None, "report"
    )
    return (
        f"{name:<10} {mark:<7} measured {json.dumps(result.get('measured'))} {result.get('unit', '')}"
        f"  ({seconds:.0f} s)\n           goal: {result.get('goal')}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run the summariser benchmarks (results in benchmarks/results)."
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME[,NAME]",
        help=f"run only these: {', '.join(BENCHES)}",
    )
    parser.add_argument("--quick", action="store_true", help="smaller inputs and one repetition")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for the result files")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, (module, what, _) in BENCHES.items():
            print(f"{name:<10} {what}  ({module})")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for name in _names(args.only):
        module, what, env = BENCHES[name]
        print(f"-- {name}: {what} ...", flush=True)
        machine = machine_info()
        started = time.perf_counter()
        try:
            child = run_child(["-m", module, *(["--quick"] if args.quick else [])], env=env)
        except (RuntimeError, OSError) as exc:
            print(f"{name}: failed: {exc}", file=sys.stderr)
            failed += 1
            continue
        seconds = time.perf_counter() - started
        record = {
            "name": name,
            "what": what,
            "quick": args.quick,
            "seconds": round(seconds, 1),
            **child.result,
            "machine": machine,
        }
        path = args.out / f"{name}.json"
        path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(_line(name, child.result, seconds), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
