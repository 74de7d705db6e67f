"""The small pieces of the HTML eval reports (``report_html``): tone classes, breakable text, sort keys,
and the inline SVG charts (``ci_bar``, ``delta_bar``, ``grouped_bars``; escaped labels, no script)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from .aggregate import MetricSummary
from .compare import MetricDiff
from .report_md import fmt

__all__ = ["breakable", "ci_bar", "delta_bar", "grouped_bars", "sort_value", "tone"]


def tone(value: float | None, lower_is_better: bool = False) -> str:
    """A CSS class grading a score: s-0 (worst) .. s-4 (perfect), na for no value."""
    if value is None:
        return "na"
    if lower_is_better:
        return "s-4" if value <= 0 else "s-2" if value <= 1 else "s-0"
    for name, floor in (("s-4", 0.999), ("s-3", 0.75), ("s-2", 0.5), ("s-1", 1e-12)):
        if value >= floor:
            return name
    return "s-0"


def breakable(text: str) -> Markup:
    """``text`` escaped, with a line-break opportunity after each slash ("Explosions/Remote violence")."""
    return Markup("/<wbr>").join(Markup.escape(part) for part in text.split("/"))


def sort_value(value: float | None) -> str:
    return "" if value is None else repr(round(value, 6))


def ci_bar(m: MetricSummary | None, *, top: float = 1.0, width: int = 150) -> Markup:
    """The mean as a dot on its CI as a bar, on a 0..``top`` scale (inline SVG)."""
    if m is None or m.mean is None:
        return Markup('<span class="muted">–</span>')
    pad, h = 6, 18
    track = width - 2 * pad

    def x(v: float) -> float:
        return round(pad + track * min(max(v / (top or 1.0), 0.0), 1.0), 2)

    lo, hi = m.ci_low if m.ci_low is not None else m.mean, m.ci_high if m.ci_high is not None else m.mean
    label = f"mean {m.mean:.3f}, CI {lo:.3f} to {hi:.3f}"
    return Markup(
        '<svg class="ci" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{label}">'
        "<title>{label}</title>"
        '<line x1="{p}" x2="{e}" y1="9" y2="9" class="ci-track"/>'
        '<line x1="{a}" x2="{b}" y1="9" y2="9" class="ci-range {t}"/>'
        '<circle cx="{m}" cy="9" r="4" class="ci-mean {t}"/></svg>'
    ).format(
        w=width,
        h=h,
        label=label,
        p=pad,
        e=pad + track,
        a=x(lo),
        b=x(hi),
        m=x(m.mean),
        t=tone(m.mean, m.lower_is_better),
    )


def delta_bar(m: MetricDiff, span: float, width: int = 170) -> Markup:
    """The paired difference (dot) with its CI (bar) on an axis centred on zero; the zone beyond the
    gate's threshold (where the metric regresses) shaded."""
    if m.diff is None:
        return Markup('<span class="muted">–</span>')
    h, pad = 20, 6
    mid, half = width / 2, width / 2 - pad
    span = span or 1.0

    def x(v: float) -> float:
        return round(mid + half * max(-1.0, min(1.0, v / span)), 2)

    lo = m.ci_low if m.ci_low is not None else m.diff
    hi = m.ci_high if m.ci_high is not None else m.diff
    gate = x(m.threshold if m.lower_is_better else -m.threshold)
    zone = (gate, width - pad - gate) if m.lower_is_better else (pad, gate - pad)
    cls = "regressed" if m.regressed else m.status
    label = f"difference {m.diff:+.3f}, CI {lo:+.3f} to {hi:+.3f}, gate {m.threshold:g}"
    return Markup(
        '<svg class="delta" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{label}">'
        "<title>{label}</title>"
        '<rect x="{zx}" y="4" width="{zw}" height="12" class="fail-zone"/>'
        '<line x1="{p}" x2="{e}" y1="10" y2="10" class="axis"/>'
        '<line x1="{mid}" x2="{mid}" y1="3" y2="17" class="zero"/>'
        '<line x1="{a}" x2="{b}" y1="10" y2="10" class="d-range {c}"/>'
        '<circle cx="{d}" cy="10" r="4" class="d-mean {c}"/></svg>'
    ).format(
        w=width,
        h=h,
        label=label,
        zx=zone[0],
        zw=max(zone[1], 0),
        p=pad,
        e=width - pad,
        mid=mid,
        a=x(lo),
        b=x(hi),
        d=x(m.diff),
        c=cls,
    )


def grouped_bars(rows: Sequence[tuple[str, float | None, float | None]], names: tuple[str, str]) -> Markup:
    """Horizontal bars, two per row (base grey, new accent), on a 0..1 scale; labels escaped."""
    lw, width, bh, gap = 142, 450, 11, 10
    track = width - lw - 58
    height = len(rows) * (2 * bh + 2 + gap) + gap + 18
    out = [
        Markup(
            '<svg class="bars grouped" role="img" aria-label="{t}" viewBox="0 0 {w} {h}" width="100%" '
            'preserveAspectRatio="xMinYMin meet"><title>{t}</title>'
            '<rect x="{lw}" y="2" width="10" height="10" class="g-base"/>'
            '<text x="{lx1}" y="11" class="bar-label legend">{b}</text>'
            '<rect x="{lx2}" y="2" width="10" height="10" class="g-new"/>'
            '<text x="{lx3}" y="11" class="bar-label legend">{n}</text>'
        ).format(
            t=f"Headline metric per field: {names[0]} vs {names[1]}",
            w=width,
            h=height,
            lw=lw,
            lx1=lw + 14,
            lx2=lw + 150,
            lx3=lw + 164,
            b=names[0][:22],
            n=names[1][:22],
        )
    ]
    for i, (label, base, new) in enumerate(rows):
        y = 18 + gap + i * (2 * bh + 2 + gap)
        out.append(
            Markup('<g><text x="{}" y="{}" text-anchor="end" class="bar-label">{}</text>').format(
                lw - 8, y + bh + 4, label
            )
        )
        for j, (value, cls) in enumerate(((base, "g-base"), (new, "g-new"))):
            yy = y + j * (bh + 2)
            bw = round(track * max(0.0, min(value or 0.0, 1.0)), 2)
            out.append(
                Markup(
                    '<rect x="{x}" y="{y}" width="{t}" height="{h}" rx="2" class="bar-track"/>'
                    '<rect x="{x}" y="{y}" width="{bw}" height="{h}" rx="2" class="{c}"/>'
                    '<text x="{vx}" y="{ty}" class="bar-value">{v}</text>'
                ).format(
                    x=lw,
                    y=yy,
                    t=track,
                    h=bh,
                    bw=bw,
                    c=cls,
                    vx=lw + track + 6,
                    ty=yy + bh - 1.5,
                    v=fmt(value, 2),
                )
            )
        out.append(Markup("</g>"))
    out.append(Markup("</svg>"))
    return Markup("").join(out)
