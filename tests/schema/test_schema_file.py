"""The checked-in JSON Schema must match the pydantic models: regenerate with `summariser schema -o`."""

from __future__ import annotations

from pathlib import Path

from summariser.output.render import brief_json_schema

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "brief.schema.json"


def test_checked_in_schema_matches_models() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == brief_json_schema(), (
        "schemas/brief.schema.json drifted from the models: "
        "run `summariser schema -o schemas/brief.schema.json`"
    )
