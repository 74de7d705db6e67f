"""``summariser calibrate``: earn a model's trust per field on the golden cases.

Runs the cases twice, with the rules alone (``extractive``) and with the model taken at its word (every
field of its grounded draft adopted), compares the runs case by case (paired bootstrap,
``evals.compare``) and writes a trust profile: per field the model is better, equal or worse, with the
interval. Briefs made afterwards with the same engine, endpoint and model use it (its id in
``meta.trust_profile``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import click

from ..errors import EvalError
from .main import make_settings, model_options

__all__ = ["calibrate", "run_calibration"]


def run_calibration(
    settings: Any,
    cases: str,
    *,
    jobs: int = 1,
    limit: int | None = None,
    threshold: float = 0.02,
    resamples: int = 1000,
    runs_dir: Path | None = None,
    echo: Any = None,
) -> tuple[Any, Path]:
    """Measure ``settings.model`` against the rules on ``cases``; write and return the profile."""
    from ..evals.compare import Thresholds, compare_runs
    from ..evals.runfile import save_run
    from ..evals.runner import run_eval
    from ..grounding.trust import FieldTrust, new_profile, profile_path, verdicts_from

    say = echo or (lambda _msg: None)
    if settings.model_spec.engine == "extractive":
        raise EvalError("calibrate measures a model against the rules; --model extractive is the rules")
    key = settings.endpoint_key()
    say("briefing the cases with the rules (extractive)…")
    rules = run_eval(cases, settings.with_(model="extractive"), limit=limit, resamples=resamples)
    with tempfile.TemporaryDirectory(prefix="summariser-calibrate-") as tmp:
        adopt = new_profile(key, {"*": FieldTrust(verdict="better")}, cases=0, base_run=None, model_run=None)
        adopt = adopt.model_copy(update={"id": "adopt-all"})
        profile_path(Path(tmp), key).write_text(adopt.model_dump_json(), encoding="utf-8")
        say(f"briefing the cases with {settings.model_spec}, every field of its draft adopted…")
        model = run_eval(
            cases, settings.with_(trust_dir=Path(tmp)), limit=limit, jobs=jobs, resamples=resamples
        )
    names: list[str | None] = [None, None]
    if runs_dir is not None:
        runs_dir.mkdir(parents=True, exist_ok=True)
        stamp = model.created.replace(":", "").replace("-", "")[:15]
        names = [
            str(save_run(rules, runs_dir / f"{stamp}-calibrate-extractive.json")),
            str(
                save_run(
                    model, runs_dir / f"{stamp}-calibrate-{settings.model_spec.name}.json".replace("/", "-")
                )
            ),
        ]
    comparison = compare_runs(
        rules,
        model,
        thresholds=Thresholds(default=threshold),
        base_label="rules",
        new_label=str(settings.model_spec),
        resamples=resamples,
    )
    profile = new_profile(
        key, verdicts_from(comparison), cases=len(model.cases), base_run=names[0], model_run=names[1]
    )
    path = profile_path(settings.resolved_trust_dir, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".trust-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(profile.model_dump_json(indent=2))
    os.replace(tmp_name, path)
    return profile, path


@click.command()
@click.argument("cases", required=False, default="evals/cases")
@model_options
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N cases (sorted by id).")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Cases briefed at once (openai: engines).",
)
@click.option(
    "-t",
    "--threshold",
    type=float,
    default=0.02,
    show_default=True,
    help="A drop beyond this on a metric makes the model worse on its field.",
)
@click.option(
    "--runs-dir", type=click.Path(file_okay=False, path_type=Path), help="Also keep the two eval runs here."
)
@click.option(
    "--resamples",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="bootstrap resamples for each field's paired interval",
)
def calibrate(
    cases: str,
    model: str | None,
    base_url: str | None,
    limit: int | None,
    jobs: int,
    threshold: float,
    runs_dir: Path | None,
    resamples: int,
) -> None:
    """Measure a model against the rules on golden CASES and write its trust profile.

    Per field the model is better, equal or worse than the rules (paired bootstrap interval); briefs
    made afterwards with the same model and endpoint adopt its categorical answers only where it is
    better and drop its items where it is worse.
    """
    settings = make_settings(model, base_url)
    profile, path = run_calibration(
        settings,
        cases,
        jobs=jobs,
        limit=limit,
        threshold=threshold,
        resamples=resamples,
        runs_dir=runs_dir,
        echo=lambda m: click.echo(m, err=True),
    )
    click.echo(
        f"trust profile {profile.id} for {profile.model} at {profile.endpoint} ({profile.cases} cases)"
    )
    for name, ft in sorted(profile.fields.items()):
        ci = (
            f"[{ft.ci_low:+.3f}, {ft.ci_high:+.3f}]"
            if ft.ci_low is not None and ft.ci_high is not None
            else ""
        )
        diff = f"{ft.diff:+.3f}" if ft.diff is not None else "n/a"
        click.echo(f"  {name:<14} {ft.verdict:<6} {ft.metric or '':<32} {diff} {ci}")
    click.echo(f"written to {path}")
