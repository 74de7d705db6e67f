"""Markdown, JSON and HTML output of hostile article text (issue 14): terminal escapes never reach the
reader, and nothing from the article is rendered live (no HTML, no links or images) in Markdown."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from markdown_it import MarkdownIt
from test_html import TEXT, make_brief

from summariser.output.files import render
from summariser.output.html import render_html
from summariser.output.render import render_json, render_markdown
from summariser.schema.brief import IncidentBrief

ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b[31m\x9b1;31m\x90q\x9c\x7f\x08"
HOSTILE = (
    f"{ESCAPES} <script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) "
    "![pixel](http://tracker.example/p.gif) <http://evil.example/x> <a href='http://evil.example'>a</a>\n"
    "# Fake heading\n<iframe src=http://evil.example></iframe>"
)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SKIP = {"id", "speaker_id", "schema_version", "source_sha256", "prompt_hash", "published", "date"}
_ENUMS = {"type", "kind", "category", "alignment", "origin", "speaker_origin", "certainty", "qualifier"}


def _taint(value: Any, key: str = "") -> Any:
    """Every free-text string in a brief replaced by the hostile payload (ids, enums and numbers kept)."""
    if isinstance(value, dict):
        return {k: _taint(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_taint(v, key) for v in value]
    if isinstance(value, str) and key not in _SKIP | _ENUMS:
        return f"{value} {HOSTILE}"
    return value


@pytest.fixture(scope="module")
def hostile_brief() -> IncidentBrief:
    data = _taint(make_brief().model_dump(mode="json"))
    return IncidentBrief.model_validate(data)


class _Live(HTMLParser):
    """What a Markdown viewer would make live: elements, and links or images with their targets."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.targets += [v or "" for k, v in attrs if k in ("href", "src")]


def test_markdown_renders_nothing_from_the_article_live(hostile_brief: IncidentBrief) -> None:
    md = render_markdown(hostile_brief)
    assert "alert(1)" in md  # the text is kept, as text
    live = _Live()
    live.feed(MarkdownIt("commonmark").render(md))  # CommonMark passes raw HTML through
    assert not {"script", "img", "iframe", "a"} & set(live.tags), set(live.tags)
    assert not live.targets
    assert md.count("\n# ") == 0 and md.startswith("# ")  # one heading of level 1: the headline


@pytest.mark.parametrize("fmt", ["markdown", "json", "html"])
def test_no_terminal_escape_reaches_the_reader(hostile_brief: IncidentBrief, fmt: str) -> None:
    out = render(hostile_brief, fmt, TEXT + ESCAPES)
    assert not CONTROL.search(out), repr(CONTROL.search(out))


def test_json_keeps_the_data_exactly(hostile_brief: IncidentBrief) -> None:
    text = render_json(hostile_brief)
    assert not CONTROL.search(text)
    assert IncidentBrief.model_validate(json.loads(text)) == hostile_brief


def test_html_shows_control_characters_visibly_and_keeps_the_article_length() -> None:
    text = TEXT + " " + ESCAPES
    page = render_html(make_brief(text), text)
    assert not CONTROL.search(page)
    assert "\u241b" in page  # ESC shown as the symbol for escape


def test_markdown_tells_the_events_places_from_places_only_named() -> None:
    from summariser.schema.brief import Location

    brief = make_brief()
    brief.event.locations = [
        Location(id="l1", name="Kessing", kind="city"),
        Location(id="l2", name="Mercy Hospital", kind="site", secondary=True),
    ]
    md = render_markdown(brief)
    assert "- **Where:** Kessing" in md
    assert "- **Also named:** Mercy Hospital" in md
    assert "**Where:** Mercy" not in md
