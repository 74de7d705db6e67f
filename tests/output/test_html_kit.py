"""The reusable page kit: page shell, span segmentation, inline SVG bars."""

from __future__ import annotations

import html
import random
import re

import pytest
from markupsafe import Markup

from summariser.output.html_kit import Segment, badge, page, segment_spans, svg_bars


def test_segments_split_at_every_boundary_innermost_first() -> None:
    segs = segment_spans(20, [(0, 10), (5, 15), (7, 8)])
    assert segs == [
        Segment(0, 5, (0,)),
        Segment(5, 7, (0, 1)),
        Segment(7, 8, (2, 0, 1)),
        Segment(8, 10, (0, 1)),
        Segment(10, 15, (1,)),
        Segment(15, 20, ()),
    ]


def test_empty_and_out_of_range_spans() -> None:
    segs = segment_spans(6, [(2, 2), (4, 9), (3, 1), (0, 6)])
    assert segs == [Segment(0, 2, (3,)), Segment(2, 2, (0,)), Segment(2, 6, (3,))]
    assert segment_spans(0, []) == [Segment(0, 0, ())] or segment_spans(0, []) == []


def test_segments_tile_the_text_and_rebuild_every_span() -> None:
    rng = random.Random(7)
    for _ in range(200):
        n = rng.randint(1, 60)
        spans = [tuple(sorted((rng.randint(0, n), rng.randint(0, n)))) for _ in range(rng.randint(0, 8))]
        segs = [s for s in segment_spans(n, spans) if s.start < s.end]  # type: ignore[arg-type]
        assert [(s.start, s.end) for s in segs] == list(
            zip([0] + [s.end for s in segs[:-1]], [s.end for s in segs], strict=True)
        )
        assert segs[-1].end == n
        for i, (a, b) in enumerate(spans):
            mine = [s for s in segs if i in s.covers]
            assert (mine[0].start, mine[-1].end) == (a, b) if a < b else mine == []
            assert sum(s.end - s.start for s in mine) == b - a


def test_page_shell_inlines_assets_and_locks_down_scripts() -> None:
    out = page("A <title>", Markup("<p>hi</p>"), extra_css=".x{color:red}", extra_js="console.log(1)")
    assert out.startswith("<!DOCTYPE html>")
    assert "<title>A &lt;title&gt;</title>" in out
    nonce = re.search(r"script-src 'nonce-([0-9a-f]+)'", html.unescape(out))
    assert nonce and f'<script nonce="{nonce.group(1)}">' in out
    assert ".x{color:red}" in out and "<p>hi</p>" in out
    with pytest.raises(ValueError):
        page("t", "", extra_js="a = '</script>'")


def test_svg_bars_scale_and_escape() -> None:
    svg = svg_bars(
        [("<b>a</b>", 0.5), ("b", 1.0), ("c", -1.0)],
        title="Scores & more",
        max_value=1.0,
        width=400,
        label_width=100,
    )
    widths = [float(w) for w in re.findall(r'width="([\d.]+)" height="\d+" rx="3" fill', svg)]
    assert widths[0] * 2 == pytest.approx(widths[1]) and widths[2] == 0
    assert "&lt;b&gt;a&lt;/b&gt;" in svg and "<b>" not in svg
    assert 'aria-label="Scores &amp; more"' in svg


def test_badge_escapes() -> None:
    assert str(badge("<x>", tone="warn", title='"q"')) == (
        '<span class="badge badge-warn" title="&#34;q&#34;">&lt;x&gt;</span>'
    )
