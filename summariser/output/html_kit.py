"""Building blocks for the self-contained HTML pages (the brief page, the eval report).

Everything here returns :class:`markupsafe.Markup`; every piece of data passed in is escaped. Pages carry
no external asset: CSS and JS are inlined, and a Content-Security-Policy forbids loading anything, so a page
opens from disk and never touches the network.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from markupsafe import Markup, escape

__all__ = ["Segment", "asset", "badge", "esc", "page", "segment_spans", "svg_bars"]

esc = escape


@cache
def asset(name: str) -> str:
    """The text of ``summariser/output/html_assets/NAME`` (CSS or JS inlined into pages)."""
    return (resources.files("summariser.output") / "html_assets" / name).read_text(encoding="utf-8")


def _csp(nonce: str) -> str:
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'nonce-{nonce}'; base-uri 'none'; form-action 'none'"
    )


def page(title: str, body_html: str, *, extra_css: str = "", extra_js: str = "", lang: str = "en") -> str:
    """A complete HTML document: base CSS + ``extra_css`` inlined, ``body_html`` (trusted markup), then
    ``extra_js`` in a nonce'd inline script. Injected ``<script>`` or ``on*=`` handlers cannot run: the CSP
    only allows the page's own script."""
    for code, closer in ((extra_css, "</style"), (extra_js, "</script")):
        if closer in code.lower():
            raise ValueError(f"inline asset must not contain {closer!r}")
    css = asset("kit.css") + "\n" + extra_css
    nonce = hashlib.sha256((css + extra_js + str(body_html)).encode("utf-8")).hexdigest()[:24]
    script = Markup('<script nonce="{}">\n{}\n</script>').format(nonce, Markup(extra_js)) if extra_js else ""
    return str(
        Markup(
            "<!DOCTYPE html>\n"
            '<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="referrer" content="no-referrer">\n'
            "<title>{title}</title>\n<style>\n{css}\n</style>\n</head>\n"
            "<body>\n{body}\n{script}\n</body>\n</html>\n"
        ).format(
            lang=lang, csp=_csp(nonce), title=title, css=Markup(css), body=Markup(body_html), script=script
        )
    )


def badge(label: str, *, tone: str = "neutral", title: str | None = None) -> Markup:
    """A small pill; ``tone`` picks a ``badge-TONE`` class from kit.css (neutral, warn, bad, good, info)."""
    return Markup('<span class="badge badge-{}"{}>{}</span>').format(
        tone, Markup(' title="{}"').format(title) if title else "", label
    )


@dataclass(frozen=True)
class Segment:
    """A run of text ``[start, end)`` covered by exactly the spans ``covers`` (indices into the input,
    innermost, i.e. shortest, first). ``start == end`` marks an empty span's position."""

    start: int
    end: int
    covers: tuple[int, ...]


def segment_spans(length: int, spans: Sequence[tuple[int, int]]) -> list[Segment]:
    """Split ``[0, length)`` at every span boundary. Each segment lists all spans covering it, so
    overlapping and nested spans are both handled; segments with no span have ``covers == ()``.
    Spans outside ``[0, length]`` or reversed are ignored; empty spans become zero-width segments."""
    valid = [i for i, (s, e) in enumerate(spans) if 0 <= s <= e <= length]
    empties: dict[int, list[int]] = {}
    cuts = {0, length}
    for i in valid:
        s, e = spans[i]
        if s == e:
            empties.setdefault(s, []).append(i)
        cuts.update((s, e))
    bounds = sorted(cuts)
    by_start = sorted((i for i in valid if spans[i][0] < spans[i][1]), key=lambda i: spans[i][0])
    active: list[int] = []
    out: list[Segment] = []
    nxt = 0
    for a, b in zip(bounds, [*bounds[1:], None], strict=True):
        out.extend(Segment(a, a, (i,)) for i in empties.get(a, ()))
        if b is None:
            break
        while nxt < len(by_start) and spans[by_start[nxt]][0] <= a:
            active.append(by_start[nxt])
            nxt += 1
        active = [i for i in active if spans[i][1] > a]
        covers = sorted(active, key=lambda i: (spans[i][1] - spans[i][0], i))
        out.append(Segment(a, b, tuple(covers)))
    return out


def svg_bars(
    items: Iterable[tuple[str, float]],
    *,
    title: str,
    max_value: float | None = None,
    value_format: str = "{:.2f}",
    width: int = 520,
    label_width: int = 170,
    bar_height: int = 18,
    gap: int = 8,
    colour: str = "var(--accent, #2563eb)",
) -> Markup:
    """A horizontal bar chart as inline SVG (no script, scales with its container). Negative values are
    drawn as empty bars; labels and title are escaped."""
    rows = list(items)
    top = max([max_value or 0.0, *(v for _, v in rows)]) or 1.0
    value_w = 64
    track = max(width - label_width - value_w, 40)
    height = max(len(rows), 1) * (bar_height + gap) + gap
    parts = [
        Markup(
            '<svg class="bars" role="img" aria-label="{t}" viewBox="0 0 {w} {h}" width="100%" '
            'preserveAspectRatio="xMinYMin meet"><title>{t}</title>'
        ).format(t=title, w=width, h=height)
    ]
    for n, (label, value) in enumerate(rows):
        y = gap + n * (bar_height + gap)
        bw = round(track * max(value, 0.0) / top, 2)
        parts.append(
            Markup(
                '<g><text x="{lx}" y="{ty}" text-anchor="end" class="bar-label">{label}</text>'
                '<rect x="{x}" y="{y}" width="{track}" height="{h}" rx="3" class="bar-track"/>'
                '<rect x="{x}" y="{y}" width="{bw}" height="{h}" rx="3" fill="{colour}" class="bar"/>'
                '<text x="{vx}" y="{ty}" class="bar-value">{value}</text></g>'
            ).format(
                lx=label_width - 8,
                ty=y + bar_height * 0.72,
                label=label,
                x=label_width,
                y=y,
                track=track,
                h=bar_height,
                bw=bw,
                colour=colour,
                vx=label_width + track + 8,
                value=value_format.format(value),
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
