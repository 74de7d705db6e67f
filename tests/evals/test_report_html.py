"""The HTML eval reports as markup: every part present, escaping, no external reference, key beside brief.

Runs come from the real cases in ``evals/cases`` briefed by the extractive engine; the "worse" run is the
same briefs with the speakers of some quotes removed, re-scored.
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from summariser.cli.main import cli
from summariser.evals import load_case, load_cases
from summariser.evals.aggregate import MetricSummary
from summariser.evals.compare import compare_runs
from summariser.evals.models import Case
from summariser.evals.report_html import (
    FAIL_BELOW,
    ci_bar,
    primary_key,
    render_compare_html,
    render_run_html,
)
from summariser.evals.runfile import RunFile, encode_texts, save_run
from summariser.evals.runner import rescore, run_eval
from summariser.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "evals" / "cases"
EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def without_speakers(run: RunFile, cases: list[Case], which: set[str]) -> RunFile:
    """``run`` as if its briefs for the cases ``which`` named no speaker, re-scored."""
    by_id = {c.id: c for c in cases}
    records = []
    for rec in run.cases:
        article = by_id[rec.id].article
        brief = copy.deepcopy(rec.brief_dict(article))
        assert brief is not None
        if rec.id in which:
            for quote in brief["quotes"]:
                quote.update(speaker=None, speaker_id=None, speaker_evidence=[])
        stored = brief if rec.texts == "inline" else encode_texts(brief, article)
        records.append(rec.model_copy(update={"brief": stored}))
    return rescore(run.model_copy(update={"cases": records}), cases)


def tbody(page: str, case_id: str) -> str:
    """The markup of one case's row group (its row and its detail)."""
    for part in page.split('<tbody class="case')[1:]:
        if f'data-v="{case_id}"' in html.unescape(part.split("</tr>", 1)[0]):
            return part.split('<p class="no-rows', 1)[0]
    raise AssertionError(f"no row for {case_id}")


def card(part: str, field: str) -> str:
    """The markup of one field's card in a case's detail."""
    return re.split(r'<div class="fcard[ "]', part.split(f'data-field="{field}"', 1)[1], maxsplit=1)[0]


def statuses(part: str) -> list[str]:
    return re.findall(r'<tr class="ln ln-\w+" data-status="([^"]+)"', part)


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_cases(CASES)


@pytest.fixture(scope="module")
def run() -> RunFile:
    return run_eval(CASES, Settings(model="extractive"), limit=6, resamples=50)


@pytest.fixture(scope="module")
def page(run: RunFile) -> str:
    return render_run_html(run)


def test_the_run_page_holds_every_part_schema_validity_first(run: RunFile, page: str) -> None:
    r = run.report
    text = html.unescape(page)
    for value in (
        run.model,
        run.engine,
        run.prompts_sha256,
        run.package_version,
        run.created,
        run.cases_spec,
    ):
        assert value in text
    assert all(v in text for v in run.prompt_versions)
    assert f"{r.n_valid} of {r.n_cases} briefs valid" in text
    order = [page.index(m) for m in ('id="schema-validity"', 'id="summary-table"', 'id="cost-table"')]
    assert order == sorted(order)
    summary = page[
        page.index('id="summary-table"') : page.index("</table>", page.index('id="summary-table"'))
    ]
    rows = re.findall(r'<tr data-field="(\w+)"', summary)
    assert rows[0] == "schema"
    assert rows[1:] == [
        f
        for f in (
            "event_type",
            "locations",
            "time",
            "casualties",
            "perpetrators",
            "actors",
            "quotes",
            "sources",
            "discrepancies",
            "diplomatic",
            "summary",
            "grounding",
        )
        if primary_key(f, r.metrics)
    ]
    for f in rows:
        key = primary_key(f, r.metrics)
        assert key is not None
        m = r.metrics[key]
        assert f"<code>{key}</code>" in summary
        assert f"{m.mean:.3f}" in summary and f"[{m.ci_low:.3f}, {m.ci_high:.3f}]" in summary
    assert summary.count('<svg class="ci"') == len(rows)
    assert '<svg class="bars"' in page
    for what in ("LLM calls", "retries", "prompt tokens", "completion tokens", "total tokens", "seconds"):
        assert f'<th scope="row">{what}</th>' in page
    for key in r.metrics:
        assert f"<code>{key}</code>" in page  # the "all metrics" table


