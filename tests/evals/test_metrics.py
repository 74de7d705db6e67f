"""Every evaluator on tiny hand-made cases, against values computed by hand."""

from __future__ import annotations

import pytest
from eval_support import ARTICLE, actor, brief, case, ev, figure, quote

from summariser.evals.metrics import (
    ActorsEvaluator,
    CasualtiesEvaluator,
    DiplomaticEvaluator,
    DiscrepanciesEvaluator,
    EventTypeEvaluator,
    GroundingEvaluator,
    LocationsEvaluator,
    PerpetratorsEvaluator,
    QuotesEvaluator,
    SourcesEvaluator,
    SummaryEvaluator,
    TimeEvaluator,
    quote_is_verbatim,
)
from summariser.schema.brief import (
    Alignment,
    CasualtyCategory,
    CasualtyFigure,
    Certainty,
    DiplomaticContext,
    DiplomaticProcess,
    Discrepancy,
    DiscrepancyValue,
    Event,
    EventTime,
    Evidence,
    Location,
    NextStep,
    Origin,
    Perpetrator,
    Position,
    Source,
)
from summariser.schema.taxonomy import EventType


def test_actors_precision_recall_f1_alias_aware() -> None:
    c = case(
        {
            "actors": [
                {"name": "Salem al-Meslet", "kind": "person"},
                {"name": "High Negotiations Committee", "aliases": ["HNC"], "kind": "political_body"},
                {"name": "Riyad Hijab", "kind": "person"},
            ]
        }
    )
    b = brief(actors=[actor(1, "al-Meslet"), actor(2, "HNC"), actor(3, "Ahmed al-Meslet"), actor(4, "ABC")])
    s = ActorsEvaluator().evaluate(c, b).scores
    # matched: al-Meslet ~ Salem al-Meslet, HNC ~ the committee; Ahmed al-Meslet and ABC match nothing
    assert s == {"actors.precision": 2 / 4, "actors.recall": 2 / 3, "actors.f1": pytest.approx(4 / 7)}


def test_empty_set_conventions() -> None:
    nothing = case({})
    assert ActorsEvaluator().evaluate(nothing, brief()).scores == {
        "actors.precision": 1.0,
        "actors.recall": None,  # nothing to recall: undefined (issue 14)
        "actors.f1": 1.0,
    }
    assert ActorsEvaluator().evaluate(nothing, brief(actors=[actor(1, "X")])).scores == {
        "actors.precision": 0.0,
        "actors.recall": None,
        "actors.f1": 0.0,
    }
    some = case({"actors": [{"name": "X", "kind": "other"}]})
    assert ActorsEvaluator().evaluate(some, brief()).scores == {
        "actors.precision": 0.0,
        "actors.recall": 0.0,
        "actors.f1": 0.0,
    }


def test_locations_and_sources_match_aliases() -> None:
    c = case(
        {
            "locations": [{"name": "Maaret al-Numan", "aliases": ["Maarat al-Noaman"]}, {"name": "Idlib"}],
            "sources": [{"name": "New York Times", "aliases": ["NYT"]}],
        }
    )
    b = brief(
        event=Event(
            type=EventType.EXPLOSIONS, description="d", locations=[Location(id="l1", name="Maarat al-Noaman")]
        ),
        sources_cited=[Source(name="the New York Times"), Source(name="ABC")],
    )
    assert LocationsEvaluator().evaluate(c, b).scores == {
        "locations.precision": 1.0,
        "locations.recall": 0.5,
        "locations.f1": pytest.approx(2 / 3),
    }
    assert SourcesEvaluator().evaluate(c, b).scores == {
        "sources.precision": 0.5,
        "sources.recall": 1.0,
        "sources.f1": pytest.approx(2 / 3),
    }


def test_quotes_exact_token_speaker_and_verbatim() -> None:
    c = case(
        {
            "actors": [{"name": "Salem al-Meslet", "aliases": ["al-Meslet"], "kind": "person"}],
            "quotes": [
                {"text": "We lost everything,", "speaker": "Salem al-Meslet"},
                {"text": "The world must act,", "speaker": "Salem al-Meslet"},
            ],
        }
    )
    b = brief(
        quotes=[
            quote(1, "“We lost everything”", "al-Meslet"),  # exact after folding marks and edge punctuation
            quote(2, "The world must act now", "Bashar"),  # token F1 2*4/(4+5) = 8/9, wrong speaker
            quote(3, "Nobody said this at all"),  # invented
        ]
    )
    s = QuotesEvaluator().evaluate(c, b).scores
    assert s["quotes.exact_precision"] == 1 / 3
    assert s["quotes.exact_recall"] == 1 / 2
    assert s["quotes.exact_f1"] == pytest.approx(2 * 1 / 5)
    assert s["quotes.precision"] == 2 / 3 and s["quotes.recall"] == 1.0
    assert s["quotes.f1"] == pytest.approx(4 / 5)
    soft = 1 + 8 / 9
    assert s["quotes.token_precision"] == pytest.approx(soft / 3)
    assert s["quotes.token_recall"] == pytest.approx(soft / 2)
    assert s["quotes.token_f1"] == pytest.approx(2 * soft / 5)
    assert s["quotes.speaker_accuracy"] == 0.5
    # "We lost everything" is in the article; "... act now" and the invention are not
    assert s["quotes.verbatim"] == pytest.approx(1 / 3)


