"""``summariser batch``, ``summariser cache info|clear``, ``summariser logs`` (imported lazily by cli.py)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import click

from ..errors import InputError
from .main import make_settings, model_options

__all__ = ["batch", "cache_group", "executor_flags", "executor_options", "logs", "stdout_to_stderr"]

EXIT_CODES = """\b
Exit codes: 0 every item briefed (or already done), 1 some items failed
(each is in OUT/errors.jsonl), 2 usage error or no inputs, 3 configuration
error (model, API key, output folder), 130 interrupted (re-run to resume)."""


def _stderr() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM handled as Ctrl-C is: by the SIGINT handler in force. Inside ``asyncio.run`` that is the
    runner's, which cancels the batch task in order (every item stops at an await, files stay whole) and
    then raises ``KeyboardInterrupt``; raising it here instead, in whatever frame the loop was running,
    could leave tasks and threads to print their tracebacks at shutdown."""
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler) and handler is not _raise_interrupt:
        handler(signal.SIGINT, frame)
        return
    raise KeyboardInterrupt


def executor_options(executor: str, ray_address: str | None, actors: int | None) -> Any:
    """``RayOptions`` for ``--executor ray``; None for the local executor (which takes no Ray options)."""
    if executor != "ray":
        if ray_address or actors:
            raise click.UsageError("--ray-address and --actors need --executor ray")
        return None
    from ..batch.ray_executor import RayOptions

    return RayOptions(address=ray_address or None, actors=actors)


def executor_flags(f: Any) -> Any:
    """``--executor``, ``--ray-address``, ``--actors`` (for ``batch`` and ``eval run``)."""
    for option in reversed(_EXECUTOR_OPTIONS):
        f = option(f)
    return f


_EXECUTOR_OPTIONS = [
    click.option(
        "--executor",
        type=click.Choice(["local", "ray"]),
        default="local",
        show_default=True,
        help="Where briefs are made: this process, or a pool of Ray actors (pip install 'summariser[ray]').",
    ),
    click.option(
        "--ray-address",
        metavar="auto|ray://HOST:PORT",
        help="The Ray cluster to run on (with --executor ray); default: start a local Ray runtime.",
    ),
    click.option(
        "--actors",
        type=click.IntRange(1, 10_000),
        help="Ray actors, each with its own loaded model (with --executor ray); default: one per CPU.",
    ),
]


@contextlib.contextmanager
def stdout_to_stderr(on: bool) -> Iterator[None]:
    if not on:
        yield
        return
    with contextlib.redirect_stdout(sys.stderr):
        yield


class _Display:
    """A progress bar with rate and ETA on stderr, and one line per failed item."""

    def __init__(self, quiet: bool) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.console = _stderr()
        self.quiet = quiet
        self.counts = {"done": 0, "skipped": 0, "failed": 0}
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("briefing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=self.console,
            disable=quiet,
        )
        self.task = self.progress.add_task("batch", total=None, counts="", rate="")

    def start(self, total: int) -> None:
        self.progress.update(self.task, total=total)
        self.progress.start()

    def result(self, r: Any) -> None:
        self.counts[r.status] += 1
        speed = self.progress.tasks[0].speed if self.progress.tasks else None
        rate = f"{speed * 60:.1f}/min" if speed else ""
        counts = f"[green]{self.counts['done']} done[/] [dim]{self.counts['skipped']} skipped[/]"
        if self.counts["failed"]:
            counts += f" [red]{self.counts['failed']} failed[/]"
        self.progress.update(self.task, advance=1, counts=counts, rate=rate)
        if r.status == "failed" and r.error and not self.quiet:
            from rich.markup import escape

            from ..output.safe import visible_controls

            message = escape(visible_controls(f"{r.id}: {r.error['type']}: {r.error['message']}"))
            self.progress.console.print(f"[red]failed[/] {message}", markup=True, highlight=False)

    def stop(self) -> None:
        self.progress.stop()


