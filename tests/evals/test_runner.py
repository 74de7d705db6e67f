"""The eval runner and the run file: generation, per-case failures, caching, re-scoring, article texts."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summariser import __version__
from summariser.backends.fake import FakeBackend
from summariser.errors import ConfigError, EvalError
from summariser.evals import load_cases
from summariser.evals.runfile import (
    MIN_REF,
    REF_KEY,
    decode_texts,
    dump_run,
    encode_texts,
    load_run,
    resolve_spec,
    save_run,
)
from summariser.evals.runner import cases_for_run, rescore, run_eval
from summariser.pipeline import Summariser
from summariser.schema.brief import IncidentBrief
from summariser.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "evals" / "cases"


def _fake_draft(messages: object, response_model: type) -> dict[str, str]:
    return {
        "headline": "An incident",
        "summary": "Something happened.",
        "event_type": "Other",
        "description": "x",
    }


@pytest.fixture(scope="module")
def run():
    return run_eval(CASES, Settings(model="extractive"), resamples=100)


@pytest.fixture(scope="module")
def cases():
    return load_cases(CASES)


def test_run_records_every_case_with_its_article_hash(run, cases) -> None:
    assert run.case_ids == [c.id for c in cases]
    for rec, case in zip(run.cases, cases, strict=True):
        assert rec.article_sha256 == hashlib.sha256(case.article.encode("utf-8")).hexdigest()
        assert rec.error is None
        brief = IncidentBrief.model_validate(rec.brief_dict(case.article))
        assert brief.meta.source_sha256 == rec.article_sha256
        assert rec.prompt_version == brief.meta.prompt_version
    assert [s.case_id for s in run.scores] == run.case_ids


def test_run_records_what_made_it(run) -> None:
    assert (run.model, run.engine, run.model_name) == ("extractive", "extractive", "extractive")
    assert run.prompt_versions == ["none"]
    assert run.package_version == __version__
    assert len(run.prompts_sha256) == 16
    assert run.settings["model"] == "extractive" and "api_key" not in run.settings
    assert set(run.timings) >= {"load_s", "generate_s", "score_s", "total_s"}
    assert run.cache is None  # the extractive engine calls no model, so nothing is cached


def test_schema_validity_comes_first_in_the_report(run) -> None:
    assert next(iter(run.report.metrics)) == "schema.valid"
    assert run.report.metrics["schema.valid"].mean == 1.0
    assert run.report.n_valid == run.report.n_cases == len(run.cases)


def test_rescoring_reproduces_the_recorded_scores(run, cases) -> None:
    again = rescore(run, cases)
    assert again.scores == run.scores
    assert again.report == run.report
    assert again.rescored is not None


def test_run_file_round_trips_one_line_per_case(run, tmp_path: Path) -> None:
    path = save_run(run, tmp_path / "runs" / "run.json")
    assert load_run(path) == run
    lines = path.read_text(encoding="utf-8").splitlines()
    assert sum(line.startswith(' {"id":') for line in lines) == len(run.cases)


def test_load_run_rejects_bad_files(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="no such run file"):
        load_run(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{nope", encoding="utf-8")
    with pytest.raises(EvalError, match="not JSON"):
        load_run(tmp_path / "bad.json")
    (tmp_path / "other.json").write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(EvalError, match="not an eval run file"):
        load_run(tmp_path / "other.json")
    (tmp_path / "partial.json").write_text(
        '{"format": "summariser-eval-run", "version": 1}', encoding="utf-8"
    )
    with pytest.raises(EvalError, match="malformed run file"):
        load_run(tmp_path / "partial.json")


def test_texts_of_articles_outside_the_cases_folder_are_stored_as_offsets(run, cases) -> None:
    by_id = {c.id: c for c in cases}
    external = [r for r in run.cases if not Path(by_id[r.id].article_file).resolve().is_relative_to(CASES)]
    assert external, "evals/cases should hold a case whose article lives in ../shared"
    text = dump_run(run)
    for rec in external:
        assert rec.texts == "offsets"
        article = by_id[rec.id].article
        windows = {article[i : i + 40] for i in range(0, len(article) - 40, 7)}
        assert not [w for w in windows if w in text], f"{rec.id}: article text copied into the run file"
        restored = rec.brief_dict(article)
        fresh = Summariser(Settings(model="extractive")).summarise(
            article, published=by_id[rec.id].published, name=rec.id
        )
        expected = fresh.model_dump(mode="json")
        for d in (restored, expected):
            d["meta"].pop("duration_s")
        assert restored == expected
    inline = [r for r in run.cases if r not in external]
    assert inline and all(r.texts == "inline" for r in inline)


def test_restoring_a_brief_refuses_a_changed_article(run, cases) -> None:
    rec = next(r for r in run.cases if r.texts == "offsets")
    article = next(c.article for c in cases if c.id == rec.id)
    with pytest.raises(EvalError, match="article has changed"):
        rec.brief_dict(article + " ")


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet="abc d.", min_size=MIN_REF, max_size=300),
    st.lists(st.tuples(st.integers(0, 299), st.integers(0, 80), st.text(max_size=12)), max_size=6),
)
def test_encoding_texts_round_trips(article: str, cuts: list[tuple[int, int, str]]) -> None:
    pieces = [article[a : a + n] + lit for a, n, lit in cuts]
    data = {"text": "".join(pieces), "list": pieces, "n": 3, "none": None}
    encoded = encode_texts(data, article)
    assert decode_texts(encoded, article) == data
    assert decode_texts(json.loads(json.dumps(encoded)), article) == data


def test_a_long_verbatim_string_becomes_one_reference() -> None:
    article = "The minister said the talks would resume in Geneva next week, officials confirmed."
    quote = article[4:60]
    assert encode_texts(quote, article) == {REF_KEY: [[4, 60]]}
    assert encode_texts("short", article) == "short"


def test_a_failed_brief_is_recorded_and_scored_invalid(monkeypatch: pytest.MonkeyPatch) -> None:
    original = Summariser.brief

    def flaky(self: Summariser, article):  # type: ignore[no-untyped-def]
        if article.name == "conflicting-death-tolls":
            raise RuntimeError("boom")
        return original(self, article)

    monkeypatch.setattr(Summariser, "brief", flaky)
    run = run_eval(CASES, Settings(model="extractive"), limit=3, resamples=10)
    rec = run.record("conflicting-death-tolls")
    assert rec.brief is None and rec.error == "RuntimeError: boom"
    score = run.score_of("conflicting-death-tolls")
    assert score is not None and not score.valid and "boom" in (score.error or "")
    assert score.scores["schema.valid"] == 0.0
    assert run.report.n_valid == 2
    assert run.report.metrics["schema.valid"].mean == pytest.approx(2 / 3)


def test_a_configuration_error_stops_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Summariser, article):  # type: ignore[no-untyped-def]
        raise ConfigError("no key")

    monkeypatch.setattr(Summariser, "brief", broken)
    with pytest.raises(ConfigError):
        run_eval(CASES, Settings(model="extractive"), limit=2)


def test_a_second_run_is_answered_from_the_cache(tmp_path: Path) -> None:
    settings_ = Settings(model="extractive", cache_dir=tmp_path)
    first_backend = FakeBackend(mode="full", default=_fake_draft)
    first = run_eval(CASES, settings_, backend=first_backend, limit=3, resamples=10)
    assert first_backend.calls and first.cache == {"hits": 0, "misses": len(first_backend.calls)}
    assert all(r.brief is not None and r.brief["meta"]["llm_calls"] >= 1 for r in first.cases)
    second_backend = FakeBackend(mode="full")  # no answers: any model call would fail the brief
    second = run_eval(CASES, settings_, backend=second_backend, limit=3, resamples=10)
    assert second_backend.calls == []
    assert second.cache is not None and second.cache["hits"] == len(first_backend.calls)
    assert all(r.brief is not None and r.brief["meta"]["llm_calls"] == 0 for r in second.cases)
    assert [s.scores for s in second.scores] == [s.scores for s in first.scores]


def test_no_cache_calls_the_model_again(tmp_path: Path) -> None:
    settings_ = Settings(model="extractive", cache_dir=tmp_path, use_cache=False)
    for _ in range(2):
        backend = FakeBackend(mode="full", default=_fake_draft)
        run = run_eval(CASES, settings_, backend=backend, limit=2, resamples=10)
        assert len(backend.calls) >= 2 and run.cache is None


class _RemoteFake(FakeBackend):
    engine = "openai"


def test_remote_engines_brief_several_cases_at_once_in_case_order(tmp_path: Path) -> None:
    backend = _RemoteFake(mode="full", default=_fake_draft)
    seen: list[str] = []
    run = run_eval(
        CASES,
        Settings(model="extractive", use_cache=False),
        backend=backend,
        jobs=3,
        limit=5,
        resamples=10,
        on_case=lambda rec: seen.append(rec.id),
    )
    ids = [c.id for c in load_cases(CASES)][:5]
    assert run.case_ids == ids and sorted(seen) == sorted(ids)
    assert all(r.error is None for r in run.cases)


def test_cases_for_run_finds_the_recorded_cases_from_the_run_file(run, tmp_path: Path) -> None:
    assert [c.id for c in cases_for_run(run)] == run.case_ids
    other = run.model_copy(update={"cases_spec": "no/such/folder"})
    with pytest.raises(EvalError):
        cases_for_run(other)
    assert [c.id for c in cases_for_run(other, str(CASES))] == run.case_ids


def test_resolve_spec_looks_above_the_run_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "data" / "dev").mkdir(parents=True)
    (tmp_path / "evals" / "baselines").mkdir(parents=True)
    run_file = tmp_path / "evals" / "baselines" / "x.json"
    monkeypatch.chdir(tmp_path / "evals")
    assert Path(resolve_spec("data/dev", run_file)).resolve() == tmp_path / "data" / "dev"
    assert resolve_spec("polnear:data/dev", run_file).startswith("polnear:")
    assert (
        Path(resolve_spec("polnear:data/dev", run_file).split(":", 1)[1]).resolve()
        == tmp_path / "data" / "dev"
    )
    assert resolve_spec("nowhere", run_file) == "nowhere"
