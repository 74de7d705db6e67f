"""Running an eval: generate a brief per case with one ``Summariser``, score, and record a ``RunFile``.

Public API
----------
``run_eval(cases_spec, settings, *, limit=None, jobs=1, backend=None, on_start=None, on_case=None,
resamples=1000, seed=0) -> RunFile``
    Loads the cases (``load_cases``), briefs each one, scores and aggregates. One ``Summariser`` serves
    the whole run, so a local model loads once; ``backend`` replaces the one ``settings.model`` names
    (tests pass a ``FakeBackend``). The backend is opened as everywhere (``backends.open_backend``): unless
    ``settings.use_cache`` is off it answers through the response cache, so re-running the same eval calls
    no model (``RunFile.cache`` counts the hits and misses), and its calls go to the run log.
    A case whose brief fails (any error but a ``ConfigError``, which stops the run) is recorded with its
    error and scored as a schema-invalid brief. Cases are briefed by ``batch.many.brief_many``, as batch
    items are: ``jobs`` at a time on a concurrent (remote) backend, else one at a time.
``generate(cases, summariser, *, jobs=1, cases_dir=None, on_case=None) -> list[CaseRecord]``
``score_records(cases, records, *, resamples=1000, seed=0) -> tuple[list[CaseScore], Report]``
``rescore(run, cases, *, resamples=None, seed=None) -> RunFile``
    Scores a run's recorded briefs again (no model), against ``cases`` (those of the run's case ids).
``cases_for_run(run, cases_spec=None, run_path=None) -> list[Case]``
    The cases a recorded run used, loaded again from ``cases_spec`` (default: the recorded spec).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..backends.base import Backend
from ..batch.many import brief_call, brief_many, jobs_for, run_sync
from ..errors import ConfigError, EvalError
from ..settings import Settings
from .aggregate import Report, aggregate
from .golden import load_cases
from .models import Case
from .runfile import CaseRecord, RunFile, encode_texts, prompts_sha256, resolve_spec
from .score import CaseScore, score_case

__all__ = ["cases_for_run", "generate", "rescore", "run_eval", "score_records", "settings_record"]

OnCase = Callable[[CaseRecord], None]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def settings_record(settings: Settings) -> dict[str, Any]:
    """The settings that change what a run generates (never keys or local paths)."""
    return {
        "model": str(settings.model_spec),
        "base_url": settings.base_url,
        "temperature": settings.temperature,
        "seed": settings.seed,
        "reasks": settings.reasks,
        "n_ctx": settings.n_ctx,
        "max_retries": settings.max_retries,
        "timeout": settings.timeout,
        "use_cache": settings.use_cache,
    }


def _inside(path: str, folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        Path(path).resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _record(
    case: Case, cases_dir: Path | None, brief: Any, error: BaseException | None, seconds: float
) -> CaseRecord:
    rec = CaseRecord(
        id=case.id,
        origin=case.origin,
        article_file=_portable(case.article_file),
        article_sha256=hashlib.sha256(case.article.encode("utf-8")).hexdigest(),
        seconds=round(seconds, 4),
    )
    if error is not None:
        rec.error = f"{type(error).__name__}: {error}"
        return rec
    data = brief.model_dump(mode="json")
    rec.prompt_version, rec.prompt_hash = brief.meta.prompt_version, brief.meta.prompt_hash
    if _inside(case.article_file, cases_dir):
        rec.brief = data
    else:  # an article from outside the project: its text must not be copied into the run file
        rec.brief, rec.texts = encode_texts(data, case.article), "offsets"
    return rec


def _portable(path: str) -> str:
    file, sep, anchor = path.partition("#")
    try:
        rel = os.path.relpath(file)
    except ValueError:  # another drive
        rel = file
    return rel + sep + anchor


def _article(case: Case) -> Any:
    from ..load import article_from_text

    return article_from_text(case.article, name=case.id, published=case.published)


def generate(
    cases: Sequence[Case],
    summariser: Any,
    *,
    jobs: int = 1,
    cases_dir: Path | None = None,
    on_case: OnCase | None = None,
) -> list[CaseRecord]:
    """Brief every case with ``summariser``; records in the order of ``cases``."""
    backend = summariser.backend  # builds (and for a local model, loads) it now: config errors come first
    brief = brief_call(summariser)
    one = _case_runner(lambda case: brief(_article(case)), cases_dir)
    return run_sync(brief_many(cases, one, jobs=jobs_for(backend, jobs), on_result=on_case))


def generate_on(
    executor: Any,
    cases: Sequence[Case],
    *,
    cases_dir: Path | None = None,
    on_start: Callable[[int], None] | None = None,
    on_case: OnCase | None = None,
) -> list[CaseRecord]:
    """``generate`` on an executor (``batch.executor``: this process, or Ray actors), started and closed
    here; records in the order of ``cases``."""
    one = _case_runner(lambda case: executor.brief(case.id, _article(case)), cases_dir)

    async def run_all() -> list[CaseRecord]:
        await executor.start()
        try:
            if on_start is not None:
                on_start(len(cases))
            return await brief_many(cases, one, jobs=executor.slots, on_result=on_case)
        finally:
            await executor.close()

    return run_sync(run_all())


def _case_runner(
    brief: Callable[[Case], Awaitable[Any]], cases_dir: Path | None
) -> Callable[[Case], Awaitable[CaseRecord]]:
    async def one(case: Case) -> CaseRecord:
        started = time.perf_counter()
        result, error = None, None
        try:
            result = await brief(case)
        except ConfigError:
            raise
        except Exception as exc:  # one case's failure is a finding, not the end of the run
            error = exc
        return _record(case, cases_dir, result, error, time.perf_counter() - started)

    return one


def score_records(
    cases: Sequence[Case], records: Sequence[CaseRecord], *, resamples: int = 1000, seed: int = 0
) -> tuple[list[CaseScore], Report]:
    """Score each record's brief against its case (a failed brief scores as schema-invalid)."""
    by_id = {c.id: c for c in cases}
    scores = []
    for rec in records:
        case = by_id.get(rec.id)
        if case is None:
            raise EvalError(f"case {rec.id} of the run is not among the cases given")
        brief = rec.brief_dict(case.article)
        score = score_case(case, brief if brief is not None else {})
        if brief is None:
            score.error = f"no brief: {rec.error}"
        scores.append(score)
    return scores, aggregate(scores, resamples=resamples, seed=seed)


