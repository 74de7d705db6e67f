"""Fast checks of the HTML brief page (no browser): escaping, segmentation, highlights, self-containment."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from summariser.output.html import KINDS, render_html, walk_evidence
from summariser.schema.brief import (
    Actor,
    ActorKind,
    Alignment,
    CasualtyCategory,
    CasualtyFigure,
    Event,
    EventTime,
    Evidence,
    IncidentBrief,
    Location,
    Meta,
    Origin,
    Quote,
    Source,
)
from summariser.schema.taxonomy import EventType

EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
TEXT = (
    "Officials in Dorvale said two people died on Monday when a bridge collapsed. "
    '"It is calm now, but we are afraid," said Mayor Ana Reyes of Dorvale, speaking to the Valley Courier. '
    f"A notice read {EVIL} before it was taken down."
)


def ev(
    text: str,
    needle: str,
    *,
    after: str = "",
    alignment: Alignment = Alignment.EXACT,
    origin: Origin = Origin.LLM,
) -> Evidence:
    start = text.find(needle, text.find(after) if after else 0)
    assert start >= 0, needle
    return Evidence(start=start, end=start + len(needle), text=needle, alignment=alignment, origin=origin)


def make_brief(
    text: str = TEXT, *, engine: str = "openai", headline: str = "Bridge collapse kills two"
) -> IncidentBrief:
    return IncidentBrief(
        headline=headline,
        summary="Two people died when a bridge collapsed in Dorvale on Monday.",
        summary_evidence=[ev(text, "two people died on Monday when a bridge collapsed")],
        event=Event(
            type=EventType.OTHER,
            description="A bridge collapsed.",
            locations=[
                Location(
                    id="l1",
                    name="Dorvale",
                    evidence=[ev(text, "Dorvale"), ev(text, "Dorvale", after="Reyes")],
                )
            ],
            time=EventTime(text="on Monday", evidence=[ev(text, "on Monday")]),
        ),
        casualties=[
            CasualtyFigure(
                category=CasualtyCategory.KILLED,
                count=2,
                as_written="two",
                evidence=[ev(text, "two people died")],
            )
        ],
        actors=[
            Actor(
                id="a1",
                name="Ana Reyes",
                kind=ActorKind.PERSON,
                role="Mayor",
                aliases=[EVIL],
                evidence=[ev(text, "Mayor Ana Reyes of Dorvale", origin=Origin.EXTRACTOR)],
            )
        ],
        quotes=[
            Quote(
                id="q1",
                text="It is calm now, but we are afraid",
                speaker="Ana Reyes",
                speaker_id="a1",
                speaker_evidence=[ev(text, "Ana Reyes")],
                reported_via="Valley Courier",
                evidence=[ev(text, "It is calm now, but we are afraid", alignment=Alignment.FUZZY)],
            )
        ],
        sources_cited=[
            Source(name="Valley Courier", evidence=[ev(text, "Valley Courier")]),
            Source(name="notice", kind="other", evidence=[ev(text, EVIL)]),
        ],
        meta=Meta(
            engine=engine,
            model="m",
            prompt_version="v1",
            prompt_hash="abc123",
            source_sha256="0" * 64,
            warnings=[EVIL],
        ),
    )


class _Article(HTMLParser):
    """Collects the article's text and, per evidence number, the text of the marks that carry it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # >0 while inside #article
        self.text = ""
        self.marks: list[tuple[list[str], str, list[str]]] = []  # (evidence numbers, text, classes)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if self.depth:
            self.depth += 1
            assert tag == "mark", f"unexpected <{tag}> in the article"
            self.marks.append(((a.get("data-ev") or "").split(), "", (a.get("class") or "").split()))
        elif a.get("id") == "article":
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text += data
            if self.depth == 2:
                evs, text, cls = self.marks[-1]
                self.marks[-1] = (evs, text + data, cls)


def parse_article(doc: str) -> _Article:
    parser = _Article()
    parser.feed(doc)
    return parser


def test_walk_evidence_yields_every_span_in_order_with_its_field() -> None:
    brief = make_brief()
    refs = list(walk_evidence(brief))
    assert [r.evidence for r in refs] == brief.all_evidence()
    assert {r.kind for r in refs} <= set(KINDS)
    by_field = {r.dom_id: (r.kind, r.label) for r in refs}
    assert by_field["f-quote-1"] == ("quote", "Quote 1 — Ana Reyes")
    assert by_field["f-quote-1-speaker"][0] == "actor"
    assert by_field["f-place-1"] == ("place", "Place 1 — Dorvale")
    assert by_field["f-time"] == ("time", "Time — on Monday")
    assert by_field["f-cas-1"][0] == "figure"
    assert by_field["f-summary"] == ("other", "Summary")


