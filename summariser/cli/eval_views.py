"""What ``summariser eval`` prints: rich tables of a run and of a comparison, and the progress bar."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from ..evals.compare import Comparison, select_keys
from ..evals.report_md import cost_rows, fmt, fmt_ci, fmt_signed, run_markdown
from ..evals.runfile import RunFile
from ..output.files import write_atomic

__all__ = ["compare_table", "console", "progress", "run_table", "show_run"]


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(file=stream, width=None if stream.isatty() else 120, highlight=False)


def run_table(run: RunFile, fields: Sequence[str]) -> None:
    from rich.markup import escape
    from rich.table import Table

    r = run.report
    conf = f"{int(r.confidence * 100)}% CI"
    table = Table(title=escape(f"{run.model}: {r.n_valid}/{r.n_cases} valid briefs ({run.cases_spec})"))
    for name, justify in (
        ("Metric", "left"),
        ("Mean", "right"),
        (conf, "right"),
        ("Micro", "right"),
        ("n", "right"),
        ("Left out", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    keys = select_keys(r.metrics, fields)
    for i, key in enumerate(keys):
        m = r.metrics[key]
        last = i + 1 == len(keys) or keys[i + 1].split(".")[0] != key.split(".")[0]
        label = f"[bold]{key}[/bold]" if key == "schema.valid" else key
        table.add_row(
            label + (" ↓" if m.lower_is_better else ""),
            fmt(m.mean),
            fmt_ci(m.ci_low, m.ci_high),
            fmt(m.micro),
            str(m.n),
            str(m.left_out or ""),
            end_section=last,
        )
    cost = Table(title="Cost")
    for name in ("", "Total", "Per brief"):
        cost.add_column(name, justify="left" if not name else "right")
    for row in cost_rows(run):
        cost.add_row(*row)
    out = console()
    out.print(table)
    if any(r.metrics[k].lower_is_better for k in keys):
        out.print("↓ a count per brief: lower is better")
    out.print(cost)
    for s in run.scores:
        if not s.valid:
            first = (s.error or "").splitlines()[0] if s.error else ""
            out.print(f"[red]invalid[/red] {escape(s.case_id)}: {escape(first)}", soft_wrap=True)


def compare_table(cmp: Comparison) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=escape(f"{cmp.base.label} → {cmp.new.label}: {len(cmp.shared_cases)} shared cases"))
    for name in (
        "Metric",
        "Base",
        "New",
        "Δ mean",
        f"{int(cmp.confidence * 100)}% CI",
        "n",
        "Gate",
        "Status",
    ):
        table.add_column(name, justify="left" if name in ("Metric", "Status") else "right")
    style = {"REGRESSED": "bold red", "worse": "yellow", "better": "green"}
    for i, m in enumerate(cmp.metrics):
        last = i + 1 == len(cmp.metrics) or cmp.metrics[i + 1].field != m.field
        status = m.status
        table.add_row(
            m.key,
            fmt(m.base_mean),
            fmt(m.new_mean),
            fmt_signed(m.diff),
            fmt_ci(m.ci_low, m.ci_high),
            str(m.n),
            ("≤ +" if m.lower_is_better else "≥ −") + f"{m.threshold:g}",
            f"[{style[status]}]{status}[/]" if status in style else status,
            end_section=last,
        )
    out = console()
    out.print(table)
    for field, cases in cmp.worse_by_field().items():
        shown = sorted(cases.items())
        text = "; ".join(f"{cid} ({', '.join(_change(k, b, n) for k, b, n in it)})" for cid, it in shown[:8])
        more = f"; and {len(shown) - 8} more" if len(shown) > 8 else ""
        out.print(f"[yellow]worse[/yellow] {field}: {escape(text)}{more}", soft_wrap=True)
    if cmp.passed:
        out.print("[green]passed[/green]: no metric regressed beyond its threshold")
    else:
        names = ", ".join(f"{m.key} ({fmt_signed(m.diff)}, gate {m.threshold:g})" for m in cmp.regressions)
        out.print(
            f"[bold red]FAILED[/bold red]: {len(cmp.regressions)} regression(s): {names}", soft_wrap=True
        )


def _change(key: str, base: float, new: float) -> str:
    return f"{key.split('.', 1)[1]} {fmt(base, 2)}→{fmt(new, 2)}"


def show_run(
    run: RunFile, fmt_: str, fields: Sequence[str], out: Path | None = None, title: str | None = None
) -> None:
    """The run's report on stdout (table, Markdown or JSON); with ``out``, into that file instead
    (Markdown for the table format)."""
    if fmt_ == "table":
        run_table(run, fields)
        if out is not None:
            emit(run_markdown(run, fields=fields, title=title), out)
        return
    if fmt_ == "markdown":
        emit(run_markdown(run, fields=fields, title=title), out)
    else:
        emit(run.report.model_dump_json(indent=1) + "\n", out)


def progress(total_hint: str) -> tuple[Callable[[int], None], Callable[[Any], None], Callable[[], None]]:
    """(on_start, on_case, stop): a rich progress bar on a terminal, two plain lines otherwise."""
    if not sys.stderr.isatty():

        def start(n: int) -> None:
            click.echo(f"briefing {n} cases with {total_hint}…", err=True)

        return start, lambda rec: None, lambda: None
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console(stderr=True),
        transient=False,
    )
    task: list[Any] = []

    def on_start(n: int) -> None:
        progress.start()
        task.append(progress.add_task(escape(f"eval {total_hint}"), total=n, failed=0))

    def on_case(rec: Any) -> None:
        failed = progress.tasks[0].fields["failed"] + (rec.brief is None)
        progress.update(task[0], advance=1, failed=failed, description=escape(f"eval {total_hint}: {rec.id}"))

    return on_start, on_case, progress.stop


# -- commands ------------------------------------------------------------------------------------------------


def emit(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out, text)
        click.echo(f"wrote {out}", err=True)
