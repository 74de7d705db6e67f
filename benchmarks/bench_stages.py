"""3. Throughput of the deterministic stages (extract + ground + render, no model) on one core.

The child pins itself to one CPU (and BLAS to one thread), loads spaCy once, then briefs every article
with ``--model extractive`` and renders it as JSON: articles per second over the eval cases and over the
PolNeAR dev articles (median of repetitions), with the time per stage. Below the goal, a pyinstrument
profile of one pass shows the hot spots.

    .venv/bin/python -m benchmarks.bench_stages [--quick]
"""

from __future__ import annotations

import argparse
import contextlib
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
    from summariser.output.render import render_json
    from summariser.pipeline import Summariser

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


EXTRACT_STEPS = (
    "find_quotes",
    "find_places",
    "build_actors",
    "find_citations",
    "attribute",
    "classify",
    "event_sentences",
    "event_places",
    "find_perpetrators",
    "find_casualties",
    "find_processes",
    "find_positions",
    "find_next_steps",
    "find_time",
    "find_discrepancies",
    "headline",
    "description",
    "summary_sentences",
)
ASSEMBLE_STEPS = (
    "_actors",
    "_quotes",
    "_casualties",
    "_locations",
    "_diplomacy",
    "_discrepancies",
    "_free_text",
)


class _TimedNLP:
    """Stands in for the spaCy pipeline: times each call."""

    def __init__(self, nlp: Any, stages: Stages) -> None:
        self.nlp, self.stages = nlp, stages

    def __call__(self, text: str) -> Any:
        with self.stages.time("extract: spaCy pipeline (nlp(text))"):
            return self.nlp(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.nlp, name)


def breakdown(docs: Sequence[Doc]) -> dict[str, float]:
    """Milliseconds per article of each step of extract and assemble (one pass; steps nest under their
    stage, so the rows of one stage add up to at most its total)."""
    import summariser.extract as extract_pkg
    import summariser.extract.nlp as nlp_mod
    import summariser.grounding.assemble as assemble_mod

    stages = Stages()
    original = nlp_mod.get_nlp
    timed = _TimedNLP(original(), stages)
    with contextlib.ExitStack() as stack:
        setattr(nlp_mod, "get_nlp", lambda: timed)  # noqa: B010 - a stand-in, put back on exit
        stack.callback(setattr, nlp_mod, "get_nlp", original)
        stack.enter_context(
            stages.patch(extract_pkg, "analyse", "extract: analyse (spaCy + sentences, mentions)")
        )
        for name in EXTRACT_STEPS:
            if hasattr(extract_pkg, name):
                stack.enter_context(stages.patch(extract_pkg, name, f"extract: {name}"))
        for name in ASSEMBLE_STEPS:
            if hasattr(assemble_mod, name):
                stack.enter_context(stages.patch(assemble_mod, name, f"ground: assemble.{name}"))
        stack.enter_context(stages.patch(assemble_mod, "ActorIdResolver", "ground: ActorIdResolver()"))
        pass_stages = one_pass(docs)
    out = {k: round(1000 * v / len(docs), 2) for k, v in stages.seconds.items()}
    out.update({f"stage: {k}": round(1000 * v / len(docs), 2) for k, v in pass_stages.seconds.items()})
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def spacy_components(docs: Sequence[Doc]) -> dict[str, float]:
    """Milliseconds per article of each spaCy component the extractor runs (tokenizer included)."""
    from summariser.extract.nlp import get_nlp

    nlp = get_nlp()
    stages = Stages()
    for d in docs:
        with stages.time("tokenizer"):
            doc = nlp.make_doc(d.text)
        for name, proc in nlp.pipeline:
            with stages.time(name):
                doc = proc(doc)
    return {k: round(1000 * v / len(docs), 2) for k, v in stages.seconds.items()}


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
    steps = breakdown(list(evals) + list(polnear))
    components = spacy_components(list(evals) + list(polnear))
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
        "steps_ms_per_article (all articles, one pass)": steps,
        "spacy_components_ms_per_article": components,
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
