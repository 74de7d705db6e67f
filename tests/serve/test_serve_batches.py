"""``/v1/batches`` on a real server: queue, progress, results, failures per item, files on disk written by
the batch runner (manifest, atomic outputs), and results that survive a restart — and a batch stopped
half-way resumes without briefing again what was done."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from server_support import Server, error_of, wait_for_batch

pytestmark = pytest.mark.slow


def report(i: int) -> str:
    return (
        f"Rescuers in Holloway Cove said {i + 2} climbers were brought down on Saturday after a rockfall "
        f"on the north face (record {i}). “We heard the slope give way above us,” said Greta Lund, "
        "one of the climbers.\n"
    )


@pytest.fixture(scope="module")
def client(server: Server) -> httpx.Client:
    with server.client() as c:
        yield c  # type: ignore[misc]


def test_batch_is_queued_then_done_with_results_in_order(client: httpx.Client, batch_dir: Path) -> None:
    records = [
        {"id": "alpha", "text": report(0), "published": "2026-05-02"},
        {"id": "beta/../x", "text": report(1)},  # an id that is not a safe file name
        {"id": "tiny", "text": "Nothing here."},  # too little text: that item fails, the batch goes on
        {"text": report(3)},  # no id: one is made up
    ]
    r = client.post("/v1/batches", json={"records": records})
    assert r.status_code == 202, r.text
    created = r.json()
    assert r.headers["location"] == created["url"] == f"/v1/batches/{created['id']}"
    assert created["total"] == 4 and created["status"] in ("queued", "running", "done")
    view = wait_for_batch(client, created["url"])
    assert (view["status"], view["done"], view["failed"], view["pending"]) == ("done", 3, 1, 0)
    ids = [x["id"] for x in view["results"]]
    assert ids[0] == "alpha" and ids[2] == "tiny" and ids[1].startswith("beta") and "/" not in ids[1]
    by_id = {x["id"]: x for x in view["results"]}
    assert by_id["tiny"]["status"] == "failed" and by_id["tiny"]["error"]["type"] == "InputError"
    assert str(batch_dir) not in json.dumps(view)  # no server paths in answers
    alpha = by_id["alpha"]["brief"]
    assert alpha["meta"]["published"] == "2026-05-02"
    # the same brief as one request makes
    single = client.post("/v1/briefs", json={"text": report(0), "published": "2026-05-02"}).json()
    for b in (alpha, single):
        b["meta"].pop("duration_s")
    assert alpha == single
    # on disk: what `summariser batch` writes
    out = batch_dir / created["id"] / "out"
    assert sorted(p.name for p in out.glob("*.json")) == sorted(f"{i}.json" for i in ids if i != "tiny")
    manifest = [json.loads(line) for line in (out / ".manifest.jsonl").read_text().splitlines()]
    assert sorted(e["id"] for e in manifest) == sorted(i for i in ids if i != "tiny")
    assert not list(out.glob(".*.tmp"))
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert [e["id"] for e in errors] == ["tiny"]
    brief = client.get(created["url"], params={"results": "false"}).json()
    assert "results" not in brief and brief["done"] == 3
    page = client.get(created["url"], params={"offset": 1, "limit": 2}).json()
    assert [x["id"] for x in page["results"]] == ids[1:3] and page["total"] == 4
    assert client.get(created["url"], params={"limit": 0}).status_code == 422


def test_markdown_batch(client: httpx.Client) -> None:
    r = client.post("/v1/batches", json={"records": [{"id": "m", "text": report(5)}], "format": "markdown"})
    view = wait_for_batch(client, r.json()["url"])
    assert view["results"][0]["brief"].startswith("# ")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"records": []}, 422),
        ({"records": [{"id": "x"}]}, 422),
        ({"records": [{"text": "x", "published": "soon"}]}, 422),
        ({"records": [{"text": "x"}], "format": "html"}, 422),
        ({"items": [{"text": "x"}]}, 422),
    ],
)
def test_bad_batches_are_refused_whole(client: httpx.Client, body: dict, status: int) -> None:
    r = client.post("/v1/batches", json=body)
    assert r.status_code == status and error_of(r)["type"] == "ValidationError"


def test_batch_as_plain_text_is_415(client: httpx.Client) -> None:
    r = client.post("/v1/batches", content=b"an article", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415


def test_results_survive_a_restart_and_a_stopped_batch_resumes(tmp_path: Path) -> None:
    args = ["--model", "extractive", "--batch-dir", str(tmp_path)]
    records = [{"id": f"r{i:02d}", "text": report(i)} for i in range(80)]
    with Server(args) as first, first.client() as c:
        url = c.post("/v1/batches", json={"records": records}).json()["url"]
        deadline = time.monotonic() + 60
        while c.get(url, params={"results": "false"}).json()["done"] < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        first.stop()  # Ctrl-C: shuts down in the middle of the batch
    out = next(tmp_path.glob("*/out"))
    before = {
        json.loads(x)["id"]: json.loads(x)["finished"]
        for x in (out / ".manifest.jsonl").read_text().splitlines()
    }
    assert 5 <= len(before) < 80, "stopped half-way"
    with Server(args) as second, second.client() as c:
        view = wait_for_batch(c, url)
        assert (view["status"], view["done"], view["failed"]) == ("done", 80, 0)
        assert [x["id"] for x in view["results"]] == [r["id"] for r in records]
    entries = [json.loads(x) for x in (out / ".manifest.jsonl").read_text().splitlines() if x.strip()]
    assert len(entries) == 80, "nothing briefed twice"
    assert all(e["finished"] == before[e["id"]] for e in entries if e["id"] in before)
    with Server(args) as third, third.client() as c:  # and once more: everything is still there
        again = c.get(url).json()
        assert again["done"] == 80 and again["results"] == view["results"]
