"""The HTML brief page in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

The brief is built by hand over a small invented article; offsets come from ``str.find``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import ARTIFACTS, open_file

from summariser.output.html import render_html, walk_evidence
from summariser.schema.brief import (
    Actor,
    ActorKind,
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
    IncidentBrief,
    Location,
    Meta,
    NextStep,
    Origin,
    Perpetrator,
    ProcessKind,
    Qualifier,
    Quote,
    Source,
    Usage,
)
from summariser.schema.taxonomy import EventType

pytestmark = pytest.mark.slow


ARTICLE = """KESSARA, Dravenia (Northwind Wire) — At least 12 people were killed and 30 injured on Tuesday \
when rockets struck a market in the northern town of Kessara, local officials said.

The Dravenian Interior Ministry blamed the Red Ridge Front, an armed group that has fought government \
forces in the hills since 2019. The group denied involvement in a statement posted online.

"We heard three explosions, then everything was smoke," said Lina Ostrava, a vendor who was hurt in the \
attack, speaking to Northwind Wire from a hospital bed.

Governor Emil Varga called the strike "a crime against ordinary people" and said the ceasefire agreed \
last month in Porto Alba was "hanging by a thread".

Kessara, a town of about 40,000 people, sits on the main road between the capital and the northern \
border. Its market draws traders from villages across the valley, and on market days the square is \
crowded from early morning.

Residents said the first rocket landed near the grain stalls shortly before noon. Shopkeepers pulled \
the wounded into nearby buildings while volunteers drove others to the district hospital in private cars.

The hospital's director said its two operating theatres had worked through the night and that it was \
short of blood and anaesthetics. Aid agencies said a convoy of medical supplies had been sent from the \
capital.

Government forces and the Red Ridge Front have traded accusations of violations since the truce took \
effect. Both sides say they remain committed to it, but each accuses the other of moving fighters and \
weapons into the hills above the valley.

