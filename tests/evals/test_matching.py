from __future__ import annotations

import numpy as np
import pytest

from summariser.evals.matching import (
    assign,
    entity_similarity,
    found_verbatim,
    match_entities,
    name_similarity,
    name_tokens,
    normalise_quote,
    token_f1,
    tokens_equivalent,
)
from summariser.grounding.align import Aligner


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Salem al-Meslet", ("salem", "meslet")),
        ("Mohammed bin Salman", ("muhammad", "salman")),
        ("Staffan de Mistura", ("staffan", "mistura")),
        ("Abdullah ibn Saeed", ("abdullah", "saeed")),
        ("Dr. Samir Antoun", ("samir", "antoun")),
        ("the U.S. State Department", ("us", "state", "department")),
        ("Mr. Obama", ("obama",)),
        ("Al", ("al",)),  # nothing left after dropping particles: keep everything
    ],
)
def test_name_tokens_drop_particles_titles_and_stop_words(name: str, tokens: tuple[str, ...]) -> None:
    assert name_tokens(name) == tokens


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Salem al-Meslet", "Salem al-Meslet", 1.0),
        ("al-Meslet", "Salem al-Meslet", 0.9),  # surname only: subset including the last token
        ("Riyad", "Riyad Hijab", 0.7),  # given name only: other subset
        ("Ahmed al-Meslet", "Salem al-Meslet", 0.0),  # conflicting given name
        ("Muhammad al-Rashidi", "Mohammed bin Khalid al-Rashidi", 0.9),
        ("Omar al-Rashidi", "Mohammed bin Khalid al-Rashidi", 0.0),
        ("Mohamed Salim", "Muhammad Salem", 1.0),  # transliteration variants
        ("Maarat al-Noaman", "Maaret al-Numan", 1.0),
        ("Hassan Nouri", "Hussein Nouri", 0.0),  # different names with the same consonants
        ("HNC", "High Negotiations Committee", 0.9),
        ("SOHR", "Syrian Observatory for Human Rights", 0.9),
        ("De la Fuente", "Carlos de la Fuente", 0.9),
        ("El-Sayed", "Ahmed el Sayed", 0.9),
        ("Qaddafi", "Gaddafi", 1.0),
        ("", "Salem", 0.0),
    ],
)
def test_name_similarity(a: str, b: str, expected: float) -> None:
    assert name_similarity(a, b) == expected
    assert name_similarity(b, a) == expected


def test_tokens_equivalent_needs_similar_spelling_not_just_consonants() -> None:
    assert tokens_equivalent("youssef", "yusuf")
    assert not tokens_equivalent("ali", "ala")  # skeleton too short
    assert not tokens_equivalent("12", "13")


def test_entity_similarity_uses_best_alias() -> None:
    assert entity_similarity(["the regime"], ["Syrian government forces", "regime"]) == 1.0
    assert entity_similarity(["Putin"], ["Barack Obama", "Obama"]) == 0.0


def test_assign_is_one_to_one_and_maximises_total() -> None:
    # greedy would pair row 0 with col 0 (0.9) and leave row 1 with nothing; the optimum crosses
    scores = np.array([[0.9, 0.8], [0.85, 0.0]])
    pairs = assign(scores, 0.5)
    assert sorted((r, c) for r, c, _ in pairs) == [(0, 1), (1, 0)]
    assert assign(np.zeros((0, 3)), 0.5) == []
    assert assign(np.array([[0.4]]), 0.5) == []


def test_match_entities_two_people_sharing_a_surname() -> None:
    pred = [["al-Meslet"], ["Ahmed al-Meslet"]]
    gold = [["Salem al-Meslet"], ["Ahmed al-Meslet"]]
    pairs = match_entities(pred, gold, entity_similarity)
    assert sorted((i, j) for i, j, _ in pairs) == [(0, 0), (1, 1)]


def test_normalise_quote_folds_marks_space_case_and_edges() -> None:
    assert normalise_quote("“We  won’t go,”") == normalise_quote('"we won\'t go"') == "we won't go"


def test_token_f1_hand_computed() -> None:
    # 3 shared tokens, 4 and 5 tokens: 2*3/9
    assert token_f1("we will not go", "we will never go back") == pytest.approx(6 / 9)
    assert token_f1("", "") == 1.0
    assert token_f1("a b", "") == 0.0
    assert token_f1("Düsseldorf café", "düsseldorf CAFÉ") == 1.0


def test_found_verbatim_whole_interrupted_and_invented() -> None:
    aligner = Aligner('"We will not negotiate," he added, "while our towns are being shelled every night."')
    assert found_verbatim(aligner, "We will not negotiate,")
    assert found_verbatim(aligner, "We will not negotiate, while our towns are being shelled every night.")
    assert found_verbatim(aligner, "“we will NOT negotiate”")  # marks and case folded
    assert not found_verbatim(aligner, "We will not surrender while our towns burn.")
    assert not found_verbatim(aligner, "")


def test_found_verbatim_rejects_short_pieces_found_elsewhere() -> None:
    aligner = Aligner('Talks resume today. "The world must act," he said.')
    assert not found_verbatim(aligner, "The world must act today")  # "today" is in the article, not the quote
    assert found_verbatim(aligner, "must act")
