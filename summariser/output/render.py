"""Render stage: a brief as JSON (the default, for tools) or Markdown (for people)."""

from __future__ import annotations

import json

from ..schema.brief import Alignment, IncidentBrief, Origin, Quote
from .safe import json_safe, md_block, md_inline, visible_controls

__all__ = ["brief_json_schema", "render_json", "render_markdown"]


def render_json(brief: IncidentBrief, *, indent: int | None = 2) -> str:
    """The brief as JSON; control characters are escaped (none reaches a terminal), the data unchanged."""
    return json_safe(brief.model_dump_json(indent=indent))


def brief_json_schema() -> str:
    """The JSON Schema of ``IncidentBrief``, as checked into ``schemas/brief.schema.json``."""
    schema = IncidentBrief.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "summariser/brief.schema.json"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _esc(s: str | None) -> str:
    """Text for a table cell."""
    return md_inline(s).replace("|", "\\|")


_t = md_inline  # article-derived text anywhere in a line: shown as text, never live


def _code(s: str) -> str:
    """Text inside a code span: backticks and line breaks cannot end it early."""
    return visible_controls(s).replace("`", "'").replace("\n", " ")


def _marks(ev: list) -> str:
    """A small flag when an item is not an exact, model-free match: people should look twice."""
    flags = []
    if any(e.alignment == Alignment.FUZZY for e in ev):
        flags.append("fuzzy match")
    if not ev:
        flags.append("no evidence")
    return f" _({', '.join(flags)})_" if flags else ""


def _offsets(ev: list) -> str:
    return ", ".join(f"{e.start}–{e.end}" for e in ev)


def _quote_line(q: Quote) -> str:
    speaker = _t(q.speaker) or "unattributed"
    via = f", as reported by {_t(q.reported_via)}" if q.reported_via else ""
    origin = " _(speaker chosen by the model)_" if q.speaker_origin == Origin.LLM else ""
    where = f"chars {_offsets(q.evidence)}{_marks(q.evidence)}"
    return f"> “{_t(q.text)}”\n>\n> — **{speaker}**{via}{origin} · {where}\n"


def render_markdown(brief: IncidentBrief) -> str:
    """The brief for people. Text from the article or a model is escaped: it reads as written, and no
    HTML, link, image or terminal escape in it is ever live (see ``output.safe``)."""
    e = brief.event
    out = [f"# {md_inline(brief.headline)}", "", md_block(brief.summary), ""]
    out += [
        "## What happened",
        "",
        f"- **Type:** {e.type.value}" + (f" / {_t(e.sub_type)}" if e.sub_type else ""),
    ]
    out.append(f"- **Description:** {_t(e.description)}")
    for loc in e.locations:
        aka = f" (also spelled {_t(', '.join(loc.aliases))})" if loc.aliases else ""
        where = _t(", ".join(x for x in (loc.region, loc.country) if x))
        label = "Also named" if loc.secondary else "Where"  # a hospital, a street, a venue of talks
        out.append(
            f"- **{label}:** {_t(loc.name)}{aka}" + (f" — {where}" if where else "") + _marks(loc.evidence)
        )
    if e.time.text:
        date = f" ({e.time.date.isoformat()})" if e.time.date else ""
        out.append(f"- **When:** {_t(e.time.text)}{date}")
    for p in e.perpetrators:
        by = f", according to {_t(', '.join(p.attributed_by))}" if p.attributed_by else ""
        out.append(f"- **Perpetrator:** {_t(p.name)} — {p.certainty.value}{by}")
    out.append("")
    if brief.casualties:
        out += ["## Casualties", "", "| figure | category | victims | reported by |", "|---|---|---|---|"]
        for c in brief.casualties:
            out.append(
                f"| {_esc(c.as_written)} | {c.category.value} | {_esc(c.victims)} | "
                f"{_esc(c.reported_by) or '—'} |"
            )
        out.append("")
    if brief.actors:
        out += ["## Actors", "", "| name | kind | role | also called |", "|---|---|---|---|"]
        for a in brief.actors:
            role = ", ".join(x for x in (a.role, a.affiliation) if x)
            out.append(f"| {_esc(a.name)} | {a.kind.value} | {_esc(role)} | {_esc(', '.join(a.aliases))} |")
        out.append("")
    if brief.quotes:
        out += ["## Quotes", ""] + [_quote_line(q) for q in brief.quotes]
    dc = brief.diplomatic_context
    if dc.processes or dc.positions or dc.next_steps:
        out += ["## Diplomatic context", ""]
        for pr in dc.processes:
            out.append(f"- **{_t(pr.name)}** ({pr.kind.value})" + (f": {_t(pr.status)}" if pr.status else ""))
        for pos in dc.positions:
            out.append(f"- {_t(pos.actor)}: {_t(pos.position)}")
        for step in dc.next_steps:
            out.append(f"- Next: {_t(step.step)}" + (f" ({_t(step.actor)})" if step.actor else ""))
        out.append("")
    if brief.sources_cited:
        out += ["## Sources cited", "", md_block(", ".join(s.name for s in brief.sources_cited)), ""]
    if brief.discrepancies:
        out += ["## Discrepancies", ""]
        for d in brief.discrepancies:
            vals = "; ".join(f"{_t(v.value)}" + (f" ({_t(v.source)})" if v.source else "") for v in d.values)
            out.append(f"- **{_t(d.field)}:** {_t(d.description)} — {vals}")
        out.append("")
    m = brief.meta
    out += [
        "## About this brief",
        "",
        f"Engine `{_code(m.engine)}`, model `{_code(m.model)}`, prompt `{_code(m.prompt_version)}` "
        f"(`{_code(m.prompt_hash)}`), "
        f"{m.llm_calls} model calls, {m.usage.total_tokens} tokens, {m.duration_s:.2f} s. "
        f"Source SHA-256 `{m.source_sha256[:12]}…`.",
        "",
    ]
    if m.warnings:
        out += ["### Warnings", ""] + [f"- {_t(w)}" for w in m.warnings] + [""]
    return "\n".join(out).rstrip() + "\n"
