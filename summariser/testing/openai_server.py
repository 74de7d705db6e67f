"""A small scripted OpenAI-compatible HTTP server for tests and benchmarks (stdlib only, 127.0.0.1 only).

It serves ``POST /v1/chat/completions`` and ``GET /v1/models``. What each chat request gets is decided,
in this order, by: the queue of scripted :class:`Step` s, the seeded :class:`FaultInjector` (if any),
then the ``responder(request_json) -> Step``. Every request is recorded (:class:`RecordedRequest`).

Answers follow how the client asked: tool calls when the request carries ``tools`` (instructor TOOLS mode),
bare JSON when it carries ``response_format`` (JSON mode), JSON in a fenced block otherwise (MD_JSON).
``refuse_modes={"json_schema": 500}`` refuses a structured mode as real servers do (llama-cpp-python's
answers 500 with a validation message); ``context_window=N`` lists it and answers overflows with OpenAI's
"maximum context length" 400. ``GET /v1/models`` lists ``models`` (404 when none are scripted).

    with OpenAIServer([Step.error(429, retry_after=1), Step.answer({"a": 1})]) as server:
        client = OpenAI(base_url=server.base_url, api_key="x")

Benchmarks: ``python -m summariser.testing.openai_server --port 0 --script FILE`` (JSON or Python script,
see :func:`load_script`) prints ``listening on http://127.0.0.1:PORT/v1`` and serves until interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .steps import FAULT_KINDS, HOST, FaultInjector, Responder, Step, error_body, load_script, tool_name

__all__ = [
    "FAULT_KINDS",
    "HOST",
    "FaultInjector",
    "OpenAIServer",
    "RecordedRequest",
    "Step",
    "load_script",
    "main",
    "request_mode",
]


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


def request_mode(request: Mapping[str, Any]) -> str:
    """Which structured mode a chat request uses: json_schema, json_object, tools or md_json."""
    if request.get("tools"):
        return "tools"
    fmt = request.get("response_format")
    if isinstance(fmt, Mapping) and fmt.get("type") in ("json_schema", "json_object"):
        return str(fmt["type"])
    return "md_json"


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a handler sleeping in a delay must not hold up shutdown
    request_queue_size = 256  # benchmarks open many connections at once


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
        refuse_modes: Mapping[str, int] | None = None,
        context_window: int | None = None,
    ) -> None:
        self.responder = responder
        self.faults = faults
        self.latency = latency
        self.models = set(models) if models is not None else None
        # mode -> HTTP status refusing it (500 answers like llama-cpp-python's server: a validation message)
        self.refuse_modes = dict(refuse_modes or {})
        # listed as max_model_len and in /props; prompts (len/4) + max_tokens beyond it get OpenAI's 400
        self.context_window = context_window
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

    def refusal(self, request: Mapping[str, Any]) -> tuple[int, Any] | None:
        """The error answer for a request in a refused mode, or one overflowing the context window."""
        mode = request_mode(request)
        if mode in self.refuse_modes:
            status = self.refuse_modes[mode]
            message = (
                f"1 validation error for CreateChatCompletionRequest: {mode} is not supported"
                if status == 500
                else f"{mode} is not supported by this server"
            )
            return status, {"error": {"message": message, "type": "invalid_request_error", "code": None}}
        if self.context_window is not None:
            prompt = max(1, len(json.dumps(request.get("messages", []))) // 4)
            wanted = prompt + int(request.get("max_tokens") or 0)
            if wanted > self.context_window:
                message = (
                    f"This model's maximum context length is {self.context_window} tokens. However, you "
                    f"requested {wanted} tokens ({prompt} in the messages, {wanted - prompt} in the "
                    "completion)."
                )
                return 400, {"error": {"message": message, "type": "invalid_request_error", "code": None}}
        return None

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
                        "function": {"name": tool_name(request), "arguments": text},
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
            if self.path.rstrip("/").endswith("/models") and server.models is not None:
                names = sorted(server.models)
                data = [
                    {"id": n, "object": "model", "created": 0, "owned_by": "summariser-test"} for n in names
                ]
                if server.context_window is not None:
                    for entry in data:
                        entry["max_model_len"] = server.context_window
                self._send_json(200, {"object": "list", "data": data})
            else:
                self._send_json(404, error_body(404))

        def do_POST(self) -> None:
            request = self._read()
            if not request.path.rstrip("/").endswith("/chat/completions"):
                self._send_json(404, error_body(404))
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
            refused = server.refusal(body)
            if refused is not None:
                self._send_json(refused[0], refused[1])
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
                    step.content if step.content is not None else error_body(step.status),
                    step.headers,
                )
            elif step.kind == "reset":
                self._reset(step.content)
            elif step.kind == "raw":
                self._send(step.status, step.content, step.headers)
            else:
                self._send_json(500, error_body(500))

    return Handler


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