@click.command(epilog=EXIT_CODES)
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out",
    "-o",
    "out_dir",
    required=True,
    help="Folder for the briefs (created if its parent exists), or a filesystem URL such as "
    "s3://bucket/briefs (needs fsspec and the filesystem's package, e.g. s3fs).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Briefs at a time for remote engines (local and extractive ones brief one at a time).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "markdown"]),
    default="json",
    show_default=True,
    help="One OUT/<id>.json (the brief) or OUT/<id>.md (for people) per article.",
)
@model_options
@click.option("--no-cache", is_flag=True, help="Do not read or write the response cache.")
@click.option(
    "--max-bytes", type=click.IntRange(1), help="Refuse articles larger than this [default 2,000,000]."
)
@executor_flags
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, no warnings.")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON on stdout.")
@click.pass_context
def batch(
    ctx: click.Context,
    inputs: tuple[str, ...],
    out_dir: str,
    jobs: int,
    fmt: str,
    model: str | None,
    base_url: str | None,
    no_cache: bool,
    max_bytes: int | None,
    executor: str,
    ray_address: str | None,
    actors: int | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Brief many articles: files, folders (*.txt, *.md, *.html), globs or JSONL files of
    {"id", "text", "published"} records. One OUT/<id>.json per article; re-running skips finished items."""
    from ..batch.remote import is_url
    from ..batch.runner import BatchRunner, collect_inputs, prepare_output_dir
    from ..load import MAX_BYTES

    if quiet:  # a cache or run log that cannot be used says so once, and not at all with -q
        import logging

        logging.getLogger("summariser").setLevel(logging.ERROR)
    ray_options = executor_options(executor, ray_address, actors)
    settings = make_settings(model, base_url, use_cache=False if no_cache else None)
    local = None if is_url(out_dir) else prepare_output_dir(Path(out_dir.removeprefix("file://")))
    items = collect_inputs(inputs, exclude=[local] if local else [])
    if not items:
        raise click.UsageError("no inputs found (folders are searched for *.txt, *.md, *.html)")
    display = _Display(quiet)
    runner = BatchRunner(
        settings,
        out_dir,
        jobs=jobs,
        fmt=fmt,  # type: ignore[arg-type]
        on_start=display.start,
        on_result=display.result,
        max_bytes=max_bytes or MAX_BYTES,
        executor=executor,  # type: ignore[arg-type]
        ray=ray_options,
    )
    out = runner.out_dir
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)  # kill: stop cleanly, like Ctrl-C
    try:
        with stdout_to_stderr(executor == "ray"):  # Ray prints worker deaths on stdout: keep --json clean
            summary = runner.run(items)
    finally:
        signal.signal(signal.SIGTERM, previous)
        display.stop()
    console = display.console
    line = (
        f"[bold]{summary.done} done[/], {summary.skipped} skipped, "
        f"{'[red]' if summary.failed else ''}{summary.failed} failed{'[/]' if summary.failed else ''} "
        f"· {summary.tokens:,} tokens · {summary.calls} model calls"
        f"{f' ({summary.cache_hits} from cache)' if summary.cache_hits else ''} · {summary.seconds:.1f} s"
    )
    console.print(line)
    if summary.failed:
        console.print(f"errors: {str(out).rstrip('/')}/errors.jsonl")
    if summary.run_id != "-":
        console.print(f"[dim]run {summary.run_id} (summariser logs --run {summary.run_id})[/]")
    if as_json:
        click.echo(json.dumps(summary.as_dict()))
    ctx.exit(summary.exit_code)


# -- cache -------------------------------------------------------------------------------------------------
@click.group("cache")
def cache_group() -> None:
    """The response cache: model answers reused when the very same request is made again."""


def _when(ts: float | None) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M") if ts else "-"


@cache_group.command("info")
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
def cache_info(as_json: bool) -> None:
    """Where the cache is, how many answers it holds and for which models."""
    from ..store.cache import ResponseCache

    info = ResponseCache.for_settings(make_settings(None, None)).info()
    if as_json:
        click.echo(json.dumps(info.as_dict()))
        return
    if not info.exists:
        click.echo(f"{info.path}: empty (no cache yet)")
        return
    click.echo(
        f"{info.path}\n{info.entries} answers, {info.size_bytes / 1e6:.2f} MB, {info.hits} hits"
        f"\noldest {_when(info.oldest)}, newest {_when(info.newest)}"
    )
    for name, count in info.models.items():
        click.echo(f"  {name}: {count}")


@cache_group.command("clear")
def cache_clear() -> None:
    """Delete every cached answer."""
    from ..store.cache import ResponseCache

    cache = ResponseCache.for_settings(make_settings(None, None))
    count = cache.clear()
    if cache.removed_corrupt:
        click.echo(f"removed the unreadable cache {cache.path} (it was not a usable database)")
        return
    click.echo(f"deleted {count} cached answer{'s' if count != 1 else ''} from {cache.path}")


# -- logs --------------------------------------------------------------------------------------------------
@click.command()
@click.option(
    "-n",
    "--count",
    type=click.IntRange(1, 100_000),
    help="How many recent runs (default 10), or the last N calls with --run (default all).",
)
@click.option("--run", "run_id", help="List the calls of one run.")
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
def logs(count: int | None, run_id: str | None, as_json: bool) -> None:
    """Recent runs and what they cost: model calls, tokens, errors, duration."""
    from rich.table import Table

    from ..store.runlog import RunLog

    runlog = RunLog.for_settings(make_settings(None, None))
    if run_id:
        if not runlog.has_run(run_id):
            raise InputError(f"no run {run_id} in {runlog.path}", hint="`summariser logs` lists recent runs")
        calls = runlog.calls(run_id)
        if as_json:
            click.echo(json.dumps([c.__dict__ for c in calls]))
            return
        table = Table("time", "item", "model", "prompt", "tokens", "latency", "retries", "outcome", "cached")
        for c in calls[-count:] if count else calls:
            table.add_row(
                _when(c.ts),
                c.item or "",
                c.model,
                c.prompt_hash,
                f"{c.prompt_tokens + c.completion_tokens:,}",
                f"{c.latency_s:.2f} s",
                str(c.retries),
                c.outcome if c.outcome == "ok" else f"[red]{c.outcome}[/]",
                "yes" if c.cached else "",
            )
        _stdout_console().print(table if calls else f"run {run_id} made no model calls")
        return
    runs = runlog.runs(count or 10)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in runs]))
        return
    if not runs:
        click.echo(f"no runs logged yet in {runlog.path}")
        return
    table = Table(
        "run",
        "started",
        "command",
        "model",
        "status",
        "done/skip/fail",
        "calls",
        "cached",
        "errors",
        "tokens",
        "duration",
        title=str(runlog.path),
        title_justify="left",
    )
    for r in runs:
        duration = f"{r.duration_s:.1f} s" if r.duration_s is not None else "-"
        table.add_row(
            r.run_id,
            _when(r.started),
            r.command,
            r.model,
            r.status,
            f"{r.done}/{r.skipped}/{r.failed}",
            str(r.model_calls),
            str(r.cached),
            f"[red]{r.errors}[/]" if r.errors else "0",
            f"{r.total_tokens:,}",
            duration,
        )
    _stdout_console().print(table)


def _stdout_console() -> Any:
    from rich.console import Console

    # not a terminal (a pipe, a file): wide enough that run ids and models are not wrapped
    return Console(file=sys.stdout, highlight=False, width=None if sys.stdout.isatty() else 200)
