"""Markdown reports of eval runs and comparisons (GitHub-flavoured tables).

Public API
----------
``run_markdown(run, *, fields=None, title=None) -> str``
    One run: what made it, every metric (``schema.valid`` first) with mean, 95% CI, micro mean and n,
    the cost per brief, confusion tables and the cases whose brief failed.
``runs_markdown(runs, *, fields=None, title=None) -> str``
    Several runs side by side (``{label: run}``): mean and CI of every metric, and the cost; what
    ``evals/baselines/README.md`` holds.
``compare_markdown(comparison, *, title=None) -> str``
    The gate's verdict, the paired differences with their CIs and the cases that got worse per field.
``fmt(value, digits=3) -> str`` / ``fmt_ci(low, high) -> str`` / ``cost_rows(run) -> list[(label, total,
per brief)]``: shared with the terminal tables of ``summariser eval``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .aggregate import PRIMARY, MetricSummary
from .compare import Comparison, field_of, known_fields, select_keys
from .runfile import RunFile

__all__ = ["compare_markdown", "cost_rows", "fmt", "fmt_ci", "run_markdown", "runs_markdown"]


def fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def fmt_signed(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:+.{digits}f}"


def fmt_ci(low: float | None, high: float | None, digits: int = 3) -> str:
    if low is None or high is None:
        return "–"
    return f"[{low:.{digits}f}, {high:.{digits}f}]"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def cost_rows(run: RunFile) -> list[tuple[str, str, str]]:
    """(what, total, per brief) for calls, retries, tokens and seconds."""
    c = run.report.cost
    n = c.cases or None

    def per(total: float, digits: int = 1) -> str:
        return fmt(total / n, digits) if n else "–"

    rows = [
        ("LLM calls", str(c.llm_calls), per(c.llm_calls, 2)),
        ("retries", str(c.retries), per(c.retries, 2)),
        ("prompt tokens", f"{c.prompt_tokens:,}", per(c.prompt_tokens)),
        ("completion tokens", f"{c.completion_tokens:,}", per(c.completion_tokens)),
        ("total tokens", f"{c.total_tokens:,}", per(c.total_tokens)),
        ("seconds", fmt(c.duration_s, 1), per(c.duration_s, 2)),
    ]
    if run.cache is not None:
        rows.append(("cache hits / misses", f"{run.cache.get('hits', 0)} / {run.cache.get('misses', 0)}", ""))
    return rows


def _metric_row(key: str, m: MetricSummary) -> list[str]:
    name = f"**{key}**" if key == "schema.valid" else key
    if m.lower_is_better:
        name += " (count, lower is better)"
    return [name, fmt(m.mean), fmt_ci(m.ci_low, m.ci_high), fmt(m.micro), str(m.n), str(m.left_out or "")]


def _about(run: RunFile) -> list[str]:
    r = run.report
    lines = [
        f"- cases: {r.n_cases} from `{run.cases_spec}`" + (f" (limit {run.limit})" if run.limit else ""),
        f"- valid briefs: {r.n_valid}/{r.n_cases}",
        f"- model: `{run.model}` (engine {run.engine}, {run.model_name})",
        f"- prompts: {', '.join(run.prompt_versions) or 'none'} (templates sha256 {run.prompts_sha256})",
        f"- summariser {run.package_version}, run {run.created}"
        + (f", re-scored {run.rescored}" if run.rescored else ""),
        f"- {int(r.confidence * 100)}% CIs: percentile bootstrap over cases, {r.resamples} resamples, "
        f"seed {r.seed}",
    ]
    return [*lines, ""]


def run_markdown(run: RunFile, *, fields: Sequence[str] | None = None, title: str | None = None) -> str:
    r = run.report
    lines = [f"# {title or f'Eval run: {run.model}'}", "", *_about(run), "## Scores", ""]
    lines += _table(
        ["Metric", "Mean", f"{int(r.confidence * 100)}% CI", "Micro", "n", "Left out"],
        [_metric_row(k, r.metrics[k]) for k in select_keys(r.metrics, fields)],
    )
    lines += [LEFT_OUT_NOTE, ""]
    lines += ["## Cost", ""]
    lines += _table(["", "Total", "Per brief"], [list(row) for row in cost_rows(run)])
    failed = [s for s in run.scores if not s.valid]
    if failed:
        lines += ["## Invalid briefs", ""]
        lines += [f"- `{s.case_id}`: {(s.error or '').splitlines()[0] if s.error else ''}" for s in failed]
        lines.append("")
    for key, table in sorted(r.confusion.items()):
        if fields and field_of(key) not in fields:
            continue
        predicted = sorted({p for row in table.values() for p in row})
        lines += [f"## Confusion: {key} (rows: answer key, columns: brief)", ""]
        lines += _table(
            ["", *predicted],
            [[gold, *(str(row.get(p, 0)) for p in predicted)] for gold, row in sorted(table.items())],
        )
    return "\n".join(lines).rstrip() + "\n"


def runs_markdown(
    runs: Mapping[str, RunFile], *, fields: Sequence[str] | None = None, title: str | None = None
) -> str:
    labels = list(runs)
    lines = [f"# {title or 'Eval runs'}", ""]
    for label, run in runs.items():
        r = run.report
        lines.append(
            f"- **{label}**: `{run.model}` ({run.model_name}), {r.n_valid}/{r.n_cases} valid briefs on "
            f"`{run.cases_spec}`, prompts {', '.join(run.prompt_versions) or 'none'}, "
            f"summariser {run.package_version}, run {run.created}"
        )
    first = next(iter(runs.values()))
    conf = int(first.report.confidence * 100)
    lines += [
        "",
        f"Means over cases (macro) with their {conf}% bootstrap CI, and the micro mean (n = cases scored).",
        LEFT_OUT_NOTE,
        "",
    ]
    headline = [k for k in (PRIMARY[f] for f in known_fields() if f in PRIMARY) if _any_scored(runs, k)]
    lines += ["## Headline metric per field", ""]
    lines += _table(["Metric", *labels], [_side_row(k, runs) for k in select_keys(headline, fields)])
    lines += ["## All metrics", ""]
    keys = select_keys({k: None for run in runs.values() for k in run.report.metrics}, fields)
    lines += _table(["Metric", *labels], [_side_row(k, runs) for k in keys])
    lines += ["↓: a count per brief, lower is better.", "", "## Cost per brief", ""]
    cost = {label: cost_rows(run) for label, run in runs.items()}
    whats = list(dict.fromkeys(what for rows_ in cost.values() for what, _, _ in rows_))
    lines += _table(
        ["", *labels],
        [[w, *(next((f"{p or t}" for x, t, p in cost[lb] if x == w), "–") for lb in labels)] for w in whats],
    )
    return "\n".join(lines).rstrip() + "\n"


def _any_scored(runs: Mapping[str, RunFile], key: str) -> bool:
    return any(key in run.report.metrics for run in runs.values())


def _side_row(key: str, runs: Mapping[str, RunFile]) -> list[str]:
    cells, lower = [], False
    for run in runs.values():
        m = run.report.metrics.get(key)
        if m is None:
            cells.append("–")
            continue
        out = f", {m.left_out} left out" if m.left_out else ""
        cells.append(f"{fmt(m.mean)} {fmt_ci(m.ci_low, m.ci_high)} micro {fmt(m.micro)} (n={m.n}{out})")
        lower = lower or (m is not None and m.lower_is_better)
    name = f"**{key}**" if key == "schema.valid" else key
    return [name + (" ↓" if lower else ""), *cells]


LEFT_OUT_NOTE = (
    "Micro: all cases pooled (e.g. every true positive over every golden item). Left out: cases where the "
    "metric is undefined (recall with no golden item), not counted in the mean."
)


def compare_markdown(cmp: Comparison, *, title: str | None = None) -> str:
    conf = int(cmp.confidence * 100)
    lines = [f"# {title or f'Eval comparison: {cmp.base.label} → {cmp.new.label}'}", ""]
    for info in (cmp.base, cmp.new):
        lines.append(
            f"- {info.label}: `{info.model}` (engine {info.engine}), {info.n_cases} cases, prompts "
            f"{', '.join(info.prompt_versions) or 'none'}, run {info.created}"
        )
    lines.append(f"- paired over the {len(cmp.shared_cases)} cases both runs hold")
    if cmp.only_base:
        lines.append(f"- only in {cmp.base.label}: {', '.join(cmp.only_base)}")
    if cmp.only_new:
        lines.append(f"- only in {cmp.new.label}: {', '.join(cmp.only_new)}")
    t = cmp.thresholds
    over = ", ".join(f"{k}={v:g}" for k, v in t.overrides.items())
    lines.append(
        f"- gate: a metric regresses when its mean difference is worse than {t.default:g}"
        + (f" (overrides: {over})" if over else "")
    )
    lines.append("")
    if cmp.passed:
        lines += ["**Result: passed** (no metric regressed beyond its threshold)", ""]
    else:
        names = ", ".join(f"`{m.key}` ({fmt_signed(m.diff)})" for m in cmp.regressions)
        lines += [f"**Result: FAILED**: {len(cmp.regressions)} regression(s): {names}", ""]
    lines += ["## Paired differences (new − base)", ""]
    rows = [
        [
            f"**{m.key}**" if m.regressed else m.key,
            fmt(m.base_mean),
            fmt(m.new_mean),
            fmt(m.base_micro),
            fmt(m.new_micro),
            fmt_signed(m.diff),
            fmt_ci(m.ci_low, m.ci_high),
            str(m.n),
            ("≤ +" if m.lower_is_better else "≥ −") + f"{m.threshold:g}",
            m.status,
        ]
        for m in cmp.metrics
    ]
    header = ["Metric", "Base", "New", "Base micro", "New micro", "Δ mean", f"{conf}% CI", "n", "Gate"]
    lines += _table([*header, "Status"], rows)
    lines += ["Base, New: means over the paired cases; micro: those cases pooled.", ""]
    worse = cmp.worse_by_field()
    if worse:
        lines += ["## Cases that got worse", ""]
        for field, cases in worse.items():
            lines.append(f"### {field}")
            lines.append("")
            for case_id, items in sorted(cases.items()):
                detail = "; ".join(f"{k} {fmt(b)} → {fmt(n)}" for k, b, n in items)
                lines.append(f"- `{case_id}`: {detail}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