def test_every_evidence_span_is_wrapped_and_the_article_is_intact() -> None:
    brief = make_brief()
    art = parse_article(render_html(brief, TEXT))
    assert art.text == TEXT
    joined: dict[int, str] = {}
    for evs, text, _ in art.marks:
        for n in map(int, evs):
            joined[n] = joined.get(n, "") + text
    refs = list(walk_evidence(brief))
    assert sorted(joined) == list(range(len(refs)))
    assert [joined[n] for n in range(len(refs))] == [r.evidence.text for r in refs]


def test_nested_spans_share_segments_and_colour_by_innermost_kind() -> None:
    brief = make_brief()
    marks = parse_article(render_html(brief, TEXT)).marks
    refs = list(walk_evidence(brief))
    # "two" sits in the casualty span inside the summary span: one segment, both evidence numbers.
    two = next(m for m in marks if m[1] == "two people died")
    assert {refs[int(n)].dom_id for n in two[0]} == {"f-cas-1", "f-summary"}
    assert "k-figure" in two[2] and "u-other" in two[2] and "multi" in two[2]
    # "Ana Reyes" is the speaker span nested inside the actor span "Mayor Ana Reyes of Dorvale".
    ana = next(m for m in marks if m[1] == "Ana Reyes")
    assert {refs[int(n)].dom_id for n in ana[0]} == {"f-actor-1", "f-quote-1-speaker"}
    assert [m[1] for m in marks if any(refs[int(n)].dom_id == "f-actor-1" for n in m[0])] == [
        "Mayor ",
        "Ana Reyes",
        " of ",
        "Dorvale",
    ]


def test_article_and_brief_text_are_escaped() -> None:
    out = render_html(make_brief(headline="Headline " + EVIL), TEXT)
    assert out.count("<script") == 1 and "<script nonce=" in out
    assert "<img" not in out
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in out
    assert "onerror=&#34;" in out or "onerror=&quot;" in out

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.found.append((tag, attrs))

    tags = Tags()
    tags.feed(out)
    assert not [t for t, attrs in tags.found if any(name.startswith("on") for name, _ in attrs)]
    assert [t for t, _ in tags.found].count("script") == 1


def test_page_is_self_contained() -> None:
    out = render_html(make_brief(), TEXT)
    assert not re.search(r"""(?:src|href|action|srcset)\s*=\s*["']?\s*(?:[a-z]+:)?//""", out, re.I)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", out, re.I)
    assert "@import" not in out
    assert "default-src 'none'" in html.unescape(
        out
    )  # the CSP forbids any load the markup might still attempt


def test_fuzzy_and_extractor_items_are_badged_only_when_it_matters() -> None:
    llm = render_html(make_brief(engine="openai"), TEXT)
    assert re.search(r'id="f-quote-1"[^>]*title="[^"]*fuzzy', llm)
    assert re.search(r'id="f-actor-1"[^>]*title="[^"]*extractor', llm)
    assert "badge-warn" in llm and ">extractor</span>" in llm
    extractive = render_html(make_brief(engine="extractive"), TEXT)
    assert ">extractor</span>" not in extractive  # everything is the extractor's there: no news
    assert ">≈ fuzzy</span>" in extractive


def test_misaligned_evidence_is_reported_not_highlighted() -> None:
    brief = make_brief()
    shifted = "X" + TEXT  # offsets no longer match
    out = render_html(brief, shifted)
    art = parse_article(out)
    assert art.text == shifted
    assert art.marks == []
    assert 'role="alert"' in out and "misaligned" in out


def test_fields_without_evidence_are_marked_and_not_interactive() -> None:
    brief = make_brief()
    brief.actors.append(Actor(id="a2", name="Unseen Agency", kind=ActorKind.GOVERNMENT))
    out = render_html(brief, TEXT)
    tag = re.search(r'<div class="[^"]*"[^>]*id="f-actor-2"[^>]*>', out)
    assert (
        tag and "no-ev" in tag.group(0) and "data-ev" not in tag.group(0) and "tabindex" not in tag.group(0)
    )


def test_quotes_show_speaker_and_outlet() -> None:
    out = render_html(make_brief(), TEXT)
    assert "— Ana Reyes" in out and "via Valley Courier" in out
    assert 'data-label="Quote 1 — Ana Reyes"' in out
