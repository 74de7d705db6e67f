from __future__ import annotations

import pytest
from rouge_score import rouge_scorer

from summariser.evals.freetext import UnicodeTokenizer, content_words, coverage, covered, rouge


def test_content_words_drop_stop_words_stem_and_write_numbers_as_digits() -> None:
    assert content_words("Three soldiers were killed in Merkan") == {"3", "soldier", "kill", "merkan"}
    assert content_words("strikes") == content_words("strike") == content_words("Strike")
    assert content_words("killing") == content_words("killed")


def test_coverage_is_the_share_of_key_points_mostly_present() -> None:
    points = ["Three soldiers were killed in Merkan", "The army retook the ridge"]
    # first point: 4/4 content words present; second: 0/3
    assert coverage(points, "3 soldiers killed near Merkan on Friday.") == 0.5
    assert coverage([], "anything") is None


def test_covered_threshold_is_sixty_percent() -> None:
    text = content_words("police fired gas")
    # point content words: police, fire, tear, gas, marcher -> 3/5 = 0.6 present
    assert covered("Police fired tear gas at marchers", text)
    assert not covered("Police fired tear gas at marchers", text, threshold=0.61)


def test_rouge_hand_computed() -> None:
    scores = rouge("the cat sat on the mat", "the cat sat")
    assert scores["rouge1"] == pytest.approx(2 / 3)  # P = 3/3, R = 3/6
    assert scores["rouge2"] == pytest.approx(2 * 0.4 / 1.4)  # P = 2/2, R = 2/5
    assert scores["rougeL"] == pytest.approx(2 / 3)  # LCS = 3
    assert rouge("a b", "a b") == {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}


def test_rouge_keeps_non_ascii_letters_unlike_the_default_tokenizer() -> None:
    assert UnicodeTokenizer().tokenize("Düsseldorf, Дамаск!") == ["düsseldorf", "дамаск"]
    assert rouge("Дамаск горит", "Дамаск горит")["rouge1"] == 1.0
    default = rouge_scorer.RougeScorer(["rouge1"]).score("Дамаск горит", "Дамаск горит")
    assert default["rouge1"].fmeasure == 0.0
