from __future__ import annotations

from pathlib import Path

import pytest

from summariser.extract import extract
from summariser.schema.draft import Draft

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SAMPLE = SHARED / "data" / "articles" / "syria-maaret-al-numan-airstrike.txt"
# tests/test_end_to_end.py does `from conftest import SAMPLE_ARTICLE`; with two conftest modules on the
# path that import can land here, so the same path is offered under that name too.
SAMPLE_ARTICLE = SAMPLE


@pytest.fixture(scope="session")
def sample_text() -> str:
    if not SAMPLE.is_file():
        pytest.fail(f"the founding sample article is missing: {SAMPLE.resolve()} (../shared must be present)")
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_draft(sample_text: str) -> Draft:
    return extract(sample_text)
