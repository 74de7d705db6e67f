"""3. Throughput of the deterministic stages (extract + ground + render, no model) on one core.

The child pins itself to one CPU (and BLAS to one thread), loads spaCy once, then briefs every article
with ``--model extractive`` and renders it as JSON: articles per second over the eval cases and over the
PolNeAR dev articles (median of repetitions), with the time per stage. Below the goal, a pyinstrument
profile of one pass shows the hot spots.

    .venv/bin/python -m benchmarks.bench_stages [--quick]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from typing import Any

from benchmarks.common import (
    ONE_THREAD_ENV,
    Doc,
    Stages,
    emit,
    eval_docs,
    loadavg,
    maxrss_mb,
    pin_to_one_core,
    polnear_docs,
    profile_summary,
    summary,
)

GOAL = 20.0  # articles per second, excluding model time


def one_pass(docs: Sequence[Doc]) -> Stages:
    """Brief every doc with the extractive engine and render it as JSON, timing each stage."""
    import summariser.extract as extract_pkg
    import summariser.pipeline as pipeline
    from summariser.load import article_from_text
    from summariser.pipeline import Summariser
    from summariser.render import render_json

    engine = Summariser(model="extractive", use_cache=False, use_log=False)
    stages = Stages()
    with (
        stages.patch(extract_pkg, "extract", "extract"),
        stages.patch(pipeline, "assemble", "ground+assemble"),
        stages.patch(pipeline, "Grounder", "ground+assemble"),
    ):
        for doc in docs:
            started = time.perf_counter()
            with stages.time("load"):
                article = article_from_text(doc.text, name=doc.id, published=doc.published)
            brief = engine.brief(article)
            with stages.time("render"):
                render_json(brief)
            stages.add("total", time.perf_counter() - started)
    return stages


def corpus_result(name: str, docs: Sequence[Doc], reps: int) -> dict[str, Any]:
    runs = [one_pass(docs) for _ in range(reps)]
    rates = [len(docs) / r.seconds["total"] for r in runs]
    mid = sorted(range(reps), key=lambda i: rates[i])[reps // 2]
    stages = runs[mid].seconds
    per_article_ms = {k: round(1000 * v / len(docs), 2) for k, v in stages.items()}
    per_article_ms["meta + evidence check + rest"] = round(
        per_article_ms["total"] - sum(v for k, v in per_article_ms.items() if k != "total"), 2
    )
    return {
        "corpus": name,
        "articles": len(docs),
        "chars": sum(len(d.text) for d in docs),
        "articles_per_s": summary(rates, 2),
        "chars_per_s": round(sum(len(d.text) for d in docs) / stages["total"]),
        "per_article_ms (median run)": per_article_ms,
    }


def measure(
    evals: Sequence[Doc], polnear: Sequence[Doc], reps: int, *, profile: bool = True
) -> dict[str, Any]:
    from summariser.extract import warm_up

    cpu = pin_to_one_core()
    started = time.perf_counter()
    warm_up()
    spacy_load = time.perf_counter() - started
    one_pass(evals[:1])  # first-call costs (lazy imports, regex compiles) stay out of the measurement
    corpora = [corpus_result("eval cases", evals, reps), corpus_result("PolNeAR dev", polnear, reps)]
    worst = min(c["articles_per_s"]["median"] for c in corpora)
    result: dict[str, Any] = {
        "goal": f">= {GOAL:g} articles/s on one core (extract + ground + render, spaCy loaded once)",
        "measured": worst,
        "met": worst >= GOAL,
        "unit": "articles/s (slowest corpus)",
        "pinned_cpu": cpu,
        "spacy_load_s": round(spacy_load, 3),
        "reps": reps,
        "corpora": corpora,
        "loadavg_end": loadavg(),
        "maxrss_mb": maxrss_mb(),
    }
    if profile and not result["met"]:
        sample = list(evals) + list(polnear[:20])
        result["profile"] = profile_summary(lambda: one_pass(sample), "one_pass", lines=70)
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 PolNeAR articles, 1 repetition")
    args = parser.parse_args(argv)
    for key, value in ONE_THREAD_ENV.items():  # before numpy/spaCy load (run.py also sets them)
        os.environ.setdefault(key, value)
    evals = eval_docs()
    polnear = polnear_docs(limit=20 if args.quick else None)
    emit(measure(evals, polnear, reps=1 if args.quick else 3))


if __name__ == "__main__":
    main()
