"""The answer key of a golden case (``golden.yaml``) and the ``Case`` the metrics score against.

A golden file is validated twice: against ``schemas/golden.schema.json`` (so a mistake is reported with
its line) and then by these models. ``Case`` bundles the article text with its answer key and says which
fields are scored (``fields``) and for which of them the answer key is not exhaustive (``recall_only``:
only recall is scored, precision and F1 are ``None``), which is how imported corpora with partial
annotations take part.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..schema.brief import ActorKind, CasualtyCategory, Certainty, ProcessKind, Qualifier
from ..schema.taxonomy import SUB_TYPES, EventType

__all__ = [
    "FIELDS",
    "Case",
    "GoldActor",
    "GoldCasualty",
    "GoldDiplomatic",
    "GoldDiscrepancy",
    "GoldDiscrepancyValue",
    "GoldEvent",
    "GoldKeyPoint",
    "GoldLocation",
    "GoldPerpetrator",
    "GoldProcess",
    "GoldQuote",
    "GoldSource",
    "GoldTime",
    "GoldToll",
    "Golden",
]

#: Every field a case can score; ``schema`` (validity of the brief) is always scored.
FIELDS: tuple[str, ...] = (
    "event_type",
    "locations",
    "time",
    "casualties",
    "toll",
    "perpetrators",
    "actors",
    "quotes",
    "sources",
    "discrepancies",
    "diplomatic",
    "summary",
    "grounding",
)


class _Gold(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Evidenced(_Gold):
    evidence: list[str] = Field(
        default_factory=list,
        description="Verbatim excerpts of the article supporting the item, when its own text is not one.",
    )


class GoldLocation(_Evidenced):
    name: str
    aliases: list[str] = Field(default_factory=list)
    country: str | None = None


class GoldTime(_Gold):
    text: str | None = None
    date: dt.date | None = None


class GoldEvent(_Gold):
    type: EventType
    sub_type: str | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _known_sub_type(self) -> GoldEvent:
        if self.sub_type is not None and self.sub_type not in SUB_TYPES[self.type]:
            raise ValueError(f"sub_type {self.sub_type!r} is not a sub-type of {self.type.value!r}")
        return self


class GoldToll(_Gold):
    """The event's toll: what the brief's figures marked ``toll`` (plus suspects' casualties) must give."""

    killed: int | None = Field(default=None, ge=0, description="None: not scored.")
    injured: int | None = Field(default=None, ge=0, description="None: not scored.")


class GoldCasualty(_Evidenced):
    category: CasualtyCategory
    count: int | None = Field(default=None, ge=0)
    count_min: int | None = Field(default=None, ge=0)
    count_max: int | None = Field(default=None, ge=0)
    qualifier: Qualifier = Qualifier.EXACT
    as_written: str
    victims: str | None = None
    reported_by: str | None = Field(default=None, description="None: the article itself states it.")

    @model_validator(mode="after")
    def _has_figure(self) -> GoldCasualty:
        if self.count is None and self.count_min is None and self.count_max is None:
            raise ValueError("a casualty figure needs count, count_min or count_max")
        return self


class GoldPerpetrator(_Evidenced):
    name: str
    aliases: list[str] = Field(default_factory=list)
    certainty: Certainty | None = Field(default=None, description="None: certainty is not scored.")
    attributed_by: list[str] = Field(default_factory=list)


class GoldActor(_Evidenced):
    name: str = Field(description="Canonical name.")
    aliases: list[str] = Field(default_factory=list)
    kind: ActorKind = ActorKind.OTHER


class GoldQuote(_Gold):
    text: str = Field(default="", description="The quote; segments joined by one space.")
    segments: list[str] = Field(
        default_factory=list, description="Verbatim pieces when the quote is interrupted or spans paragraphs."
    )
    speaker: str | None = Field(default=None, description="Canonical name; None: speaker not scored.")

    @model_validator(mode="after")
    def _text_or_segments(self) -> GoldQuote:
        if not self.segments and not self.text:
            raise ValueError("a quote needs text or segments")
        if not self.segments:
            self.segments = [self.text]
        elif not self.text:
            self.text = " ".join(self.segments)
        return self


class GoldSource(_Evidenced):
    name: str
    aliases: list[str] = Field(default_factory=list)
    kind: str = "media"


class GoldDiscrepancyValue(_Evidenced):
    value: str
    source: str | None = None


class GoldDiscrepancy(_Gold):
    field: str
    description: str | None = None
    values: list[GoldDiscrepancyValue] = Field(min_length=2)


class GoldProcess(_Evidenced):
    name: str
    aliases: list[str] = Field(default_factory=list)
    kind: ProcessKind = ProcessKind.OTHER
    status: str | None = None


class GoldKeyPoint(_Evidenced):
    """A key point of the diplomatic context: a position (with an actor) or a next step."""

    text: str
    actor: str | None = None
    kind: Literal["position", "next_step"] | None = None

    @model_validator(mode="after")
    def _kind(self) -> GoldKeyPoint:
        if self.kind is None:
            self.kind = "position" if self.actor else "next_step"
        if self.kind == "position" and not self.actor:
            raise ValueError("a position key point needs an actor")
        return self


class GoldDiplomatic(_Gold):
    processes: list[GoldProcess] = Field(default_factory=list)
    key_points: list[GoldKeyPoint] = Field(default_factory=list)


class Golden(_Gold):
    """The answer key of one case."""

    headline: str | None = None
    event: GoldEvent
    locations: list[GoldLocation] = Field(default_factory=list)
    time: GoldTime = Field(default_factory=GoldTime)
    casualties: list[GoldCasualty] = Field(default_factory=list)
    toll: GoldToll = Field(default_factory=GoldToll)
    perpetrators: list[GoldPerpetrator] = Field(default_factory=list)
    actors: list[GoldActor] = Field(default_factory=list)
    quotes: list[GoldQuote] = Field(default_factory=list)
    sources: list[GoldSource] = Field(default_factory=list)
    discrepancies: list[GoldDiscrepancy] = Field(default_factory=list)
    diplomatic: GoldDiplomatic = Field(default_factory=GoldDiplomatic)
    summary: list[str] = Field(default_factory=list, description="Key points the summary should cover.")

    def actor_named(self, name: str | None) -> GoldActor | None:
        """The golden actor whose canonical name is ``name`` (quotes name their speaker this way)."""
        return next((a for a in self.actors if name is not None and a.name == name), None)


class Case(_Gold):
    """One scored example: the article, its answer key and what to score."""

    id: str
    article: str = Field(repr=False, exclude=True, description="Never serialised: texts may not be copied.")
    article_file: str = Field(description="Where the article was read from.")
    published: dt.date | None = None
    golden: Golden
    fields: list[str] = Field(default_factory=lambda: list(FIELDS))
    recall_only: list[str] = Field(default_factory=list, description="Fields whose answer key is partial.")
    origin: str = Field(default="golden", description="golden, polnear, wikievents or gva.")

    @model_validator(mode="after")
    def _known_fields(self) -> Case:
        unknown = sorted(set(self.fields) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown fields {unknown}; known: {list(FIELDS)}")
        return self

    def is_scored(self, field: str) -> bool:
        return field in self.fields
