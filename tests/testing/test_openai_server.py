"""The scripted OpenAI-compatible test server, exercised with the real openai client and raw HTTP."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from pydantic import BaseModel

from summariser.testing import FAULT_KINDS, HOST, FaultInjector, OpenAIServer, Step
from summariser.testing.openai_server import load_script

USER: Any = [{"role": "user", "content": "hello"}]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer() as srv:
        yield srv


def client(server: OpenAIServer, timeout: float = 5.0) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0, timeout=timeout)


def raw_post(server: OpenAIServer, body: Any, path: str = "/v1/chat/completions") -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection(HOST, server.port, timeout=5)
    conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
    return conn.getresponse()


def test_binds_loopback_only(server: OpenAIServer) -> None:
    assert server._httpd.server_address[0] == "127.0.0.1"
    assert server.base_url == f"http://127.0.0.1:{server.port}/v1"


def test_answer_follows_how_the_client_asked(server: OpenAIServer) -> None:
    data = {"name": "apple", "count": 2}
    server.push(Step.answer(data), Step.answer(data), Step.answer(data))
    c = client(server)
    json_mode = c.chat.completions.create(model="m", messages=USER, response_format={"type": "json_object"})
    assert json.loads(json_mode.choices[0].message.content or "") == data
    assert json_mode.choices[0].finish_reason == "stop"
    tool: Any = {"type": "function", "function": {"name": "Item", "parameters": {"type": "object"}}}
    tools_mode = c.chat.completions.create(
        model="m", messages=USER, tools=[tool], tool_choice={"type": "function", "function": {"name": "Item"}}
    )
    call: Any = (tools_mode.choices[0].message.tool_calls or [])[0]
    assert call.function.name == "Item" and json.loads(call.function.arguments) == data
    assert tools_mode.choices[0].finish_reason == "tool_calls"
    plain = c.chat.completions.create(model="m", messages=USER)
    text = plain.choices[0].message.content or ""
    assert text.startswith("```json") and json.loads(text.strip("`").removeprefix("json")) == data


def test_usage_and_length_truncation(server: OpenAIServer) -> None:
    server.push(Step.answer({"text": "x" * 40}, finish_reason="length", prompt_tokens=5, completion_tokens=9))
    answer = client(server).chat.completions.create(
        model="m", messages=USER, response_format={"type": "json_object"}
    )
    assert answer.choices[0].finish_reason == "length"
    assert answer.usage is not None and (answer.usage.prompt_tokens, answer.usage.total_tokens) == (5, 14)
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.choices[0].message.content or "")


def test_pydantic_answers_and_estimated_usage(server: OpenAIServer) -> None:
    class Item(BaseModel):
        name: str

    server.responder = lambda request: Item(name=request["model"])
    answer = client(server).chat.completions.create(
        model="abc", messages=USER, response_format={"type": "json_object"}
    )
    assert json.loads(answer.choices[0].message.content or "") == {"name": "abc"}
    assert answer.usage is not None and answer.usage.prompt_tokens > 0 and answer.usage.completion_tokens > 0


def test_error_with_retry_after_and_body(server: OpenAIServer) -> None:
    server.push(Step.error(429, retry_after=7, body={"error": {"message": "slow down"}}))
    with pytest.raises(openai.RateLimitError) as info:
        client(server).chat.completions.create(model="m", messages=USER)
    assert info.value.response.headers["retry-after"] == "7"
    assert "slow down" in str(info.value)


def test_reset_raw_and_malformed(server: OpenAIServer) -> None:
    server.push(
        Step.reset(), Step.raw(b"\x00\xffnot json", content_type="application/octet-stream"), Step.malformed()
    )
    c = client(server)
    with pytest.raises(openai.APIConnectionError):
        c.chat.completions.create(model="m", messages=USER)
    raw = c.chat.completions.with_raw_response.create(model="m", messages=USER)
    assert raw.http_response.content == b"\x00\xffnot json"
    malformed = c.chat.completions.create(model="m", messages=USER)
    with pytest.raises(json.JSONDecodeError):
        json.loads(malformed.choices[0].message.content or "")


def test_sleep_then_answer_and_client_timeout(server: OpenAIServer) -> None:
    server.push(Step.sleep(0.3, Step.answer({"a": 1})), Step.sleep(5.0))
    c = client(server)
    c.chat.completions.create(model="m", messages=USER)
    (first,) = server.chat_requests
    assert time.monotonic() - first.time >= 0.3
    with pytest.raises(openai.APITimeoutError):
        client(server, timeout=0.2).chat.completions.create(model="m", messages=USER)


def test_records_requests_and_serves_models(server: OpenAIServer) -> None:
    server.push(Step.answer({"a": 1}))
    c = client(server)
    c.chat.completions.create(model="m", messages=USER, max_tokens=12)
    assert [m.id for m in c.models.list().data] == ["test-model"]
    chat, models = server.requests
    assert chat.method == "POST" and chat.body["max_tokens"] == 12 and chat.messages == USER
    assert chat.headers["authorization"] == "Bearer sk-test"
    assert models.method == "GET" and models.path == "/v1/models"
    assert server.chat_requests == [chat] and server.pending == 0


def test_known_models_and_unknown_paths() -> None:
    with OpenAIServer(models=["alpha"]) as server:
        with pytest.raises(openai.NotFoundError, match=r"model_not_found|does not exist"):
            client(server).chat.completions.create(model="beta", messages=USER)
        assert raw_post(server, {}, path="/v1/embeddings").status == 404
        assert [m.id for m in client(server).models.list().data] == ["alpha"]


def test_nothing_scripted_is_a_clear_400(server: OpenAIServer) -> None:
    response = raw_post(server, {"model": "m", "messages": USER})
    assert response.status == 400 and b"no step scripted" in response.read()


def test_fixed_latency_applies_to_every_answer() -> None:
    with OpenAIServer(responder=lambda request: Step.answer({"ok": True}), latency=0.2) as server:
        c = client(server)
        for _ in range(2):
            started = time.monotonic()
            c.chat.completions.create(model="m", messages=USER)
            assert time.monotonic() - started >= 0.2


def test_fault_injector_is_seeded_and_counts() -> None:
    def draws(seed: int) -> list[Any]:
        faults = FaultInjector(rate=0.5, seed=seed)
        return [
            (step.kind, step.status, step.delay) if step else None
            for step in (faults.draw() for _ in range(50))
        ]

    assert draws(3) == draws(3) and draws(3) != draws(4)
    everything = FaultInjector(rate=1.0, seed=0, slow_seconds=0.5)
    steps = [everything.draw() for _ in range(200)]
    assert all(steps) and set(everything.injected) == set(FAULT_KINDS)
    assert sum(everything.injected.values()) == 200
    assert FaultInjector(rate=0.0).draw() is None
    with pytest.raises(ValueError, match="unknown fault"):
        FaultInjector(kinds=["explode"])


def test_fault_injection_through_http() -> None:
    faults = FaultInjector(rate=1.0, seed=1, kinds=["503"])
    with OpenAIServer(
        [Step.answer({"first": True})], responder=lambda r: Step.answer({"ok": 1}), faults=faults
    ) as s:
        c = client(s)
        c.chat.completions.create(model="m", messages=USER)  # scripted steps come before faults
        with pytest.raises(openai.InternalServerError):
            c.chat.completions.create(model="m", messages=USER)
        faults.rate = 0.0
        assert (
            c.chat.completions.create(model="m", messages=USER).choices[0].message.content
            == '```json\n{"ok": 1}\n```'
        )
        assert faults.injected["503"] == 1


def test_step_from_dict_covers_every_kind() -> None:
    specs: list[dict[str, Any]] = [
        {"kind": "answer", "content": {"a": 1}, "finish_reason": "length"},
        {"kind": "text", "content": "hi"},
        {"kind": "malformed"},
        {"kind": "error", "status": 503, "retry_after": 2},
        {"kind": "reset"},
        {"kind": "raw", "data": "xyz", "content_type": "text/plain"},
        {"kind": "sleep", "seconds": 0.5, "then": {"kind": "error", "status": 500}},
        {"kind": "sleep", "seconds": 0.5},
    ]
    steps = [Step.from_dict(spec) for spec in specs]
    assert [s.kind for s in steps] == ["answer", "text", "text", "error", "reset", "raw", "error", "respond"]
    assert steps[0].finish_reason == "length" and steps[3].headers == {"Retry-After": "2"}
    assert steps[5].content == b"xyz" and steps[6].delay == 0.5 and steps[6].status == 500
    with pytest.raises(ValueError, match="unknown step kind"):
        Step.from_dict({"kind": "teleport"})


def test_load_script_json_and_python(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text(
        json.dumps(
            {
                "latency": 0.01,
                "answers": [{"n": 1}, {"n": 2}],
                "steps": [{"kind": "error", "status": 502}],
                "faults": {"rate": 0.0, "seed": 5},
                "models": ["m"],
            }
        )
    )
    with OpenAIServer(**load_script(script)) as server:
        c = client(server)
        with pytest.raises(openai.InternalServerError):
            c.chat.completions.create(model="m", messages=USER)
        contents = [
            c.chat.completions.create(model="m", messages=USER, response_format={"type": "json_object"})
            .choices[0]
            .message.content
            for _ in range(3)
        ]
        assert [json.loads(x or "") for x in contents] == [{"n": 1}, {"n": 2}, {"n": 1}]
    py_script = tmp_path / "script.py"
    py_script.write_text(
        textwrap.dedent("""
        from summariser.testing import Step
        latency = 0.0
        def responder(request):
            return Step.answer({"echo": request["messages"][-1]["content"]})
    """)
    )
    kwargs = load_script(py_script)
    assert set(kwargs) == {"latency", "responder"}
    with OpenAIServer(**kwargs) as server:
        answer = client(server).chat.completions.create(
            model="m", messages=USER, response_format={"type": "json_object"}
        )
        assert json.loads(answer.choices[0].message.content or "") == {"echo": "hello"}


def test_command_line_server(tmp_path: Path) -> None:
    script = tmp_path / "bench.json"
    script.write_text(json.dumps({"answer": {"ok": True}}))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "summariser.testing.openai_server",
            "--port",
            "0",
            "--script",
            str(script),
            "--latency",
            "0.05",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:"), line
        base_url = line.split()[-1]
        c = openai.OpenAI(base_url=base_url, api_key="x", max_retries=0, timeout=10)
        answer = c.chat.completions.create(model="m", messages=USER, response_format={"type": "json_object"})
        assert json.loads(answer.choices[0].message.content or "") == {"ok": True}
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0 and "served 1 chat requests" in err and "Warning" not in err


def test_command_line_server_with_a_python_script_of_steps(tmp_path: Path) -> None:
    """``-m summariser.testing.openai_server --script X.py``: the script's ``Step`` objects (imported from
    ``summariser.testing``) are the server's own, not those of a second copy of the module (issue 14)."""
    script = tmp_path / "steps.py"
    script.write_text(
        textwrap.dedent("""
        from summariser.testing import Step
        steps = [Step.answer({"first": True}), Step.error(503)]

        def responder(request):
            return Step.answer({"later": True})
    """)
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [
        sys.executable,
        "-m",
        "summariser.testing.openai_server",
        "--port",
        "0",
        "--script",
        str(script),
    ]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:"), line
        c = openai.OpenAI(base_url=line.split()[-1], api_key="x", max_retries=0, timeout=10)

        def ask() -> Any:
            return c.chat.completions.create(
                model="m", messages=USER, response_format={"type": "json_object"}
            )

        assert json.loads(ask().choices[0].message.content or "") == {"first": True}
        with pytest.raises(openai.InternalServerError):
            ask()
        assert json.loads(ask().choices[0].message.content or "") == {"later": True}
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0 and "Traceback" not in err, err
