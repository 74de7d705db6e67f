"""The HTML eval reports in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

The runs are real: every case of ``evals/cases`` briefed by the extractive engine; the "new" run is the
same briefs with the quotes of every other case stripped of their speakers, re-scored and compared.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import ARTIFACTS, open_file

from summariser.evals import load_cases
from summariser.evals.compare import Comparison, compare_runs
from summariser.evals.models import Case
from summariser.evals.report_html import primary_key, render_compare_html, render_run_html
from summariser.evals.runfile import RunFile, encode_texts
from summariser.evals.runner import rescore, run_eval
from summariser.settings import Settings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "evals" / "cases"
EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
VISIBLE_IDS = """() => Array.from(document.querySelectorAll('#case-table tbody.case'))
    .filter(t => !t.hidden).map(t => t.rows[0].cells[0].dataset.v)"""


def edited(run: RunFile, cases: list[Case], edit: Any) -> RunFile:
    """``run`` with ``edit(case_id, brief_dict)`` applied to a copy of every brief, re-scored."""
    by_id = {c.id: c for c in cases}
    records = []
    for rec in run.cases:
        article = by_id[rec.id].article
        brief = copy.deepcopy(rec.brief_dict(article))
        edit(rec.id, brief)
        stored = brief if rec.texts == "inline" else encode_texts(brief, article)
        records.append(rec.model_copy(update={"brief": stored}))
    return rescore(run.model_copy(update={"cases": records}), cases)


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_cases(CASES)


@pytest.fixture(scope="module")
def run() -> RunFile:
    return run_eval(CASES, Settings(model="extractive"), resamples=200)


@pytest.fixture(scope="module")
def stripped(run: RunFile) -> set[str]:
    return set(run.case_ids[::2])


@pytest.fixture(scope="module")
def new_run(run: RunFile, cases: list[Case], stripped: set[str]) -> RunFile:
    def strip(case_id: str, brief: dict[str, Any]) -> None:
        if case_id in stripped:
            for q in brief["quotes"]:
                q.update(speaker=None, speaker_id=None, speaker_evidence=[])

    return edited(run, cases, strip)


@pytest.fixture(scope="module")
def comparison(run: RunFile, new_run: RunFile) -> Comparison:
    return compare_runs(run, new_run, base_label="extractive-main", new_label="no-speakers", resamples=200)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture()
def run_page(browser: Any, folder: Path, run: RunFile) -> Iterator[Any]:
    page = open_file(browser, folder / "run.html", render_run_html(run), width=1440, height=1000)
    yield page
    assert page.errors == []
    page.context.close()


@pytest.fixture()
def new_page(browser: Any, folder: Path, new_run: RunFile) -> Iterator[Any]:
    page = open_file(browser, folder / "new.html", render_run_html(new_run), width=1440, height=1000)
    yield page
    assert page.errors == []
    page.context.close()


@pytest.fixture()
def cmp_page(browser: Any, folder: Path, comparison: Comparison) -> Iterator[Any]:
    page = open_file(
        browser, folder / "compare.html", render_compare_html(comparison), width=1440, height=1000
    )
    yield page
    assert page.errors == []
    page.context.close()


def quotes_value(run: RunFile, case_id: str) -> float | None:
    score = run.score_of(case_id)
    assert score is not None
    key = primary_key("quotes", score.scores)
    return score.scores[key] if key else None


def speaker_target(run: RunFile, cases: list[Case], stripped: set[str]) -> Case:
    """A stripped case where the base run named at least one speaker right."""
    for c in cases:
        score = run.score_of(c.id)
        if c.id in stripped and score and (score.scores.get("quotes.speaker_accuracy") or 0) > 0:
            return c
    raise AssertionError("no case had a speaker to lose")


def test_summary_table_comes_after_schema_validity(run_page: Any, run: RunFile) -> None:
    fields = run_page.eval_on_selector_all("#summary-table tbody tr", "rs => rs.map(r => r.dataset.field)")
    assert fields[0] == "schema"
    assert len(fields) == 1 + sum(primary_key(f, run.report.metrics) is not None for f in fields[1:])
    means = run_page.eval_on_selector_all(
        "#summary-table tbody tr td.strong", "cs => cs.map(c => c.textContent)"
    )
    keys = ["schema.valid", *(primary_key(f, run.report.metrics) for f in fields[1:])]
    assert means == [f"{run.report.metrics[k].mean:.3f}" for k in keys if k]  # type: ignore[index]
    tile = run_page.locator("#schema-validity").bounding_box()
    table = run_page.locator("#summary-table").bounding_box()
    assert tile["y"] < table["y"]
    assert run_page.locator(".tiles > .tile").first.get_attribute("id") == "schema-validity"
    assert run_page.locator("#summary-table svg.ci").count() == len(fields)


def test_sorting_by_a_column_changes_row_order(run_page: Any, run: RunFile) -> None:
    before = run_page.evaluate(VISIBLE_IDS)
    assert before == run.case_ids
    head = run_page.locator("#case-table thead th", has_text="Quotes")
    head.locator("button").click()
    values = {cid: quotes_value(run, cid) for cid in run.case_ids}
    known = [c for c in run.case_ids if values[c] is not None]
    blank = [c for c in run.case_ids if values[c] is None]
    ascending = sorted(known, key=lambda c: values[c]) + blank  # type: ignore[arg-type,return-value]
    assert run_page.evaluate(VISIBLE_IDS) == ascending
    assert head.get_attribute("aria-sort") == "ascending"
    head.locator("button").click()
    descending = sorted(known, key=lambda c: -values[c]) + blank  # type: ignore[operator]
    assert run_page.evaluate(VISIBLE_IDS) == descending
    assert head.get_attribute("aria-sort") == "descending"
    assert ascending != before or descending != before


def test_filtering_hides_rows(run_page: Any, run: RunFile) -> None:
    box = run_page.locator('[data-filter-for="case-table"]')
    box.fill("quote")
    expected = [c for c in run.case_ids if "quote" in c]
    assert 0 < len(expected) < len(run.case_ids)
    assert run_page.evaluate(VISIBLE_IDS) == expected
    assert run_page.locator('[data-count-for="case-table"]').inner_text() == (
        f"{len(expected)} of {len(run.case_ids)} shown"
    )
    box.fill("no such case")
    assert run_page.evaluate(VISIBLE_IDS) == []
    assert run_page.locator('[data-empty-for="case-table"]').is_visible()
    box.press("Escape")
    assert run_page.evaluate(VISIBLE_IDS) == run.case_ids


def test_expanding_a_case_shows_the_key_beside_the_brief(
    new_page: Any, run: RunFile, cases: list[Case], stripped: set[str]
) -> None:
    target = speaker_target(run, cases, stripped)
    row = new_page.locator("#case-table tbody.case", has=new_page.locator(f'th[data-v="{target.id}"]'))
    detail, button = row.locator("tr.detail"), row.locator("button.expander")
    assert detail.is_hidden() and button.get_attribute("aria-expanded") == "false"
    button.click()
    assert detail.is_visible() and button.get_attribute("aria-expanded") == "true"
    quotes = detail.locator('.fcard[data-field="quotes"]')
    wrong = quotes.locator('tr[data-status="wrong speaker"]')
    assert wrong.count() >= 1
    golden = {q.text: q.speaker for q in target.golden.quotes}
    for i in range(wrong.count()):
        line = wrong.nth(i)
        gold_text = line.locator("td.gold .q").inner_text()[1:-1]  # inside the “ ”
        assert line.locator("td.gold .sub").inner_text() == f"— {golden[gold_text]}"
        bad = line.locator("td.made .sub.is-bad")
        assert bad.inner_text().endswith("— unattributed")
        assert bad.evaluate("el => getComputedStyle(el).color") == "rgb(180, 35, 24)"
        assert line.locator(".badge-bad").inner_text() == "wrong speaker"
    for kind in ("event_type", "locations", "actors"):
        assert detail.locator(f'.fcard[data-field="{kind}"] table.gvp').is_visible()
    button.click()
    assert detail.is_hidden()


def test_markup_in_a_quote_or_case_id_never_runs(
    browser: Any, folder: Path, run: RunFile, cases: list[Case]
) -> None:
    first, second = run.case_ids[:2]
    evil_id = f"case {EVIL}"

    def poison(case_id: str, brief: dict[str, Any]) -> None:
        if case_id == first:
            brief["quotes"][0]["text"] += EVIL

    poisoned = edited(run, cases, poison)
    failed = {"brief": None, "error": "GenerationError: no usable answer"}
    changes = {first: {"id": evil_id}, second: failed}
    records = [r.model_copy(update=changes.get(r.id, {})) for r in poisoned.cases]
    evil_cases = [c.model_copy(update={"id": evil_id}) if c.id == first else c for c in cases]
    evil_run = rescore(poisoned.model_copy(update={"cases": records}), evil_cases)
    page = open_file(
        browser,
        folder / "evil.html",
        render_run_html(evil_run, cases=evil_cases, fail_below=0),
        width=1440,
        height=1000,
    )
    try:
        row = page.locator("#case-table tbody.case").first
        assert row.locator("th.case-col .cid").inner_text() == evil_id
        row.locator("button.expander").click()
        assert EVIL in row.locator('.fcard[data-field="quotes"]').inner_text()
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("img").count() == 0 and page.locator("script").count() == 1
        page.evaluate("""() => { const s = document.createElement('script');
            s.textContent = 'window.__pwned = 3'; document.body.appendChild(s); }""")
        assert page.evaluate("typeof window.__pwned") == "undefined"  # the CSP refuses it
        page.locator('[data-only-for="case-table"]').check()
        assert page.evaluate(VISIBLE_IDS) == [second]  # the one invalid brief
        assert page.errors == []
    finally:
        page.context.close()


def test_keyboard_sorts_expands_and_finds_the_filter(run_page: Any, run: RunFile) -> None:
    run_page.keyboard.press("/")
    assert run_page.evaluate("document.activeElement.dataset.filterFor") == "case-table"
    sort = run_page.locator("#case-table thead th", has_text="Sec.").locator("button")
    sort.focus()
    run_page.keyboard.press("Enter")
    assert run_page.locator("#case-table thead th", has_text="Sec.").get_attribute("aria-sort") == "ascending"
    seconds = {r.id: r.seconds for r in run.cases}
    assert run_page.evaluate(VISIBLE_IDS) == sorted(run.case_ids, key=lambda c: seconds[c])
    first = run_page.locator("#case-table tbody.case").first
    first.locator("button.expander").focus()
    outline = run_page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    run_page.keyboard.press("Enter")
    assert first.locator("tr.detail").is_visible()
    run_page.keyboard.press(" ")
    assert first.locator("tr.detail").is_hidden()


def test_print_layout_drops_controls(run_page: Any) -> None:
    run_page.emulate_media(media="print")
    style = run_page.evaluate("""() => [getComputedStyle(document.querySelector('.toolbar')).display,
        getComputedStyle(document.querySelector('.table-scroll')).overflowX,
        getComputedStyle(document.querySelector('#case-table thead th')).position]""")
    assert style == ["none", "visible", "static"]


def test_comparison_page_gate_deltas_and_worse_cases_first(cmp_page: Any, comparison: Comparison) -> None:
    gate = cmp_page.locator("#gate")
    assert "Gate failed" in gate.inner_text()
    for m in comparison.regressions:
        assert m.key in gate.inner_text()
        assert cmp_page.locator("#summary-table tr.is-regressed", has_text=m.key).count() == 1
    rows = cmp_page.eval_on_selector_all("#summary-table tbody tr", "rs => rs.map(r => r.dataset.field)")
    assert rows[0] == "schema" and len(set(rows)) == len({m.field for m in comparison.metrics})
    worse: dict[str, float | None] = {}  # case -> its largest drop of a rate (None: only counts rose)
    for m in comparison.metrics:
        for w in m.worse:
            drop = None if m.lower_is_better else w.base - w.new
            worse[w.case_id] = max((d for d in (worse.get(w.case_id), drop) if d is not None), default=None)
    order = cmp_page.evaluate(VISIBLE_IDS)
    assert sorted(order) == sorted(comparison.shared_cases)
    assert set(order[: len(worse)]) == set(worse) and 0 < len(worse) < len(order)
    first = cmp_page.locator("#case-table tbody.case").first
    assert "Quotes" in first.locator("td").first.inner_text()
    first.locator("button.expander").click()
    assert "quotes.speaker_accuracy" in first.locator("tr.detail").inner_text()
    cmp_page.locator('[data-only-for="case-table"]').check()
    assert sorted(cmp_page.evaluate(VISIBLE_IDS)) == sorted(worse)
    cmp_page.locator('[data-only-for="case-table"]').uncheck()
    head = cmp_page.locator("#case-table thead th", has_text="Largest drop")
    head.locator("button").click()
    shown = cmp_page.evaluate(VISIBLE_IDS)
    dropped = [c for c in order if worse.get(c) is not None]
    assert shown[: len(dropped)] == sorted(dropped, key=lambda c: (worse[c], order.index(c)))
    assert shown != order


def test_screenshots_for_review(
    new_page: Any, cmp_page: Any, run: RunFile, cases: list[Case], stripped: set[str]
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    target = speaker_target(run, cases, stripped)
    new_page.emulate_media(reduced_motion="reduce")
    new_page.locator(f'#case-table th[data-v="{target.id}"] button.expander').click()
    new_page.screenshot(path=str(ARTIFACTS / "eval-report.png"), full_page=True)
    cmp_page.emulate_media(reduced_motion="reduce")
    cmp_page.locator("#case-table tbody.case").first.locator("button.expander").click()
    cmp_page.screenshot(path=str(ARTIFACTS / "eval-compare.png"), full_page=True)
    for name in ("eval-report.png", "eval-compare.png"):
        assert (ARTIFACTS / name).stat().st_size > 20_000
