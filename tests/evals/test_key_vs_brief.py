"""The answer key beside the brief: statuses per item on tiny hand-made cases (texts invented here)."""

from __future__ import annotations

from eval_support import actor, brief, case, figure, quote

from summariser.evals import score_case
from summariser.evals.key_vs_brief import DETAILED, FieldView, field_views
from summariser.schema.brief import Event, EventTime, Location, Perpetrator
from summariser.schema.taxonomy import EventType

KEY = {
    "locations": [{"name": "Tel Sabra"}, {"name": "Kafr Nabl"}],
    "time": {"text": "on Monday"},
    "casualties": [{"category": "killed", "count": 10, "as_written": "10", "reported_by": "the council"}],
    "perpetrators": [{"name": "the army", "certainty": "claimed"}],
    "actors": [{"name": "Salem al-Meslet", "kind": "person"}, {"name": "the council"}],
    "quotes": [
        {"text": "We lost everything", "speaker": "Salem al-Meslet"},
        {"text": "The world must act", "speaker": "Salem al-Meslet"},
    ],
}


def views(**fields: object) -> dict[str, FieldView]:
    c = case(KEY)
    b = brief(**fields)
    return {v.name: v for v in field_views(score_case(c, b), c, b)}


def made(view: FieldView) -> list[tuple[str | None, str | None, str]]:
    return [
        (ln.gold.main if ln.gold else None, ln.made.main if ln.made else None, ln.status) for ln in view.lines
    ]


def test_statuses_follow_the_matching_of_the_metrics() -> None:
    v = views(
        event=Event(
            type=EventType.BATTLES,
            description="d",
            locations=[Location(id="l1", name="Tel Sabra"), Location(id="l2", name="Aleppo")],
            time=EventTime(text="on Monday"),
            perpetrators=[Perpetrator(name="the army", certainty="confirmed")],
        ),
        casualties=[figure("killed", 10, reported_by="the council"), figure("injured", 4)],
        actors=[actor(1, "Salem al-Meslet"), actor(2, "Red Crescent")],
        quotes=[
            quote(1, "We lost everything", speaker="Salem al-Meslet"),
            quote(2, "The world must act", speaker="the council"),
            quote(3, "Nobody came"),
        ],
    )
    assert made(v["locations"]) == [
        ("Tel Sabra", "Tel Sabra", "match"),
        ("Kafr Nabl", None, "missed"),
        (None, "Aleppo", "invented"),
    ]
    assert made(v["event_type"]) == [("Explosions/Remote violence", "Battles", "wrong type")]
    assert made(v["time"]) == [("on Monday", "on Monday", "match")]
    assert [ln.status for ln in v["perpetrators"].lines] == ["wrong certainty"]
    assert v["perpetrators"].lines[0].made is not None and v["perpetrators"].lines[0].made.sub_bad
    assert [ln.status for ln in v["casualties"].lines] == ["match", "invented"]
    assert made(v["actors"]) == [
        ("Salem al-Meslet", "Salem al-Meslet", "match"),
        ("the council", None, "missed"),
        (None, "Red Crescent", "invented"),
    ]
    quotes = v["quotes"].lines
    assert [ln.status for ln in quotes] == ["match", "wrong speaker", "invented"]
    assert quotes[1].made is not None and quotes[1].made.sub_bad and quotes[1].made.sub == "— the council"
    assert quotes[1].gold is not None and quotes[1].gold.sub == "— Salem al-Meslet"
    assert all(ln.tone == "bad" for ln in quotes[1:])
    assert [n for n in v if v[n].detailed] == [n for n in DETAILED if n in v]  # display order
    assert v["quotes"].scores[0][0] == "exact_precision"  # the field's metrics, prefix dropped


def test_partial_keys_say_not_in_key_and_no_brief_gives_scores_only() -> None:
    c = case({"actors": [{"name": "Salem al-Meslet"}]}, recall_only=["actors"])
    b = brief(actors=[actor(1, "Salem al-Meslet"), actor(2, "Red Crescent")])
    lines = {v.name: v for v in field_views(score_case(c, b), c, b)}["actors"].lines
    assert [(ln.status, ln.tone) for ln in lines] == [("match", "good"), ("not in key", "neutral")]
    scores_only = field_views(score_case(c, b), None, None)
    assert scores_only and not any(v.detailed or v.lines for v in scores_only)
