"""PolNeAR and WikiEvents importers: on small corpora written here, then on the shared data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summariser.errors import EvalError
from summariser.evals import golden_to_brief, load_cases, score_case
from summariser.evals.importers import PRONOUNS, quoted_segments
from summariser.evals.metrics import COUNT_METRICS

TEXT = (
    "Ida Berg said the town would recover. “We will rebuild,” she said. "
    "Police chief Tom Hale said the town was calm. “It is calm,” he added, “and quiet.”"
)


def _t(n: int, label: str, *needles: str) -> str:
    """A BRAT span line; a needle may carry context after a '|' ('he| added' marks the word "he")."""
    parts = []
    for needle in needles:
        word, _, after = needle.partition("|")
        start = TEXT.index(word + after)
        parts.append(f"{start} {start + len(word)}")
    return f"T{n}\t{label} {';'.join(parts)}\t{' '.join(n.split('|')[0] for n in needles)}"


def _polnear(tmp_path: Path) -> Path:
    split = tmp_path / "polnear" / "dev"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    (split / "text" / "paper_2016-01-01_avalon.txt").write_text(TEXT, encoding="utf-8")
    best = [
        _t(1, "Source", "Ida Berg"),
        _t(2, "Content", "the town would recover"),
        "E1\tSource:T1 Content:T2",
        _t(3, "Source", "she| said"),
        _t(4, "Content", "“We will rebuild,”"),
        "E2\tContent:T4 Source:T3",
        _t(5, "Source", "Police chief Tom Hale"),
        _t(6, "Content", "the town was calm"),
        "E3\tSource:T5 Content:T6",
        _t(7, "Source", "he| added"),
        _t(8, "Content", "“It is calm,”", "“and quiet.”"),
        "E4\tSource:T7 Content:T8",
    ]
    sparse = [
        _t(1, "Source", "she| said"),
        _t(2, "Content", "“We will rebuild,”"),
        "E1\tSource:T1 Content:T2",
    ]
    (split / "attributions" / "paper_2016-01-01_avalon_aaaa.ann").write_text(
        "\n".join(sparse), encoding="utf-8"
    )
    (split / "attributions" / "paper_2016-01-01_avalon_zzzz.ann").write_text(
        "\n".join(best), encoding="utf-8"
    )
    (split.parent / "metadata.tsv").write_text(
        "filename\tpublication_date\npaper_2016-01-01_avalon\t2016-01-01\n", encoding="utf-8"
    )
    return split


def test_polnear_quotes_speakers_and_annotator_choice(tmp_path: Path) -> None:
    (case,) = load_cases(f"polnear:{_polnear(tmp_path)}")
    assert case.id == "polnear-paper_2016-01-01_avalon" and case.fields == ["quotes"]
    assert case.published is not None and case.published.isoformat() == "2016-01-01"
    quotes = [(q.segments, q.speaker) for q in case.golden.quotes]
    # the annotator with more relations wins; pronouns resolve to the nearest named source before them
    assert quotes == [
        (["We will rebuild,"], "Ida Berg"),
        (["It is calm,", "and quiet."], "Police chief Tom Hale"),
    ]


def test_quoted_segments_handle_nesting_and_open_ends() -> None:
    text = 'He said "a “b” c" and “d'
    assert [text[s:e] for s, e in quoted_segments(text, 0, len(text))] == ["a “b” c", "d"]
    closing_only = "rest of it,” she said"
    assert [closing_only[s:e] for s, e in quoted_segments(closing_only, 0, len(closing_only))] == [
        "rest of it,"
    ]


def _wikievents(tmp_path: Path) -> Path:
    sentences = [
        "Fighters of the Avalon Front bombed a bridge in Avalon .",
        "Scores were killed .",
        "Ida Berg and two Americans were wounded .",
    ]
    text, tokens, sents, offset = "", [], [], 0
    for s in sentences:
        toks = []
        for word in s.split():
            toks.append([word, len(text), len(text) + len(word)])
            text += word + " "
        tokens += [str(t[0]) for t in toks]
        sents.append([toks, s])
        offset += len(toks)

    def mention(i: int, words: str, etype: str) -> dict:  # type: ignore[type-arg]
        start = next(k for k in range(len(tokens)) if " ".join(tokens[k : k + len(words.split())]) == words)
        return {
            "id": f"d-T{i}",
            "start": start,
            "end": start + len(words.split()),
            "entity_type": etype,
            "text": words,
            "mention_type": "UNK",
            "sent_idx": 0,
        }

    ents = [
        mention(1, "Avalon Front", "ORG"),
        mention(2, "bridge", "FAC"),
        mention(3, "Avalon", "GPE"),
        mention(4, "Scores", "PER"),
        mention(5, "Ida Berg", "PER"),
        mention(6, "Americans", "PER"),
    ]
    ents[2]["start"] = tokens.index("Avalon", ents[0]["end"])

    def arg(ent: dict, role: str) -> dict:  # type: ignore[type-arg]
        return {"entity_id": ent["id"], "role": role, "text": ent["text"]}

    events = [
        {
            "id": "e1",
            "event_type": "Conflict.Attack.DetonateExplode",
            "trigger": {"text": "bombed"},
            "arguments": [arg(ents[0], "Attacker"), arg(ents[1], "Target"), arg(ents[2], "Place")],
        },
        {
            "id": "e2",
            "event_type": "Life.Die.Unspecified",
            "trigger": {"text": "killed"},
            "arguments": [arg(ents[3], "Victim")],
        },
        {
            "id": "e3",
            "event_type": "Life.Injure.Unspecified",
            "trigger": {"text": "wounded"},
            "arguments": [arg(ents[4], "Victim"), arg(ents[5], "Victim")],
        },
    ]
    doc = {
        "doc_id": "d",
        "text": text,
        "tokens": tokens,
        "sentences": sents,
        "entity_mentions": ents,
        "event_mentions": events,
        "relation_mentions": [],
    }
    path = tmp_path / "dev.jsonl"
    path.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    return path


def test_wikievents_maps_types_and_keeps_named_arguments(tmp_path: Path) -> None:
    (case,) = load_cases(f"wikievents:{_wikievents(tmp_path)}")
    g = case.golden
    assert case.id == "wikievents-d" and g.event.type.value == "Explosions/Remote violence"
    assert [p.name for p in g.perpetrators] == ["Avalon Front"]
    assert [a.name for a in g.actors] == ["Ida Berg"]  # "Scores" opens a sentence, "Americans" is a demonym
    assert [x.name for x in g.locations] == ["Avalon"]
    assert case.fields == ["event_type", "locations", "perpetrators", "actors"]
    assert case.recall_only == ["locations", "perpetrators", "actors"]


def test_importers_fail_clearly_on_bad_paths(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="not a PolNeAR split"):
        load_cases(f"polnear:{tmp_path}")
    with pytest.raises(EvalError, match="WikiEvents file not found"):
        load_cases(f"wikievents:{tmp_path / 'none.jsonl'}")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(EvalError, match=r"bad\.jsonl:1: not a WikiEvents document"):
        load_cases(f"wikievents:{bad}")


def _perfect(case_list: list) -> None:  # type: ignore[type-arg]
    for case in case_list:
        scores = score_case(case, golden_to_brief(case)).scores
        wrong = {
            k: v for k, v in scores.items() if v is not None and v != (0.0 if k in COUNT_METRICS else 1.0)
        }
        assert wrong == {}, case.id


def test_shared_polnear_dev(shared_dir: Path) -> None:
    split = shared_dir / "data" / "polnear" / "dev"
    cases = load_cases(f"polnear:{split}")
    assert len(cases) == 84 == len(list((split / "text").glob("*.txt")))
    quotes = [q for c in cases for q in c.golden.quotes]
    assert len(quotes) > 400
    assert all(seg in c.article for c in cases for q in c.golden.quotes for seg in q.segments)
    assert not [q.speaker for q in quotes if q.speaker and q.speaker.casefold() in PRONOUNS]
    assert sum(q.speaker is None for q in quotes) < len(quotes) / 20
    assert any(len(q.segments) > 1 for q in quotes)
    assert all(c.published is not None for c in cases)
    speakers = {q.speaker for q in quotes}
    assert {"Trump", "Clinton"} <= speakers
    assert [c.golden for c in load_cases(f"polnear:{split}")] == [c.golden for c in cases]  # deterministic
    _perfect(cases)


def test_shared_wikievents_dev(shared_dir: Path) -> None:
    cases = {c.id: c for c in load_cases(f"wikievents:{shared_dir / 'data' / 'wikievents' / 'dev.jsonl'}")}
    assert len(cases) == 20
    ied = cases["wikievents-road_ied_8"].golden
    assert ied.event.type.value == "Explosions/Remote violence"
    assert [p.name for p in ied.perpetrators] == ["IS"] and "Syria" in [x.name for x in ied.locations]
    assert [p.name for p in cases["wikievents-wiki_ied_bombings_9"].golden.perpetrators] == ["ETA"]
    assert cases["wikievents-scenario_en_62"].golden.event.type.value == "Protests"
    typed = [c for c in cases.values() if "event_type" in c.fields]
    assert 15 <= len(typed) < 20  # documents without a mappable event do not score event_type
    assert all(set(c.recall_only) == {"locations", "perpetrators", "actors"} for c in cases.values())
    _perfect(list(cases.values()))


def _gva(tmp_path: Path) -> Path:
    records = [
        {
            "id": "gva1-a",
            "text": "Two hurt in Dale shooting\n\nDALE, Ore. — Two men were shot on Friday night.",
            "published": "2016-05-07",
            "gold": {
                "killed": 0,
                "injured": 2,
                "location": {"city": "Dale", "state": "Oregon", "country": "United States"},
                "date": "2016-05-06",
                "attackers": [],
            },
        },
        {
            "id": "gva2-b",
            "text": "Man charged\n\nOtis Brand, 30, was charged with murder in the killing of a clerk.",
            "published": "2016-05-08",
            "gold": {
                "killed": 1,
                "injured": None,
                "location": {"city": "Corby", "state": "Oregon", "country": "United States"},
                "date": "2016-05-01",
                "attackers": ["Otis Brand"],
            },
        },
    ]
    path = tmp_path / "gva.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_gva_cases_score_toll_city_date_and_named_attackers(tmp_path: Path) -> None:
    cases = {c.id: c for c in load_cases(f"gva:{_gva(tmp_path)}")}
    first, second = cases["gva1-a"], cases["gva2-b"]
    assert first.origin == "gva" and str(first.published) == "2016-05-07"
    assert (first.golden.toll.killed, first.golden.toll.injured) == (0, 2)
    assert [x.name for x in first.golden.locations] == ["Dale"]
    assert str(first.golden.time.date) == "2016-05-06"
    assert "perpetrators" not in first.fields  # no named attacker: nothing to recall
    assert second.golden.toll.injured is None  # not stated: not scored
    assert [p.name for p in second.golden.perpetrators] == ["Otis Brand"]
    assert set(second.recall_only) == {"locations", "perpetrators"}
    _perfect(list(cases.values()))


def test_gva_importer_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="GVA file not found"):
        load_cases(f"gva:{tmp_path / 'missing.jsonl'}")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(EvalError, match=r"bad.jsonl:1: not a GVA record"):
        load_cases(f"gva:{bad}")


def test_shared_gva_dev(shared_dir: Path) -> None:
    cases = load_cases(f"gva:{shared_dir / 'data' / 'gva' / 'dev.jsonl'}")
    assert len(cases) == 300
    assert all(c.golden.toll.killed is not None and c.golden.time.date for c in cases)
    assert sum("perpetrators" in c.fields for c in cases) == 92
    _perfect(cases)
