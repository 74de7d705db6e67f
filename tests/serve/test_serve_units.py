"""The server's small parts without a server: token check, error mapping, capacity limiter, shared backend."""

from __future__ import annotations

import asyncio
import base64
import threading
import time
from pathlib import Path

import pytest
from batch_support import draft_for

from summariser.backends.fake import FakeBackend
from summariser.errors import (
    ConfigError,
    ContextLengthError,
    EndpointError,
    GenerationError,
    InputError,
    InternalError,
    ModelError,
    SummariserError,
)
from summariser.serve.auth import token_matches
from summariser.serve.engine import Limiter, SharedBackend
from summariser.serve.errors import ApiError, status_for
from summariser.settings import Settings


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        ("Bearer s3cret", True),
        ("bearer   s3cret  ", True),
        (_basic("anyone", "s3cret"), True),
        (_basic("s3cret", ""), False),
        ("Bearer s3cre", False),
        ("Bearer s3cret2", False),
        ("s3cret", False),
        ("Token s3cret", False),
        ("Basic not-base64!", False),
        ("", False),
        (None, False),
    ],
)
def test_token_matches(header: str | None, ok: bool) -> None:
    assert token_matches(header, "s3cret") is ok


def test_settings_read_the_token_from_the_environment_only_there() -> None:
    assert Settings.from_env({"SUMMARISER_API_TOKEN": "t0k"}).api_token == "t0k"
    assert Settings.from_env({}).api_token is None
    assert "t0k" not in repr(Settings.from_env({"SUMMARISER_API_TOKEN": "t0k"}))


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (InputError("bad"), 400),
        (InputError("x: larger than 2,000,000 bytes"), 413),
        (ContextLengthError("long"), 413),
        (GenerationError("junk"), 502),
        (EndpointError("down"), 503),
        (ConfigError("no key"), 503),
        (ModelError("no gguf"), 503),
        (InternalError("broken invariant"), 500),
        (SummariserError("internal"), 500),
    ],
)
def test_status_for_each_library_error(exc: SummariserError, status: int) -> None:
    assert status_for(exc) == status


def test_limiter_queues_then_refuses_with_retry_after() -> None:
    async def scenario() -> list[object]:
        limiter = Limiter(slots=1, queue=1)
        release = asyncio.Event()
        outcomes: list[object] = []

        async def request(n: int) -> None:
            try:
                async with limiter.request():
                    outcomes.append(("ran", n))
                    await release.wait()
            except ApiError as exc:
                outcomes.append((exc.status, exc.headers["Retry-After"]))

        tasks = [asyncio.create_task(request(n)) for n in range(3)]
        await asyncio.sleep(0.05)
        assert (limiter.running, limiter.waiting) == (1, 1)
        release.set()
        await asyncio.gather(*tasks)
        assert (limiter.running, limiter.admitted) == (0, 0)
        return outcomes

    outcomes = asyncio.run(scenario())
    assert ("ran", 0) in outcomes and ("ran", 1) in outcomes
    refused = [o for o in outcomes if o[0] == 429]
    assert len(refused) == 1 and int(refused[0][1]) >= 1  # type: ignore[call-overload]


def test_shared_backend_is_not_closed_by_its_users_and_runs_serially() -> None:
    class Slow(FakeBackend):
        closed = False
        live = peak = 0
        lock = threading.Lock()

        def complete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            with self.lock:
                self.live += 1
                self.peak = max(self.peak, self.live)
            time.sleep(0.05)
            with self.lock:
                self.live -= 1
            return super().complete(*args, **kwargs)

        def close(self) -> None:
            self.closed = True

    inner = Slow(default=lambda _messages, _model: draft_for("Two people were hurt in a fire."))
    shared = SharedBackend(inner, serial=True)
    shared.close()
    asyncio.run(shared.aclose())
    assert not inner.closed
    from summariser.schema.draft import Draft

    threads = [
        threading.Thread(target=shared.complete, args=([{"role": "user", "content": "x"}], Draft))
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert inner.peak == 1


def test_only_a_remote_engine_briefs_more_than_one_at_a_time() -> None:
    from summariser.serve.engine import Engine

    quiet = {"use_log": False, "use_cache": False}
    assert Engine(Settings(model="extractive", **quiet), concurrency=8).limiter.slots == 1
    assert Engine(Settings(model="local", **quiet), concurrency=8).limiter.slots == 1
    remote = Engine(Settings(model="openai:m", base_url="http://127.0.0.1:9/v1", **quiet), concurrency=8)
    assert remote.limiter.slots == 8
    assert remote.shared is not None and remote.shared._lock is None  # not serialised


def test_the_shared_backend_declares_what_its_engine_declares(tmp_path: Path) -> None:
    from summariser.serve.engine import Engine

    quiet = {"use_log": False, "use_cache": True, "cache_dir": tmp_path}
    local = Engine(Settings(model="local", **quiet))
    assert local.shared is not None and local.shared._lock is not None  # one shared model: serialised
    declared = (local.shared.mode, local.shared.trusted, local.shared.concurrent)
    assert declared == ("choices", False, False)  # the bundled model's answers are votes
    through = local.summariser.backend  # the requests' backend: the cache around the shared one
    assert through is not None and through is not local.shared
    assert (through.mode, through.trusted, through.concurrent) == declared
    remote = Engine(Settings(model="openai:m", base_url="http://127.0.0.1:9/v1", **quiet))
    assert remote.summariser.backend is not None and remote.summariser.backend.concurrent


@pytest.mark.slow
def test_warm_loads_a_local_model_once_before_the_first_request() -> None:
    from summariser.serve.engine import Engine

    engine = Engine(Settings(model="local", use_log=False, use_cache=False))
    assert engine.inner is not None and engine.inner.loads == 0  # type: ignore[attr-defined]
    engine.warm()
    engine.warm()
    assert engine.inner.loads == 1  # type: ignore[attr-defined]
    asyncio.run(engine.aclose())
    assert engine.inner._llm is None  # type: ignore[attr-defined]  # closed at shutdown