def run_eval(
    cases_spec: str | Path,
    settings: Settings,
    *,
    limit: int | None = None,
    jobs: int = 1,
    backend: Backend | None = None,
    on_start: Callable[[int], None] | None = None,
    on_case: OnCase | None = None,
    resamples: int = 1000,
    seed: int = 0,
    executor: str = "local",
    ray: Any = None,
) -> RunFile:
    """Generate, score and record one eval run (see the module docstring).

    ``executor="ray"`` makes the briefs on Ray actors (``ray``: a ``RayOptions``); scoring stays here."""
    from ..batch.executor import LocalExecutor

    created, t0 = _now(), time.perf_counter()
    spec = str(cases_spec)
    cases = load_cases(spec)
    if limit is not None:
        cases = cases[: max(0, limit)]
    if not cases:
        raise EvalError(f"{spec}: no cases to run")
    loaded = time.perf_counter()
    cases_dir = Path(spec) if Path(spec).is_dir() else None
    chosen: Any
    if executor == "ray":
        from ..batch.ray_executor import RayExecutor

        if backend is not None:
            raise ConfigError("the Ray executor opens its backends in the actors: pass no backend")
        chosen = RayExecutor(settings, jobs=jobs, options=ray, command="eval")
        engine = None
    else:
        chosen = LocalExecutor(settings, jobs=jobs, backend=backend, command="eval")
        engine = chosen.engine.backend
    records: list[CaseRecord] = []
    status = "interrupted"
    try:
        records = generate_on(chosen, cases, cases_dir=cases_dir, on_start=on_start, on_case=on_case)
        status = "ok"
    finally:
        failed = sum(r.error is not None for r in records)
        chosen.finish(status=status, done=len(records) - failed, failed=failed)
    generated = time.perf_counter()
    scores, report = score_records(cases, records, resamples=resamples, seed=seed)
    scored = time.perf_counter()
    briefs = [r.brief for r in records if r.brief is not None]
    model_names = sorted({b["meta"]["model"] for b in briefs})
    versions = sorted({str(r.prompt_version) for r in records if r.prompt_version})
    counts = chosen.cache_counts()
    cache = None if counts is None else {"hits": counts[0], "misses": counts[1]}
    return RunFile(
        created=created,
        cases_spec=spec,
        limit=limit,
        model=str(settings.model_spec),
        engine=settings.model_spec.engine if backend is None else backend.engine,
        model_name=", ".join(model_names) or getattr(engine, "model", None) or str(settings.model_spec),
        prompt_versions=versions,
        prompts_sha256=prompts_sha256(),
        package_version=__version__,
        settings=settings_record(settings),
        timings={
            "load_s": round(loaded - t0, 4),
            "generate_s": round(generated - loaded, 4),
            "score_s": round(scored - generated, 4),
            "total_s": round(scored - t0, 4),
        },
        cache=cache,
        cases=records,
        scores=scores,
        report=report,
    )


def cases_for_run(
    run: RunFile, cases_spec: str | None = None, run_path: str | Path | None = None
) -> list[Case]:
    """The run's cases (in its order), loaded from ``cases_spec`` or the recorded spec."""
    spec = cases_spec or resolve_spec(run.cases_spec, run_path)
    try:
        loaded = load_cases(spec)
    except EvalError as exc:
        if cases_spec:
            raise
        raise EvalError(
            f"cases of the run not found: {exc.message}",
            hint=f"the run recorded {run.cases_spec!r} relative to the folder it ran in; "
            "pass --cases to say where they are",
        ) from None
    by_id = {c.id: c for c in loaded}
    missing = [i for i in run.case_ids if i not in by_id]
    if missing:
        raise EvalError(
            f"{spec}: {len(missing)} case(s) of the run are missing: {', '.join(missing[:5])}",
            hint="pass the cases the run was made from with --cases",
        )
    return [by_id[i] for i in run.case_ids]


def rescore(
    run: RunFile, cases: Sequence[Case], *, resamples: int | None = None, seed: int | None = None
) -> RunFile:
    """A copy of ``run`` with scores and report recomputed from its recorded briefs (no model)."""
    started = time.perf_counter()
    scores, report = score_records(
        cases,
        run.cases,
        resamples=run.report.resamples if resamples is None else resamples,
        seed=run.report.seed if seed is None else seed,
    )
    timings = {**run.timings, "rescore_s": round(time.perf_counter() - started, 4)}
    return run.model_copy(update={"scores": scores, "report": report, "rescored": _now(), "timings": timings})
