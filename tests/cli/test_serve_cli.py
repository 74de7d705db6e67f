"""``summariser serve`` on the command line: listed, documented, and configuration errors before listening."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from summariser.cli.main import cli


def test_serve_is_listed_and_documents_its_options() -> None:
    top = CliRunner().invoke(cli, ["--help"])
    assert top.exit_code == 0 and "serve" in top.output
    help_ = CliRunner().invoke(cli, ["serve", "--help"])
    assert help_.exit_code == 0
    for option in (
        "--host",
        "--port",
        "--model",
        "--base-url",
        "--concurrency",
        "--queue",
        "--max-body",
        "--cors-origin",
        "--batch-dir",
        "SUMMARISER_API_TOKEN",
    ):
        assert option in help_.output


def test_unknown_model_fails_before_listening() -> None:
    r = CliRunner().invoke(cli, ["serve", "--model", "no-such-engine", "--port", "0"])
    assert r.exit_code == 3
    assert r.output.startswith("error: unknown model") and "Traceback" not in r.output


def test_batch_dir_that_is_a_file_fails_before_listening(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = CliRunner().invoke(
        cli, ["serve", "--model", "extractive", "--port", "0", "--batch-dir", str(blocker / "sub")]
    )
    assert r.exit_code == 3, r.output
    assert "batch folder" in r.output and "fix:" in r.output


def test_openai_without_a_key_fails_before_listening() -> None:
    r = CliRunner().invoke(cli, ["serve", "--model", "openai:gpt-4o-mini", "--port", "0"])
    assert r.exit_code == 3 and "API key" in r.output


def test_two_servers_cannot_share_a_batch_folder(tmp_path: Path) -> None:
    from summariser.serve import ServeConfig, create_app
    from summariser.settings import Settings

    settings = Settings(model="extractive", use_log=False)
    first = create_app(settings, ServeConfig(batch_dir=tmp_path, warm=False))
    r = CliRunner().invoke(
        cli, ["serve", "--model", "extractive", "--port", "0", "--batch-dir", str(tmp_path)]
    )
    assert r.exit_code == 3 and "another summariser serve" in r.output, r.output
    assert first.state.batches.root == tmp_path
