"""The command line on odd input and odd places to write (issue 14): clear errors and exit codes, never a
traceback or exit 70."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from summariser.cli.main import cli
from summariser.schema.brief import IncidentBrief
from summariser.testing.disk import full_disk_write

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample-report.txt"


def run(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_stdin_closed_is_an_input_error() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "summariser.cli", "brief", "-", "-m", "extractive"],
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.close(0),
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "standard input" in proc.stderr and "Traceback" not in proc.stderr


def test_published_at_the_start_of_the_calendar_is_briefed() -> None:
    result = run("brief", str(SAMPLE), "-m", "extractive", "--published", "0001-01-01")
    assert result.exit_code == 0, result.output
    assert IncidentBrief.model_validate_json(result.output).meta.published.isoformat() == "0001-01-01"


def test_brief_takes_the_max_bytes_its_size_error_names(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(SAMPLE.read_bytes())
    size = big.stat().st_size
    result = run("brief", str(big), "-m", "extractive", "--max-bytes", str(size - 1))
    assert result.exit_code == 2 and f"larger than {size - 1:,} bytes" in result.output
    assert "--max-bytes" in result.output  # the hint names an option `brief` has
    assert run("brief", str(big), "-m", "extractive", "--max-bytes", str(size)).exit_code == 0


def test_out_dash_is_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("brief", str(SAMPLE), "-m", "extractive", "-o", "-")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["schema_version"] == "1"
    assert not (tmp_path / "-").exists()
    result = run("schema", "-o", "-")
    assert result.exit_code == 0 and json.loads(result.output)["title"] == "IncidentBrief"
    assert not (tmp_path / "-").exists()


def test_disk_full_is_an_output_error_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "b.md"
    monkeypatch.setattr(os, "write", full_disk_write(tmp_path, 100))
    result = run("brief", str(SAMPLE), "-m", "extractive", "--format", "markdown", "-o", str(out))
    assert result.exit_code == 3, result.output
    assert result.output.startswith("error: ") and "disk full" in result.output
    assert "internal error" not in result.output and "bug" not in result.output
    assert list(tmp_path.iterdir()) == []  # neither the brief nor its temporary file
