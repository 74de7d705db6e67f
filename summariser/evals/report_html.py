"""HTML reports of eval runs and comparisons: one self-contained page each (inline CSS/JS/SVG, no network).

Public API
----------
``render_run_html(run, *, cases=None, run_path=None, fail_below=FAIL_BELOW) -> str``
    One run: what made it (schema validity first), the headline metric of every field with its mean and
    CI (drawn as an interval bar), a bar chart per field, every metric, the cost, and one row per case
    (sortable, filterable, "only failures") that expands to the answer key beside the brief, field by
    field, with missed, invented and wrong items marked. The cases are loaded from the recorded spec
    (``resolve_spec``, relative to ``run_path`` when given) unless ``cases`` are passed; when they cannot
    be found the page shows the scores only, with a note. Briefs stored as offsets (articles outside the
    project) are decoded with the case's article; no article text goes into the page beyond what the
    brief and the answer key quote.
``render_compare_html(comparison) -> str``
    Two runs: base and new, the gate's verdict, the paired difference of every field with its CI, a
    grouped bar chart base vs new, and the cases that got worse first, each with the fields that dropped.
``FAIL_BELOW``: a case whose headline score of some field is below ``fail_below`` (or whose brief is
invalid) counts as a failure for the "only failures" filter.
``ci_bar(summary, *, top=1.0)`` / ``delta_bar(diff, span)`` / ``grouped_bars(rows, names)``: the inline
SVG charts (escaped labels, no script). ``primary_key(field, keys)``: a field's headline metric key.
The golden-beside-produced views come from ``key_vs_brief``; the markup is ``html_assets/report.html.j2``
(styles ``report.css``, behaviour ``report.js``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from pydantic import ValidationError

from .. import __version__
from ..errors import SummariserError
from ..output.html_kit import asset, badge, page, svg_bars
from ..schema.brief import IncidentBrief
from .aggregate import PRIMARY
from .compare import Comparison, field_of, known_fields, metric_order
from .golden import load_cases
from .key_vs_brief import TITLES, FieldView, field_views
from .models import Case
from .report_charts import breakable, ci_bar, delta_bar, grouped_bars, sort_value, tone
from .report_md import cost_rows, fmt, fmt_ci, fmt_signed
from .runfile import RunFile, resolve_spec
from .score import CaseScore

__all__ = [
    "FAIL_BELOW",
    "ci_bar",
    "delta_bar",
    "grouped_bars",
    "primary_key",
    "render_compare_html",
    "render_run_html",
]

FAIL_BELOW = 0.5
SHORT = {
    **TITLES,
    "event_type": "Type",
    "locations": "Places",
    "casualties": "Casualties",
    "perpetrators": "Perps",
    "discrepancies": "Discrep.",
    "diplomatic": "Diplom.",
    "grounding": "Ground.",
}


# -- run report ---------------------------------------------------------------------------------------------
@dataclass
class CaseRow:
    n: int
    id: str
    origin: str
    valid: bool
    error: str | None
    cells: list[tuple[str, float | None]]
    tokens: int | None
    seconds: float
    fail: bool
    views: list[FieldView]
    notes: list[str]


def primary_key(field_name: str, keys: Sequence[str] | dict[str, Any]) -> str | None:
    """The field's headline metric key among ``keys`` (recall for recall-only fields), else None."""
    key = PRIMARY.get(field_name)
    if key is None:
        return None
    recall = key.rsplit(".", 1)[0] + ".recall"
    return key if key in keys else recall if recall in keys else None


def _load(run: RunFile, run_path: str | Path | None) -> tuple[dict[str, Case], str | None]:
    spec = resolve_spec(run.cases_spec, run_path)
    try:
        return {c.id: c for c in load_cases(spec)}, None
    except SummariserError as exc:
        return {}, f"The cases of this run ({run.cases_spec}) could not be loaded: {exc.message}"


def _brief(run: RunFile, case_id: str, case: Case | None) -> tuple[IncidentBrief | None, str | None]:
    rec = run.record(case_id)
    if rec.brief is None:
        return None, f"No brief was made: {rec.error}" if rec.error else None
    if rec.texts != "inline" and case is None:
        return None, "The brief's texts are stored as offsets into its article, which is not available here."
    try:
        data = rec.brief_dict(case.article if case is not None else "")
        return IncidentBrief.model_validate(data), None
    except SummariserError as exc:
        return None, exc.message
    except ValidationError as exc:
        return None, f"The brief does not validate ({exc.error_count()} error(s))."


def case_rows(
    run: RunFile, cases: dict[str, Case], fields: Sequence[str], fail_below: float = FAIL_BELOW
) -> list[CaseRow]:
    rows = []
    for n, rec in enumerate(run.cases, 1):
        score = run.score_of(rec.id) or CaseScore(case_id=rec.id, valid=rec.brief is not None)
        case = cases.get(rec.id)
        notes = [] if case is not None or not cases else ["This case is not among the cases found."]
        brief, why = _brief(run, rec.id, case) if case is not None else (None, None)
        notes += [why] if why and rec.brief is not None else []
        cells = []
        for f in fields:
            key = primary_key(f, score.scores)
            cells.append((f, score.scores.get(key) if key else None))
        fail = not score.valid or any(v is not None and v < fail_below for _, v in cells)
        rows.append(
            CaseRow(
                n=n,
                id=rec.id,
                origin=rec.origin,
                valid=score.valid,
                error=rec.error or score.error,
                cells=cells,
                tokens=score.cost.total_tokens if score.cost else None,
                seconds=rec.seconds,
                fail=fail,
                views=field_views(score, case, brief),
                notes=notes,
            )
        )
    return rows


