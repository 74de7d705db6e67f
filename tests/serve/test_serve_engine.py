"""Server-side failures on a real server: 503 (model endpoint down), 429 (over capacity, with a slow
scripted model endpoint), 502 (the model never answers usably), 500 (a bug: logged, no traceback)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from batch_support import API_KEY, article_in, draft_for
from server_support import Server, error_of, wait_for_batch

from summariser.testing import OpenAIServer, Step

pytestmark = pytest.mark.slow

SLOW = 3.0  # seconds the scripted model takes for an article marked "slow"


def report(tag: str) -> str:
    return (
        f"Officials in Marrow Vale said five people were hurt on Tuesday when a gas main burst ({tag}). "
        "“The street lifted like a wave,” said Edda Kross, who runs a bakery on the corner.\n"
    )


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends: nothing listens there


def _env(tmp: Path) -> dict[str, str]:
    return {
        "OPENAI_API_KEY": API_KEY,
        "SUMMARISER_MAX_RETRIES": "0",
        "SUMMARISER_TIMEOUT": "20",
        "SUMMARISER_CACHE_DIR": str(tmp / "cache"),
        "SUMMARISER_LOG_DB": str(tmp / "logs.db"),
    }


# -- 503: the model endpoint is down ----------------------------------------------------------------------
def test_endpoint_down_is_503_and_the_server_stays_up(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{closed_port()}/v1"
    args = ["--model", "openai:gone", "--base-url", base, "--batch-dir", str(tmp_path / "b")]
    with Server(args, env=_env(tmp_path)) as server, server.client() as c:
        r = c.post("/v1/briefs", json={"text": report("down")})
        assert r.status_code == 503, r.text
        err = error_of(r)
        assert err["type"] == "EndpointError" and err["fix"]
        assert r.headers["retry-after"]
        assert API_KEY not in r.text
        health = c.get("/health").json()
        assert health == {"status": "ok", "engine": "openai", "model": "gone", "version": "0.1.0"}
        batch = c.post("/v1/batches", json={"records": [{"id": "one", "text": report("b")}]}).json()
        view = wait_for_batch(c, batch["url"])
        assert (view["status"], view["done"], view["failed"]) == ("done", 0, 1)
        assert view["results"][0]["error"]["type"] == "EndpointError"
        assert API_KEY not in c.get(batch["url"]).text
    assert API_KEY not in server.log


# -- 429, 502: a scripted model endpoint -------------------------------------------------------------------
def respond(request: dict[str, Any]) -> Step:
    text = article_in(request) or ""
    if "(unusable)" in text:
        return Step.malformed()
    return Step.answer(draft_for(text), delay=SLOW if "(slow" in text else 0.0)


@pytest.fixture(scope="module")
def model_endpoint() -> Iterator[OpenAIServer]:
    with OpenAIServer(responder=respond) as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def busy_server(model_endpoint: OpenAIServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("busy")
    args = [
        "--model",
        "openai:scripted",
        "--base-url",
        model_endpoint.base_url,
        "--batch-dir",
        str(tmp / "b"),
    ]
    args += ["--concurrency", "1", "--queue", "1", "--no-cache"]
    with Server(args, env=_env(tmp)) as s:
        yield s


def test_over_capacity_is_429_at_once_not_a_timeout(busy_server: Server) -> None:
    results: list[tuple[int, float, httpx.Response]] = []  # status, when the answer came, answer

    def send(n: int) -> None:
        with busy_server.client(timeout=60) as c:
            r = c.post("/v1/briefs", json={"text": report(f"slow {n}")})
            results.append((r.status_code, time.monotonic(), r))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(5)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join(timeout=60)
    codes = sorted(code for code, _, _ in results)
    # one brief runs, one waits (--queue 1), the other three are refused
    assert codes == [200, 200, 429, 429, 429], [(c, r.text[:200]) for c, _, r in results]
    first_brief_done = min(t for code, t, _ in results if code == 200)
    for code, answered_at, r in results:
        if code == 429:  # refused at once: before the brief that holds the engine is done
            assert answered_at < first_brief_done, "refused only after waiting"
            assert error_of(r)["type"] == "OverCapacity"
            assert int(r.headers["retry-after"]) >= 1
    with busy_server.client() as c:
        metrics = c.get("/metrics").text
    assert "summariser_rejected_total 3.0" in metrics


def test_unusable_model_answers_are_502(busy_server: Server, model_endpoint: OpenAIServer) -> None:
    with busy_server.client() as c:
        r = c.post("/v1/briefs", json={"text": report("unusable")})
    assert r.status_code == 502, r.text
    assert error_of(r)["type"] == "GenerationError"


def test_remote_engine_briefs_up_to_concurrency(model_endpoint: OpenAIServer, tmp_path: Path) -> None:
    args = ["--model", "openai:scripted", "--base-url", model_endpoint.base_url, "--batch-dir", str(tmp_path)]
    args += ["--concurrency", "3", "--queue", "0", "--no-cache"]
    with Server(args, env=_env(tmp_path)) as server:
        codes: list[int] = []
        before = len(model_endpoint.chat_requests)

        def send(n: int) -> None:
            with server.client(timeout=60) as c:
                codes.append(c.post("/v1/briefs", json={"text": report(f"slow c{n}")}).status_code)

        threads = [threading.Thread(target=send, args=(n,)) for n in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert codes == [200, 200, 200]
    arrivals = sorted(r.time for r in model_endpoint.chat_requests[before:])
    assert len(arrivals) == 3
    # all three reached the model before the first answer (SLOW s) could come back: they ran at once
    assert arrivals[-1] - arrivals[0] < SLOW, arrivals


# -- 500: a bug ---------------------------------------------------------------------------------------------
PLANT_BUG = """
import summariser.pipeline as _p
async def _broken(self, article):
    raise ZeroDivisionError("planted bug: secret detail /srv/internal")
_p.Summariser.abrief = _broken
"""


def test_a_bug_is_500_with_no_traceback_and_is_logged(tmp_path: Path) -> None:
    args = ["--model", "extractive", "--batch-dir", str(tmp_path)]
    with Server(args, prelude=PLANT_BUG, env=_env(tmp_path)) as server, server.client() as c:
        r = c.post("/v1/briefs", json={"text": report("bug")})
        assert r.status_code == 500
        err = error_of(r)
        assert err["type"] == "InternalError"
        assert "planted" not in r.text and "ZeroDivisionError" not in r.text and "/srv" not in r.text
        ref = err["message"].split("reference ")[1].split(")")[0]
        assert c.get("/health").status_code == 200  # still serving
        time.sleep(0.3)
    assert "Traceback" in server.log and "planted bug" in server.log and ref in server.log
