"""The deployment files and docs stay in step with the code: same llama.cpp build flags as the Makefile,
a curl example for every route, the systemd unit binding to loopback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from summariser.serve import ServeConfig, create_app
from summariser.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_dockerfile_builds_llama_with_the_makefile_flags() -> None:
    make = re.search(r"^LLAMA_CMAKE_ARGS \?= (.+)$", (ROOT / "Makefile").read_text(), re.M)
    docker = re.search(r'^ARG LLAMA_CMAKE_ARGS="(.+)"$', (ROOT / "Dockerfile").read_text(), re.M)
    assert make and docker
    assert docker.group(1) == make.group(1).strip()
    assert 'CMAKE_ARGS="$LLAMA_CMAKE_ARGS" pip wheel' in (ROOT / "Dockerfile").read_text()


def test_every_route_has_a_curl_example(tmp_path: Path) -> None:
    app = create_app(Settings(model="extractive"), ServeConfig(batch_dir=tmp_path, warm=False))
    doc = (ROOT / "docs" / "serve.md").read_text()
    curls = [line for line in doc.splitlines() if "curl " in line or line.lstrip().startswith("|")]
    paths = set(app.openapi()["paths"]) | {"/", "/docs", "/openapi.json"}
    assert paths >= {"/health", "/v1/briefs", "/v1/batches", "/v1/schema", "/metrics", "/"}
    for path in sorted(paths):
        pattern = re.escape(path).replace(r"\{batch_id\}", "[0-9a-f]{16}")
        assert any(re.search(r"\$S" + pattern + r"([\s\"?]|$)", line) for line in curls), (
            f"no curl for {path}"
        )


@pytest.mark.parametrize("name", ["deploy/summariser.service"])
def test_systemd_unit_serves_on_loopback_with_the_token_from_a_file(name: str) -> None:
    unit = (ROOT / name).read_text()
    assert re.search(r"^ExecStart=.*summariser serve --host 127\.0\.0\.1 ", unit, re.M)
    assert "EnvironmentFile=/etc/summariser.env" in unit and "KillSignal=SIGINT" in unit


def test_readme_shows_serve_and_curl() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "summariser serve" in readme and "curl " in readme and "docs/serve.md" in readme
