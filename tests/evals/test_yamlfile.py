"""Malformed golden files fail with ``file:line: message``; the schema and the models agree."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from pydantic import BaseModel

from summariser.errors import EvalError
from summariser.evals import load_case, load_cases
from summariser.evals import models as m
from summariser.evals.yamlfile import golden_schema

ARTICLE = 'Rebels shelled Avalon on Monday, killing 3 people. "We will rebuild," said Mayor Ida Berg.\n'

GOOD = """\
published: 2024-02-05
event:
  type: Explosions/Remote violence
  sub_type: Shelling/artillery/missile attack
casualties:
  - category: killed
    count: 3
    as_written: "3"
actors:
  - name: Ida Berg
    kind: person
quotes:
  - text: We will rebuild,
    speaker: Ida Berg
summary:
  - Rebels shelled Avalon, killing three people.
"""


def write_case(tmp_path: Path, golden: str, article: str | None = ARTICLE, name: str = "tiny") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "golden.yaml").write_text(golden, encoding="utf-8")
    if article is not None:
        (folder / "article.txt").write_text(article, encoding="utf-8")
    return folder


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def error_for(tmp_path: Path, golden: str, **kw: str | None) -> str:
    with pytest.raises(EvalError) as err:
        load_case(write_case(tmp_path, golden, **kw))  # type: ignore[arg-type]
    return str(err.value)


def test_good_file_loads(tmp_path: Path) -> None:
    case = load_case(write_case(tmp_path, GOOD))
    assert case.id == "tiny" and case.published is not None and case.published.isoformat() == "2024-02-05"
    assert case.golden.quotes[0].segments == ["We will rebuild,"]
    assert load_cases(tmp_path) == [case]
    assert load_cases(tmp_path / "tiny") == [case]


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("    kind: person\n", "    kind: person\n    role: mayor\n", "role: mayor", "unknown key 'role'"),
        (
            "  type: Explosions/Remote violence",
            "  type: Airstrike",
            "type: Airstrike",
            "'Airstrike' is not one of",
        ),
        ("    count: 3\n", "    count: -3\n", "count: -3", "minimum"),
        ("    count: 3\n", "", "- category: killed", "needs one of: count, count_min, count_max"),
        ("    speaker: Ida Berg\n", "", "- text: We will rebuild", "'speaker' is required"),
        ("published: 2024-02-05", "published: 5 Feb 2024", "published:", "does not match"),
        ("published: 2024-02-05", "published: 2024-02-31", "published:", "date"),
        (
            "  sub_type: Shelling/artillery/missile attack",
            "  sub_type: Picnic",
            "type: Explosions",
            "not a sub-type",
        ),
        ("summary:\n", "fields: [actors, vibes]\nsummary:\n", "fields:", "'vibes' is not one of"),
    ],
)
def test_errors_name_the_file_and_line(tmp_path: Path, old: str, new: str, needle: str, message: str) -> None:
    assert old in GOOD
    golden = GOOD.replace(old, new)
    text = error_for(tmp_path, golden)
    path = tmp_path / "tiny" / "golden.yaml"
    assert text.startswith(f"{path}:{line_of(golden, needle)}:"), text
    assert message in text


def test_every_problem_is_listed_in_line_order(tmp_path: Path) -> None:
    golden = GOOD.replace("kind: person", "kind: wizard").replace("count: 3", "count: three")
    lines = error_for(tmp_path, golden).splitlines()
    assert len(lines) == 2
    assert [int(x.split(":")[1]) for x in lines] == [
        line_of(golden, "count: three"),
        line_of(golden, "wizard"),
    ]


def test_invalid_yaml_reports_its_line(tmp_path: Path) -> None:
    golden = GOOD.replace("  - text: We will rebuild,", "  - text: [unclosed")
    text = error_for(tmp_path, golden)
    assert "invalid YAML" in text and text.split(":")[1].isdigit()


def test_missing_or_doubled_article(tmp_path: Path) -> None:
    assert "no article.txt" in error_for(tmp_path, GOOD, article=None)
    doubled = "article_path: elsewhere.txt\n" + GOOD
    assert "both article_path and article.txt" in error_for(tmp_path, doubled, name="two")


def test_article_path_spans_and_checksum(tmp_path: Path) -> None:
    (tmp_path / "outside.txt").write_text(ARTICLE, encoding="utf-8")
    start = ARTICLE.index("We will")
    golden = GOOD.replace("  - text: We will rebuild,\n", f"  - spans: [[{start}, {start + 15}]]\n")
    digest = hashlib.sha256(ARTICLE.encode()).hexdigest()
    ok = load_case(
        write_case(
            tmp_path, f"article_path: ../outside.txt\narticle_sha256: {digest}\n" + golden, article=None
        )
    )
    assert ok.golden.quotes[0].text == "We will rebuild"
    stale = error_for(
        tmp_path,
        f"article_path: ../outside.txt\narticle_sha256: {'ab' * 32}\n" + golden,
        article=None,
        name="stale",
    )
    assert "has changed" in stale and ":2:" in stale
    beyond = golden.replace(f"[[{start}, {start + 15}]]", "[[5, 999]]")
    text = error_for(tmp_path, "article_path: ../outside.txt\n" + beyond, article=None, name="beyond")
    assert "outside the article" in text and f":{line_of(beyond, '[[5, 999]]') + 1}:" in text
    gone = error_for(tmp_path, "article_path: ../nowhere.txt\n" + GOOD, article=None, name="gone")
    assert "article not found" in gone and ":1:" in gone


def test_load_cases_rejects_unknown_places(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="no such cases directory"):
        load_cases(tmp_path / "nope")
    with pytest.raises(EvalError, match="no case folders"):
        load_cases(tmp_path)


def _props(schema: dict, node: dict) -> set[str]:  # type: ignore[type-arg]
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    return set(node.get("properties", {}))


@pytest.mark.parametrize(
    ("path", "model", "extra"),
    [
        ((), m.Golden, {"notes", "article_path", "article_sha256", "published", "fields", "recall_only"}),
        (("event",), m.GoldEvent, set()),
        (("time",), m.GoldTime, set()),
        (("locations", "items"), m.GoldLocation, set()),
        (("casualties", "items"), m.GoldCasualty, set()),
        (("perpetrators", "items"), m.GoldPerpetrator, set()),
        (("actors", "items"), m.GoldActor, set()),
        (("quotes", "items"), m.GoldQuote, {"spans"}),
        (("sources", "items"), m.GoldSource, set()),
        (("discrepancies", "items"), m.GoldDiscrepancy, set()),
        (("diplomatic",), m.GoldDiplomatic, set()),
        (("diplomatic", "processes", "items"), m.GoldProcess, set()),
        (("diplomatic", "key_points", "items"), m.GoldKeyPoint, set()),
    ],
)
def test_schema_and_models_name_the_same_keys(
    path: tuple[str, ...], model: type[BaseModel], extra: set[str]
) -> None:
    schema = golden_schema()
    node = schema
    for part in path:
        node = node["properties"][part] if part != "items" else node["items"]
    assert _props(schema, node) == set(model.model_fields) | extra


def test_schema_enums_match_the_brief_enums() -> None:
    from summariser.schema.brief import ActorKind, CasualtyCategory, Qualifier
    from summariser.schema.taxonomy import EventType

    schema = golden_schema()
    items = schema["properties"]
    assert set(schema["$defs"]["event_type"]["enum"]) == {e.value for e in EventType}
    assert set(schema["$defs"]["field"]["enum"]) == set(m.FIELDS)
    assert set(items["casualties"]["items"]["properties"]["category"]["enum"]) == {
        e.value for e in CasualtyCategory
    }
    assert set(items["casualties"]["items"]["properties"]["qualifier"]["enum"]) == {
        e.value for e in Qualifier
    }
    assert set(items["actors"]["items"]["properties"]["kind"]["enum"]) == {e.value for e in ActorKind}