def test_speaker_accuracy_uses_the_speaker_actor_aliases() -> None:
    c = case({"quotes": [{"text": "We lost everything,", "speaker": "Salem al-Meslet"}]})
    b = brief(actors=[actor(1, "Salem al-Meslet")], quotes=[quote(1, "We lost everything")])
    b.quotes[0].speaker_id = "a1"  # speaker only by id
    assert QuotesEvaluator().evaluate(c, b).scores["quotes.speaker_accuracy"] == 1.0


def test_interrupted_quote_is_verbatim_by_its_evidence_or_by_search() -> None:
    text = '"We will not negotiate," he added, "while our towns are being shelled."'
    joined = "We will not negotiate, while our towns are being shelled."
    spans = [ev(text, "We will not negotiate,"), ev(text, "while our towns are being shelled.")]
    assert quote_is_verbatim(text, quote(1, joined, evidence=spans))
    assert quote_is_verbatim(text, quote(1, joined))
    bad = Evidence(start=0, end=5, text="wrong", alignment=Alignment.EXACT, origin=Origin.LLM)
    assert not quote_is_verbatim(text, quote(1, "We will talk tomorrow and always", evidence=[bad]))


def test_casualties_exact_tolerance_range_missing_invented_reporter() -> None:
    c = case(
        {
            "casualties": [
                {"category": "killed", "count": 44, "as_written": "44"},
                {
                    "category": "killed",
                    "count": 37,
                    "qualifier": "at least",
                    "as_written": "at least 37",
                    "reported_by": "ABC",
                },
                {"category": "injured", "count": 100, "as_written": "100"},
            ]
        }
    )
    b = brief(
        casualties=[
            figure("killed", 44),  # exact
            figure("killed", 40, reported_by="ABC News"),  # within 10% of 37 and inside [37, inf)
            figure("injured", 150),  # neither within 10% nor overlapping
            figure("missing", 3),  # invented category
        ]
    )
    s = CasualtiesEvaluator().evaluate(c, b).scores
    assert s["casualties.exact_precision"] == 1 / 4 and s["casualties.exact_recall"] == 1 / 3
    assert s["casualties.precision"] == 2 / 4 and s["casualties.recall"] == 2 / 3
    assert s["casualties.f1"] == pytest.approx(4 / 7)
    assert s["casualties.range_recall"] == 2 / 3
    assert s["casualties.missing"] == 1.0 and s["casualties.invented"] == 2.0
    assert s["casualties.reporter_accuracy"] == 1.0  # None ~ None, "ABC News" ~ "ABC"
    assert s["casualties.qualifier_accuracy"] == 0.5  # exact vs "at least"


def test_casualty_tolerance_is_configurable_and_ranges_overlap() -> None:
    c = case(
        {"casualties": [{"category": "killed", "count_min": 20, "count_max": 30, "as_written": "20 to 30"}]}
    )
    b = brief(casualties=[figure("killed", 28)])
    strict = CasualtiesEvaluator(tolerance=0.0).evaluate(c, b).scores
    loose = CasualtiesEvaluator(tolerance=0.15).evaluate(c, b).scores
    assert strict["casualties.recall"] == 0.0 and strict["casualties.range_recall"] == 1.0
    assert loose["casualties.recall"] == 1.0  # 28 vs midpoint 25: 3 <= 0.15 * 28
    assert strict["casualties.exact_recall"] == 0.0


