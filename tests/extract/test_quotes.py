from __future__ import annotations

from summariser.extract.quotes import find_quotes, find_segments


def _texts(text: str) -> list[str]:
    return [q.text(text) for q in find_quotes(text)]


def test_straight_and_curly_quotes() -> None:
    text = 'He said "we will win the vote," and she said “the count is not over yet.”'
    assert _texts(text) == ["we will win the vote", "the count is not over yet."]


def test_spans_are_the_inner_text() -> None:
    text = "“The bridge is closed to all traffic,” the mayor said."
    (q,) = find_quotes(text)
    (span,) = q.spans()
    assert text[span[0] : span[1]] == "The bridge is closed to all traffic"
    assert text[span[0] - 1] == "“"


def test_interrupted_quote_is_one_quote() -> None:
    text = '"The shelling went on all night," he added, "and nobody could sleep at all."'
    quotes = find_quotes(text)
    assert len(quotes) == 1
    assert quotes[0].text(text) == "The shelling went on all night, and nobody could sleep at all."
    assert len(quotes[0].spans()) == 2


def test_interruption_with_new_sentence() -> None:
    text = '"We are leaving the talks today," she said. "There is nothing left to discuss here."'
    quotes = find_quotes(text)
    assert len(quotes) == 1 and len(quotes[0].segments) == 2


def test_two_speakers_stay_two_quotes() -> None:
    text = '"The road is open again," the officer said. "It never closed for long," a driver said.'
    assert len(find_quotes(text)) == 2


def test_multi_paragraph_quote() -> None:
    text = (
        'The minister said:\n"We will rebuild every school that was destroyed in the fighting.\n'
        '"And we will do it before the winter comes," he added.'
    )
    quotes = find_quotes(text)
    assert len(quotes) == 1
    assert len(quotes[0].segments) == 2
    assert quotes[0].segments[0].close is None
    assert quotes[0].text(text).startswith("We will rebuild every school")
    assert quotes[0].text(text).endswith("before the winter comes")


def test_unclosed_quote_without_continuation() -> None:
    text = 'He shouted "get out of the building now and run to the square\nLater, calm returned.'
    groups = find_segments(text)
    assert len(groups) == 1 and groups[0][0].close is None


def test_scare_quotes_skipped() -> None:
    text = 'The so-called "safe zone" was shelled again, and the "truce" is a fiction in the region.'
    assert find_quotes(text) == []


def test_short_quote_kept_in_reported_speech() -> None:
    text = 'Officials called the raid "a massacre" on Monday.'
    kept = find_quotes(text, speech=lambda s, e: True)
    assert [q.text(text) for q in kept] == ["a massacre"]
    assert find_quotes(text, speech=lambda s, e: False) == []


def test_no_quotes() -> None:
    assert find_quotes("There are no quotation marks in this sentence.") == []


def test_trailing_comma_left_out() -> None:
    text = '"The hospital has run out of fuel," a doctor said.'
    assert _texts(text) == ["The hospital has run out of fuel"]


def test_programme_titles_are_not_quotes_but_slogans_are() -> None:
    text = (
        'The senator said on "Evening Report With Dana" that taxes would rise. Her slogan, "Work Pays '
        'Again," appeared on every poster, and she called the plan "a betrayal of voters."'
    )
    found = [q.text(text) for q in find_quotes(text, speech=lambda s, e: True)]
    assert "Evening Report With Dana" not in found
    assert "Work Pays Again" in found and "a betrayal of voters." in found
