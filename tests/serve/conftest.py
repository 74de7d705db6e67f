"""Fixtures for the server tests: one real extractive server per module (spaCy loads once per server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from server_support import Server


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("batches")


@pytest.fixture(scope="module")
def server(batch_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {
        "SUMMARISER_CACHE_DIR": str(tmp_path_factory.mktemp("cache")),
        "SUMMARISER_LOG_DB": str(tmp_path_factory.mktemp("log") / "logs.db"),
    }
    # --max-body 3 MB: above the 2 MB article limit, so both 413s (body, article) can be reached
    with Server(
        ["--model", "extractive", "--batch-dir", str(batch_dir), "--max-body", "3000000"], env=env
    ) as s:
        yield s
