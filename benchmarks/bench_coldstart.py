"""5. Cold start: ``summariser --help`` (and what it imports), and ``summariser brief`` to its first output.

``--help``: wall time of the installed console script, median of several runs, and the heavy modules
(spaCy, llama.cpp, openai, instructor) found in ``sys.modules`` after it ran, plus the slowest imports
(``-X importtime``). ``brief``: time from starting ``summariser brief ARTICLE`` (default engine, the
bundled local model) to the first byte on stdout, with a new empty response cache and then with a warm
one (the same cache, already holding this article's answers), median of several runs.

    .venv/bin/python -m benchmarks.bench_coldstart [--quick]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import CASES_DIR, PYTHON, ROOT, emit, loadavg, summary

GOAL_HELP_S = 0.3
HEAVY = ("spacy", "llama_cpp", "openai", "instructor", "numpy", "scipy", "torch", "thinc")
SCRIPT = Path(PYTHON).with_name("summariser")
ARTICLE = CASES_DIR / "pronoun-speakers" / "article.txt"
_IMPORTS_PROBE = (
    "import sys\n"
    "from summariser.cli.main import main\n"
    "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
    f"print('LOADED', ' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARISER_", "OPENAI_"))}
    return {**env, **extra}


def help_times(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(SCRIPT), "--help"], cwd=ROOT, env=_env(), capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return times


def help_imports() -> dict[str, Any]:
    """Heavy modules ``--help`` loads, and its slowest imports (cumulative microseconds)."""
    done = subprocess.run(
        [PYTHON, "-X", "importtime", "-c", _IMPORTS_PROBE],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("LOADED")), "LOADED")
    slow = []
    for ln in done.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(.+)$", ln)
        if m:
            slow.append((int(m.group(2)), m.group(3).rstrip()))
    slow.sort(reverse=True)
    top = [f"{us / 1000:.1f} ms  {name.strip()}" for us, name in slow[:12] if not name.startswith(" ")]
    return {
        "heavy_loaded": line.split()[1:],
        "slowest_imports_cumulative": top or [f"{us / 1000:.1f} ms  {name}" for us, name in slow[:12]],
    }


def first_output_s(cache_dir: Path, log_db: Path) -> float:
    """Seconds from spawning ``summariser brief ARTICLE`` to its first byte on stdout (waits for the exit)."""
    env = _env(SUMMARISER_CACHE_DIR=str(cache_dir), SUMMARISER_LOG_DB=str(log_db))
    started = time.perf_counter()
    with subprocess.Popen(
        [str(SCRIPT), "brief", str(ARTICLE)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None
        proc.stdout.read(1)
        first = time.perf_counter() - started
        _, err = proc.communicate()
    if proc.returncode != 0:
        tail = err.decode("utf-8", "replace")[-2000:]
        raise RuntimeError(f"summariser brief failed with exit code {proc.returncode}:\n{tail}")
    return first


def cache_hits(cache_dir: Path) -> int | None:
    db = cache_dir / "responses.sqlite3"
    if not db.is_file():
        return None
    with sqlite3.connect(db) as con:
        return int(con.execute("SELECT COALESCE(SUM(hits), 0) FROM responses").fetchone()[0])


def brief_times(runs: int, folder: Path) -> dict[str, Any]:
    cold = []
    for i in range(runs):
        cold.append(first_output_s(folder / f"cold{i}", folder / f"cold{i}.db"))
    warm_dir = folder / "warm"
    first_output_s(warm_dir, folder / "warm.db")  # fills the cache
    warm = [first_output_s(warm_dir, folder / "warm.db") for _ in range(runs)]
    return {
        "article": str(ARTICLE.relative_to(ROOT)),
        "new_cache_s": summary(cold, 3),
        "warm_cache_s": summary(warm, 3),
        "warm_cache_hits": cache_hits(warm_dir),
    }


def brief_profile(folder: Path) -> str:
    """Where a warm-cache ``summariser brief`` spends its time (pyinstrument, top of the tree)."""
    env = _env(SUMMARISER_CACHE_DIR=str(folder / "warm"), SUMMARISER_LOG_DB=str(folder / "warm.db"))
    args = ["-m", "pyinstrument", "--no-unicode", "--no-color", "-r", "text", "-m", "summariser.cli", "brief"]
    done = subprocess.run(
        [PYTHON, *args, str(ARTICLE)], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    lines = [ln for ln in done.stdout.splitlines() if re.match(r"^[\s|`-]*\d+\.\d{3} ", ln)]
    return "\n".join([ln for ln in lines if len(ln) - len(ln.lstrip(" |`-")) <= 40][:60])


def measure(runs_help: int, runs_brief: int, *, profile: bool = True) -> dict[str, Any]:
    if not SCRIPT.exists():
        raise SystemExit(f"{SCRIPT} not found: install the package (make setup)")
    times = help_times(runs_help)
    imports = help_imports()
    median = summary(times, 3)["median"]
    folder = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    try:
        brief = brief_times(runs_brief, folder)
        prof = brief_profile(folder) if profile else None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    heavy = [m for m in imports["heavy_loaded"] if m in ("spacy", "llama_cpp", "openai")]
    return {
        "goal": f"summariser --help <= {GOAL_HELP_S} s and imports none of spaCy, llama.cpp, openai",
        "measured": median,
        "met": bool(median <= GOAL_HELP_S and not heavy),
        "unit": "s (median --help)",
        "help_s": summary(times, 3),
        "help_imports": imports,
        "brief_first_output": brief,
        "brief_profile (warm cache)": prof,
        "python": sys.version.split()[0],
        "loadavg_end": loadavg(),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 --help runs, 1 brief run each")
    args = parser.parse_args(argv)
    emit(measure(3 if args.quick else 9, 1 if args.quick else 3, profile=not args.quick))


if __name__ == "__main__":
    main()
