"""The response cache and CachedBackend: keys, hits, concurrency across tasks and processes, no secrets."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from summariser.backends.fake import FakeBackend
from summariser.backends.wrap import CachedBackend
from summariser.errors import EndpointError
from summariser.settings import Settings
from summariser.store.cache import CACHE_FILE, ResponseCache

MESSAGES = [{"role": "system", "content": "Count fruit."}, {"role": "user", "content": "Two apples."}]


class Item(BaseModel):
    name: str
    count: int


class OtherItem(BaseModel):
    name: str
    count: int
    colour: str = "red"


def fake(**kw: Any) -> FakeBackend:
    return FakeBackend(default=lambda m, rm: {"name": "apple", "count": len(m)}, **kw)


@pytest.fixture
def cache(tmp_path: Path) -> ResponseCache:
    return ResponseCache(tmp_path / "c" / CACHE_FILE)


def test_second_identical_request_is_a_hit(cache: ResponseCache) -> None:
    inner = fake()
    b = CachedBackend(inner, cache, params={"temperature": 0.0})
    first = b.complete(MESSAGES, Item)
    second = b.complete(MESSAGES, Item)
    assert not first.cached and first.calls == 1
    assert second.cached and second.calls == 0 and second.prompt_tokens == 0
    assert second.value == first.value and type(second.value) is Item
    assert second.extra["cached_usage"]["prompt_tokens"] == first.prompt_tokens
    assert len(inner.calls) == 1 and (b.hits, b.misses) == (1, 1)
    assert cache.info().entries == 1 and cache.info().hits == 1


@pytest.mark.parametrize(
    "change",
    [
        {"messages": [*MESSAGES[:1], {"role": "user", "content": "Three apples."}]},
        {"response_model": OtherItem},
        {"max_tokens": 99},
        {"max_reasks": 0},
    ],
)
def test_any_change_in_the_request_misses(cache: ResponseCache, change: dict[str, Any]) -> None:
    inner = fake()
    b = CachedBackend(inner, cache)
    b.complete(MESSAGES, Item, max_tokens=50, max_reasks=2)
    args: dict[str, Any] = {"messages": MESSAGES, "response_model": Item, "max_tokens": 50, "max_reasks": 2}
    args.update(change)
    result = b.complete(args.pop("messages"), args.pop("response_model"), **args)
    assert not result.cached and len(inner.calls) == 2


def test_model_and_sampling_parameters_are_part_of_the_key(cache: ResponseCache) -> None:
    def cached(model: str, temperature: float) -> bool:
        b = CachedBackend(fake(model=model), cache, params={"temperature": temperature})
        return b.complete(MESSAGES, Item).cached

    assert not cached("m1", 0.0)
    assert not cached("m2", 0.0)
    assert not cached("m1", 0.7)
    assert cached("m1", 0.0)


def test_errors_are_not_cached(cache: ResponseCache) -> None:
    inner = FakeBackend([EndpointError("down"), {"name": "pear", "count": 1}])
    b = CachedBackend(inner, cache)
    with pytest.raises(EndpointError):
        b.complete(MESSAGES, Item)
    assert b.complete(MESSAGES, Item).value.name == "pear"
    assert cache.info().entries == 1


def test_wrapper_delegates_backend_attributes(cache: ResponseCache) -> None:
    inner = fake(mode="choices", model="tiny", context_window=4096)
    b = CachedBackend(inner, cache)
    assert (b.mode, b.model, b.context_window, b.engine) == ("choices", "tiny", 4096, "fake")
    assert b.count_tokens("abcdefgh") == inner.count_tokens("abcdefgh")
    assert b.responses is inner.responses  # anything else falls through to the inner backend


def test_concurrent_tasks(cache: ResponseCache) -> None:
    inner = fake()
    b = CachedBackend(inner, cache)

    async def many() -> list[Any]:
        prompts = [[{"role": "user", "content": f"{i} apples"}] for i in range(20)]
        first = await asyncio.gather(*(b.acomplete(p, Item) for p in prompts))
        again = await asyncio.gather(*(b.acomplete(p, Item) for p in prompts))
        return [*first, *again]

    results = asyncio.run(many())
    assert sum(r.cached for r in results) == 20
    assert cache.info().entries == 20


def test_several_processes_share_one_cache(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    script = textwrap.dedent(f"""
        import sys
        from pydantic import BaseModel
        from summariser.backends.fake import FakeBackend
        from summariser.backends.wrap import CachedBackend
        from summariser.store.cache import ResponseCache
        class Item(BaseModel):
            name: str
            count: int
        inner = FakeBackend(default=lambda m, rm: {{"name": "x", "count": 1}})
        b = CachedBackend(inner, ResponseCache({str(path)!r}))
        for i in range(40):
            b.complete([{{"role": "user", "content": f"{{i % 25}} item"}}], Item)
        print(b.hits, b.misses, b.cache.errors)
    """)
    procs = [
        subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120)[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert all(out[2] == "0" for out in outputs), "database errors under concurrent writers"
    assert ResponseCache(path).info().entries == 25
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_unusable_cache_never_fails_a_call(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = ResponseCache(blocker / "sub" / CACHE_FILE)  # its folder cannot be created
    b = CachedBackend(fake(), cache)
    assert b.complete(MESSAGES, Item).value.name == "apple"
    assert b.complete(MESSAGES, Item).value.name == "apple"
    assert cache.errors >= 2


def test_info_and_clear(cache: ResponseCache) -> None:
    assert not cache.info().exists and cache.clear() == 0
    b = CachedBackend(fake(model="m1"), cache)
    for i in range(3):
        b.complete([{"role": "user", "content": str(i)}], Item)
    info = cache.info()
    assert info.entries == 3 and info.models == {"m1": 3} and info.size_bytes > 0
    assert cache.clear() == 3
    assert cache.info().entries == 0


def test_for_settings_uses_the_cache_dir(tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path / "mine")
    assert ResponseCache.for_settings(settings).path == tmp_path / "mine" / CACHE_FILE


def test_stored_values_hold_no_key(cache: ResponseCache) -> None:
    key = "sk-test-SENTINEL-cache-0001"
    inner = fake()
    inner.settings = Settings(api_key=key, model="openai:x")  # type: ignore[attr-defined]
    b = CachedBackend(inner, cache)
    b.complete(MESSAGES, Item)
    for f in cache.path.parent.iterdir():
        assert key.encode() not in f.read_bytes()


# -- issue 14 ----------------------------------------------------------------------------------------------
def test_two_endpoints_serving_one_model_name_do_not_share_answers(cache: ResponseCache) -> None:
    answers = []
    for url, count in (("http://127.0.0.1:8001/v1", 1), ("http://127.0.0.1:8002/v1", 2)):
        inner = FakeBackend(default=lambda m, rm, c=count: {"name": "apple", "count": c}, model="llama3")
        inner.settings = Settings(model="openai:llama3", base_url=url)  # type: ignore[attr-defined]
        answers.append(CachedBackend(inner, cache).complete(MESSAGES, Item))
    assert [a.value.count for a in answers] == [1, 2]
    assert not answers[1].cached
    again = FakeBackend(default=lambda m, rm: {"name": "x", "count": 9}, model="llama3")
    again.settings = Settings(model="openai:llama3", base_url="http://127.0.0.1:8001/v1/")  # type: ignore[attr-defined]
    hit = CachedBackend(again, cache).complete(MESSAGES, Item)
    assert hit.cached and hit.value.count == 1  # the same endpoint, written with a trailing slash


def test_a_cache_deleted_mid_run_is_recreated_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import shutil

    cache = ResponseCache(tmp_path / "c" / CACHE_FILE)
    b = CachedBackend(fake(), cache)
    b.complete(MESSAGES, Item)
    for i in range(40):
        if i % 10 == 0:
            shutil.rmtree(tmp_path / "c", ignore_errors=True)  # `rm -rf ~/.cache/summariser` mid-batch
        assert b.complete([{"role": "user", "content": f"item {i}"}], Item).value.name == "apple"
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) <= 1, [r.getMessage() for r in warnings]
    assert cache.info().entries >= 1  # it works again after each deletion


def test_clear_removes_a_corrupt_cache(cache: ResponseCache, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from summariser.cli.main import cli

    cache.path.parent.mkdir(parents=True)
    cache.path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(Exception, match="cannot be read"):
        cache.info()
    monkeypatch.setenv("SUMMARISER_CACHE_DIR", str(cache.path.parent))
    result = CliRunner().invoke(cli, ["cache", "clear"])
    assert result.exit_code == 0, result.output
    assert "removed the unreadable cache" in result.output and not cache.path.exists()
    assert CachedBackend(fake(), cache).complete(MESSAGES, Item).value.name == "apple"
    assert cache.info().entries == 1