def test_cases_are_sortable_rows_with_a_detail_each(run: RunFile, page: str) -> None:
    table = page[page.index('<table class="cases') :]
    assert table.count('<tbody class="case') == len(run.cases)
    heads = re.findall(r'<th scope="col"[^>]*data-sort="(num|text)" aria-sort="none"', table)
    assert heads[0] == "text" and len(heads) >= 4
    assert table.count('<button type="button" class="sort">') == len(heads)
    assert table.count('class="expander" aria-expanded="false"') == len(run.cases)
    assert table.count('<tr class="detail"') == table.count(" hidden><td colspan=") == len(run.cases)
    labels = re.findall(r'<button type="button" class="sort">([^<]+)<span', table)
    for rec in run.cases:
        part = tbody(page, rec.id)
        score = run.score_of(rec.id)
        assert score is not None
        cells = re.findall(r'data-v="([^"]*)"', part.split("</tr>", 1)[0])
        assert len(cells) == len(labels) and html.unescape(cells[0]) == rec.id
        key = primary_key("quotes", score.scores)
        value = score.scores[key] if key else None
        shown = cells[labels.index("Quotes")]
        assert shown == "" if value is None else float(shown) == pytest.approx(value, abs=1e-6)
        flagged = not score.valid or any(
            v is not None and v < FAIL_BELOW
            for f in (
                "event_type",
                "locations",
                "time",
                "casualties",
                "perpetrators",
                "actors",
                "quotes",
                "sources",
                "discrepancies",
                "diplomatic",
                "summary",
                "grounding",
            )
            if (k := primary_key(f, score.scores)) and (v := score.scores[k]) is not None
        )
        assert part.startswith(" is-flagged") == flagged
    assert 'data-filter-for="case-table"' in page and 'data-only-for="case-table"' in page


def test_the_detail_sets_the_answer_key_beside_the_brief(run: RunFile, cases: list[Case], page: str) -> None:
    by_id = {c.id: c for c in cases}
    for rec in run.cases:
        case = by_id[rec.id]
        part = tbody(page, rec.id)
        text = html.unescape(part)
        for q in case.golden.quotes:
            assert f"“{q.text}”" in text
        for loc in case.golden.locations:
            assert loc.name in text
        found = statuses(part)
        assert len(statuses(card(part, "quotes"))) >= len(case.golden.quotes)
        assert set(found) <= {
            "match",
            "missed",
            "invented",
            "wrong speaker",
            "wrong certainty",
            "wrong type",
            "wrong sub-type",
            "mismatch",
            "partly",
            "not in key",
        }


def test_removing_speakers_marks_them_wrong(run: RunFile, cases: list[Case], page: str) -> None:
    spoken = [c.id for c in cases if c.id in run.case_ids and any(q.speaker for q in c.golden.quotes)]
    target = spoken[0]
    worse_page = render_run_html(without_speakers(run, cases, {target}))
    quotes_before, quotes_after = (
        card(tbody(page, target), "quotes"),
        card(tbody(worse_page, target), "quotes"),
    )
    before, after = statuses(quotes_before), statuses(quotes_after)
    assert len(before) == len(after)
    case = next(c for c in cases if c.id == target)
    gold_speakers = [q.speaker for q in case.golden.quotes]
    for n, (b, a) in enumerate(zip(before, after, strict=True)):
        if n < len(gold_speakers) and gold_speakers[n] and b in ("match", "wrong speaker"):
            assert a == "wrong speaker"
        else:
            assert a == b
    assert "wrong speaker" in after
    assert quotes_after.count('<div class="sub is-bad">— unattributed</div>') == after.count("wrong speaker")


def test_text_is_escaped_and_never_markup(run: RunFile, cases: list[Case]) -> None:
    first = run.cases[0]
    brief = copy.deepcopy(first.brief)
    assert brief is not None and brief["quotes"]
    brief["quotes"][0]["text"] += EVIL
    evil_id = f"case {EVIL}"
    record = first.model_copy(update={"id": evil_id, "brief": brief})
    scores = [s.model_copy(update={"case_id": evil_id}) if s.case_id == first.id else s for s in run.scores]
    evil_run = run.model_copy(
        update={"cases": [record, *run.cases[1:]], "scores": scores, "model": f"model {EVIL}"}
    )
    evil_cases = [c.model_copy(update={"id": evil_id}) if c.id == first.id else c for c in cases]
    out = render_run_html(evil_run, cases=evil_cases)
    assert out.count("<script") == 1  # the page's own script
    assert "<img" not in out and 'onerror="' not in out
    escaped = html.escape(EVIL, quote=False)
    assert out.count(escaped.replace('"', "&#34;")) >= 3  # the case id (row, detail) and the quote
    assert html.escape("model <script>", quote=False) in out
    assert EVIL in html.unescape(tbody(out, evil_id))


def test_no_external_reference(page: str, run: RunFile, cases: list[Case]) -> None:
    other = render_compare_html(compare_runs(run, run, resamples=50))
    for out in (page, other):
        assert not re.search(r"(https?:|ftp:)?//[\w.-]+\.\w", out.replace("http-equiv", ""))
        assert not re.search(r"\b(src|href|action|xlink:href)\s*=", out)
        assert "@import" not in out and "url(" not in out
        assert "Content-Security-Policy" in out and "default-src 'none'" in html.unescape(out)


