"""``summariser eval``: run an eval, re-score a run, report on runs, compare two runs (a CI gate).

    summariser eval CASES --model M [--limit N] [--out RUN.json] [--jobs N]   (same as `eval run`)
    summariser eval score RUN.json [--cases SPEC] [--out NEW.json]
    summariser eval report RUN.json [RUN2.json ...] [--format markdown --out REPORT.md]
    summariser eval compare BASE.json NEW.json [--threshold 0.02] [--threshold KEY=0.05] [--fields F,...]

``eval_group`` is a click group whose unknown first argument is taken as the CASES of ``run``. Exit codes:
0 ok; 1 ``compare`` found a regression; 2 usage error; 3 configuration (model, ``--html`` unavailable);
6 a malformed case, dataset or run file.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from ..backends.registry import BUNDLED_PREFIX
from ..errors import ConfigError
from ..evals.compare import Comparison, Thresholds, compare_runs, known_fields
from ..evals.report_md import (
    compare_markdown,
    runs_markdown,
)
from ..evals.runfile import load_run, save_run
from ..output.files import write_atomic
from .batch import executor_flags, executor_options, stdout_to_stderr
from .eval_views import compare_table, emit, progress, show_run
from .main import make_settings, model_options

__all__ = ["DefaultGroup", "default_run_path", "eval_group"]

RUNS_DIR = Path("evals") / "runs"
FORMATS = click.Choice(["table", "markdown", "json"])


class DefaultGroup(click.Group):
    """A group that runs ``default_command`` when the first argument is not one of its commands."""

    default_command = "run"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup)
def eval_group() -> None:
    """Score briefs against golden cases; compare runs (exit 1 on a regression).

    `summariser eval CASES --model M` is `summariser eval run CASES --model M`.
    """


# -- helpers -------------------------------------------------------------------------------------------------
def _split(values: Sequence[str]) -> list[str]:
    """``--fields`` values (repeatable, comma-separated), each a field name or a metric key."""
    chosen = [v.strip() for raw in values for v in raw.split(",") if v.strip()]
    unknown = [f for f in chosen if f.split(".", 1)[0] not in known_fields()]
    if unknown:
        raise click.BadParameter(
            f"unknown field {unknown[0]!r}; fields: {', '.join(known_fields())}", param_hint="--fields"
        )
    return chosen


def _html_renderer(name: str) -> Callable[[Any], str]:
    """``summariser.evals.report_html.<name>``, checked before any work is done."""
    try:
        module = importlib.import_module("summariser.evals.report_html")
    except ModuleNotFoundError as exc:
        if exc.name not in ("summariser.evals.report_html", "summariser.evals"):
            raise
        module = None
    renderer = getattr(module, name, None)
    if renderer is None:
        missing = (
            "summariser.evals.report_html is missing" if module is None else f"report_html has no {name}"
        )
        raise ConfigError(
            f"HTML reports are not available in this version ({missing})",
            hint="use --format markdown --out REPORT.md",
        )
    return renderer  # type: ignore[no-any-return]


def _slug(model: str) -> str:
    engine, _, name = model.partition(":")
    if engine == "local" and name.startswith(BUNDLED_PREFIX):
        name = ""
    elif engine == "local":
        name = Path(name).stem
    return re.sub(r"[^A-Za-z0-9._-]+", "-", f"{engine}-{name}" if name else engine).strip("-")


def default_run_path(model: str, now: dt.datetime | None = None) -> Path:
    """``evals/runs/<UTC timestamp>-<model>.json`` (relative to the current folder)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return RUNS_DIR / f"{now.strftime('%Y%m%dT%H%M%SZ')}-{_slug(model)}.json"


