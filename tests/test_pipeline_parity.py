"""Sync and async are one flow: every engine briefs an article to the same brief with ``Summariser.brief``
(blocking backend calls) and ``Summariser.abrief`` (async calls): extractive, the fake backend in both of
its modes, the bundled local model, and the openai engine against the scripted in-package server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from batch_support import draft_for, draft_responder, long_report

from summariser.backends.fake import FakeBackend
from summariser.backends.llama import LlamaBackend
from summariser.generate.full import FULL_MAX_TOKENS
from summariser.load import article_from_text
from summariser.pipeline import Summariser
from summariser.schema.brief import IncidentBrief
from summariser.settings import Settings
from summariser.testing import OpenAIServer

# Invented: a quote between two possible speakers (a "choices" engine is asked who said it).
TEXT = (
    "Officials from two towns met in Kastrin on Tuesday to discuss the closed border crossing.\n\n"
    'Mara Oduya, the mayor of Velmora, sat beside Teodor Vask, a regional governor. "We will not accept '
    'another month of closed roads," one of them told the meeting.\n\n'
    "Gunmen believed to belong to the Ridge Brigade attacked a checkpoint near Sarvik on Monday, "
    "witnesses said.\n\n"
    "Talks are due to resume next week, Teodor Vask said.\n"
)
# No cache, no log: the second run must ask the model again, not read the first run's answers.
PLAIN = {"use_cache": False, "use_log": False}


def both_ways(summariser: Summariser, text: str = TEXT) -> tuple[IncidentBrief, IncidentBrief]:
    article = article_from_text(text, name="parity.txt")
    return summariser.brief(article), asyncio.run(summariser.abrief(article))


def same(a: IncidentBrief, b: IncidentBrief) -> None:
    drop: Any = {"meta": {"duration_s"}}
    assert a.model_dump(mode="json", exclude=drop) == b.model_dump(mode="json", exclude=drop)


def from_prompt(messages: list[dict[str, str]], response_model: type[Any]) -> dict[str, Any]:
    from batch_support import article_in

    text = article_in({"messages": messages})
    assert text is not None
    return draft_for(text)


def first_option(messages: list[dict[str, str]], response_model: type[Any]) -> dict[str, Any]:
    (name, field) = next(iter(response_model.model_fields.items()))
    return {name: field.annotation.__args__[0]}


def test_extractive() -> None:
    a, b = both_ways(Summariser(Settings(model="extractive", **PLAIN)))
    assert a.meta.llm_calls == 0
    same(a, b)


@pytest.mark.parametrize("mode", ["full", "choices"])
def test_fake_backend(mode: str) -> None:
    default = from_prompt if mode == "full" else first_option
    backend = FakeBackend(mode=mode, default=default)  # type: ignore[arg-type]
    a, b = both_ways(Summariser(Settings(model="extractive", **PLAIN), backend=backend))
    assert a.meta.llm_calls >= 1 and len(backend.calls) == 2 * a.meta.llm_calls
    same(a, b)


def test_fake_backend_long_article_in_parts() -> None:
    backend = FakeBackend(default=from_prompt, context_window=FULL_MAX_TOKENS + 1500)
    a, b = both_ways(Summariser(Settings(model="extractive", **PLAIN), backend=backend), long_report(20))
    assert "split at paragraph boundaries" in a.meta.warnings[0] and a.meta.llm_calls >= 2
    same(a, b)


@pytest.fixture(scope="module")
def local() -> Iterator[Summariser]:
    settings = Settings(model="local", **PLAIN)
    s = Summariser(settings, backend=LlamaBackend(settings))
    yield s
    s.close()


@pytest.mark.slow
def test_local_model(local: Summariser) -> None:
    a, b = both_ways(local)
    assert a.meta.engine == "local" and a.meta.llm_calls >= 1
    same(a, b)


def test_openai_engine_against_the_scripted_server() -> None:
    with OpenAIServer(responder=draft_responder) as server:
        settings = Settings(model="openai:test", base_url=server.base_url, api_key="sk-test-parity", **PLAIN)
        with Summariser(settings) as s:
            a, b = both_ways(s)
        assert len(server.chat_requests) == 2
    assert a.meta.engine == "openai" and a.meta.llm_calls == 1
    same(a, b)