def test_event_type_time_and_perpetrator_certainty() -> None:
    c = case(
        {
            "event": {"type": "Explosions/Remote violence", "sub_type": "Air/drone strike"},
            "time": {"text": "on Tuesday", "date": "2016-04-19"},
            "perpetrators": [
                {"name": "Syrian government forces", "aliases": ["regime"], "certainty": "suspected"}
            ],
        }
    )
    b = brief(
        event=Event(
            type=EventType.EXPLOSIONS,
            sub_type="Shelling/artillery/missile attack",
            description="d",
            perpetrators=[Perpetrator(name="the regime", certainty=Certainty.CONFIRMED)],
        )
    )
    e = EventTypeEvaluator().evaluate(c, b)
    assert e.scores == {"event_type.accuracy": 1.0, "event_type.sub_type_accuracy": 0.0}
    assert e.labels["event_type.sub_type"] == [("Air/drone strike", "Shelling/artillery/missile attack")]
    p = PerpetratorsEvaluator().evaluate(c, b)
    assert p.scores["perpetrators.f1"] == 1.0 and p.scores["perpetrators.certainty_accuracy"] == 0.0
    assert p.labels["perpetrators.certainty"] == [("suspected", "confirmed")]
    t = TimeEvaluator().evaluate(c, b).scores
    assert t == {"time.date_accuracy": 0.0, "time.date_within_1d": 0.0, "time.text_accuracy": 0.0}


def test_discrepancies_match_field_and_values() -> None:
    c = case(
        {
            "discrepancies": [
                {
                    "field": "casualties.killed",
                    "values": [{"value": "44"}, {"value": "at least 37", "source": "ABC"}],
                }
            ]
        }
    )
    found = brief(
        discrepancies=[
            Discrepancy(
                field="casualties",
                description="d",
                values=[DiscrepancyValue(value="44 killed"), DiscrepancyValue(value="37 (ABC)")],
            )
        ]
    )
    wrong_field = brief(
        discrepancies=[
            Discrepancy(
                field="location",
                description="d",
                values=[DiscrepancyValue(value="44"), DiscrepancyValue(value="37")],
            )
        ]
    )
    assert DiscrepanciesEvaluator().evaluate(c, found).scores["discrepancies.f1"] == 1.0
    assert DiscrepanciesEvaluator().evaluate(c, wrong_field).scores["discrepancies.recall"] == 0.0


def test_summary_and_diplomatic_free_text() -> None:
    c = case(
        {
            "summary": ["Shells killed 10 people in Tel Sabra", "The council demanded an inquiry"],
            "diplomatic": {
                "processes": [{"name": "Geneva talks", "kind": "talks"}],
                "key_points": [{"text": "The opposition postponed the Geneva talks", "actor": "HNC"}],
            },
        }
    )
    b = brief(
        summary="Shelling killed ten people in Tel Sabra on Monday.",
        diplomatic_context=DiplomaticContext(
            processes=[DiplomaticProcess(name="Geneva peace talks"), DiplomaticProcess(name="Astana talks")],
            positions=[Position(actor="HNC", position="The opposition postponed the Geneva talks")],
        ),
    )
    s = SummaryEvaluator().evaluate(c, b).scores
    assert s["summary.coverage"] == 0.5  # first point 5/5 content words (ten = 10), second 0/4
    rouge1 = s["summary.rouge1"]
    assert rouge1 is not None and 0 < rouge1 < 1
    d = DiplomaticEvaluator().evaluate(c, b).scores
    assert d["diplomatic.processes_precision"] == 0.5 and d["diplomatic.processes_recall"] == 1.0
    assert d["diplomatic.coverage"] == 1.0 and d["diplomatic.rougeL"] == 1.0
    assert "diplomatic.coverage" not in DiplomaticEvaluator().evaluate(case({}), b).scores


def test_next_steps_count_as_diplomatic_text() -> None:
    c = case(
        {"diplomatic": {"key_points": [{"text": "The UN will push for elections", "kind": "next_step"}]}}
    )
    b = brief(
        diplomatic_context=DiplomaticContext(next_steps=[NextStep(step="the UN will push for elections")])
    )
    assert DiplomaticEvaluator().evaluate(c, b).scores["diplomatic.coverage"] == 1.0


def test_grounding_reproduce_and_ungrounded_items() -> None:
    c = case({})
    good = ev(ARTICLE, "Tel Sabra")
    broken = Evidence(start=0, end=6, text="Rocket", alignment=Alignment.FUZZY, origin=Origin.LLM)
    b = brief(
        event=Event(
            type=EventType.EXPLOSIONS,
            description="d",
            locations=[Location(id="l1", name="Tel Sabra", evidence=[good])],
        ),
        actors=[actor(1, "Salem al-Meslet"), actor(2, "Rocket man")],
        quotes=[
            quote(1, "We lost everything", evidence=[ev(ARTICLE, "We lost everything")]),
            quote(2, "We won everything", evidence=[broken]),
        ],
    )
    b.actors[0].evidence = [ev(ARTICLE, "Salem al-Meslet")]
    s = GroundingEvaluator().evaluate(c, b).scores
    assert s["grounding.reproduce"] == 3 / 4  # the broken span does not slice the article
    # items: location, 2 actors, 2 quotes; ungrounded: actor without evidence, quote not in the article
    assert s["grounding.ungrounded"] == 2.0
    assert s["grounding.grounded_rate"] == 3 / 5
    assert GroundingEvaluator().evaluate(c, brief()).scores["grounding.reproduce"] is None


