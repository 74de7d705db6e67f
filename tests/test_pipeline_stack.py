"""The whole stack as a library user gets it: Summariser -> cache -> run log -> OpenAIBackend (real openai +
instructor + tenacity) -> a scripted OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from batch_support import draft_responder, make_report

from summariser.pipeline import Summariser
from summariser.settings import Settings
from summariser.store.runlog import RunLog
from summariser.testing import OpenAIServer


def settings(server: OpenAIServer, tmp_path: Path, **kw: object) -> Settings:
    return Settings(
        model="openai:test",
        base_url=server.base_url,
        api_key="sk-test-SECRET",
        timeout=5,
        max_retries=2,
        cache_dir=tmp_path / "cache",
        log_db=tmp_path / "logs.db",
        **kw,
    )


def test_second_brief_of_the_same_article_is_served_from_the_cache(tmp_path: Path) -> None:
    text = make_report(1)
    with OpenAIServer(responder=draft_responder) as server:
        with Summariser(settings(server, tmp_path)) as s:
            first = s.summarise(text)
            second = s.summarise(text)
        assert len(server.chat_requests) == 1
    assert first.meta.llm_calls == 1 and second.meta.llm_calls == 0
    assert first.model_dump(exclude={"meta"}) == second.model_dump(exclude={"meta"})
    log = RunLog(tmp_path / "logs.db")
    runs = log.runs()
    assert len(runs) == 1
    calls = log.calls(runs[0].run_id)
    assert [c.cached for c in calls] == [False, True]
    for f in tmp_path.rglob("*"):
        if f.is_file():
            assert b"sk-test-SECRET" not in f.read_bytes()


def test_no_cache_setting_calls_the_model_every_time(tmp_path: Path) -> None:
    text = make_report(2)
    with OpenAIServer(responder=draft_responder) as server:
        with Summariser(settings(server, tmp_path, use_cache=False)) as s:
            s.summarise(text)
            s.summarise(text)
        assert len(server.chat_requests) == 2
