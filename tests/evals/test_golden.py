"""The golden cases in evals/cases: well formed, verbatim, and perfectly scored by their own answer key."""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import pytest
import yaml

from summariser.evals import Case, golden_to_brief, load_case, load_cases, score_case
from summariser.evals.metrics import COUNT_METRICS
from summariser.evals.models import GoldActor, GoldLocation, GoldPerpetrator, GoldSource
from summariser.grounding.align import Aligner
from summariser.schema.brief import IncidentBrief, Quote

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "evals" / "cases"
SAMPLE = CASES / "sample-maaret"
CASE_IDS = sorted(d.name for d in CASES.iterdir() if (d / "golden.yaml").is_file())
# the event-core cases score only some fields; the quote tests run on the cases that score quotes
QUOTED = [
    i
    for i in CASE_IDS
    if "quotes" in (yaml.safe_load((CASES / i / "golden.yaml").read_text()).get("fields") or ["quotes"])
]


@cache
def _cases() -> dict[str, Case]:
    return {c.id: c for c in load_cases(CASES)}


@pytest.fixture(scope="module")
def cases(shared_dir: Path) -> dict[str, Case]:  # sample-maaret reads ../shared
    return _cases()


def test_the_set_has_fifteen_written_cases_and_the_sample(cases: dict[str, Case]) -> None:
    written = [c for c in cases.values() if c.id != "sample-maaret"]
    assert len(written) >= 15 and "sample-maaret" in cases
    for c in written:
        assert Path(c.article_file) == CASES / c.id / "article.txt"
        words = len(c.article.split())
        assert 150 <= words <= 600 or words > 2500, (c.id, words)
        assert c.published is not None
    assert any(len(c.article.split()) > 2500 for c in written)
    assert sum('"' in c.article for c in written) >= 3 and sum("“" in c.article for c in written) >= 3


def test_sample_case_keeps_the_shared_article_out_of_the_project(cases: dict[str, Case]) -> None:
    assert not (SAMPLE / "article.txt").exists()
    assert Path(cases["sample-maaret"].article_file).parent.name == "articles"
    # no 8-word run of the shared article appears in the answer key
    article_words = cases["sample-maaret"].article.split()
    golden_text = " ".join((SAMPLE / "golden.yaml").read_text(encoding="utf-8").split())
    runs = {" ".join(article_words[i : i + 8]) for i in range(len(article_words) - 8)}
    assert not [r for r in runs if r in golden_text]


def test_sample_answer_key(cases: dict[str, Case]) -> None:
    g = cases["sample-maaret"].golden
    speakers = [q.speaker or "" for q in g.quotes]
    assert sorted(speakers) == sorted(
        ["Salem al-Meslet"] * 3 + ["Anas al-Maarawi", "Riyad Hijab", "Josh Earnest"]
    )
    figures = {
        (f.count, f.qualifier.value, f.reported_by) for f in g.casualties if f.category.value == "killed"
    }
    assert figures == {(44, "exact", None), (37, "at least", "ABC")}
    assert g.locations[0].name == "Maaret al-Numan" and "Maarat al-Noaman" in g.locations[0].aliases
    perpetrator = g.perpetrators[0]
    assert perpetrator.certainty is not None and perpetrator.certainty.value == "suspected"
    assert perpetrator.attributed_by == ["U.S. State Department"]
    assert any("Geneva" in p.name for p in g.diplomatic.processes)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_golden_text_occurs_in_the_article(case_id: str, shared_dir: Path) -> None:
    c = _cases()[case_id]
    aligner, g = Aligner(c.article), c.golden
    for q in g.quotes:
        for segment in q.segments:
            assert segment in c.article, f"quote not verbatim: {segment!r}"
        assert q.speaker is None or g.actor_named(q.speaker) is not None, (
            f"speaker {q.speaker!r} is not an actor"
        )
    named: list[GoldActor | GoldLocation | GoldPerpetrator | GoldSource] = [
        *g.actors,
        *g.locations,
        *g.perpetrators,
        *g.sources,
    ]
    for item in named:
        variants = [item.name, *item.aliases]
        assert item.evidence or any(aligner.find_all(v) for v in variants), (
            f"{item.name!r} not in the article"
        )
    for f in g.casualties:
        assert f.evidence or aligner.find_all(f.as_written), f"{f.as_written!r} not in the article"
    for excerpt in (e for item in [*named, *g.casualties, *g.diplomatic.key_points] for e in item.evidence):
        assert aligner.find_all(excerpt), f"evidence not in the article: {excerpt!r}"


