"""The ``summariser`` command line: a thin click layer over the library.

Library errors become one line on stderr and an exit code here, at the edge, never a traceback.
Subcommands live in their own modules and are imported only when run, so ``--help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from pathlib import Path
from typing import Any

import click

from ..errors import SummariserError
from ..output.files import render, write_atomic

__all__ = ["cli", "main"]

_LAZY_COMMANDS = {
    "batch": ("summariser.cli.batch", "batch"),
    "eval": ("summariser.cli.evals", "eval_group"),
    "cache": ("summariser.cli.batch", "cache_group"),
    "logs": ("summariser.cli.batch", "logs"),
    "calibrate": ("summariser.cli.calibrate", "calibrate"),
    "serve": ("summariser.cli.serve", "serve"),
}


class SummariserCLIError(click.ClickException):
    def __init__(self, err: SummariserError) -> None:
        super().__init__(err.message)
        self.exit_code = err.exit_code  # type: ignore[misc]
        self.hint = err.hint

    def format_message(self) -> str:
        return self.message + (f"\n  fix: {self.hint}" if self.hint else "")

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


# Short help of the lazy commands: `summariser --help` lists them without importing them (the eval group
# alone pulls in numpy, scipy and nltk: 1.4 s). Keep in step with the commands' docstrings.
_LAZY_HELP = {
    "batch": 'Brief many articles: files, folders (*.txt, *.md, *.html), globs or JSONL files of {"id", '
    '"text", "published"} records.',
    "cache": "The response cache: model answers reused when the very same request is made again.",
    "calibrate": "Measure a model against the rules on golden CASES and write its trust profile.",
    "eval": "Score briefs against golden cases; compare runs (exit 1 on a regression).",
    "logs": "Recent runs and what they cost: model calls, tokens, errors, duration.",
    "serve": "Serve briefs over HTTP (API under /v1, docs at /docs) and a desk page at /.",
}


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY_COMMANDS})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in _LAZY_COMMANDS and name not in self.commands:
                rows.append((name, _LAZY_HELP[name]))
                continue
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=formatter.width - 6 - len(name))))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in _LAZY_COMMANDS and name not in self.commands:
            module, attr = _LAZY_COMMANDS[name]
            try:
                cmd = getattr(importlib.import_module(module), attr)
            except (ImportError, AttributeError):
                return None
            self.add_command(cmd, name)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SummariserError as err:
            raise SummariserCLIError(err) from None
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            raise SystemExit(130) from None
        except BrokenPipeError:
            raise SystemExit(141) from None
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # a bug: say so in one line, traceback only with --debug
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(
                f"error: internal error ({type(exc).__name__}: {exc}); this is a bug in summariser, "
                "please report it\n  fix: rerun with --debug for the traceback",
                err=True,
            )
            raise SystemExit(70) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="summariser")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Grounded incident briefs from news reports, and evals that score them.

    Runs offline by default (rules + a small local model). Point --model at
    openai:NAME (with --base-url for Ollama, vLLM or a llama.cpp server) or
    local:PATH.gguf for another model, or use --model extractive for no model.
    """
    ctx.obj = {"debug": debug}


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is not None:
        ctx.meta[f"summariser.{param.name}"] = value
    return value


def model_options(f: Any) -> Any:
    f = click.option(
        "--structured-mode",
        type=click.Choice(["auto", "json_schema", "json_object", "tools", "md_json"]),
        expose_value=False,
        callback=_remember,
        help="How an openai: endpoint is asked for JSON; auto tries the strongest it honours "
        "[env SUMMARISER_STRUCTURED_MODE; default auto].",
    )(f)
    f = click.option("--base-url", help="OpenAI-compatible endpoint [env OPENAI_BASE_URL].")(f)
    f = click.option(
        "--model",
        "-m",
        help="extractive | local | local:PATH.gguf | openai:NAME [env SUMMARISER_MODEL; default local].",
    )(f)
    return f


def parse_published(value: str | None) -> dt.date | None:
    from ..load import parse_published as parse

    return parse(value, "--published")


def emit(text: str, out: Path | None) -> None:
    """``text`` to standard output (no ``--out``, or ``--out -``) or atomically to the file ``out``."""
    if out is None or str(out) == "-":
        click.echo(text, nl=not text.endswith("\n"))
    else:
        write_atomic(out, text)
        click.echo(f"wrote {out}", err=True)


def make_settings(model: str | None, base_url: str | None, **extra: Any) -> Any:
    from ..settings import Settings

    ctx = click.get_current_context(silent=True)
    if ctx is not None and "structured_mode" not in extra:
        extra["structured_mode"] = ctx.meta.get("summariser.structured_mode")
    return Settings.from_env(model=model, base_url=base_url, **extra)


@cli.command()
@click.argument("file", type=str)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "markdown", "html"]),
    default="json",
    show_default=True,
    help="json: the brief (summariser schema); markdown: for people; "
    "html: a page with the evidence highlighted.",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    help="Write here instead of stdout (- is stdout).",
)
@model_options
@click.option("--published", help="Publication date YYYY-MM-DD (resolves 'on Tuesday').")
@click.option("--no-cache", is_flag=True, help="Do not read or write the response cache.")
@click.option(
    "--max-bytes", type=click.IntRange(1), help="Refuse articles larger than this [default 2,000,000]."
)
def brief(
    file: str,
    fmt: str,
    out: Path | None,
    model: str | None,
    base_url: str | None,
    published: str | None,
    no_cache: bool,
    max_bytes: int | None,
) -> None:
    """Brief one article (FILE, or - for standard input)."""
    from ..load import MAX_BYTES, load_article
    from ..pipeline import Summariser

    article = load_article(file, published=parse_published(published), max_bytes=max_bytes or MAX_BYTES)
    settings = make_settings(model, base_url, use_cache=False if no_cache else None)
    with Summariser(settings, command="brief") as s:
        if sys.stderr.isatty():
            from rich.console import Console

            with Console(stderr=True).status(f"Briefing {article.name} with {settings.model_spec}…"):
                result = s.brief(article)
        else:
            result = s.brief(article)
    emit(render(result, fmt, article.text), out)


@cli.command()
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    help="Write to a file (- is stdout).",
)
def schema(out: Path | None) -> None:
    """Print the JSON Schema of the brief."""
    from ..output.render import brief_json_schema

    emit(brief_json_schema(), out)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="summariser")


if __name__ == "__main__":  # pragma: no cover
    main()
