from __future__ import annotations

from summariser.extract.actors import build_actors
from summariser.extract.nlp import analyse
from summariser.extract.quotes import find_quotes
from summariser.extract.reporters import clauses, figure_reporter, subject_np


def _reporter(text: str, figure: str) -> str | None:
    an = analyse(text)
    actors = build_actors(an, set())
    start = text.index(figure)
    found = figure_reporter(an, actors, start, start + len(figure))
    return found.name if found else None


def test_clauses_cut_at_but_and_semicolons_not_inside_quotes() -> None:
    text = (
        'Police counted 8 bodies, but the clinic said 11 died; "we found one, but maybe more, under the '
        'rubble," a rescuer said.'
    )
    an = analyse(text)
    an.quoted = [r for q in find_quotes(text) for r in q.ranges()]
    parts = [text[a:b].strip() for a, b in clauses(an, 0, len(text))]
    assert parts == [
        "Police counted 8 bodies, but",
        "the clinic said 11 died;",
        '"we found one, but maybe more, under the rubble," a rescuer said.',
    ]


def test_each_figure_binds_to_its_own_clause() -> None:
    text = (
        "The Varna fire brigade put the death toll at 9, but the Meridian Observatory for Civil Rights, "
        "a Swiss-based monitoring group, said 14 people had died."
    )
    assert _reporter(text, "9") == "Varna fire brigade"
    assert _reporter(text, "14") == "Meridian Observatory for Civil Rights"


def test_trailing_attribution_covers_the_sentence() -> None:
    text = "At least 7 villagers were killed and 20 hurt when the dam burst on Friday, local officials said."
    assert _reporter(text, "At least 7") == "local officials"
    assert _reporter(text, "20") == "local officials"


def test_a_clause_without_reporter_takes_the_sentence_one() -> None:
    text = "Four of the dead were teachers, the school board said, and at least 12 pupils were hurt."
    assert _reporter(text, "at least 12") == "school board"


def test_apposition_with_a_relative_clause_and_a_named_apposition() -> None:
    text = (
        "The Harbour Watch, a volunteer group that counts arrivals along the coast, said 31 people drowned. "
        "The group that runs the shelter, the Kessel Relief Trust, said 6 of them were children."
    )
    assert _reporter(text, "31") == "Harbour Watch"
    assert _reporter(text, "6") == "Kessel Relief Trust"


def test_coordinated_subject_and_inverted_order() -> None:
    text = "Nine people died in the flood, clinic staff and aid workers said."
    assert _reporter(text, "Nine") == "clinic staff and aid workers"
    text = "Twelve bodies were recovered, said the provincial coroner."
    assert _reporter(text, "Twelve") == "provincial coroner"


def test_subject_np_skips_adverbs_auxiliaries_and_time() -> None:
    text = "Norland's navy on Sunday denied it. Local farmers have repeatedly blamed the mine."
    an = analyse(text)
    denied = text.index("denied")
    s, e = subject_np(an, 0, denied) or (0, 0)
    assert text[s:e] == "Norland's navy"
    blamed = text.index("blamed")
    s, e = subject_np(an, text.index("Local"), blamed) or (0, 0)
    assert text[s:e] == "Local farmers"
