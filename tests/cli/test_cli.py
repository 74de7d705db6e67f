"""The CLI as a user runs it: clear one-line errors with exit codes, never a traceback."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from summariser.cli.main import cli
from summariser.errors import (
    ConfigError,
    EndpointError,
    EvalError,
    GenerationError,
    InputError,
    InternalError,
)
from summariser.output.render import brief_json_schema
from summariser.schema.brief import IncidentBrief

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample-report.txt"


def run(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def assert_clean_error(result, code: int, *needles: str) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ")
    for n in needles:
        assert n in result.output


def test_help_is_fast_and_light() -> None:
    code = (
        "import sys; from summariser.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('spacy', 'llama_cpp', 'openai', 'instructor') if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out
    for command in ("brief", "schema"):
        assert command in out


def test_schema_command_prints_the_checked_in_schema() -> None:
    result = run("schema")
    assert result.exit_code == 0 and result.output == brief_json_schema()


def test_missing_file(tmp_path: Path) -> None:
    assert_clean_error(run("brief", str(tmp_path / "nope.txt"), "-m", "extractive"), 2, "no such file")


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty"),
        (b"   \n ", "empty"),
        (b"\x00\x01\x02", "binary"),
        (b"caf\xe9 and a long enough sentence here", "UTF-8"),
    ],
)
def test_bad_files(tmp_path: Path, data: bytes, needle: str) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    assert_clean_error(run("brief", str(p), "-m", "extractive"), 2, needle)


def test_unknown_model_names_the_fix() -> None:
    assert_clean_error(run("brief", str(SAMPLE), "-m", "gpt-9"), 3, "unknown model", "openai:NAME")


def test_openai_without_key_names_the_variable() -> None:
    assert_clean_error(run("brief", str(SAMPLE), "-m", "openai:gpt-4o-mini"), 3, "OPENAI_API_KEY")


def test_unreachable_endpoint_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("SUMMARISER_MAX_RETRIES", "1")
    monkeypatch.setenv("SUMMARISER_TIMEOUT", "2")
    result = run("brief", str(SAMPLE), "-m", "openai:test", "--base-url", f"http://127.0.0.1:{port}/v1")
    assert_clean_error(result, 4, f"127.0.0.1:{port}")


def test_bad_published_date() -> None:
    assert_clean_error(
        run("brief", str(SAMPLE), "-m", "extractive", "--published", "yesterday"), 2, "YYYY-MM-DD"
    )


def test_extractive_json_brief_of_the_bundled_sample() -> None:
    result = run("brief", str(SAMPLE), "-m", "extractive", "--published", "2026-03-10")
    assert result.exit_code == 0, result.output
    brief = IncidentBrief.model_validate_json(result.output)
    text = SAMPLE.read_text(encoding="utf-8")
    assert brief.quotes and brief.casualties and brief.actors
    for ev in brief.all_evidence():
        assert text[ev.start : ev.end] == ev.text
    assert brief.meta.engine == "extractive" and brief.meta.llm_calls == 0


def test_markdown_from_stdin_to_file(tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    result = run(
        "brief", "-", "-m", "extractive", "--format", "markdown", "--out", str(out), input=SAMPLE.read_bytes()
    )
    assert result.exit_code == 0, result.output
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# ") and "## Quotes" in md and "## Casualties" in md
    assert not list(tmp_path.glob("*.tmp"))


def test_out_in_missing_folder_is_refused(tmp_path: Path) -> None:
    result = run("brief", str(SAMPLE), "-m", "extractive", "--out", str(tmp_path / "no" / "b.json"))
    assert_clean_error(result, 2, "no such folder")


def test_json_output_is_one_document() -> None:
    result = run("brief", str(SAMPLE), "-m", "extractive")
    assert json.loads(result.output)["schema_version"] == "1"


def test_lazy_help_matches_each_commands_own_help() -> None:
    from summariser.cli.main import _LAZY_COMMANDS, _LAZY_HELP, _Group

    assert set(_LAZY_HELP) == set(_LAZY_COMMANDS)
    group = cli
    assert isinstance(group, _Group)
    import click

    ctx = click.Context(group)
    for name, short in _LAZY_HELP.items():
        cmd = group.get_command(ctx, name)
        assert cmd is not None
        assert cmd.get_short_help_str(limit=200) == short, name


@pytest.mark.parametrize("error", [InternalError("internal error: a span is off"), KeyError("boom")])
def test_a_bug_exits_70_in_one_line(
    error: Exception, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from summariser.pipeline import Summariser

    def broken(self: Summariser, article: object) -> None:
        raise error

    monkeypatch.setattr(Summariser, "brief", broken)
    (tmp_path / "a.txt").write_text("Officials said the road was closed on Monday.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["brief", str(tmp_path / "a.txt"), "-m", "extractive"])
    assert result.exit_code == 70 and "Traceback" not in result.output
    assert result.output.startswith("error: ") and len(result.output.strip().splitlines()) <= 2
    assert InternalError.exit_code == 70 and all(
        cls.exit_code != 70 for cls in (InputError, ConfigError, EndpointError, GenerationError, EvalError)
    )


def test_every_option_of_every_command_says_what_it_does() -> None:
    # `summariser X --help` is the reference a newcomer reads: an option listed bare (no text) is a gap.
    import click

    def walk(cmd: click.Command, ctx: click.Context, path: str) -> list[str]:
        bare = [
            f"{path} {p.opts[0]}"
            for p in cmd.params
            if isinstance(p, click.Option) and not p.help and p.name != "help"
        ]
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                assert sub is not None and sub.help, f"{path} {name} has no help text"
                bare += walk(sub, click.Context(sub, parent=ctx, info_name=name), f"{path} {name}")
        return bare

    assert walk(cli, click.Context(cli, info_name="summariser"), "summariser") == []


@pytest.mark.parametrize("module", ["summariser", "summariser.cli"])
def test_python_dash_m_runs_the_command(module: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", module, "--version"], capture_output=True, text=True, timeout=120, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("summariser, version ")