@eval_group.command("run")
@click.argument("cases")
@model_options
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N cases (sorted by id).")
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Run file to write [default: evals/runs/<timestamp>-<model>.json].",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Cases briefed at once (openai: engines; local and extractive brief one at a time).",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the response cache.")
@click.option("--format", "fmt_", type=FORMATS, default="table", show_default=True, help="Report on stdout.")
@click.option("--fields", multiple=True, help="Show only these fields or metric keys (comma-separated).")
@click.option("--html", type=click.Path(dir_okay=False, path_type=Path), help="Also write an HTML report.")
@click.option(
    "--resamples",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Bootstrap resamples for the CIs.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Bootstrap seed.")
@executor_flags
def run_cmd(
    cases: str,
    model: str | None,
    base_url: str | None,
    limit: int | None,
    out: Path | None,
    jobs: int,
    no_cache: bool,
    fmt_: str,
    fields: tuple[str, ...],
    html: Path | None,
    resamples: int,
    seed: int,
    executor: str,
    ray_address: str | None,
    actors: int | None,
) -> None:
    """Brief every case of CASES, score the briefs and write a run file.

    CASES is a folder of case folders (evals/cases), one case folder, polnear:PATH (a PolNeAR split),
    wikievents:PATH (WikiEvents dev.jsonl) or gva:PATH (GVA dev.jsonl). A case whose brief fails counts
    as an invalid brief. With --executor ray the briefs are made on Ray actors; scoring stays in this process.
    """
    from ..evals.runner import run_eval

    ray = executor_options(executor, ray_address, actors)

    render_html = _html_renderer("render_run_html") if html else None
    chosen = _split(fields)
    settings = make_settings(model, base_url, use_cache=False if no_cache else None)
    path = out or default_run_path(str(settings.model_spec))
    on_start, on_case, stop = progress(str(settings.model_spec))
    try:
        with stdout_to_stderr(executor == "ray"):  # Ray prints worker deaths on stdout
            run = run_eval(
                cases,
                settings,
                limit=limit,
                jobs=jobs,
                on_start=on_start,
                on_case=on_case,
                resamples=resamples,
                seed=seed,
                executor=executor,
                ray=ray,
            )
    finally:
        stop()
    save_run(run, path)
    show_run(run, fmt_, chosen)
    if render_html is not None and html is not None:
        write_atomic(html, render_html(run))
    click.echo(f"wrote {path}", err=True)


@eval_group.command("score")
@click.argument("run_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--cases", "cases_spec", help="Cases to score against [default: the spec the run recorded].")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the re-scored run.")
@click.option("--format", "fmt_", type=FORMATS, default="table", show_default=True, help="Report on stdout.")
@click.option("--fields", multiple=True, help="Show only these fields or metric keys (comma-separated).")
@click.option("--html", type=click.Path(dir_okay=False, path_type=Path), help="Also write an HTML report.")
@click.option("--resamples", type=click.IntRange(min=0), help="Bootstrap resamples [default: as recorded].")
@click.option("--seed", type=int, help="Bootstrap seed [default: as recorded].")
def score_cmd(
    run_file: Path,
    cases_spec: str | None,
    out: Path | None,
    fmt_: str,
    fields: tuple[str, ...],
    html: Path | None,
    resamples: int | None,
    seed: int | None,
) -> None:
    """Score the briefs recorded in RUN_FILE again (no model is called)."""
    from ..evals.runner import cases_for_run, rescore

    render_html = _html_renderer("render_run_html") if html else None
    chosen = _split(fields)
    old = load_run(run_file)
    new = rescore(old, cases_for_run(old, cases_spec, run_file), resamples=resamples, seed=seed)
    changed = [s.case_id for s in new.scores if s != old.score_of(s.case_id)]
    if changed:
        click.echo(
            f"{len(changed)} of {len(new.scores)} case scores differ from the recorded ones: "
            + ", ".join(changed[:10])
            + (" …" if len(changed) > 10 else ""),
            err=True,
        )
    else:
        click.echo(f"all {len(new.scores)} case scores match the recorded ones", err=True)
    show_run(new, fmt_, chosen)
    if out is not None:
        save_run(new, out)
        click.echo(f"wrote {out}", err=True)
    if render_html is not None and html is not None:
        write_atomic(html, render_html(new))


@eval_group.command("report")
@click.argument("run_files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt_",
    type=FORMATS,
    default="table",
    show_default=True,
    help="Report on stdout (several runs side by side: Markdown for table).",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report here (Markdown, or JSON with --format json).",
)
@click.option("--title", help="Title of the Markdown report.")
@click.option("--fields", multiple=True, help="Only these fields or metric keys (comma-separated).")
@click.option(
    "--html", type=click.Path(dir_okay=False, path_type=Path), help="Write an HTML report (one run)."
)
def report_cmd(
    run_files: tuple[Path, ...],
    fmt_: str,
    out: Path | None,
    title: str | None,
    fields: tuple[str, ...],
    html: Path | None,
) -> None:
    """Show recorded runs: one in full, several side by side (labelled by file name)."""
    if html and len(run_files) > 1:
        raise click.UsageError("--html takes one run file")
    render_html = _html_renderer("render_run_html") if html else None
    runs = {p.stem: load_run(p) for p in run_files}
    chosen = _split(fields)
    if len(runs) == 1:
        (run,) = runs.values()
        show_run(run, fmt_, chosen, out, title)
        if render_html is not None and html is not None:
            write_atomic(html, render_html(run))
        return
    if fmt_ == "json":
        text = "{" + ",".join(f'"{k}": {r.report.model_dump_json()}' for k, r in runs.items()) + "}\n"
    else:
        text = runs_markdown(runs, fields=chosen, title=title)
    emit(text, out)


@eval_group.command("compare")
@click.argument("base", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--threshold",
    "-t",
    "thresholds",
    multiple=True,
    help="Tolerated drop of a mean: 0.02 (default for every metric), or KEY=0.05 for one field "
    "or metric key (e.g. quotes.speaker_accuracy=0.05). Repeatable.",
)
@click.option(
    "--fields", multiple=True, help="Compare and gate only these fields or metric keys (comma-separated)."
)
@click.option("--rescore", is_flag=True, help="Re-score both runs against the current cases first.")
@click.option("--cases", "cases_spec", help="Cases for --rescore [default: the spec each run recorded].")
@click.option("--format", "fmt_", type=FORMATS, default="table", show_default=True, help="Report on stdout.")
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report here (Markdown, or JSON with --format json).",
)
@click.option("--html", type=click.Path(dir_okay=False, path_type=Path), help="Also write an HTML report.")
@click.option(
    "--resamples",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Bootstrap resamples for the CIs of the paired differences.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Bootstrap seed.")
def compare_cmd(
    base: Path,
    new: Path,
    thresholds: tuple[str, ...],
    fields: tuple[str, ...],
    rescore: bool,
    cases_spec: str | None,
    fmt_: str,
    out: Path | None,
    html: Path | None,
    resamples: int,
    seed: int,
) -> None:
    """Paired differences of NEW against BASE over their shared cases; exit 1 when a metric regresses.

    A metric regresses when its mean paired difference is worse than its threshold (rates must not
    drop by more, counts such as casualties.missing must not rise by more). Exit codes: 0 passed,
    1 regression, 2 usage error, 6 unreadable run file.
    """
    render_html = _html_renderer("render_compare_html") if html else None
    gate = Thresholds.parse(thresholds)
    runs = [load_run(base), load_run(new)]
    if rescore:
        from ..evals.runner import cases_for_run
        from ..evals.runner import rescore as rescore_run

        runs = [
            rescore_run(r, cases_for_run(r, cases_spec, p)) for r, p in zip(runs, (base, new), strict=True)
        ]
    labels = (base.stem, new.stem) if base.stem != new.stem else ("base", "new")
    cmp = compare_runs(
        runs[0],
        runs[1],
        fields=_split(fields),
        thresholds=gate,
        base_label=labels[0],
        new_label=labels[1],
        resamples=resamples,
        seed=seed,
    )
    if fmt_ == "table":
        compare_table(cmp)
        if out is not None:
            write_atomic(out, compare_markdown(cmp))
    else:
        text = compare_markdown(cmp) if fmt_ == "markdown" else _comparison_json(cmp)
        emit(text, out)
    if render_html is not None and html is not None:
        write_atomic(html, render_html(cmp))
    if not cmp.passed:
        raise click.exceptions.Exit(1)


def _comparison_json(cmp: Comparison) -> str:
    import json

    data = cmp.model_dump(mode="json")
    data["passed"] = cmp.passed
    data["regressions"] = [m.key for m in cmp.regressions]
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
