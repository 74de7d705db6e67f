"""OpenAIBackend against the local scripted server: real openai + instructor + tenacity, no mocks."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import traceback
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

import pytest
from pydantic import BaseModel, Field

from summariser.backends.openai import OpenAIBackend, is_transient, retry_after_seconds
from summariser.errors import ConfigError, ContextLengthError, EndpointError, GenerationError, ModelError
from summariser.schema.draft import Draft
from summariser.schema.taxonomy import EventType
from summariser.settings import Settings
from summariser.testing import FaultInjector, OpenAIServer, Step

KEY = "sk-test-SECRET-9f3a7c1e"
MESSAGES: Any = [
    {"role": "system", "content": "You extract items."},
    {"role": "user", "content": "Two apples."},
]


class Item(BaseModel):
    name: str = Field(min_length=1)
    count: int


GOOD = {"name": "apple", "count": 2}
DRAFT = {
    "headline": "Flooding closes river crossing",
    "summary": "A river crossing was closed after flooding. Officials said two people were missing.",
    "event_type": "Strategic developments",
    "description": "Floods closed a crossing.",
    "locations": [{"name": "Northbridge", "country": "Examplestan"}],
    "casualties": [{"category": "missing", "count": 2, "as_written": "two people", "qualifier": "exact"}],
    "quotes": [{"text": "We are searching the banks", "speaker": "a police spokesperson"}],
}


@pytest.fixture(autouse=True)
def _no_openai_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OPENAI_ORG_ID",
        "OPENAI_PROJECT_ID",
        "OPENAI_ADMIN_KEY",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer() as srv:
        yield srv


def backend(
    server: OpenAIServer, *, timeout: float = 5.0, max_retries: int = 3, **kwargs: Any
) -> OpenAIBackend:
    settings = Settings(
        model="openai:test-model",
        base_url=server.base_url,
        api_key=KEY,
        timeout=timeout,
        max_retries=max_retries,
    )
    # one fixed mode and the remote timeout policy: these tests are about transport faults and re-asks
    # (mode negotiation and the local-server policy have their own tests in test_openai_negotiation.py)
    options: dict[str, Any] = {
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        "structured_mode": "json_object",
        "local": False,
        **kwargs,
    }
    return OpenAIBackend(settings, **options)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def text_of(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)) + repr(exc) + str(exc)


# -- good answers -----------------------------------------------------------------------------------


def test_good_answer_with_usage_and_request_shape(server: OpenAIServer) -> None:
    server.push(Step.answer(GOOD, prompt_tokens=11, completion_tokens=7))
    result = backend(server).complete(MESSAGES, Item, max_tokens=77)
    assert result.value == Item(name="apple", count=2)
    assert (result.prompt_tokens, result.completion_tokens, result.calls, result.retries) == (11, 7, 1, 0)
    assert result.finish_reason == "stop"
    (request,) = server.chat_requests
    assert request.headers["authorization"] == f"Bearer {KEY}"
    body = request.body
    assert body["model"] == "test-model" and body["max_tokens"] == 77
    assert body["response_format"]["type"] == "json_object"
    assert body["response_format"]["schema"]["required"] == ["name", "count"]  # the schema rides along
    assert '"count"' in body["messages"][0]["content"]  # the JSON schema rides in the system message
    assert body["messages"][-1] == MESSAGES[-1]


def test_draft_answer(server: OpenAIServer) -> None:
    server.push(Step.answer(DRAFT))
    draft = backend(server).complete(MESSAGES, Draft).value
    assert type(draft) is Draft and draft == Draft.model_validate(DRAFT)
    assert draft.event_type is EventType.STRATEGIC
    assert draft.casualties[0].count == 2 and draft.casualties[0].as_written == "two people"
    assert draft.quotes[0].speaker == "a police spokesperson"
    assert draft.locations[0].name == "Northbridge"


@pytest.mark.parametrize("mode", ["md_json", "tools"])
def test_other_structured_modes(server: OpenAIServer, mode: Any) -> None:
    server.push(Step.answer(DRAFT))
    draft = backend(server, structured_mode=mode).complete(MESSAGES, Draft).value
    assert draft.headline == DRAFT["headline"]
    body = server.chat_requests[0].body
    assert ("tools" in body) == (mode == "tools")
    assert "response_format" not in body


def test_env_is_not_read(server: OpenAIServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-environment")
    monkeypatch.setenv("OPENAI_BASE_URL", closed_port_url())
    server.push(Step.answer(GOOD))
    settings = Settings(model="openai:test-model", base_url=server.base_url)
    OpenAIBackend(settings).complete(MESSAGES, Item)
    assert server.chat_requests[0].headers["authorization"] == "Bearer not-needed"


# -- transport retries ----------------------------------------------------------------------------


def test_429_retry_after_is_honoured(server: OpenAIServer) -> None:
    server.push(Step.error(429, retry_after="0.4"), Step.answer(GOOD))
    result = backend(server, backoff_base=0.001).complete(MESSAGES, Item)
    assert result.value.count == 2
    first, second = server.chat_requests
    assert second.time - first.time >= 0.35
    assert (result.calls, result.retries, result.extra["transport_retries"]) == (2, 1, 1)


def test_retry_after_is_capped(server: OpenAIServer) -> None:
    server.push(Step.error(503, retry_after=3600), Step.answer(GOOD))
    result = backend(server, retry_after_cap=0.05).complete(MESSAGES, Item)
    assert result.calls == 2


def test_retry_after_parsing() -> None:
    now = datetime(2030, 1, 1, tzinfo=timezone.utc)
    later = format_datetime(now + timedelta(seconds=7), usegmt=True)
    assert retry_after_seconds({"Retry-After": later}, now=now.timestamp()) == pytest.approx(7)
    assert (
        retry_after_seconds({"retry-after": format_datetime(now, usegmt=True)}, now=now.timestamp() + 5) == 0
    )
    assert retry_after_seconds({"Retry-After": "3"}) == 3
    assert retry_after_seconds({"retry-after": "1.5"}) == 1.5
    assert retry_after_seconds({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None and retry_after_seconds(None) is None


def test_429_without_retry_after(server: OpenAIServer) -> None:
    server.push(Step.error(429), Step.error(429), Step.answer(GOOD))
    result = backend(server).complete(MESSAGES, Item)
    assert (result.value.count, result.calls, result.retries) == (2, 3, 2)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_burst_then_success(server: OpenAIServer, status: int) -> None:
    server.push(*[Step.error(status)] * 3, Step.answer(GOOD))
    result = backend(server, max_retries=3).complete(MESSAGES, Item)
    assert (result.value.name, result.calls, result.extra["transport_retries"]) == ("apple", 4, 3)


def test_5xx_exhausted_is_endpoint_error(server: OpenAIServer) -> None:
    server.push(*[Step.error(503)] * 10)
    with pytest.raises(EndpointError, match="HTTP 503") as info:
        backend(server, max_retries=2).complete(MESSAGES, Item)
    assert "3 attempts" in str(info.value) and len(server.chat_requests) == 3


def test_429_exhausted_is_endpoint_error(server: OpenAIServer) -> None:
    server.push(*[Step.error(429, retry_after=0)] * 10)
    with pytest.raises(EndpointError, match="rate-limit"):
        backend(server, max_retries=1).complete(MESSAGES, Item)
    assert len(server.chat_requests) == 2


def test_retry_budget_bounds_total_time(server: OpenAIServer) -> None:
    server.push(Step.error(429, retry_after=20), Step.answer(GOOD))
    with pytest.raises(EndpointError):
        backend(server, max_retries=5, retry_budget=1.0).complete(MESSAGES, Item)
    assert len(server.chat_requests) == 1  # the next wait would cross the budget: give up at once


def test_timeout_then_success(server: OpenAIServer) -> None:
    server.push(Step.sleep(3.0, Step.answer(GOOD)), Step.answer({"name": "pear", "count": 1}))
    result = backend(server, timeout=0.3).complete(MESSAGES, Item)
    assert result.value.name == "pear" and result.calls == 2


def test_permanent_timeout_is_endpoint_error(server: OpenAIServer) -> None:
    server.responder = lambda request: Step.sleep(3.0, Step.answer(GOOD))
    with pytest.raises(EndpointError, match=r"did not answer within 0.2 s \(2 attempts\)"):
        backend(server, timeout=0.2, max_retries=1).complete(MESSAGES, Item)


def test_connection_refused_names_the_url() -> None:
    url = closed_port_url()
    settings = Settings(model="openai:test-model", base_url=url, api_key=KEY, timeout=2, max_retries=2)
    with pytest.raises(EndpointError) as info:
        OpenAIBackend(settings, backoff_base=0.01).complete(MESSAGES, Item)
    message = str(info.value)
    assert url in message and "--base-url" in message and "OPENAI_BASE_URL" in message
    assert "3 attempts" in message


def test_connection_reset_then_success(server: OpenAIServer) -> None:
    server.push(Step.reset(), Step.answer(GOOD))
    result = backend(server).complete(MESSAGES, Item)
    assert result.value.count == 2 and result.calls == 2 and result.extra["transport_retries"] == 1


def test_body_that_is_not_a_completion_is_retried(server: OpenAIServer) -> None:
    server.push(
        Step.raw(b"{not json"), Step.raw(b"<html>oops</html>", content_type="text/html"), Step.answer(GOOD)
    )
    assert backend(server).complete(MESSAGES, Item).calls == 3
    server.push(*[Step.raw(b"<html>proxy</html>", content_type="text/html")] * 5)
    with pytest.raises(EndpointError, match="did not answer with a chat completion"):
        backend(server, max_retries=1).complete(MESSAGES, Item)


def test_batch_under_seeded_random_faults() -> None:
    faults = FaultInjector(rate=0.3, seed=7, slow_seconds=0.6)
    with OpenAIServer(responder=lambda request: Step.answer(GOOD), faults=faults) as server:
        engine = backend(server, timeout=0.25, max_retries=4)
        results = [engine.complete(MESSAGES, Item) for _ in range(24)]
        requests = len(server.chat_requests)
    injected = sum(faults.injected.values())
    assert injected > 0 and all(r.value == Item(**GOOD) for r in results)
    # every fault costs exactly one more request: a transport retry or (malformed) a re-ask
    assert sum(r.calls for r in results) == requests == 24 + injected
    assert sum(r.retries for r in results) == injected
    assert sum(r.extra["reasks"] for r in results) == faults.injected["malformed"]


# -- re-asks --------------------------------------------------------------------------------------


def test_malformed_json_is_reasked(server: OpenAIServer) -> None:
    server.push(Step.malformed('{"name": "apple", "count": '), Step.answer(GOOD))
    result = backend(server).complete(MESSAGES, Item)
    assert result.value.count == 2
    assert (result.calls, result.retries, result.extra["reasks"], result.extra["transport_retries"]) == (
        2,
        1,
        1,
        0,
    )
    reask = server.chat_requests[1].messages
    assert reask[-2] == {"role": "assistant", "content": '{"name": "apple", "count": '}
    assert reask[-1]["role"] == "user" and "JSON" in reask[-1]["content"]


def test_schema_invalid_answer_is_reasked_with_the_error(server: OpenAIServer) -> None:
    server.push(Step.answer({"name": "apple", "count": "several"}), Step.answer(GOOD))
    result = backend(server).complete(MESSAGES, Item)
    assert result.value == Item(**GOOD)
    feedback = server.chat_requests[1].messages[-1]["content"]
    assert "count" in feedback and "valid integer" in feedback


def test_always_invalid_is_generation_error(server: OpenAIServer) -> None:
    server.responder = lambda request: Step.answer({"name": ""})
    with pytest.raises(GenerationError, match=r"no valid Item in 3 answers \(2 re-asks\)") as info:
        backend(server).complete(MESSAGES, Item, max_reasks=2)
    assert "count" in str(info.value)
    assert len(server.chat_requests) == 3


def test_no_reasks_means_one_request(server: OpenAIServer) -> None:
    server.responder = lambda request: Step.malformed()
    with pytest.raises(GenerationError):
        backend(server).complete(MESSAGES, Item, max_reasks=0)
    assert len(server.chat_requests) == 1


def test_truncated_answer_is_not_reasked(server: OpenAIServer) -> None:
    server.responder = lambda request: Step.answer(GOOD, finish_reason="length")
    with pytest.raises(GenerationError, match=r"truncated at max_tokens=64") as info:
        backend(server).complete(MESSAGES, Item, max_tokens=64)
    assert type(info.value) is GenerationError
    assert len(server.chat_requests) == 1


def test_usage_is_summed_over_retries_and_reasks(server: OpenAIServer) -> None:
    server.push(
        Step.error(500),
        Step.answer({"name": "apple"}, prompt_tokens=100, completion_tokens=10),
        Step.reset(),
        Step.answer(GOOD, prompt_tokens=130, completion_tokens=12),
    )
    result = backend(server).complete(MESSAGES, Item)
    assert (result.prompt_tokens, result.completion_tokens) == (230, 22)
    assert (result.calls, result.retries) == (4, 3)
    assert (result.extra["transport_retries"], result.extra["reasks"]) == (2, 1)


def test_transport_retry_inside_a_reask_keeps_the_conversation(server: OpenAIServer) -> None:
    server.push(Step.answer({"name": "apple"}), Step.error(502), Step.answer(GOOD))
    backend(server).complete(MESSAGES, Item)
    first, failed, retried = server.chat_requests
    assert failed.body == retried.body and len(retried.messages) == len(first.messages) + 2


# -- mapped errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403])
def test_auth_errors_are_config_errors(server: OpenAIServer, status: int) -> None:
    server.push(Step.error(status))
    with pytest.raises(ConfigError, match="OPENAI_API_KEY") as info:
        backend(server).complete(MESSAGES, Item)
    assert type(info.value) is ConfigError
    assert len(server.chat_requests) == 1  # never retried


def test_unknown_model_is_model_error() -> None:
    with OpenAIServer(models={"other-model"}) as server:
        with pytest.raises(ModelError, match=r"'test-model' is not served by .*it serves: other-model"):
            backend(server).complete(MESSAGES, Item)
        assert server.chat_requests == []  # found out from GET /v1/models, before any chat request


def test_unknown_model_without_a_listing_is_model_error() -> None:
    with OpenAIServer(models={"other-model"}) as server:
        with pytest.raises(ModelError, match="'test-model' not found"):
            backend(server, probe_server=False).complete(MESSAGES, Item)
        assert len(server.chat_requests) == 1


def test_context_overflow_is_context_length_error(server: OpenAIServer) -> None:
    message = "This model's maximum context length is 4096 tokens. However, you requested 9000 tokens."
    server.push(Step.error(400, body={"error": {"message": message, "type": "invalid_request_error"}}))
    with pytest.raises(ContextLengthError, match="maximum context length"):
        backend(server).complete(MESSAGES, Item)


def test_other_client_errors_are_not_retried(server: OpenAIServer) -> None:
    server.push(Step.error(400, body={"error": {"message": "response_format is not supported"}}))
    with pytest.raises(EndpointError, match=r"does not support structured mode 'json_object'.*HTTP 400"):
        backend(server).complete(MESSAGES, Item)
    assert len(server.chat_requests) == 1
    server.push(Step.error(409, body={"error": {"message": "conflict"}}))
    with pytest.raises(EndpointError, match=r"rejected the request \(HTTP 409\): conflict"):
        backend(server).complete(MESSAGES, Item)
    assert len(server.chat_requests) == 2


def test_settings_are_checked() -> None:
    with pytest.raises(ConfigError, match="openai:NAME"):
        OpenAIBackend(Settings(model="extractive"))
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        OpenAIBackend(Settings(model="openai:gpt-4o-mini"))  # OpenAI itself, no key
    with pytest.raises(ConfigError, match="structured mode"):
        OpenAIBackend(Settings(model="openai:m", api_key=KEY), structured_mode="xml")  # type: ignore[arg-type]


def test_is_transient_classification(server: OpenAIServer) -> None:
    import openai

    client = openai.OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0)
    for status, expected in [
        (400, False),
        (401, False),
        (404, False),
        (408, True),
        (429, True),
        (500, True),
        (504, True),
    ]:
        server.push(Step.error(status))
        with pytest.raises(openai.APIStatusError) as info:
            client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
        assert is_transient(info.value) is expected, status


# -- the key never leaks ----------------------------------------------------------------------------


def test_api_key_never_leaks(server: OpenAIServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    echo = {"error": {"message": f"Incorrect API key provided: {KEY}", "type": "invalid_request_error"}}
    failures: list[BaseException] = []
    for steps in (
        [Step.error(401, body=echo)],
        [Step.error(500, body=echo)] * 3,
        [Step.error(418, body=echo)],
    ):
        server.push(*steps)
        with pytest.raises(Exception) as info:
            backend(server, max_retries=2).complete(MESSAGES, Item)
        failures.append(info.value)
    settings = Settings(model="openai:m", base_url=closed_port_url(), api_key=KEY, max_retries=0)
    with pytest.raises(EndpointError) as refused:
        OpenAIBackend(settings).complete(MESSAGES, Item)
    failures.append(refused.value)
    assert isinstance(failures[0], ConfigError) and "***" in str(failures[0])
    for failure in failures:
        assert KEY not in text_of(failure)
    assert KEY not in caplog.text
    assert KEY not in repr(backend(server))


# -- async ------------------------------------------------------------------------------------------


def test_async_path_retries_and_reasks(server: OpenAIServer) -> None:
    server.push(Step.error(502), Step.answer({"name": "apple", "count": "x"}), Step.answer(GOOD))
    result = asyncio.run(backend(server).acomplete(MESSAGES, Item))
    assert result.value == Item(**GOOD)
    assert (result.calls, result.extra["transport_retries"], result.extra["reasks"]) == (3, 1, 1)


def test_async_concurrent_calls_share_one_backend(server: OpenAIServer) -> None:
    server.responder = lambda request: Step.answer(
        {"name": json.loads(request["messages"][-1]["content"]), "count": 1}
    )
    engine = backend(server)

    async def run() -> list[str]:
        results = await asyncio.gather(
            *[
                engine.acomplete([{"role": "user", "content": json.dumps(f"item-{i}")}], Item)
                for i in range(6)
            ]
        )
        await engine.aclose()
        return [r.value.name for r in results]

    assert asyncio.run(run()) == [f"item-{i}" for i in range(6)]
    # a second event loop gets a fresh client
    server.push(Step.answer(GOOD))
    assert asyncio.run(engine.acomplete(MESSAGES, Item)).value.count == 2


def test_async_errors_are_mapped(server: OpenAIServer) -> None:
    server.push(Step.error(401))
    with pytest.raises(ConfigError):
        asyncio.run(backend(server).acomplete(MESSAGES, Item))
    server.responder = lambda request: Step.answer(GOOD, finish_reason="length")
    with pytest.raises(GenerationError, match="truncated"):
        asyncio.run(backend(server).acomplete(MESSAGES, Item, max_tokens=10))
    with pytest.raises(EndpointError):
        settings = Settings(model="openai:m", base_url=closed_port_url(), max_retries=1)
        asyncio.run(OpenAIBackend(settings, backoff_base=0.01).acomplete(MESSAGES, Item))
