"""Start the real ``summariser serve`` (uvicorn, in a child process) on a free 127.0.0.1 port.

The child is started through the command line (``summariser serve --port 0``); the port uvicorn bound is
read from its log. ``prelude`` is Python run in the child before the CLI (the 500 test uses it to plant a
bug). Every server is stopped (SIGINT, then SIGKILL) when its ``with`` block ends.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

READY = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")
ROOT = Path(__file__).resolve().parents[2]
_NOT_INHERITED = {
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "SUMMARISER_MODEL",
    "SUMMARISER_API_TOKEN",
    "SUMMARISER_CACHE_DIR",
    "SUMMARISER_LOG_DB",
    "SUMMARISER_NO_CACHE",
    "SUMMARISER_NO_LOG",
}
_LAUNCH = "import sys\n{prelude}\nfrom summariser.cli import main\nmain(sys.argv[1:])\n"


class Server:
    def __init__(
        self,
        args: Sequence[str] = ("--model", "extractive"),
        *,
        env: Mapping[str, str] | None = None,
        prelude: str = "",
        start_timeout: float = 120.0,
    ) -> None:
        self.args = ["serve", "--host", "127.0.0.1", "--port", "0", *args]
        # module-scoped servers start before the per-test environment clean-up: never inherit keys,
        # endpoints, models or tokens, and never write the developer's cache or run log
        inherited = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
        self.scratch = scratch = tempfile.mkdtemp(prefix="serve-test-")
        defaults = {
            "SUMMARISER_CACHE_DIR": os.path.join(scratch, "cache"),
            "SUMMARISER_LOG_DB": os.path.join(scratch, "logs.db"),
        }
        self.env = {**inherited, **defaults, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), self.env.get("PYTHONPATH")) if p)
        self.prelude = prelude
        self.start_timeout = start_timeout
        self.lines: list[str] = []
        self.port = 0
        self.proc: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        return "".join(self.lines)

    def _pump(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    def start(self) -> Server:
        code = _LAUNCH.format(prelude=self.prelude)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, *self.args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
            cwd=ROOT,
        )
        threading.Thread(target=self._pump, daemon=True).start()
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            found = READY.search(self.log)
            if found:
                self.port = int(found.group(1))
                return self
            if self.proc.poll() is not None:
                time.sleep(0.2)
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log}")
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"server not ready after {self.start_timeout} s:\n{self.log}")

    def stop(self) -> int | None:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(timeout=10)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def client(self, token: str | None = None, timeout: float = 60.0) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=timeout)


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The ``error`` object of an error answer, after checking its shape."""
    assert response.headers["content-type"].startswith("application/json"), response.text[:300]
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"type", "message", "fix"}, body
    assert "Traceback" not in response.text and 'File "' not in response.text
    return body["error"]


def wait_for_batch(client: httpx.Client, url: str, timeout: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = client.get(url).json()
        if view["status"] in ("done", "failed"):
            return view
        time.sleep(0.2)
    raise AssertionError(f"batch {url} not finished after {timeout} s: {view}")
