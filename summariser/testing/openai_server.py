"""A small scripted OpenAI-compatible HTTP server for tests and benchmarks (stdlib only, 127.0.0.1 only).

It serves ``POST /v1/chat/completions`` and ``GET /v1/models``. What each chat request gets is decided,
in this order, by: the queue of scripted :class:`Step` s, the seeded :class:`FaultInjector` (if any),
then the ``responder(request_json) -> Step``. Every request is recorded (:class:`RecordedRequest`).

Answers follow how the client asked: tool calls when the request carries ``tools`` (instructor TOOLS mode),
bare JSON when it carries ``response_format`` (JSON mode), JSON in a fenced block otherwise (MD_JSON).

    with OpenAIServer([Step.error(429, retry_after=1), Step.answer({"a": 1})]) as server:
        client = OpenAI(base_url=server.base_url, api_key="x")

Benchmarks: ``python -m summariser.testing.openai_server --port 0 --script FILE`` (JSON or Python script,
see :func:`load_script`) prints ``listening on http://127.0.0.1:PORT/v1`` and serves until interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import itertools
import json
import random
import runpy
import signal
import socket
import struct
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

__all__ = [
    "FAULT_KINDS",
    "HOST",
    "FaultInjector",
    "OpenAIServer",
    "RecordedRequest",
    "Step",
    "load_script",
    "main",
]

HOST = "127.0.0.1"  # never anything else: this server is for local tests only
FAULT_KINDS = ("429", "500", "502", "503", "reset", "slow", "malformed")
StepKind = Literal["answer", "text", "error", "reset", "raw", "respond"]
Responder = Callable[[dict[str, Any]], Any]
_RESET_PARTIAL = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n"
    b'{"id": "chatcmpl-reset", "object": "chat.completion", "choi'
)


@dataclass(frozen=True)
class Step:
    """One scripted reaction. Build with the class methods; ``delay`` sleeps before answering."""

    kind: StepKind
    content: Any = None
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    finish_reason: str = "stop"
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    @classmethod
    def answer(
        cls,
        data: Any,
        *,
        finish_reason: str = "stop",
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        delay: float = 0.0,
    ) -> Step:
        """A JSON answer (dict, list or pydantic model); with ``finish_reason="length"`` it is cut in half."""
        if isinstance(data, BaseModel):
            data = data.model_dump(mode="json")
        return cls(
            "answer",
            data,
            finish_reason=finish_reason,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            delay=delay,
        )

    @classmethod
    def text(cls, content: str, *, finish_reason: str = "stop", delay: float = 0.0) -> Step:
        """Message content verbatim (never turned into a tool call)."""
        return cls("text", content, finish_reason=finish_reason, delay=delay)

    @classmethod
    def malformed(cls, content: str = '{"headline": "unterminated', *, delay: float = 0.0) -> Step:
        """A 200 answer whose content is not valid JSON."""
        return cls("text", content, delay=delay)

    @classmethod
    def error(
        cls,
        status: int,
        *,
        retry_after: float | str | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        delay: float = 0.0,
    ) -> Step:
        """An HTTP error; ``body`` defaults to an OpenAI-style ``{"error": {...}}`` object."""
        all_headers = dict(headers or {})
        if retry_after is not None:
            all_headers["Retry-After"] = str(retry_after)
        return cls("error", body, status=status, headers=all_headers, delay=delay)

    @classmethod
    def reset(cls, partial: bytes = _RESET_PARTIAL, *, delay: float = 0.0) -> Step:
        """Write ``partial`` (headers and part of a body), then reset the connection."""
        return cls("reset", partial, delay=delay)

    @classmethod
    def raw(
        cls, data: bytes, *, status: int = 200, content_type: str = "application/json", delay: float = 0.0
    ) -> Step:
        """Exactly these body bytes (e.g. a body that is not JSON at all)."""
        return cls("raw", data, status=status, headers={"Content-Type": content_type}, delay=delay)

    @classmethod
    def sleep(cls, seconds: float, then: Step | None = None) -> Step:
        """Sleep, then answer with ``then`` (default: whatever the responder says)."""
        return dataclasses.replace(then or cls("respond"), delay=seconds)

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> Step:
        """A step from a script: ``{"kind": "error", "status": 429, "retry_after": 1}`` and so on."""
        spec = dict(spec)
        kind = spec.pop("kind")
        if kind == "answer":
            return cls.answer(spec.pop("content"), **spec)
        if kind in ("text", "malformed"):
            return getattr(cls, kind)(**spec)
        if kind == "error":
            return cls.error(spec.pop("status"), **spec)
        if kind == "reset":
            partial = spec.pop("partial", None)
            return cls.reset(partial.encode() if partial else _RESET_PARTIAL, **spec)
        if kind == "raw":
            return cls.raw(spec.pop("data").encode(), **spec)
        if kind == "sleep":
            then = spec.get("then")
            return cls.sleep(spec["seconds"], cls.from_dict(then) if then else None)
        raise ValueError(f"unknown step kind {kind!r}")


@dataclass
class FaultInjector:
    """With probability ``rate`` per request, a fault drawn uniformly from ``kinds`` (seeded, thread-safe).

    Requests race in a threaded server, so which request gets which fault may vary between runs; the
    sequence of draws does not. ``injected`` counts what was injected.
    """

    rate: float = 0.2
    seed: int = 0
    kinds: Sequence[str] = FAULT_KINDS
    slow_seconds: float = 2.0
    retry_after: float | None = None

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {FAULT_KINDS}")
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        self.injected: Counter[str] = Counter()

    def draw(self) -> Step | None:
        with self._lock:
            if self._rng.random() >= self.rate:
                return None
            kind = self._rng.choice(list(self.kinds))
            self.injected[kind] += 1
        if kind == "429":
            return Step.error(429, retry_after=self.retry_after)
        if kind.isdigit():
            return Step.error(int(kind))
        if kind == "reset":
            return Step.reset()
        if kind == "slow":
            return Step.sleep(self.slow_seconds)
        return Step.malformed()


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: Any  # parsed JSON, or None
    raw: bytes
    time: float  # time.monotonic() when the request was read

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", [])) if isinstance(self.body, dict) else []


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a handler sleeping in a delay must not hold up shutdown
    request_queue_size = 256  # benchmarks open many connections at once


def _tool_name(request: Mapping[str, Any]) -> str:
    choice = request.get("tool_choice")
    if isinstance(choice, dict) and choice.get("function", {}).get("name"):
        return str(choice["function"]["name"])
    return str(request["tools"][0].get("function", {}).get("name", "tool"))


class OpenAIServer:
    """Scripted OpenAI-compatible server on 127.0.0.1 in a background thread (a context manager)."""

    def __init__(
        self,
        steps: Iterable[Step] = (),
        *,
        responder: Responder | None = None,
        faults: FaultInjector | None = None,
        latency: float = 0.0,
        models: Collection[str] | None = None,
        port: int = 0,
    ) -> None:
        self.responder = responder
        self.faults = faults
        self.latency = latency
        self.models = set(models) if models is not None else None
        self._steps = list(steps)
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ids = itertools.count(1)
        self._httpd = _HTTPServer((HOST, port), _make_handler(self))
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}/v1"

    def start(self) -> OpenAIServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"openai-test-server-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # wakes handlers sleeping in a delay
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> OpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def push(self, *steps: Step) -> None:
        with self._lock:
            self._steps.extend(steps)

    @property
    def pending(self) -> int:
        """Scripted steps not used yet."""
        with self._lock:
            return len(self._steps)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.rstrip("/").endswith("/chat/completions")]

    # -- used by the handler ---------------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _next_step(self, request: dict[str, Any]) -> Step:
        with self._lock:
            if self._steps:
                return self._steps.pop(0)
        fault = self.faults.draw() if self.faults else None
        return fault or self._respond(request)

    def _respond(self, request: dict[str, Any]) -> Step:
        if self.responder is None:
            return Step.error(
                400,
                body={
                    "error": {
                        "message": "test server: no step scripted and no responder",
                        "type": "invalid_request_error",
                    }
                },
            )
        step = self.responder(request)
        return step if isinstance(step, Step) else Step.answer(step)

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._stop.wait(seconds)

    def completion_body(self, request: Mapping[str, Any], step: Step) -> dict[str, Any]:
        """The ``chat.completion`` object for an ``answer`` or ``text`` step."""
        text = step.content if step.kind == "text" else json.dumps(step.content, ensure_ascii=False)
        if step.finish_reason == "length":
            text = text[: max(1, len(text) // 2)]
        message: dict[str, Any] = {"role": "assistant", "content": text}
        finish_reason = step.finish_reason
        if step.kind == "answer" and request.get("tools"):
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": f"call_{next(self._ids)}",
                        "type": "function",
                        "function": {"name": _tool_name(request), "arguments": text},
                    }
                ],
            }
            finish_reason = "tool_calls" if finish_reason == "stop" else finish_reason
        elif step.kind == "answer" and not request.get("response_format"):
            message["content"] = f"```json\n{text}\n```"
        prompt = step.prompt_tokens
        if prompt is None:
            prompt = max(1, len(json.dumps(request.get("messages", []))) // 4)
        completion = step.completion_tokens if step.completion_tokens is not None else max(1, len(text) // 4)
        return {
            "id": f"chatcmpl-test-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model", "test-model"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
        }


def _error_body(status: int) -> dict[str, Any]:
    kind = {429: "rate_limit_error", 401: "authentication_error", 404: "not_found_error"}.get(status)
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return {"error": {"message": f"test server: {phrase}", "type": kind or "server_error", "code": None}}


def _make_handler(server: OpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes: avoid the 40 ms ACK stall
        server_version = "summariser-test-openai/1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _read(self) -> RecordedRequest:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            request = RecordedRequest(
                self.command,
                self.path,
                {k.lower(): v for k, v in self.headers.items()},
                body,
                raw,
                time.monotonic(),
            )
            server._record(request)
            return request

        def _send(self, status: int, data: bytes, headers: Mapping[str, str]) -> None:
            try:
                self.send_response(status)
                if not any(k.lower() == "content-type" for k in headers):
                    self.send_header("Content-Type", "application/json")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()
            except OSError:  # the client gave up (timeout) and closed the socket
                self.close_connection = True

        def _send_json(self, status: int, obj: Any, headers: Mapping[str, str] | None = None) -> None:
            self._send(status, json.dumps(obj).encode(), headers or {})

        def _reset(self, partial: bytes) -> None:
            try:
                self.wfile.write(partial)
                self.wfile.flush()
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()  # RST, not FIN
            except OSError:
                pass
            self.close_connection = True

        def do_GET(self) -> None:
            self._read()
            if self.path.rstrip("/").endswith("/models"):
                names = sorted(server.models) if server.models else ["test-model"]
                data = [
                    {"id": n, "object": "model", "created": 0, "owned_by": "summariser-test"} for n in names
                ]
                self._send_json(200, {"object": "list", "data": data})
            else:
                self._send_json(404, _error_body(404))

        def do_POST(self) -> None:
            request = self._read()
            if not request.path.rstrip("/").endswith("/chat/completions"):
                self._send_json(404, _error_body(404))
                return
            body = request.body if isinstance(request.body, dict) else {}
            if server.models is not None and body.get("model") not in server.models:
                self._send_json(
                    404,
                    {
                        "error": {
                            "message": f"The model `{body.get('model')}` does not exist",
                            "type": "invalid_request_error",
                            "code": "model_not_found",
                        }
                    },
                )
                return
            step = server._next_step(body)
            server._sleep(server.latency + step.delay)
            if step.kind == "respond":
                step = server._respond(body)
                server._sleep(step.delay)
            if step.kind in ("answer", "text"):
                self._send_json(step.status, server.completion_body(body, step), step.headers)
            elif step.kind == "error":
                self._send_json(
                    step.status,
                    step.content if step.content is not None else _error_body(step.status),
                    step.headers,
                )
            elif step.kind == "reset":
                self._reset(step.content)
            elif step.kind == "raw":
                self._send(step.status, step.content, step.headers)
            else:
                self._send_json(500, _error_body(500))

    return Handler


def load_script(path: Path) -> dict[str, Any]:
    """Read a server script into :class:`OpenAIServer` keyword arguments.

    JSON: ``{"latency": 0.5, "answer": {...} | "answers": [{...}, ...] (cycled), "steps": [step, ...],
    "faults": {"rate": 0.1, "seed": 0, ...}, "models": ["name"]}`` (steps as in :meth:`Step.from_dict`).
    Python: a file defining any of ``responder``, ``steps``, ``faults``, ``latency``, ``models``.
    """
    if path.suffix == ".py":
        namespace = runpy.run_path(str(path))
        return {
            k: namespace[k] for k in ("responder", "steps", "faults", "latency", "models") if k in namespace
        }
    spec = json.loads(path.read_text(encoding="utf-8"))
    kwargs: dict[str, Any] = {
        "steps": [Step.from_dict(s) for s in spec.get("steps", [])],
        "latency": float(spec.get("latency", 0.0)),
    }
    answers = spec.get("answers") or ([spec["answer"]] if "answer" in spec else [])
    if answers:
        cycle = itertools.cycle(answers)
        lock = threading.Lock()

        def responder(_request: dict[str, Any]) -> Step:
            with lock:
                return Step.answer(next(cycle))

        kwargs["responder"] = responder
    if spec.get("faults"):
        kwargs["faults"] = FaultInjector(**spec["faults"])
    if spec.get("models"):
        kwargs["models"] = spec["models"]
    return kwargs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scripted OpenAI-compatible test server (127.0.0.1 only).")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--script", type=Path, help="JSON or Python script (see load_script)")
    parser.add_argument("--latency", type=float, help="fixed seconds to wait before every chat answer")
    parser.add_argument("--fault-rate", type=float, help="probability of a random fault per request")
    parser.add_argument("--fault-seed", type=int, default=0)
    args = parser.parse_args(argv)
    kwargs = load_script(args.script) if args.script else {}
    if args.latency is not None:
        kwargs["latency"] = args.latency
    if args.fault_rate:
        kwargs["faults"] = FaultInjector(rate=args.fault_rate, seed=args.fault_seed)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with OpenAIServer(port=args.port, **kwargs) as server:
        print(f"listening on {server.base_url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            done.wait()
        print(f"served {len(server.chat_requests)} chat requests", file=sys.stderr)
    return 0


if __name__ == "__main__":
    # Run the copy of this module that ``summariser.testing`` imports, not this ``__main__`` copy: a
    # ``--script`` builds its ``Step`` s from ``summariser.testing``, and they must be the server's own.
    from summariser.testing.openai_server import main as _main

    raise SystemExit(_main())