The UN envoy, Sara Mbeki, is due to visit Kessara on Friday to meet both sides. A rival count from the \
Kessara Medical Committee put the death toll at 15."""


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


def make_brief(text: str) -> IncidentBrief:
    return IncidentBrief(
        headline="Rocket strike on Kessara market kills at least 12",
        summary="At least 12 people were killed and 30 injured when rockets hit a market in Kessara on "
        "Tuesday; "
        "the government blamed the Red Ridge Front, which denied it.",
        summary_evidence=[
            ev(
                text,
                "At least 12 people were killed and 30 injured on Tuesday when rockets struck "
                "a market in the northern town of Kessara",
            )
        ],
        event=Event(
            type=EventType.EXPLOSIONS,
            sub_type="Shelling/artillery/missile attack",
            description="Rockets struck a crowded market in Kessara.",
            locations=[
                Location(
                    id="loc1",
                    name="Kessara",
                    aliases=["KESSARA"],
                    region="North",
                    country="Dravenia",
                    evidence=[ev(text, "Kessara", after="northern town")],
                )
            ],
            time=EventTime(text="on Tuesday", date=dt.date(2024, 3, 12), evidence=[ev(text, "on Tuesday")]),
            perpetrators=[
                Perpetrator(
                    name="Red Ridge Front",
                    actor_id="a2",
                    certainty=Certainty.CLAIMED,
                    attributed_by=["Dravenian Interior Ministry"],
                    evidence=[ev(text, "blamed the Red Ridge Front")],
                )
            ],
        ),
        casualties=[
            CasualtyFigure(
                category=CasualtyCategory.KILLED,
                count=12,
                qualifier=Qualifier.AT_LEAST,
                as_written="At least 12",
                victims="people",
                reported_by="local officials",
                evidence=[ev(text, "At least 12")],
            ),
            CasualtyFigure(
                category=CasualtyCategory.INJURED,
                count=30,
                as_written="30",
                victims="people",
                reported_by="local officials",
                evidence=[ev(text, "30 injured")],
            ),
        ],
        actors=[
            Actor(
                id="a1",
                name="Dravenian Interior Ministry",
                kind=ActorKind.GOVERNMENT,
                evidence=[ev(text, "Dravenian Interior Ministry")],
            ),
            Actor(
                id="a2",
                name="Red Ridge Front",
                kind=ActorKind.ARMED_GROUP,
                aliases=["The group"],
                role="armed group",
                evidence=[ev(text, "Red Ridge Front")],
            ),
            Actor(
                id="a3",
                name="Lina Ostrava",
                kind=ActorKind.PERSON,
                role="vendor",
                evidence=[ev(text, "Lina Ostrava")],
            ),
            Actor(
                id="a4",
                name="Emil Varga",
                kind=ActorKind.PERSON,
                role="Governor",
                evidence=[ev(text, "Governor Emil Varga", origin=Origin.EXTRACTOR)],
            ),
            Actor(
                id="a5",
                name="Sara Mbeki",
                kind=ActorKind.PERSON,
                role="envoy",
                affiliation="United Nations",
                evidence=[ev(text, "Sara Mbeki")],
            ),
        ],
        quotes=[
            Quote(
                id="q1",
                text="We heard three explosions, then everything was smoke",
                speaker_id="a3",
                speaker="Lina Ostrava",
                speaker_evidence=[ev(text, "Lina Ostrava")],
                reported_via="Northwind Wire",
                speaker_origin=Origin.LLM,
                evidence=[ev(text, "We heard three explosions, then everything was smoke")],
            ),
            Quote(
                id="q2",
                text="a crime against ordinary people",
                speaker_id="a4",
                speaker="Emil Varga",
                speaker_evidence=[ev(text, "Emil Varga")],
                speaker_origin=Origin.EXTRACTOR,
                evidence=[ev(text, "a crime against ordinary people", alignment=Alignment.FUZZY)],
            ),
        ],
        diplomatic_context=DiplomaticContext(
            processes=[
                DiplomaticProcess(
                    name="Porto Alba ceasefire",
                    kind=ProcessKind.CEASEFIRE,
                    status="fragile",
                    parties=["a1", "a2"],
                    evidence=[ev(text, "the ceasefire agreed last month in Porto Alba")],
                )
            ],
            next_steps=[
                NextStep(
                    actor="Sara Mbeki",
                    step="Visit Kessara on Friday to meet both sides",
                    evidence=[ev(text, "is due to visit Kessara on Friday to meet both sides")],
                )
            ],
        ),
        sources_cited=[Source(name="Northwind Wire", evidence=[ev(text, "Northwind Wire")])],
        discrepancies=[
            Discrepancy(
                field="casualties.killed",
                description="Death toll differs between sources",
                values=[
                    DiscrepancyValue(
                        value="12", source="local officials", evidence=[ev(text, "At least 12")]
                    ),
                    DiscrepancyValue(
                        value="15",
                        source="Kessara Medical Committee",
                        evidence=[ev(text, "put the death toll at 15")],
                    ),
                ],
            )
        ],
        meta=Meta(
            engine="openai",
            model="gpt-4o-mini",
            prompt_version="brief-v3",
            prompt_hash="9f2c1ab04e77d3",
            source_sha256="5e8d" * 16,
            published=dt.date(2024, 3, 13),
            usage=Usage(prompt_tokens=1834, completion_tokens=612, total_tokens=2446),
            llm_calls=2,
            retries=1,
            duration_s=4.2,
            warnings=["Quote 2 was aligned fuzzily."],
        ),
    )


def open_page(browser: Any, tmp_path: Path, brief: IncidentBrief, text: str, **context: Any) -> Any:
    return open_file(browser, tmp_path / "brief.html", render_html(brief, text), **context)


@pytest.fixture()
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    pg = open_page(browser, tmp_path, make_brief(ARTICLE), ARTICLE)
    yield pg
    assert pg.errors == []
    pg.context.close()


IN_VIEW = """el => { const r = el.getBoundingClientRect(), p = document.getElementById('article-pane')
    .getBoundingClientRect();
    return r.top >= Math.max(0, p.top) && r.bottom <= Math.min(innerHeight, p.bottom); }"""


def test_every_evidence_span_is_highlighted(page: Any) -> None:
    refs = list(walk_evidence(make_brief(ARTICLE)))
    marks = page.eval_on_selector_all("#article mark.hl", "ms => ms.map(m => [m.dataset.ev, m.textContent])")
    covered: dict[int, str] = {}
    for ev_ids, text in marks:
        for n in map(int, ev_ids.split()):
            covered[n] = covered.get(n, "") + text
    assert sorted(covered) == list(range(len(refs)))
    assert all(covered[n] == r.evidence.text for n, r in enumerate(refs))
    assert page.inner_text("#article") == ARTICLE


def test_clicking_a_field_scrolls_to_and_flashes_its_evidence(page: Any) -> None:
    field = page.locator("#f-step-1")
    n = field.get_attribute("data-ev")
    target = page.locator(f'#article mark.hl[data-ev~="{n}"]').first
    assert target.evaluate(IN_VIEW) is False  # the last paragraph starts below the fold
    field.click()
    page.wait_for_function(f"() => ({IN_VIEW})(document.querySelector('#article mark.hl[data-ev~=\"{n}\"]'))")
    for mark in page.locator(f'#article mark.hl[data-ev~="{n}"]').all():
        assert "flash" in (mark.get_attribute("class") or "").split()
    assert "is-current" in (field.get_attribute("class") or "").split()


def test_clicking_a_highlight_lists_the_fields_citing_it(page: Any) -> None:
    brief = make_brief(ARTICLE)
    start = ARTICLE.find("At least 12")
    mark = page.locator("#article mark.hl", has_text="At least 12").first
    assert mark.inner_text() == "At least 12"
    mark.click()
    pop = page.locator("#cite-pop")
    assert pop.is_visible()
    citing = [r for r in walk_evidence(brief) if r.evidence.start <= start and start + 11 <= r.evidence.end]
    citing.sort(key=lambda r: r.evidence.end - r.evidence.start)  # innermost (most specific) first
    expected = list(dict.fromkeys(r.label for r in citing))
    assert len(expected) == 3  # the casualty figure, the discrepancy value and the summary
    assert pop.locator(".pop-item").all_inner_texts() == expected
    pop.locator(".pop-item", has_text="Discrepancy 1").click()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'f-disc-1-1'")
    assert "flash" in (page.locator("#f-disc-1-1").get_attribute("class") or "")
    assert pop.is_hidden()


def test_article_markup_is_shown_as_text_and_never_runs(browser: Any, tmp_path: Path) -> None:
    evil = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    text = ARTICLE.replace("Lina Ostrava, a vendor", f"Lina Ostrava {evil}, a vendor")
    brief = make_brief(text).model_copy(update={"headline": "Headline " + evil, "summary": evil})
    brief.actors[2].aliases.append(evil)
    page = open_page(browser, tmp_path, brief, text)
    try:
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert evil in page.inner_text("#article")
        assert evil in page.inner_text("h1.headline")
        assert page.locator("img").count() == 0
        assert page.locator("script").count() == 1
        # Defence in depth: the page's CSP refuses any script without the page's nonce.
        page.evaluate("""() => { const s = document.createElement('script');
            s.textContent = 'window.__pwned = 3'; document.body.appendChild(s); }""")
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.errors == []
    finally:
        page.context.close()


def test_keyboard_reaches_fields_and_highlights(page: Any) -> None:
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.field[data-ev]')"):
            break
    focused = page.evaluate(
        "[document.activeElement.id, getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert focused[0] == "f-summary"
    assert focused[1] != "none"  # a visible focus ring
    page.keyboard.press("Enter")
    n = page.get_attribute("#f-summary", "data-ev")
    page.wait_for_function(
        f"() => document.querySelector('#article mark.hl[data-ev~=\"{n}\"]').classList.contains('flash')"
    )
    page.locator("#article mark.hl").first.focus()
    page.keyboard.press(" ")
    assert page.locator("#cite-pop").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('pop-item')")
    page.keyboard.press("Escape")
    assert page.locator("#cite-pop").is_hidden()
    assert page.evaluate("document.activeElement.matches('#article mark.hl')")


def test_print_layout_stacks_columns_and_underlines_highlights(page: Any) -> None:
    page.emulate_media(media="print")
    style = page.evaluate("""() => { const m = getComputedStyle(document.querySelector('#article mark.hl'));
        const p = getComputedStyle(document.getElementById('article-pane'));
        return [p.position, p.overflowY, document.querySelector('.layout') && getComputedStyle(
            document.querySelector('.layout')).display, m.backgroundColor, m.textDecorationLine]; }""")
    assert style == ["static", "visible", "block", "rgba(0, 0, 0, 0)", "underline"]


def test_flagged_items_carry_badges(page: Any) -> None:
    assert page.locator("#f-quote-2 .badge", has_text="fuzzy").count() == 1
    assert page.locator("#f-quote-2-speaker .badge", has_text="extractor").count() == 1
    assert page.locator("#f-actor-4 .badge", has_text="extractor").count() == 1
    assert "fuzzy" in (page.get_attribute("#f-quote-2", "title") or "")
    caveats = re.compile("fuzzy|extractor|misaligned|no evidence")
    assert page.locator("#f-actor-1 .badge", has_text=caveats).count() == 0
    assert page.locator("#f-quote-1 .badge", has_text=caveats).count() == 0


def test_screenshot_for_review(page: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.emulate_media(reduced_motion="reduce")  # no flash animation mid-capture
    page.set_viewport_size({"width": 1440, "height": 960})
    page.locator("#f-cas-1").click()
    page.locator("#article mark.hl", has_text="Lina Ostrava").first.click()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "brief-page.png"))
    page.set_viewport_size({"width": 420, "height": 900})
    page.screenshot(path=str(ARTIFACTS / "brief-page-narrow.png"))
    assert (ARTIFACTS / "brief-page.png").stat().st_size > 10_000
