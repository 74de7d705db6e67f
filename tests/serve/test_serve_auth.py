"""Auth on (``SUMMARISER_API_TOKEN``) and CORS configured, on a real server; auth off is every other test."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_support import Server, error_of

pytestmark = pytest.mark.slow

TOKEN = "tok-SENTINEL-9d2b7e"
ORIGIN = "https://cms.newsroom.example"
TEXT = (
    "Coastguards at Brenholm said three fishermen were rescued on Friday after their trawler sank in a "
    "storm. “We were in the water for an hour,” said Aksel Norr, the skipper.\n"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    batches = tmp_path_factory.mktemp("batches")
    args = ["--model", "extractive", "--batch-dir", str(batches), "--cors-origin", ORIGIN]
    with Server(args, env={"SUMMARISER_API_TOKEN": TOKEN}) as s:
        yield s


ROUTES = [
    ("GET", "/"),
    ("GET", "/docs"),
    ("GET", "/openapi.json"),
    ("GET", "/metrics"),
    ("GET", "/v1/schema"),
    ("POST", "/v1/briefs"),
    ("POST", "/v1/render"),
    ("POST", "/v1/batches"),
    ("GET", "/v1/batches/0123456789abcdef"),
    ("GET", "/no/such/route"),
]


def test_health_is_open(server: Server) -> None:
    with server.client() as c:
        r = c.get("/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize(
    "auth", [None, "Bearer wrong-token", f"Bearer {TOKEN}x", "Token " + TOKEN, "Basic !!"]
)
def test_every_other_route_needs_the_token(server: Server, method: str, path: str, auth: str | None) -> None:
    headers = {"Authorization": auth} if auth else {}
    with server.client() as c:
        r = c.request(method, path, headers=headers, json={"text": TEXT} if method == "POST" else None)
    assert r.status_code == 401
    assert error_of(r)["type"] == "Unauthorized"
    page = path == "/" or path.startswith("/docs")
    assert r.headers["www-authenticate"].startswith("Basic" if page else "Bearer")
    assert TOKEN not in r.text


def test_right_token_as_bearer_or_basic_password(server: Server) -> None:
    with server.client(TOKEN) as c:
        assert c.post("/v1/briefs", json={"text": TEXT}).status_code == 200
        assert c.get("/v1/schema").status_code == 200
        assert c.get("/metrics").status_code == 200
        assert c.get("/docs").status_code == 200
        spec = c.get("/openapi.json").json()
        assert spec["security"] == [{"bearer": []}]
    basic = base64.b64encode(f"editor:{TOKEN}".encode()).decode()
    with server.client() as c:
        r = c.get("/", headers={"Authorization": f"Basic {basic}"})
        assert r.status_code == 200 and "Incident brief desk" in r.text


def test_cors_allows_only_the_configured_origin(server: Server) -> None:
    with server.client() as c:
        pre = c.options(
            "/v1/briefs",
            headers={
                "Origin": ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )
        assert pre.status_code == 200  # a preflight carries no token and needs none
        assert pre.headers["access-control-allow-origin"] == ORIGIN
        other = c.options(
            "/v1/briefs",
            headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
        )
        assert other.headers.get("access-control-allow-origin") != "https://elsewhere.example"
        r = c.post(
            "/v1/briefs", json={"text": TEXT}, headers={"Origin": ORIGIN, "Authorization": f"Bearer {TOKEN}"}
        )
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == ORIGIN


def test_the_token_is_never_logged(server: Server, tmp_path: Path) -> None:
    with server.client(TOKEN) as c:
        c.post("/v1/briefs", json={"text": TEXT})
        c.get("/metrics")
    assert TOKEN not in server.log
