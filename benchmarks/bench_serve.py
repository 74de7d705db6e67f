"""7. ``summariser serve`` under load, on loopback only, bounded in count and time.

(a) 200 requests from 16 concurrent clients (threads, one keep-alive connection each) to a real server
    (``summariser serve --model extractive``, uvicorn, a child process), each a different invented article
    (``benchmarks/invented.py``): every request must be answered 200 and none lost (the server's own
    request counter must agree). Latency p50/p95/p99 per request, throughput = requests / wall time.
(b) Over capacity: a scripted model endpoint (a thread of this process) that takes 2 s per answer, a
    server with ``--model openai:... --concurrency 2 --queue 2``, and 12 requests at once: 4 are answered
    (2 running, 2 waiting) and 8 must be refused at once with 429 and ``Retry-After`` — not time out.

    .venv/bin/python -m benchmarks.bench_serve [--quick]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import PYTHON, ROOT, emit, loadavg
from benchmarks.invented import invented_articles

READY = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")
DEADLINE_S = 300.0  # the whole benchmark gives up (and says so) past this
SLOW_S = 2.0


class ServerChild:
    """``summariser serve --host 127.0.0.1 --port 0 ARGS`` in a child process; the port read from its log."""

    def __init__(self, args: Sequence[str], env: dict[str, str]) -> None:
        code = "import sys\nfrom summariser.cli import main\nmain(sys.argv[1:])"
        argv = [PYTHON, "-c", code, "serve", "--host", "127.0.0.1", "--port", "0"]
        self.proc = subprocess.Popen(
            [*argv, *args],
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.log: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()
        deadline = time.monotonic() + 120
        while not (found := READY.search("".join(self.log))):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("server did not start:\n" + "".join(self.log)[-3000:])
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{found.group(1)}"

    def _pump(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.append(line)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> ServerChild:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


def _env(work: Path) -> dict[str, str]:
    return {"SUMMARISER_CACHE_DIR": str(work / "cache"), "SUMMARISER_LOG_DB": str(work / "logs.db")}


def load(requests: int, clients: int, work: Path) -> dict[str, Any]:
    import httpx

    texts = [a.text for a in invented_articles(requests, seed=7)]
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    problems: list[str] = []
    lock = threading.Lock()
    next_index = iter(range(requests))
    args = ["--model", "extractive", "--batch-dir", str(work / "batches")]
    with ServerChild(args, _env(work)) as server:
        with httpx.Client(base_url=server.url) as warm:  # one brief before the clock starts
            warm.post("/v1/briefs", json={"text": texts[0]}).raise_for_status()
        stop_at = time.monotonic() + DEADLINE_S

        def client() -> None:
            with httpx.Client(base_url=server.url, timeout=120) as c:
                while time.monotonic() < stop_at:
                    with lock:
                        i = next(next_index, None)
                    if i is None:
                        return
                    started = time.perf_counter()
                    try:
                        r = c.post("/v1/briefs", json={"text": texts[i], "id": f"load-{i}"})
                        code = str(r.status_code)
                        ok = r.status_code == 200 and r.json().get("headline")
                    except httpx.HTTPError as exc:
                        code, ok = type(exc).__name__, False
                    seconds = time.perf_counter() - started
                    with lock:
                        statuses[code] = statuses.get(code, 0) + 1
                        latencies.append(seconds)
                        if not ok and len(problems) < 5:
                            problems.append(f"request {i}: {code}")

        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        with httpx.Client(base_url=server.url) as c:
            metrics = c.get("/metrics").text
    counted = re.search(
        r'summariser_http_requests_total\{method="POST",route="/v1/briefs",status="200"\} (\S+)', metrics
    )
    answered = sum(statuses.values())
    return {
        "requests": requests,
        "clients": clients,
        "answered": answered,
        "ok": statuses.get("200", 0),
        "lost": requests - answered,
        "statuses": statuses,
        "server_counted_200": int(float(counted.group(1))) - 1 if counted else None,  # minus the warm-up
        "wall_s": round(wall, 3),
        "throughput_per_s": round(answered / wall, 2) if wall else None,
        "latency_ms": {
            "p50": _pct(latencies, 0.50),
            "p95": _pct(latencies, 0.95),
            "p99": _pct(latencies, 0.99),
            "max": _pct(latencies, 1.0),
            "mean": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        },
        "problems": problems,
    }


def overload(burst: int, concurrency: int, queue: int, work: Path) -> dict[str, Any]:
    import httpx

    from benchmarks.bench_batch import responder_for
    from summariser.testing.openai_server import OpenAIServer

    articles = invented_articles(burst, seed=11)
    results: list[tuple[str, float, str | None]] = []
    lock = threading.Lock()
    with OpenAIServer(responder=responder_for(articles), latency=SLOW_S) as endpoint:
        args = ["--model", "openai:bench-model", "--base-url", endpoint.base_url, "--no-cache"]
        args += ["--concurrency", str(concurrency), "--queue", str(queue), "--batch-dir", str(work / "b2")]
        with ServerChild(
            args, {**_env(work), "OPENAI_API_KEY": "bench", "SUMMARISER_MAX_RETRIES": "0"}
        ) as server:
            gate = threading.Barrier(burst)

            def send(i: int) -> None:
                with httpx.Client(base_url=server.url, timeout=60) as c:
                    gate.wait()
                    started = time.perf_counter()
                    try:
                        r = c.post("/v1/briefs", json={"text": articles[i].text})
                        code, retry = str(r.status_code), r.headers.get("retry-after")
                    except httpx.HTTPError as exc:
                        code, retry = type(exc).__name__, None
                    with lock:
                        results.append((code, time.perf_counter() - started, retry))

            threads = [threading.Thread(target=send, args=(i,)) for i in range(burst)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
    refused = [s for code, s, _ in results if code == "429"]
    answered = [s for code, s, _ in results if code == "200"]
    return {
        "burst": burst,
        "concurrency": concurrency,
        "queue": queue,
        "model_latency_s": SLOW_S,
        "statuses": {
            code: sum(1 for c, _, _ in results if c == code) for code in sorted({c for c, _, _ in results})
        },
        "expected": {"200": concurrency + queue, "429": burst - concurrency - queue},
        "refused_max_ms": _pct(refused, 1.0),
        "answered_max_ms": _pct(answered, 1.0),
        "retry_after_s": sorted({int(r) for c, _, r in results if c == "429" and r}),
        "timeouts": sum(1 for c, _, _ in results if c not in ("200", "429")),
    }


def measure(requests: int = 200, clients: int = 16, burst: int = 12) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    a = load(requests, clients, work)
    b = overload(burst, 2, 2, work)
    all_answered = a["ok"] == requests and a["lost"] == 0
    refused_fast = (
        b["statuses"] == b["expected"] and b["timeouts"] == 0 and (b["refused_max_ms"] or 0) < SLOW_S * 1000
    )
    return {
        "goal": f"{requests} requests from {clients} clients all answered, none lost; "
        f"over capacity -> 429 at once, no timeouts",
        "measured": {
            "throughput_per_s": a["throughput_per_s"],
            "p50_ms": a["latency_ms"]["p50"],
            "p95_ms": a["latency_ms"]["p95"],
        },
        "met": all_answered and refused_fast,
        "unit": "requests/s, ms",
        "load": a,
        "overload": b,
        "loadavg_end": loadavg(),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 requests from 8 clients")
    args = parser.parse_args(argv)
    emit(measure(40, 8) if args.quick else measure())


if __name__ == "__main__":
    sys.exit(main())