def test_without_the_cases_the_page_shows_scores_with_a_note(run: RunFile, tmp_path: Path) -> None:
    lost = run.model_copy(update={"cases_spec": str(tmp_path / "gone")})
    out = render_run_html(lost)
    assert "could not be loaded" in out and "Scores only" in out
    assert '<table class="gvp">' not in out
    for rec, score in zip(run.cases, run.scores, strict=True):
        part = tbody(out, rec.id)
        assert 'class="fcard wide others"' in part
        assert all(f'title="{key}"' in part for key in score.scores if key != "schema.valid")


def test_briefs_stored_as_offsets_are_decoded_from_their_article(shared_dir: Path) -> None:
    folder = CASES / "sample-maaret"
    case = load_case(folder)
    offsets_run = run_eval(folder, Settings(model="extractive"), resamples=20)
    assert offsets_run.cases[0].texts == "offsets"
    out = render_run_html(offsets_run)
    text = html.unescape(out)
    assert statuses(card(tbody(out, case.id), "quotes")).count("match") >= 1
    assert all(f"“{q.text}”" in text for q in case.golden.quotes)
    # Nothing of the article beyond what the brief and the key quote: no paragraph is copied whole.
    paragraphs = [p.strip() for p in case.article.split("\n") if len(p.strip()) >= 80]
    assert paragraphs and not [p for p in paragraphs if p in text]
    # Without the article the brief cannot be decoded: scores only, with a note.
    blind = render_run_html(offsets_run, cases=[])
    assert '<table class="gvp">' not in blind and "Scores only" in blind
    changed = case.model_copy(update={"article": case.article + " (edited)"})
    stale = render_run_html(offsets_run, cases=[changed])
    assert "has changed since the run" in stale and '<table class="gvp">' not in stale


def test_comparison_page_lists_regressions_and_worse_cases_first(run: RunFile, cases: list[Case]) -> None:
    which = set(run.case_ids[::2])
    cmp = compare_runs(run, without_speakers(run, cases, which), resamples=50)
    out = render_compare_html(cmp)
    text = html.unescape(out)
    assert not cmp.passed and "Gate failed" in text
    gate = out[out.index('id="gate"') : out.index("</ul>", out.index('id="gate"'))]
    for m in cmp.regressions:
        assert f"<code>{m.key}</code>" in gate
    worse = {cid for m in cmp.metrics for w in m.worse for cid in [w.case_id]}
    assert worse and worse <= which
    order = re.findall(r'<th scope="row" class="case-col" data-v="([^"]+)"', out)
    assert sorted(order) == sorted(cmp.shared_cases)
    assert set(order[: len(worse)]) == worse  # the cases that got worse come first
    for cid in worse:
        part = tbody(out, cid)
        assert part.startswith(" is-flagged") and '<span class="fbadge">Quotes</span>' in part
        assert "quotes.speaker_accuracy" in part
    for cid in set(order) - worse:
        assert not tbody(out, cid).startswith(" is-flagged")
    deltas = out[out.index('id="summary-table"') :].split("</table>", 1)[0]
    assert deltas.count('<svg class="delta"') == deltas.count("<tr data-field=")
    assert '<svg class="bars grouped"' in out
    for info in (cmp.base, cmp.new):
        assert info.label in text and info.created in text
    passed = render_compare_html(compare_runs(run, run, resamples=50))
    assert "Gate passed" in passed and "Gate failed" not in passed


def test_interval_bar_places_the_mean_on_its_scale() -> None:
    svg = ci_bar(MetricSummary(mean=0.5, ci_low=0.25, ci_high=0.75, n=4), width=112)
    assert 'cx="56.0"' in svg and 'x1="31.0" x2="81.0"' in svg
    assert "mean 0.500, CI 0.250 to 0.750" in svg
    assert "–" in ci_bar(None) and "–" in ci_bar(MetricSummary())


def test_the_cli_writes_both_pages(run: RunFile, cases: list[Case], tmp_path: Path) -> None:
    base, new = tmp_path / "base.json", tmp_path / "new.json"
    save_run(run, base)
    save_run(without_speakers(run, cases, set(run.case_ids)), new)
    runner = CliRunner()
    result = runner.invoke(cli, ["eval", "report", str(base), "--html", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    assert 'id="case-table"' in (tmp_path / "r.html").read_text(encoding="utf-8")
    result = runner.invoke(cli, ["eval", "compare", str(base), str(new), "--html", str(tmp_path / "c.html")])
    assert result.exit_code == 1  # the gate fails: speakers were removed
    assert "Gate failed" in (tmp_path / "c.html").read_text(encoding="utf-8")
