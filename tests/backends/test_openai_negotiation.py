"""Structured-mode negotiation, local-server policy and what is learnt from the endpoint (scripted server)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from summariser.backends.endpoint import context_from_message, is_local
from summariser.backends.openai import OpenAIBackend
from summariser.backends.openai_modes import ModeRefused, lenient_json, plain_reasks, strict_schema_ok
from summariser.errors import ConfigError, ContextLengthError, EndpointError
from summariser.settings import Settings
from summariser.testing import OpenAIServer, Step
from summariser.testing.openai_server import request_mode

KEY = "sk-test-negotiate-7c1e9f3a"
MESSAGES: Any = [{"role": "user", "content": "Two apples."}]
GOOD = {"name": "apple", "count": 2}


class Item(BaseModel):
    name: str
    count: int


def backend(server: OpenAIServer, tmp_path: Path, **kw: Any) -> OpenAIBackend:
    options: dict[str, Any] = {"backoff_base": 0.01, "backoff_max": 0.02, **kw}
    settings = Settings(
        model="openai:test-model",
        base_url=server.base_url,
        api_key=KEY,
        cache_dir=tmp_path / "c",
        max_retries=3,
    )
    return OpenAIBackend(settings, **options)


def modes_sent(server: OpenAIServer) -> list[str]:
    return [request_mode(r.body) for r in server.chat_requests]


@pytest.mark.parametrize(
    ("refused", "chosen"),
    [
        ({}, "json_schema"),
        ({"json_schema": 500}, "json_object"),
        ({"json_schema": 400, "json_object": 422}, "tools"),
        ({"json_schema": 400, "json_object": 400, "tools": 400}, "md_json"),
    ],
)
def test_auto_takes_the_strongest_mode_honoured(tmp_path: Path, refused: dict[str, int], chosen: str) -> None:
    with OpenAIServer(responder=lambda r: Step.answer(GOOD), refuse_modes=refused) as server:
        result = backend(server, tmp_path).complete(MESSAGES, Item)
        assert result.value == Item(**GOOD) and result.extra["structured_mode"] == chosen
        assert modes_sent(server) == [*refused, chosen]  # each refusal once, never retried
        assert result.retries == 0 and result.calls == len(refused) + 1
        again = backend(server, tmp_path).complete(MESSAGES, Item)  # remembered for endpoint + model
        assert modes_sent(server)[-1] == chosen and again.calls == 1
    saved = json.loads((tmp_path / "c" / "endpoints.json").read_text())
    assert next(iter(saved.values()))["mode"] == chosen


def test_request_shapes_of_each_mode(tmp_path: Path) -> None:
    with OpenAIServer(responder=lambda r: Step.answer(GOOD)) as server:
        for mode in ("json_schema", "json_object", "tools", "md_json"):
            backend(server, tmp_path, structured_mode=mode).complete(MESSAGES, Item)
        js, jo, tools, md = (r.body for r in server.chat_requests)
    assert js["response_format"]["type"] == "json_schema"
    assert js["response_format"]["json_schema"]["schema"]["required"] == ["name", "count"]
    assert js["response_format"]["json_schema"]["strict"] is False  # additional properties not forbidden
    assert jo["response_format"] == {
        "type": "json_object",
        "schema": js["response_format"]["json_schema"]["schema"],
    }
    assert tools["tool_choice"]["function"]["name"] == "Item" and "response_format" not in tools
    assert "response_format" not in md and "tools" not in md


def test_an_explicit_mode_refused_is_one_clear_error(tmp_path: Path) -> None:
    with OpenAIServer(refuse_modes={"json_schema": 500}) as server:
        with pytest.raises(ModeRefused, match=r"'json_schema'.*HTTP 500.*validation error") as info:
            backend(server, tmp_path, structured_mode="json_schema").complete(MESSAGES, Item)
        assert len(server.chat_requests) == 1 and "\n" not in str(info.value)


def test_every_mode_refused_names_each_refusal(tmp_path: Path) -> None:
    refuse = dict.fromkeys(("json_schema", "json_object", "tools", "md_json"), 400)
    with OpenAIServer(refuse_modes=refuse) as server:
        with pytest.raises(EndpointError, match=r"refused every structured mode \(json_schema: HTTP 400"):
            backend(server, tmp_path).complete(MESSAGES, Item)
        assert len(server.chat_requests) == 4


def test_a_plain_500_is_still_transient(tmp_path: Path) -> None:
    with OpenAIServer([Step.error(500)], responder=lambda r: Step.answer(GOOD)) as server:
        result = backend(server, tmp_path, structured_mode="json_object").complete(MESSAGES, Item)
    assert result.retries == 1 and result.extra["transport_retries"] == 1


@pytest.mark.parametrize(("local", "requests"), [(True, 1), (False, 2)])
def test_a_local_server_is_never_sent_a_request_it_is_still_computing(
    tmp_path: Path, local: bool, requests: int
) -> None:
    steps = [Step.answer(GOOD, delay=1.5), Step.answer(GOOD)]
    with OpenAIServer(steps) as server:
        s = Settings(
            model="openai:test-model",
            base_url=server.base_url,
            timeout=0.5,
            cache_dir=tmp_path,
            max_retries=2,
        )
        b = OpenAIBackend(s, structured_mode="json_object", local=local, backoff_base=0.01)
        if local:
            with pytest.raises(EndpointError, match="not re-sent: a local server would still be computing"):
                b.complete(MESSAGES, Item)
        else:
            assert b.complete(MESSAGES, Item).value == Item(**GOOD)
        assert len(server.chat_requests) == requests


def test_local_endpoints_and_their_default_timeout() -> None:
    for url in (
        "http://127.0.0.1:8080/v1",
        "http://localhost:11434/v1",
        "http://10.1.2.3/v1",
        "http://ollama:11434",
    ):
        assert is_local(url), url
    for url in ("https://api.openai.com/v1", "https://example.org/v1", "http://8.8.8.8/v1"):
        assert not is_local(url), url
    assert Settings().effective_timeout(local=True) == 600 and Settings().effective_timeout(local=False) == 60
    assert Settings(timeout=5).effective_timeout(local=True) == 5


def test_context_window_from_the_listing_scales_the_answer_budget(tmp_path: Path) -> None:
    with OpenAIServer(models={"test-model"}, context_window=2048) as server:
        b = backend(server, tmp_path)
        assert b.context_window == 2048 and b.answer_budget(3000) == 1024
    assert context_from_message("This model's maximum context length is 4096 tokens.") == 4096
    assert context_from_message("the request exceeds the available context size (8,192 tokens)") == 8192
    assert context_from_message("Requested tokens (5000) exceed context window of 2048") == 2048
    assert context_from_message("rate limited") is None


def test_context_window_learnt_from_an_overflow(tmp_path: Path) -> None:
    with OpenAIServer(responder=lambda r: Step.answer(GOOD), context_window=300) as server:
        b = backend(server, tmp_path, structured_mode="json_object")
        assert b.context_window == 128_000  # no listing scripted: unknown
        with pytest.raises(ContextLengthError, match="maximum context length is 300"):
            b.complete(MESSAGES, Item, max_tokens=1000)
        assert b.context_window == 300


def test_lenient_json_and_plain_reasks() -> None:
    raw = '{"name": "line one\nline two\tend", "count": 2}'
    with pytest.raises(ValidationError):
        Item.model_validate_json(raw)
    assert Item.model_validate_json(lenient_json(raw)).name == "line one\nline two\tend"
    assert lenient_json('{"a": 1}\n') == '{"a": 1}\n'  # whitespace between tokens is fine as it is
    reask = {
        "role": "user",
        "content": "1 validation error for Draft\nheadline\n  String should have at least 1 character "
        "[type=string_too_short, input_value='Rockets hit Bel Ha', input_type=str]\n"
        "    For further information visit https://errors.pydantic.dev/2.11/v/string_too_short",
    }
    (cleaned,) = plain_reasks([reask])
    assert "Rockets hit" not in cleaned["content"] and "[string_too_short]" in cleaned["content"]
    assert "errors.pydantic.dev" not in cleaned["content"]
    assert strict_schema_ok(
        {"type": "object", "properties": {"a": {}}, "required": ["a"], "additionalProperties": False}
    )
    assert not strict_schema_ok({"type": "object", "properties": {"a": {}}, "required": []})


def test_structured_mode_setting_is_checked() -> None:
    assert Settings.from_env({"SUMMARISER_STRUCTURED_MODE": "tools"}).structured_mode == "tools"
    assert Settings(structured_mode="json").structured_mode == "json_object"
    with pytest.raises(ConfigError, match="unknown structured mode 'xml'"):
        Settings(structured_mode="xml")
    with pytest.raises(ConfigError, match="timeout must be positive"):
        Settings.from_env({"SUMMARISER_TIMEOUT": "0"})
    assert Settings.from_env({"SUMMARISER_LOCAL_ENDPOINT": "0"}).local_endpoint is False
    with pytest.raises(ConfigError, match="yes/no"):
        Settings.from_env({"SUMMARISER_LOCAL_ENDPOINT": "maybe"})


def test_endpoint_memory_is_kept_per_cache_folder(tmp_path: Path) -> None:
    """Two cache folders never share what an endpoint answered, even for one URL (a port reused by another
    server): the in-process memory is per file, and nothing is written without the cache."""
    from summariser.backends.negotiation import EndpointMemory

    key = EndpointMemory.key("http://127.0.0.1:5555/v1", "m")
    first = EndpointMemory(tmp_path / "a" / "endpoints.json", persist=False)
    first.update(key, mode="tools", context_window=512)
    other = EndpointMemory(tmp_path / "b" / "endpoints.json", persist=False)
    assert other.get(key).mode is None and other.get(key).context_window is None
    assert first.get(key).mode == "tools"
    assert not (tmp_path / "a" / "endpoints.json").exists()


@pytest.mark.parametrize(
    ("status", "message", "is_refusal"),
    [
        (400, "this request was refused", False),  # about the article (a content filter): not the mode
        (400, "response_format json_schema is not supported", True),
        (500, "internal error", False),
        (500, "1 validation error for CreateChatCompletionRequest", True),
        (415, "unsupported media type", True),
    ],
)
def test_only_an_answer_about_the_request_shape_is_a_mode_refusal(
    status: int, message: str, is_refusal: bool
) -> None:
    """A 400 about one article must not switch every later request to another mode (the order of a batch
    then decided which mode each brief used)."""
    import httpx
    import openai

    from summariser.backends.openai_modes import refusal

    request = httpx.Request("POST", "http://127.0.0.1:1/v1/chat/completions")
    response = httpx.Response(status, json={"error": {"message": message}}, request=request)
    exc = openai.APIStatusError(message, response=response, body={"error": {"message": message}})
    assert (refusal(exc) is not None) is is_refusal
