"""Shared fixtures. ``shared_dir`` is ../shared beside the project root; tests that need it fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
SAMPLE_ARTICLE = SHARED / "data" / "articles" / "syria-maaret-al-numan-airstrike.txt"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(
            f"../shared not found at {SHARED}: the shared data folder must sit beside the project root"
        )
    return SHARED


@pytest.fixture(scope="session")
def sample_text(shared_dir: Path) -> str:
    if not SAMPLE_ARTICLE.is_file():
        pytest.fail(f"sample article missing: {SAMPLE_ARTICLE}")
    return SAMPLE_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test reads the developer's real keys, endpoints, cache or run log."""
    for var in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "SUMMARISER_MODEL",
        "SUMMARISER_CACHE_DIR",
        "SUMMARISER_LOG_DB",
        "SUMMARISER_NO_CACHE",
        "SUMMARISER_NO_LOG",
        "SUMMARISER_API_TOKEN",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SUMMARISER_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("SUMMARISER_LOG_DB", str(tmp_path_factory.mktemp("logs") / "logs.db"))