def _toll_figure(category: str, count: int, **marks: bool) -> CasualtyFigure:
    f = figure(category, count)
    f.toll = marks.get("toll", False)
    f.suspects = marks.get("suspects", False)
    return f


def test_toll_reads_the_marked_figures_and_the_suspects_apart() -> None:
    from summariser.evals.metrics import TollEvaluator, brief_toll

    b = brief(
        casualties=[
            _toll_figure("killed", 2, toll=True),
            _toll_figure("killed", 7),  # another figure: not the toll
            _toll_figure("killed", 1, suspects=True),
            _toll_figure("injured", 3, toll=True),
            _toll_figure("injured", 1, toll=True),  # a second part of the same event
        ]
    )
    assert brief_toll(b, CasualtyCategory.KILLED) == 3 and brief_toll(b, CasualtyCategory.INJURED) == 4
    c = case({"toll": {"killed": 3, "injured": 5}}, fields=["toll"])
    assert TollEvaluator().evaluate(c, b).scores == {
        "toll.killed_accuracy": 1.0,
        "toll.injured_accuracy": 0.0,
    }
    unscored = case({"toll": {"killed": 0}}, fields=["toll"])
    assert TollEvaluator().evaluate(unscored, brief()).scores == {"toll.killed_accuracy": 1.0}  # no figure: 0


def test_toll_with_the_suspect_inside_does_not_add_him_again() -> None:
    from summariser.evals.metrics import brief_toll

    inside = _toll_figure("killed", 4, toll=True)
    inside.victims = "people, including the suspect"
    b = brief(casualties=[inside, _toll_figure("killed", 1, suspects=True)])
    assert brief_toll(b, CasualtyCategory.KILLED) == 4


def test_date_within_one_day() -> None:
    import datetime as dt

    c = case({"time": {"date": "2023-03-03"}}, fields=["time"])
    for day, exact, near in ((3, 1.0, 1.0), (2, 0.0, 1.0), (5, 0.0, 0.0)):
        when = EventTime(date=dt.date(2023, 3, day))
        b = brief(event=Event(type=EventType.EXPLOSIONS, description="d", time=when))
        assert TimeEvaluator().evaluate(c, b).scores == {
            "time.date_accuracy": exact,
            "time.date_within_1d": near,
        }


def test_secondary_places_the_key_does_not_list_cost_no_precision() -> None:
    c = case({"locations": [{"name": "Dale"}, {"name": "Elm Street"}]}, fields=["locations"])
    places = [
        Location(id="l1", name="Dale"),
        Location(id="l2", name="Elm Street", secondary=True),
        Location(id="l3", name="Mercy Hospital", secondary=True),
        Location(id="l4", name="Corby"),
    ]
    b = brief(event=Event(type=EventType.EXPLOSIONS, description="d", locations=places))
    s = LocationsEvaluator().evaluate(c, b).scores
    assert s["locations.recall"] == 1.0
    # claimed: Dale and Elm Street (right), Corby (wrong); the unlisted hospital is no claim
    assert s["locations.precision"] == 2 / 3


def test_recall_without_gold_items_is_left_out_of_the_mean_and_counted() -> None:
    """A partially annotated corpus: 3 cases annotate actors, 2 do not (and the brief names some)."""
    from summariser.evals import CaseScore, aggregate

    annotated = case({"actors": [{"name": "Ana Reyes", "kind": "person"}]})
    bare = case({})
    found = brief(actors=[actor(1, "Ana Reyes"), actor(2, "Tomas Berg")])
    results = [ActorsEvaluator().evaluate(c, found) for c in (annotated, annotated, annotated, bare, bare)]
    scores = [CaseScore(case_id=str(i), scores=r.scores, tallies=r.tallies) for i, r in enumerate(results)]
    recall = aggregate(scores, resamples=10).metrics["actors.recall"]
    assert recall.mean == 1.0 and recall.n == 3 and recall.left_out == 2
    assert recall.micro == 1.0
    precision = aggregate(scores, resamples=10).metrics["actors.precision"]
    assert precision.n == 5 and precision.left_out == 0