def _perfect(scores: dict[str, float | None]) -> dict[str, float | None]:
    return {k: v for k, v in scores.items() if v is not None and v != (0.0 if k in COUNT_METRICS else 1.0)}


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_answer_key_as_a_brief_scores_perfectly(case_id: str, shared_dir: Path) -> None:
    c = _cases()[case_id]
    brief = golden_to_brief(c)
    assert all(c.article[e.start : e.end] == e.text for e in brief.all_evidence())
    score = score_case(c, brief)
    assert score.valid and _perfect(score.scores) == {}
    assert set(score.fields) == set(c.fields)
    again = score_case(c, brief.model_dump(mode="json"))  # the JSON form scores the same
    assert again.scores == score.scores


def _changed(c: Case, brief: IncidentBrief) -> dict[str, tuple[float | None, float | None]]:
    base = score_case(c, golden_to_brief(c)).scores
    new = score_case(c, brief).scores
    assert new.keys() == base.keys()
    return {k: (base[k], new[k]) for k in base if base[k] != new[k]}


def _worse(changes: dict[str, tuple[float | None, float | None]]) -> bool:
    return all(
        (new > old if k in COUNT_METRICS else new < old)
        for k, (old, new) in changes.items()
        if old is not None and new is not None
    )


@pytest.mark.parametrize("case_id", [i for i in QUOTED if i != "sample-maaret"] + ["sample-maaret"])
def test_wrong_speaker_only_lowers_speaker_accuracy(case_id: str, shared_dir: Path) -> None:
    c = _cases()[case_id]
    brief = golden_to_brief(c)
    target = next(q for q, g in zip(brief.quotes, c.golden.quotes, strict=True) if g.speaker)
    target.speaker, target.speaker_id = "Zebulon Quirke", None
    changes = _changed(c, brief)
    assert set(changes) == {"quotes.speaker_accuracy"} and _worse(changes)


WITH_FIGURES = [
    i
    for i in CASE_IDS
    if i
    not in {"no-casualties-protest", "diplomatic-meeting", "ceasefire-announcement", "sanctions-announcement"}
]


@pytest.mark.parametrize("case_id", WITH_FIGURES)
def test_dropped_figure_only_lowers_casualty_scores(case_id: str, shared_dir: Path) -> None:
    c = _cases()[case_id]
    assert c.golden.casualties
    brief = golden_to_brief(c)
    brief.casualties.pop(0)
    changes = _changed(c, brief)
    assert {"casualties.recall", "casualties.missing"} <= set(changes)
    # the toll reads the same figures: it may move with them, nothing else may
    assert {k.split(".")[0] for k in changes} <= {"casualties", "toll"} and _worse(changes)


@pytest.mark.parametrize("case_id", QUOTED)
def test_invented_quote_only_lowers_quote_precision_and_grounding(case_id: str, shared_dir: Path) -> None:
    c = _cases()[case_id]
    brief = golden_to_brief(c)
    brief.quotes.append(
        Quote(
            id="q-invented",
            text="Not one of these words was ever said by anybody here",
            speaker="Zebulon Quirke",
        )
    )
    changes = _changed(c, brief)
    expected = {
        "quotes.precision",
        "quotes.f1",
        "quotes.exact_precision",
        "quotes.exact_f1",
        "quotes.token_precision",
        "quotes.token_f1",
        "quotes.verbatim",
        "grounding.ungrounded",
        "grounding.grounded_rate",
    }
    assert set(changes) == expected and _worse(changes)


def test_sample_case_without_the_shared_folder_fails_clearly(tmp_path: Path) -> None:
    copy = tmp_path / "evals" / "cases" / "sample-maaret"
    shutil.copytree(SAMPLE, copy)
    from summariser.errors import EvalError

    with pytest.raises(EvalError) as err:
        load_case(copy)
    assert "article not found" in str(err.value) and "golden.yaml:" in str(err.value)
    assert "../shared" in str(err.value)


def test_every_bad_case_is_reported_in_one_run(tmp_path: Path) -> None:
    from summariser.errors import EvalError

    for name in ("interrupted-quote", "numbers-as-words", "pronoun-speakers"):
        shutil.copytree(CASES / name, tmp_path / name)
    (tmp_path / "interrupted-quote" / "golden.yaml").write_text("event: [unclosed\n", encoding="utf-8")
    (tmp_path / "pronoun-speakers" / "article.txt").write_text("   \n", encoding="utf-8")
    with pytest.raises(EvalError) as err:
        load_cases(tmp_path)
    message = str(err.value)
    assert "2 of 3 cases" in message
    assert "interrupted-quote" in message and "pronoun-speakers" in message
    assert "numbers-as-words" not in message
