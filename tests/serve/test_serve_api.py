"""Every route of a real ``summariser serve`` (uvicorn on 127.0.0.1, extractive engine), and every
client-error status: 400, 404, 405, 413 (body and article), 415, 422."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import jsonschema
import pytest
from click.testing import CliRunner
from server_support import Server, error_of

from summariser.cli.main import cli

pytestmark = pytest.mark.slow

SHORT = (
    "Police in the river town of Kessmoor said four people were hurt on Monday when a footbridge "
    "collapsed during a festival. “The railings gave way all at once,” said Orla Venn, a stallholder.\n"
)


@pytest.fixture(scope="module")
def client(server: Server) -> httpx.Client:
    with server.client() as c:
        yield c  # type: ignore[misc]


def test_health_names_engine_and_model(client: httpx.Client) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "engine": "extractive", "model": "extractive", "version": "0.1.0"}


def test_sample_brief_over_http_equals_the_cli(client: httpx.Client, shared_dir: Path) -> None:
    sample = shared_dir / "data" / "articles" / "syria-maaret-al-numan-airstrike.txt"
    cli_run = CliRunner().invoke(
        cli, ["brief", str(sample), "--model", "extractive", "--published", "2016-02-15"]
    )
    assert cli_run.exit_code == 0, cli_run.output
    text = sample.read_bytes().decode("utf-8")
    r = client.post("/v1/briefs", json={"text": text, "published": "2016-02-15"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    over_http, from_cli = r.json(), json.loads(cli_run.stdout)
    for brief in (over_http, from_cli):
        assert brief["meta"].pop("duration_s") >= 0
    assert over_http == from_cli
    assert over_http["quotes"], "the sample article has quotes"


def test_formats_and_plain_text_body(client: httpx.Client) -> None:
    md = client.post("/v1/briefs", json={"text": SHORT, "format": "markdown"})
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith("# ")
    html = client.post("/v1/briefs", json={"text": SHORT, "format": "html", "id": "bridge-1"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "<mark" in html.text and html.headers["x-summariser-id"] == "bridge-1"
    plain = client.post(
        "/v1/briefs",
        content=SHORT.encode(),
        headers={"Content-Type": "text/plain; charset=utf-8"},
        params={"published": "2026-03-02"},
    )
    assert plain.status_code == 200, plain.text
    brief = plain.json()
    assert brief["meta"]["published"] == "2026-03-02"
    assert brief["event"]["time"]["date"] == "2026-03-02"  # "on Monday" resolved against the date given
    assert any(q["speaker"] == "Orla Venn" for q in brief["quotes"])


def test_render_turns_a_brief_into_its_page_and_markdown(client: httpx.Client) -> None:
    brief = client.post("/v1/briefs", json={"text": SHORT}).json()
    page = client.post("/v1/render", json={"brief": brief, "text": SHORT, "format": "html"})
    assert page.status_code == 200 and 'class="hl' in page.text
    md = client.post("/v1/render", json={"brief": brief, "text": SHORT, "format": "markdown"})
    assert md.status_code == 200 and brief["headline"] in md.text
    bad = client.post("/v1/render", json={"brief": {"headline": "x"}, "text": SHORT})
    assert bad.status_code == 422 and error_of(bad)["type"] == "ValidationError"


def test_schema_is_the_checked_in_schema_and_validates_a_brief(client: httpx.Client) -> None:
    r = client.get("/v1/schema")
    assert r.status_code == 200
    schema = r.json()
    checked_in = json.loads(
        (Path(__file__).resolve().parents[2] / "schemas" / "brief.schema.json").read_text()
    )
    assert schema == checked_in
    jsonschema.validate(client.post("/v1/briefs", json={"text": SHORT}).json(), schema)


def test_openapi_describes_every_route_and_docs_page_is_offline(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) >= {
        "/health",
        "/metrics",
        "/v1/schema",
        "/v1/briefs",
        "/v1/render",
        "/v1/batches",
        "/v1/batches/{batch_id}",
    }
    body = spec["paths"]["/v1/briefs"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "text/plain"}
    assert "BriefRequest" in spec["components"]["schemas"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    assert "http://" not in docs.text and "https://" not in docs.text  # assets served locally
    js = client.get("/docs/static/swagger-ui-bundle.js")
    assert js.status_code == 200 and len(js.content) > 100_000


@pytest.mark.parametrize(
    ("body", "ctype", "status", "kind"),
    [
        (b'{"text": ', "application/json", 400, "InputError"),  # not JSON
        (b"\xff\xfe\x00x", "application/json", 400, "InputError"),  # not UTF-8
        (b'["a list"]', "application/json", 400, "InputError"),  # not an object
        (b'{"text": "   "}', "application/json", 400, "InputError"),  # empty article
        (b'{"text": "Too short."}', "application/json", 400, "InputError"),  # too little text
        (b"<x>article</x>", "application/xml", 415, "UnsupportedMediaType"),
        (b"text=an+article", "application/x-www-form-urlencoded", 415, "UnsupportedMediaType"),
        (b'{"txt": "x"}', "application/json", 422, "ValidationError"),  # missing / unknown fields
        (b'{"text": "x", "published": "last week"}', "application/json", 422, "ValidationError"),
        (b'{"text": "x", "published": 20160215}', "application/json", 422, "ValidationError"),
        (b'{"text": "x", "format": "pdf"}', "application/json", 422, "ValidationError"),
        (b'{"text": 42}', "application/json", 422, "ValidationError"),
    ],
)
def test_bad_requests_get_json_errors_with_the_right_status(
    client: httpx.Client, body: bytes, ctype: str, status: int, kind: str
) -> None:
    r = client.post("/v1/briefs", content=body, headers={"Content-Type": ctype})
    assert r.status_code == status, r.text
    err = error_of(r)
    assert err["type"] == kind and err["message"] and err["fix"], err


def test_missing_content_type_is_415(client: httpx.Client) -> None:
    r = client.post("/v1/briefs", content=SHORT.encode())
    assert r.status_code == 415 and error_of(r)["type"] == "UnsupportedMediaType"


def test_bad_query_parameter_is_422(client: httpx.Client) -> None:
    r = client.post(
        "/v1/briefs",
        content=SHORT.encode(),
        headers={"Content-Type": "text/plain"},
        params={"published": "x"},
    )
    assert r.status_code == 422 and error_of(r)["type"] == "ValidationError"


def test_unknown_query_parameter_is_422_not_ignored(client: httpx.Client) -> None:
    # A misspelt option must not be dropped silently: "on Tuesday" would stay unresolved without a word.
    r = client.post(
        "/v1/briefs",
        content=SHORT.encode(),
        headers={"Content-Type": "text/plain"},
        params={"publshed": "2026-03-10"},
    )
    assert r.status_code == 422, r.text
    err = error_of(r)
    assert err["type"] == "ValidationError" and "publshed" in err["message"] and "published" in err["fix"]


def test_too_large_body_is_413_before_it_is_read(client: httpx.Client) -> None:
    big = json.dumps({"text": "word " * 700_000}).encode()  # 3.5 MB > --max-body 3 MB
    r = client.post("/v1/briefs", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and error_of(r)["type"] == "RequestTooLarge"


def test_too_large_chunked_body_is_413(client: httpx.Client) -> None:
    def chunks():  # no Content-Length: the limit is enforced while reading
        yield b'{"text": "'
        for _ in range(40):
            yield b"word " * 20_000
        yield b'"}'

    r = client.post("/v1/briefs", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and error_of(r)["type"] == "RequestTooLarge"


def test_article_over_the_article_limit_is_413(client: httpx.Client) -> None:
    text = "The council met again. " * 100_000  # 2.3 MB: under --max-body, over the 2 MB article limit
    r = client.post("/v1/briefs", json={"text": text})
    assert r.status_code == 413 and "2,000,000" in error_of(r)["message"]


def test_unknown_route_and_wrong_method_are_json(client: httpx.Client) -> None:
    r = client.get("/v1/nothing")
    assert r.status_code == 404 and error_of(r)["type"] == "NotFound"
    r = client.get("/v1/briefs")
    assert r.status_code == 405 and error_of(r)["type"] == "MethodNotAllowed"
    r = client.get("/v1/batches/0123456789abcdef")
    assert r.status_code == 404 and error_of(r)["type"] == "NotFound"
    r = client.get("/v1/batches/..%2F..%2Fetc")
    assert r.status_code == 404


def test_page_is_self_contained_with_a_strict_policy(client: httpx.Client) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert (
        "default-src 'none'" in csp
        and "connect-src 'self'" in csp
        and "'unsafe-inline'" not in csp.split("style-src")[0]
    )
    assert "http://" not in r.text and "https://" not in r.text
    assert '<label for="text">' in r.text and 'id="published"' in r.text


def test_cors_is_off_by_default(client: httpx.Client) -> None:
    r = client.options(
        "/v1/briefs",
        headers={"Origin": "https://cms.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in r.headers
    r = client.post("/v1/briefs", json={"text": SHORT}, headers={"Origin": "https://cms.example"})
    assert "access-control-allow-origin" not in r.headers


def test_metrics_count_requests_briefs_and_errors(client: httpx.Client) -> None:
    client.post("/v1/briefs", json={"text": SHORT})
    client.post("/v1/briefs", content=b"{", headers={"Content-Type": "application/json"})
    text = client.get("/metrics").text
    assert 'summariser_http_requests_total{method="POST",route="/v1/briefs",status="200"}' in text
    assert 'summariser_http_requests_total{method="POST",route="/v1/briefs",status="400"}' in text
    assert "summariser_http_request_duration_seconds_bucket" in text
    assert 'summariser_briefs_total{source="request"}' in text
    assert 'summariser_errors_total{type="InputError"}' in text
    assert "summariser_model_calls_total" in text and 'summariser_tokens_total{kind="prompt"}' in text
    assert "summariser_briefs_running 0.0" in text and "summariser_requests_waiting 0.0" in text
    assert "/v1/batches/0123" not in text  # routes by template, not raw path


def test_an_id_cannot_inject_headers(client: httpx.Client) -> None:
    r = client.post("/v1/briefs", json={"text": SHORT, "id": "a1\r\nSet-Cookie: x=1"})
    assert r.status_code == 200
    assert r.headers["x-summariser-id"] == "a1??Set-Cookie: x=1" and "set-cookie" not in r.headers


def test_an_empty_article_is_named_by_its_id(client: httpx.Client) -> None:
    r = client.post("/v1/briefs", json={"text": " ", "id": "cms-4411"})
    assert r.status_code == 400 and error_of(r)["message"].startswith("cms-4411: ")
