from __future__ import annotations

from summariser.extract import extract
from summariser.schema.draft import DraftQuote


def _quotes(text: str) -> list[DraftQuote]:
    return extract(text).quotes


def _speaker_text(text: str, q: DraftQuote) -> list[str]:
    return [text[s:e] for s, e in q.speaker_spans]


def test_name_after_quote() -> None:
    text = '"The bridge will reopen next week," Maria Lopez said on Monday.'
    (q,) = _quotes(text)
    assert q.speaker == "Maria Lopez" and q.speaker_decided
    assert _speaker_text(text, q) == ["Maria Lopez"]


def test_inverted_said_name() -> None:
    text = '"We have enough water for two days," said John Carter, a spokesman for the Red Cross.'
    (q,) = _quotes(text)
    assert q.speaker == "John Carter"


def test_apposition_before_verb() -> None:
    text = (
        '"The army withdrew from the village at dawn," Peter Novak, spokesman for the regional council, '
        "told reporters."
    )
    (q,) = _quotes(text)
    assert q.speaker == "Peter Novak"
    draft = extract(text)
    novak = next(a for a in draft.actors if a.name == "Peter Novak")
    assert novak.role == "spokesman"


def test_title_before_name() -> None:
    text = '"The convoy was hit twice," UN spokesman David Stern said.'
    (q,) = _quotes(text)
    assert q.speaker == "David Stern"


def test_speaker_before_quote_with_colon() -> None:
    text = 'Governor Anna Berg said: "Schools will stay closed until the end of the month."'
    (q,) = _quotes(text)
    assert q.speaker == "Anna Berg"


def test_pronoun_resolves_to_last_named_speaker() -> None:
    text = (
        "Mayor Thomas Reed visited the damaged market on Friday.\n"
        '"Nobody expected an attack on a market full of families," he said.'
    )
    (q,) = _quotes(text)
    assert q.speaker == "Thomas Reed"
    assert _speaker_text(text, q) == ["Thomas Reed"]
    assert q.speaker_decided


def test_pronoun_across_paragraphs_after_quote() -> None:
    text = (
        '"The water supply was cut at midnight," Omar Haddad, a local official, said.\n'
        "Residents queued for hours at the only working pump.\n"
        '"We are asking for trucks from the capital," he added.'
    )
    quotes = _quotes(text)
    assert [q.speaker for q in quotes] == ["Omar Haddad", "Omar Haddad"]


def test_she_skips_a_male_antecedent() -> None:
    text = 'Hillary Warren met Donald Pike on Tuesday.\n"The deal is not finished yet," she said.'
    (q,) = _quotes(text)
    assert q.speaker == "Hillary Warren"


def test_partial_name_resolves_to_full_actor() -> None:
    text = (
        "Talks coordinator Riyad Hassan arrived in the city on Sunday.\n"
        '"We will not sign anything this week," Riyad said.'
    )
    (q,) = _quotes(text)
    assert q.speaker == "Riyad Hassan"
    assert _speaker_text(text, q) == ["Riyad"]


def test_reported_via_outlet() -> None:
    text = (
        '"The strike hit the school at noon," Karim Nasser said, according to Reuters.\n'
        '"We counted the dead ourselves," he added, as per the BBC.'
    )
    quotes = _quotes(text)
    assert [q.reported_via for q in quotes] == ["Reuters", "BBC"]


def test_nominal_speaker() -> None:
    text = '"The fire is under control now," a police officer said.'
    (q,) = _quotes(text)
    assert q.speaker == "a police officer"


def test_undecided_speaker_has_candidates() -> None:
    text = (
        "Karl Lindt and Jonas Berg spoke at the meeting.\n\n\n"
        "The vote was delayed.\n"
        '"It was never going to pass," he said.'
    )
    (q,) = _quotes(text)
    assert not q.speaker_decided
    assert set(q.speaker_candidates) >= {"Karl Lindt", "Jonas Berg"}
    assert q.speaker in q.speaker_candidates


def test_interrupted_quote_speaker() -> None:
    text = '"The road is mined," Sergeant Paul Adams said, "so nobody should try to cross it tonight."'
    (q,) = _quotes(text)
    assert q.speaker == "Paul Adams"
    assert q.text == "The road is mined, so nobody should try to cross it tonight."


def test_so_called_is_no_reporting_verb_and_the_object_is_no_speaker() -> None:
    text = (
        "Mayor Ruth Adler said on Friday that the governor once described the so-called Harbour Plan as "
        '"a model for the region" before dropping it.'
    )
    (q,) = _quotes(text)
    assert q.speaker != "Harbour Plan"


def test_pronoun_at_the_end_of_a_longer_phrase() -> None:
    text = (
        "My aunt Clara Weiss is 90 now.\n"
        'She has mellowed, but even now she still says things such as, "Nobody ever thanked me for it."'
    )
    (q,) = _quotes(text)
    assert q.speaker == "Clara Weiss"


def test_next_sentence_attributes_only_when_it_opens_with_the_attribution() -> None:
    text = (
        'Senator Paul Ruiz posted a video calling for calm "without delay." The senator plans to visit '
        "the city on Monday, according to a campaign aide."
    )
    (q,) = _quotes(text)
    assert q.speaker != "a campaign aide"


def test_undecided_speaker_gets_names_from_its_sentence_as_candidates() -> None:
    text = (
        "Anna Berg spoke first at the rally.\n\n"
        'Later Tomas Lind thanked the volunteers and welcomed the mayor, "my oldest friend."'
    )
    (q,) = _quotes(text)
    assert not q.speaker_decided
    assert "Tomas Lind" in q.speaker_candidates
    assert q.speaker == q.speaker_candidates[0]
