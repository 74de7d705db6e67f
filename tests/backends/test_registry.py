"""Engines by name, and open_backend: one place a backend is built and wrapped (cache inside the log)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from summariser.backends.base import Backend
from summariser.backends.fake import FakeBackend
from summariser.backends.registry import ENGINES, backend_class, build_backend, jobs_for, open_backend
from summariser.backends.wrap import CachedBackend, LoggedBackend
from summariser.errors import ModelError
from summariser.settings import Settings
from summariser.store.runlog import RunLog


class Item(BaseModel):
    name: str


def settings(tmp_path: Path, **kw: object) -> Settings:
    return Settings(model="extractive", cache_dir=tmp_path / "cache", log_db=tmp_path / "logs.db").with_(**kw)


def test_every_engine_names_a_backend_class_that_declares_its_capabilities() -> None:
    assert set(ENGINES) == {"extractive", "local", "openai"}
    assert backend_class("extractive") is None
    local, remote = backend_class("local"), backend_class("openai")
    assert local is not None and remote is not None
    assert issubclass(local, Backend) and issubclass(remote, Backend)
    assert remote.concurrent and not local.concurrent  # a remote endpoint vs one shared model
    with pytest.raises(ModelError) as err:
        backend_class("nope")
    assert "extractive" in (err.value.hint or "")


def test_the_extractive_engine_has_no_backend_but_its_run_is_logged(tmp_path: Path) -> None:
    s = settings(tmp_path)
    assert build_backend(s) is None
    opened = open_backend(s, command="test")
    assert opened.backend is None and opened.cache is None and opened.runlog is not None
    opened.finish(done=3)
    (run,) = RunLog(tmp_path / "logs.db").runs()
    assert (run.command, run.model, run.done, run.status) == ("test", "extractive", 3, "ok")
    opened.finish(done=99)  # once only
    assert RunLog(tmp_path / "logs.db").runs()[0].done == 3


def test_a_backend_is_wrapped_in_the_cache_inside_the_log(tmp_path: Path) -> None:
    fake = FakeBackend([{"name": "a"}], mode="choices", trusted=False, concurrent=True, context_window=999)
    opened = open_backend(settings(tmp_path), backend=fake)
    b = opened.backend
    assert isinstance(b, LoggedBackend) and isinstance(b.inner, CachedBackend) and b.inner.inner is fake
    assert (b.mode, b.trusted, b.concurrent, b.context_window) == ("choices", False, True, 999)
    first = b.complete([{"role": "user", "content": "x"}], Item)
    again = b.complete([{"role": "user", "content": "x"}], Item)  # no scripted answer left: from the cache
    assert first.value == again.value and again.cached and opened.cache_counts() == (1, 1)
    calls = RunLog(tmp_path / "logs.db").calls(opened.run_id)
    assert [c.cached for c in calls] == [False, True]


def test_no_cache_no_log_and_nothing_to_cache(tmp_path: Path) -> None:
    fake = FakeBackend()
    assert open_backend(settings(tmp_path, use_cache=False), backend=fake, runlog=False).backend is fake
    assert open_backend(settings(tmp_path, use_log=False), backend=fake).runlog is None
    never_asked = FakeBackend(mode="none")
    opened = open_backend(settings(tmp_path), backend=never_asked, runlog=False)
    assert opened.backend is never_asked and opened.cache is None


def test_a_config_error_comes_before_any_run_is_logged(tmp_path: Path) -> None:
    with pytest.raises(ModelError):
        open_backend(settings(tmp_path, model="local:/nowhere/model.gguf"))
    assert RunLog(tmp_path / "logs.db").runs() == []


def test_jobs_only_for_a_concurrent_backend() -> None:
    assert jobs_for(FakeBackend(concurrent=True), 8) == 8
    assert jobs_for(FakeBackend(concurrent=True), 0) == 1
    assert jobs_for(FakeBackend(), 8) == 1
    assert jobs_for(None, 8) == 1