def render_run_html(
    run: RunFile,
    *,
    cases: Sequence[Case] | None = None,
    run_path: str | Path | None = None,
    fail_below: float = FAIL_BELOW,
) -> str:
    """The HTML report of one run (see the module docstring)."""
    note = None
    found = {c.id: c for c in cases} if cases is not None else {}
    if cases is None:
        found, note = _load(run, run_path)
    elif not found:
        note = "No cases were given"
    r = run.report
    fields = [f for f in known_fields()[1:] if primary_key(f, r.metrics)]
    summary = [("schema", "schema.valid", r.metrics.get("schema.valid"))]
    summary += [(f, k, r.metrics[k]) for f in fields if (k := primary_key(f, r.metrics))]
    counts = [m.ci_high or m.mean or 0.0 for m in r.metrics.values() if m.lower_is_better]
    bars = svg_bars(
        [(TITLES[f], m.mean or 0.0) for f, _, m in summary if m is not None],
        title="Headline metric per field (mean over cases)",
        max_value=1.0,
        label_width=120,
        width=460,
        colour="var(--new)",
    )
    hashes = sorted({rec.prompt_hash for rec in run.cases if rec.prompt_hash})
    body = _module().run_page(
        run=run,
        r=r,
        rows=case_rows(run, found, fields, fail_below),
        fields=fields,
        summary=summary,
        bars=bars,
        all_keys=metric_order(r.metrics),
        count_top=max([1.0, *counts]),
        cost=cost_rows(run),
        note=note,
        hashes=hashes,
        fail_below=fail_below,
    )
    title = f"Eval run — {run.model} on {run.cases_spec}"
    return page(title, str(body), extra_css=asset("report.css"), extra_js=asset("report.js"))


# -- comparison report -------------------------------------------------------------------------------------
@dataclass
class WorseRow:
    n: int
    id: str
    drops: list[tuple[str, float, float, bool]]
    fields: list[str]
    worst: float | None


def worse_rows(cmp: Comparison) -> list[WorseRow]:
    """Every shared case; those that got worse first (most metrics dropped, then largest drop)."""
    drops: dict[str, list[tuple[str, float, float, bool]]] = {c: [] for c in cmp.shared_cases}
    for m in cmp.metrics:
        for w in m.worse:
            drops.setdefault(w.case_id, []).append((m.key, w.base, w.new, m.lower_is_better))
    rows = []
    for n, (cid, items) in enumerate(drops.items(), 1):
        rates = [b - nv for _, b, nv, low in items if not low]
        fields = list(dict.fromkeys(field_of(k) for k, *_ in items))
        rows.append(WorseRow(n, cid, items, fields, max(rates) if rates else None))
    rows.sort(key=lambda w: (-len(w.fields), -(w.worst or 0.0), w.n))
    return rows


_DOWN = ("REGRESSED", "worse")


def render_compare_html(comparison: Comparison) -> str:
    """The HTML report of a comparison (see the module docstring)."""
    cmp = comparison
    keys = [m.key for m in cmp.metrics]
    by_key = {m.key: m for m in cmp.metrics}
    fields = list(dict.fromkeys(m.field for m in cmp.metrics))
    headline = {f: primary_key(f, keys) or next(k for k in keys if field_of(k) == f) for f in fields}
    shown = [by_key[k] for k in headline.values()]  # per field: its headline, then what got worse
    shown = [
        x
        for h in shown
        for x in [h, *(m for m in cmp.metrics if m.field == h.field and m is not h and m.status in _DOWN)]
    ]
    span = {
        low: max(
            [
                0.05,
                *(
                    abs(v)
                    for m in cmp.metrics
                    if m.lower_is_better is low
                    for v in (m.diff, m.ci_low, m.ci_high, m.threshold)
                    if v is not None
                ),
            ]
        )
        for low in (False, True)
    }
    chart_rows = [
        (
            TITLES.get(m.field, m.field) if m.key in headline.values() else "· " + m.key.partition(".")[2],
            m.base_mean,
            m.new_mean,
        )
        for m in shown
        if not m.lower_is_better
    ]
    body = _module().compare_page(
        c=cmp,
        shown=shown,
        headline=set(headline.values()),
        span=span,
        rows=worse_rows(cmp),
        chart=grouped_bars(chart_rows, (cmp.base.label, cmp.new.label)),
    )
    title = f"Eval comparison — {cmp.base.label} → {cmp.new.label}"
    return page(title, str(body), extra_css=asset("report.css"), extra_js=asset("report.js"))


@cache
def _module() -> Any:
    env = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    env.globals.update(
        badge=badge,
        tone=tone,
        breakable=breakable,
        sv=sort_value,
        ci_bar=ci_bar,
        delta_bar=delta_bar,
        fmt=fmt,
        fmt_ci=fmt_ci,
        fmt_signed=fmt_signed,
        titles=TITLES,
        short=SHORT,
        version=__version__,
    )
    return env.from_string(asset("report.html.j2")).module
