"""Tiny hand-made cases and briefs for the metric tests (all text invented here)."""

from __future__ import annotations

from typing import Any

from summariser.evals.models import Case, Golden
from summariser.schema.brief import (
    Actor,
    Alignment,
    CasualtyFigure,
    Event,
    Evidence,
    IncidentBrief,
    Meta,
    Origin,
    Quote,
)
from summariser.schema.taxonomy import EventType

ARTICLE = (
    "Shells hit the market in Tel Sabra on Monday, killing 10 people, the council said. "
    '"We lost everything," said Salem al-Meslet. "The world must act," he added.'
)


def case(
    golden: dict[str, Any],
    *,
    article: str = ARTICLE,
    fields: list[str] | None = None,
    recall_only: list[str] | None = None,
) -> Case:
    key = {"event": {"type": "Explosions/Remote violence"}, **golden}
    extra: dict[str, Any] = {}
    if fields is not None:
        extra["fields"] = fields
    return Case(
        id="tiny",
        article=article,
        article_file="<memory>",
        golden=Golden.model_validate(key),
        recall_only=recall_only or [],
        **extra,
    )


def ev(article: str, needle: str) -> Evidence:
    start = article.index(needle)
    return Evidence(
        start=start, end=start + len(needle), text=needle, alignment=Alignment.EXACT, origin=Origin.EXTRACTOR
    )


def brief(**fields: Any) -> IncidentBrief:
    base: dict[str, Any] = {
        "headline": "h",
        "summary": "",
        "event": Event(type=EventType.EXPLOSIONS, description="d"),
        "meta": Meta(engine="test", model="m", prompt_version="1", prompt_hash="x", source_sha256="0"),
    }
    base.update(fields)
    return IncidentBrief(**base)


def actor(i: int, name: str, *aliases: str) -> Actor:
    return Actor(id=f"a{i}", name=name, aliases=list(aliases))


def quote(i: int, text: str, speaker: str | None = None, evidence: list[Evidence] | None = None) -> Quote:
    return Quote(id=f"q{i}", text=text, speaker=speaker, evidence=evidence or [])


def figure(
    category: str,
    count: int | None = None,
    *,
    qualifier: str = "exact",
    reported_by: str | None = None,
    count_min: int | None = None,
    count_max: int | None = None,
) -> CasualtyFigure:
    return CasualtyFigure.model_validate(
        {
            "category": category,
            "count": count,
            "count_min": count_min,
            "count_max": count_max,
            "qualifier": qualifier,
            "as_written": str(count),
            "reported_by": reported_by,
        }
    )
