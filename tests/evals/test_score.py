from __future__ import annotations

import json

from eval_support import actor, brief, case, figure

from summariser.evals import CaseScore, score_case
from summariser.evals.score import INVALID_LABEL
from summariser.schema.brief import Meta, Usage


def test_schema_validity_comes_first_and_only_case_fields_are_scored() -> None:
    c = case({"actors": [{"name": "X Y", "kind": "person"}]}, fields=["actors", "event_type"])
    s = score_case(c, brief(actors=[actor(1, "X Y")]))
    keys = list(s.scores)
    assert keys[0] == "schema.valid" and s.scores["schema.valid"] == 1.0 and s.valid
    assert {k.split(".")[0] for k in keys} == {"schema", "actors", "event_type"}
    assert s.fields == ["event_type", "actors"]


def test_a_dict_that_fails_validation_is_invalid_and_scores_zero() -> None:
    c = case(
        {
            "casualties": [{"category": "killed", "count": 3, "as_written": "three"}],
            "actors": [{"name": "X", "kind": "other"}],
        },
        fields=["casualties", "actors", "event_type"],
    )
    bad = brief().model_dump(mode="json")
    bad["event"]["type"] = "Picnic"
    s = score_case(c, bad)
    assert not s.valid and s.error is not None and "event.type" in s.error
    assert s.scores["schema.valid"] == 0.0
    assert s.scores["actors.f1"] == 0.0 and s.scores["event_type.accuracy"] == 0.0
    assert s.scores["casualties.missing"] == 1.0 and s.scores["casualties.invented"] == 0.0
    assert s.labels["event_type"] == [("Explosions/Remote violence", INVALID_LABEL)]
    assert s.cost is None


def test_a_valid_dict_is_accepted() -> None:
    c = case({}, fields=["event_type"])
    assert score_case(c, brief().model_dump(mode="json")).scores["event_type.accuracy"] == 1.0


def test_recall_only_fields_drop_precision_and_f1() -> None:
    c = case({"actors": [{"name": "X Y", "kind": "person"}]}, fields=["actors"], recall_only=["actors"])
    s = score_case(c, brief(actors=[actor(1, "X Y"), actor(2, "Other Person")]))
    assert s.scores == {"schema.valid": 1.0, "actors.recall": 1.0}


def test_case_score_carries_cost_and_round_trips_through_json() -> None:
    meta = Meta(
        engine="e",
        model="m",
        prompt_version="1",
        prompt_hash="h",
        source_sha256="s",
        usage=Usage(prompt_tokens=100, completion_tokens=20, total_tokens=120),
        llm_calls=2,
        retries=1,
        duration_s=1.5,
    )
    c = case({"casualties": [{"category": "killed", "count": 3, "as_written": "three"}]})
    s = score_case(c, brief(meta=meta, casualties=[figure("killed", 3)]))
    assert s.cost is not None and (s.cost.total_tokens, s.cost.llm_calls, s.cost.retries) == (120, 2, 1)
    again = CaseScore.model_validate(json.loads(s.model_dump_json()))
    assert again == s
