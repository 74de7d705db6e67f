"""Batches against the local OpenAI-compatible test server: every fault ends in a recovered brief or a clear
typed error within bounded attempts, the batch goes on, no key leaks; kill -9 half-way and resume."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from batch_support import (
    API_KEY,
    FaultPlan,
    article_in,
    bad_inputs,
    draft_for,
    draft_responder,
    foreign_report,
    has_feedback,
    hostile_report,
    html_report,
    long_report,
    make_report,
)

from summariser.backends.openai import OpenAIBackend
from summariser.batch.runner import ERRORS_FILE, MANIFEST_FILE, BatchRunner, BatchSummary, collect_inputs
from summariser.load import article_from_text, load_article
from summariser.pipeline import Summariser
from summariser.settings import Settings
from summariser.store.runlog import RunLog
from summariser.testing import OpenAIServer, Step

REPO = Path(__file__).resolve().parents[2]
MARK = "Zorvath"  # the article that gets the fault in the "batch goes on" tests


def settings(base_url: str, tmp_path: Path, **kw: Any) -> Settings:
    values: dict[str, Any] = {
        "model": "openai:test",
        "base_url": base_url,
        "api_key": API_KEY,
        "timeout": 2.0,
        "max_retries": 3,
        "local_endpoint": False,  # the remote policy: a request past the timeout is re-sent
        "cache_dir": tmp_path / "cache",
        "log_db": tmp_path / "logs.db",
    }
    return Settings.from_env(**(values | kw))


def run(server_url: str, tmp_path: Path, articles: dict[str, str], **kw: Any) -> tuple[BatchSummary, Path]:
    s = settings(server_url, tmp_path, **kw)
    backend = OpenAIBackend(s, backoff_base=0.01, backoff_max=0.05, retry_after_cap=1.0)
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    runner = BatchRunner(s, out, jobs=2, backend=backend)
    return runner.run(collect_inputs([str(folder)])), out


def errors(out: Path) -> dict[str, dict[str, Any]]:
    lines = (out / ERRORS_FILE).read_text(encoding="utf-8").splitlines()
    return {e["id"]: e["error"] for e in map(json.loads, lines)}


def leaks(*places: Path) -> list[Path]:
    found = []
    for place in places:
        for p in [place] if place.is_file() else place.rglob("*"):
            if p.is_file() and API_KEY.encode() in p.read_bytes():
                found.append(p)
    return found


def brief_of(out: Path, item_id: str) -> dict[str, Any]:
    return json.loads((out / f"{item_id}.json").read_text(encoding="utf-8"))


def check_verbatim(brief: dict[str, Any], text: str) -> None:
    for q in brief["quotes"]:
        assert q["text"] in text or all(text[e["start"] : e["end"]] == e["text"] for e in q["evidence"])
        for e in q["evidence"]:
            assert text[e["start"] : e["end"]] == e["text"]


# -- one fault, then a good answer ---------------------------------------------------------------------------
def invented(text: str) -> Step:
    d = draft_for(text)
    d["quotes"].insert(0, {"text": "The bridge will be rebuilt by the army before winter"})
    return Step.answer(d)


REPORT = make_report(5)
RECOVERABLE: dict[str, tuple[list[Step], int]] = {  # fault steps, requests expected in all
    "429": ([Step.error(429)], 2),
    "429 Retry-After": ([Step.error(429, retry_after=0.05)], 2),
    "5xx burst": ([Step.error(500), Step.error(502), Step.error(503)], 4),
    "reset mid-response": ([Step.reset()], 2),
    "slow past the timeout": ([Step.sleep(3.0)], 2),
    "malformed JSON": ([Step.malformed()], 2),
    "wrong shape": ([Step.answer({"title": "x", "items": [1]})], 2),
    "invented quote": ([invented(REPORT)], 2),
}


@pytest.mark.parametrize("fault", list(RECOVERABLE))
def test_a_fault_then_a_recovered_brief(tmp_path: Path, fault: str) -> None:
    steps, expected = RECOVERABLE[fault]
    with OpenAIServer(steps, responder=draft_responder) as server:
        summary, out = run(server.base_url, tmp_path, {"r.txt": REPORT}, timeout=1.0)
        requests = server.chat_requests
    assert summary.done == 1, errors(out)
    assert len(requests) == expected
    brief = brief_of(out, "r")
    check_verbatim(brief, REPORT)
    assert brief["meta"]["llm_calls"] == expected and brief["meta"]["retries"] >= 1
    if fault == "invented quote":
        assert has_feedback(requests[1].body) and "bridge will be rebuilt" not in json.dumps(brief)


# -- a fault that does not go away: a typed error for that article, the others are briefed ----------------
def only_for_mark(fault: Callable[[str], Step]) -> Callable[[dict[str, Any]], Step]:
    def responder(request: dict[str, Any]) -> Step:
        text = article_in(request) or ""
        return fault(text) if MARK in text else draft_responder(request)

    return responder


PERSISTENT: dict[str, tuple[Callable[[str], Step], str, str]] = {  # fault, error type, words in message
    "429 forever": (lambda t: Step.error(429, retry_after=0.01), "EndpointError", "rate-limiting"),
    "503 forever": (lambda t: Step.error(503), "EndpointError", "HTTP 503"),
    "slow forever": (lambda t: Step.answer(draft_for(t), delay=3.0), "EndpointError", "did not answer"),
}
UNUSABLE: dict[str, tuple[Callable[[str], Step], str]] = {  # the model's answer is never usable
    "malformed forever": (lambda t: Step.malformed(), "no valid Draft"),
    "wrong shape forever": (lambda t: Step.answer({"title": "x"}), "no valid Draft"),
    "truncated answer": (lambda t: Step.answer(draft_for(t), finish_reason="length"), "truncated"),
}


@pytest.mark.parametrize("fault", list(UNUSABLE))
def test_no_usable_draft_gives_the_rules_brief_with_a_warning(tmp_path: Path, fault: str) -> None:
    make_step, words = UNUSABLE[fault]
    articles = {"a.txt": make_report(1), "bad.txt": make_report(2) + f"\nThe envoy {MARK} arrived.\n"}
    with OpenAIServer(responder=only_for_mark(make_step)) as server:
        summary, out = run(server.base_url, tmp_path, articles, timeout=0.5, max_retries=2)
    assert (summary.done, summary.failed, summary.exit_code) == (2, 0, 0)  # never worse than the rules
    brief = json.loads((out / "bad.json").read_text())
    (warning,) = [w for w in brief["meta"]["warnings"] if "no usable draft" in w]
    assert words in warning and "the rules' brief is used" in warning
    assert brief["quotes"] and brief["meta"]["llm_calls"] >= 1  # the failed calls are counted


@pytest.mark.parametrize("fault", list(PERSISTENT))
def test_a_persistent_fault_is_a_typed_error_and_the_batch_goes_on(tmp_path: Path, fault: str) -> None:
    make_step, error_type, words = PERSISTENT[fault]
    articles = {
        "a.txt": make_report(1),
        "bad.txt": make_report(2) + f"\nThe envoy {MARK} arrived.\n",
        "c.txt": make_report(3),
    }
    with OpenAIServer(responder=only_for_mark(make_step)) as server:
        summary, out = run(server.base_url, tmp_path, articles, timeout=0.5, max_retries=2)
        marked = sum(MARK in (article_in(r.body) or "") for r in server.chat_requests)
    assert (summary.done, summary.failed, summary.exit_code) == (2, 1, 1)
    err = errors(out)["bad"]
    assert err["type"] == error_type and words in err["message"] and err["hint"]
    # bounded: transport retries (max_retries=2) x instructor re-asks (reasks=2) at the very most
    assert 1 <= marked <= 3 * 3
    assert not leaks(out, tmp_path / "cache", tmp_path / "logs.db")


def test_invented_quotes_forever_are_dropped_with_a_warning(tmp_path: Path) -> None:
    with OpenAIServer(responder=lambda req: invented(article_in(req) or "")) as server:
        summary, out = run(server.base_url, tmp_path, {"r.txt": REPORT})
        requests = len(server.chat_requests)
    # the first answer and two re-asks with feedback; the second re-ask is the same request as the first
    # (same feedback), so the response cache answers it
    (logged,) = RunLog(tmp_path / "logs.db").runs()
    assert (logged.requests, logged.cached, requests) == (3, 1, 2)
    assert summary.done == 1
    brief = brief_of(out, "r")
    assert "bridge will be rebuilt" not in json.dumps(brief["quotes"])
    assert any("dropped after re-asking" in w for w in brief["meta"]["warnings"])
    check_verbatim(brief, REPORT)


def test_connection_refused(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again at once: nothing listens there
    summary, out = run(
        f"http://127.0.0.1:{port}/v1",
        tmp_path,
        {"a.txt": make_report(1), "b.txt": make_report(2)},
        max_retries=1,
    )
    assert summary.failed == 2
    for err in errors(out).values():
        assert (
            err["type"] == "EndpointError" and "cannot reach" in err["message"] and "running" in err["hint"]
        )


def obedient(request: dict[str, Any]) -> Step:
    """A model that does what the article tells it to, and invents a quote as well."""
    d = draft_for(article_in(request) or "")
    d["headline"] = "Everything is fine"
    d["quotes"] = [
        {"text": "I invented this"},
        {"text": "Nobody was hurt and the crane is safe"},
        *d["quotes"],
    ]
    return Step.answer(d)


@pytest.mark.parametrize("responder", [draft_responder, obedient], ids=["faithful", "obedient"])
def test_hostile_text_stays_a_brief_of_the_article(tmp_path: Path, responder: Any) -> None:
    text = hostile_report()
    with OpenAIServer(responder=responder) as server:
        summary, out = run(server.base_url, tmp_path, {"hostile.txt": text})
        prompt = server.chat_requests[0].body["messages"][-1]["content"]
    assert summary.done == 1
    assert prompt.count("</article>") == 1  # the article's own closing tag was escaped: it stays data
    article = load_article(tmp_path / "in" / "hostile.txt")
    assert article.text == text  # a closing tag alone does not make it HTML
    brief = brief_of(out, "hostile")
    check_verbatim(brief, text)
    quotes = [q["text"] for q in brief["quotes"]]
    assert "Nobody was hurt and the crane is safe" not in quotes  # invented: dropped after re-asks
    assert "The crane gave way without warning," in quotes or "The crane gave way without warning" in quotes


def test_the_key_never_leaks(tmp_path: Path) -> None:
    def responder(request: dict[str, Any]) -> Step:
        text = article_in(request) or ""
        if MARK in text:  # a server that echoes the key back in its error
            return Step.error(401, body={"error": {"message": f"Incorrect API key provided: {API_KEY}"}})
        return draft_responder(request)

    articles = {"a.txt": make_report(1), "b.txt": f"{make_report(2)}\nThe envoy {MARK} spoke.\n"}
    with OpenAIServer([Step.error(503), Step.malformed()], responder=responder) as server:
        summary, out = run(server.base_url, tmp_path, articles)
        assert all(r.headers.get("authorization") == f"Bearer {API_KEY}" for r in server.chat_requests)
    assert summary.done == 1 and errors(out)["b"]["type"] == "ConfigError"
    assert "***" in errors(out)["b"]["message"]
    assert (tmp_path / "logs.db").exists() and (tmp_path / "cache").exists()
    assert not leaks(out, tmp_path / "cache", tmp_path / "logs.db", *tmp_path.glob("logs.db*"))


def test_long_article_in_parts_through_the_server(tmp_path: Path) -> None:
    text = long_report(24, seed=9)
    s = settings("", tmp_path)
    with OpenAIServer(responder=draft_responder) as server:
        # a 3,000-token window: half of it for the answer, about 1,500 tokens left for each part
        backend = OpenAIBackend(s.with_(base_url=server.base_url), backoff_base=0.01, context_window=3000)
        brief = Summariser(s, backend=backend).brief(article_from_text(text, name="long.txt"))
        parts = [article_in(r.body) or "" for r in server.chat_requests]
    assert len(parts) > 2 and all(p in text for p in parts)
    assert len(brief.quotes) == 24
    for e in brief.all_evidence():
        assert text[e.start : e.end] == e.text


# -- the whole command, with seeded faults; killed half-way and resumed ------------------------------------
def corpus(folder: Path) -> tuple[set[str], set[str]]:
    """~40 inputs: good reports of every shape and every kind of bad input. Returns (good ids, bad ids)."""
    folder.mkdir()
    good: set[str] = set()
    for i in range(24):
        (folder / f"report-{i:02d}.txt").write_text(make_report(i, seed=1), encoding="utf-8")
        good.add(f"report-{i:02d}")
    extra = {
        "notes.md": make_report(50),
        "page.html": html_report(51),
        "hostile.txt": hostile_report(),
        "foreign.txt": foreign_report(),
    }
    for name, text in extra.items():
        (folder / name).write_text(text, encoding="utf-8")
    for name, data in bad_inputs().items():
        (folder / name).write_bytes(data)
    good |= {"notes", "page", "hostile", "foreign", "ok-bom", "ok-crlf"}
    records = [
        {"id": f"rec-{i}", "text": make_report(60 + i), "published": f"2024-05-0{i + 1}"} for i in range(4)
    ]
    good |= {r["id"] for r in records}
    lines = [json.dumps(r) for r in records] + [json.dumps({"id": "rec-empty", "text": ""}), "{not json"]
    (folder.parent / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")  # given by name
    bad = {"empty", "blank", "binary", "latin1", "huge", "rec-empty", "records-line6"}
    return good, bad


def texts_by_id(folder: Path, ids: set[str]) -> dict[str, str]:
    out = {}
    for item in collect_inputs([str(folder), str(folder.parent / "records.jsonl")]):
        if item.id in ids:
            article = load_article(item.path) if item.path else article_from_text(item.text or "")
            out[item.id] = article.text
    return out


def cli(args: list[str], tmp_path: Path) -> subprocess.Popen[str]:
    env = os.environ | {
        "OPENAI_API_KEY": API_KEY,
        "SUMMARISER_CACHE_DIR": str(tmp_path / "cache"),
        "SUMMARISER_LOG_DB": str(tmp_path / "logs.db"),
        "SUMMARISER_TIMEOUT": "1.5",
        "SUMMARISER_MAX_RETRIES": "4",
        "SUMMARISER_LOCAL_ENDPOINT": "0",  # the remote policy: a request past the timeout is re-sent
    }
    return subprocess.Popen(
        [sys.executable, "-m", "summariser.cli", "batch", *args],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def faulty_server() -> Iterator[tuple[OpenAIServer, FaultPlan]]:
    plan = FaultPlan(seed=4, rate=0.5, max_faults=2, slow_seconds=2.5)
    with OpenAIServer(responder=plan) as server:
        yield server, plan


def check_final(out: Path, tmp_path: Path, good: set[str], bad: set[str]) -> None:
    briefs = {p.stem for p in out.glob("*.json")}
    assert briefs == good
    errs = errors(out)
    assert set(errs) == bad
    assert all(e["type"] == "InputError" and e["message"] for e in errs.values())
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    texts = texts_by_id(tmp_path / "in", good)
    for item_id, text in texts.items():
        brief = brief_of(out, item_id)
        assert brief["meta"]["model"] == "test"
        check_verbatim(brief, text)
    assert not leaks(out, tmp_path / "cache", tmp_path / "logs.db", *tmp_path.glob("logs.db*"))


def test_batch_of_40_with_random_faults(
    tmp_path: Path, faulty_server: tuple[OpenAIServer, FaultPlan]
) -> None:
    server, plan = faulty_server
    good, bad = corpus(tmp_path / "in")
    proc = cli(
        [
            "in",
            "records.jsonl",
            "--out",
            "out",
            "--model",
            "openai:test",
            "--base-url",
            server.base_url,
            "--jobs",
            "6",
            "--json",
        ],
        tmp_path,
    )
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 1, stderr  # 1: some inputs were bad
    summary = json.loads(stdout.splitlines()[-1])
    assert (summary["done"], summary["failed"], summary["skipped"]) == (len(good), len(bad), 0)
    assert sum(plan.log.values()) > 5 and len(plan.log) > 4, plan.log  # faults of many kinds were served
    check_final(tmp_path / "out", tmp_path, good, bad)
    assert "failed" in stderr and "errors.jsonl" in stderr


def test_killed_half_way_and_resumed(tmp_path: Path, faulty_server: tuple[OpenAIServer, FaultPlan]) -> None:
    server, _plan = faulty_server
    server.latency = 0.3  # slow enough to kill it half-way
    good, bad = corpus(tmp_path / "in")
    out = tmp_path / "out"
    args = [
        "in",
        "records.jsonl",
        "--out",
        "out",
        "--model",
        "openai:test",
        "--base-url",
        server.base_url,
        "--jobs",
        "2",
        "--json",
    ]
    proc = cli(args, tmp_path)
    deadline = time.monotonic() + 120
    manifest = out / MANIFEST_FILE
    while proc.poll() is None and time.monotonic() < deadline:
        if manifest.exists() and manifest.read_text(encoding="utf-8").count("\n") >= 8:
            break
        time.sleep(0.1)
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    finished = {
        json.loads(line)["id"]
        for line in (out / MANIFEST_FILE).read_text().splitlines()
        if line.strip().endswith("}")
    }
    assert 8 <= len(finished) < len(good)
    before = len(server.chat_requests)
    server.latency = 0.0
    proc = cli([*args[:-2], "6", "--json"], tmp_path)  # resuming does not depend on --jobs
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 1, stderr
    summary = json.loads(stdout.splitlines()[-1])
    assert summary["skipped"] == len(finished) and summary["done"] == len(good) - len(finished)
    redone = {article_in(r.body) for r in server.chat_requests[before:]}
    done_texts = set(texts_by_id(tmp_path / "in", finished).values())
    assert not redone & done_texts, "a finished item was briefed again"
    check_final(out, tmp_path, good, bad)


def test_sigterm_stops_cleanly(tmp_path: Path) -> None:
    with OpenAIServer(responder=draft_responder, latency=0.3) as server:
        corpus(tmp_path / "in")
        out = tmp_path / "out"
        proc = cli(
            ["in", "--out", "out", "--model", "openai:test", "--base-url", server.base_url, "-j", "2"],
            tmp_path,
        )
        deadline = time.monotonic() + 120
        while len(list(out.glob("*.json"))) < 4 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    for p in out.glob("*.json"):
        json.loads(p.read_text(encoding="utf-8"))  # every brief written is whole
    logs = subprocess.run(
        [sys.executable, "-m", "summariser.cli", "logs", "--json"],
        capture_output=True,
        text=True,
        env=os.environ | {"SUMMARISER_LOG_DB": str(tmp_path / "logs.db")},
        check=True,
    )
    assert json.loads(logs.stdout)[0]["status"] == "interrupted"


@pytest.mark.parametrize("after", [0, 2, 6])
def test_sigterm_at_any_moment_prints_no_traceback(tmp_path: Path, after: int) -> None:
    """SIGTERM before, at and well into the briefing: one "interrupted" line, never an asyncio traceback."""
    with OpenAIServer(responder=draft_responder, latency=0.2) as server:
        corpus(tmp_path / "in")
        out = tmp_path / "out"
        proc = cli(
            ["in", "--out", "out", "--model", "openai:test", "--base-url", server.base_url, "-j", "4", "-q"],
            tmp_path,
        )
        deadline = time.monotonic() + 120
        while (
            len(server.chat_requests) < max(1, after) and proc.poll() is None and time.monotonic() < deadline
        ):
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    assert "Traceback" not in stderr and "Task was destroyed" not in stderr and "Exception" not in stderr
    assert len(stderr.strip().splitlines()) <= 4, stderr
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
