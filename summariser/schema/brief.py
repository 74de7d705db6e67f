"""The incident brief: the product's output schema (``schema_version`` "1").

Every item that states a fact carries ``evidence``: character offsets into the exact input text,
how the item was aligned to it and where it came from. ``text[e.start:e.end] == e.text`` always.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .taxonomy import EventType

__all__ = [
    "SCHEMA_VERSION",
    "Actor",
    "ActorKind",
    "Alignment",
    "CasualtyCategory",
    "CasualtyFigure",
    "Certainty",
    "DiplomaticContext",
    "DiplomaticProcess",
    "Discrepancy",
    "DiscrepancyValue",
    "Event",
    "EventTime",
    "Evidence",
    "IncidentBrief",
    "Location",
    "Meta",
    "NextStep",
    "Origin",
    "Perpetrator",
    "PlaceKind",
    "Position",
    "ProcessKind",
    "Qualifier",
    "Quote",
    "Source",
    "SourceKind",
    "Usage",
    "evidence_in",
]

SCHEMA_VERSION = "1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class Alignment(str, Enum):
    """How an item was found in the source: verbatim, after normalising quotes/dashes/space, or fuzzily."""

    EXACT = "exact"
    NORMALISED = "normalised"
    FUZZY = "fuzzy"


class Origin(str, Enum):
    LLM = "llm"
    EXTRACTOR = "extractor"


class Evidence(_Model):
    start: int = Field(ge=0, description="Offset of the first character in the input text.")
    end: int = Field(ge=0, description="Offset one past the last character.")
    text: str = Field(description="Exactly text[start:end].")
    alignment: Alignment
    origin: Origin

    @model_validator(mode="after")
    def _ordered(self) -> Evidence:
        if self.end < self.start:
            raise ValueError("evidence end is before start")
        return self


class _Grounded(_Model):
    evidence: list[Evidence] = Field(default_factory=list)


class PlaceKind(str, Enum):
    """Where a place sits in the hierarchy, or what kind of site it is."""

    NEIGHBOURHOOD = "neighbourhood"
    CITY = "city"
    REGION = "region"
    COUNTRY = "country"
    SITE = "site"
    STREET = "street"
    OTHER = "other"


class Location(_Grounded):
    id: str
    name: str
    aliases: list[str] = Field(default_factory=list, description="Other spellings of the same place.")
    kind: PlaceKind = Field(
        default=PlaceKind.OTHER,
        description="neighbourhood / city / region (state, province) / country, or a site or street.",
    )
    city: str | None = Field(default=None, description="The city a neighbourhood, street or site is in.")
    region: str | None = Field(default=None, description="The admin area (state, province) or region.")
    country: str | None = None
    secondary: bool = Field(
        default=False,
        description="Not where the event happened: a hospital, a street it spread to, another event's place.",
    )


class EventTime(_Grounded):
    text: str | None = Field(default=None, description="The time as written ('late Saturday').")
    date: dt.date | None = Field(
        default=None, description="ISO date, only when the text or the publication date allows it."
    )


class Certainty(str, Enum):
    CONFIRMED = "confirmed"
    CONVICTED = "convicted"
    CHARGED = "charged"
    CLAIMED = "claimed"
    SUSPECTED = "suspected"
    DENIED = "denied"
    UNKNOWN = "unknown"


class Perpetrator(_Grounded):
    name: str
    actor_id: str | None = None
    certainty: Certainty = Certainty.UNKNOWN
    attributed_by: list[str] = Field(
        default_factory=list, description="Who attributes it (names as written; actor ids where known)."
    )


class Event(_Model):
    type: EventType
    sub_type: str | None = None
    description: str
    locations: list[Location] = Field(default_factory=list)
    time: EventTime = Field(default_factory=EventTime)
    perpetrators: list[Perpetrator] = Field(default_factory=list)


class CasualtyCategory(str, Enum):
    KILLED = "killed"
    INJURED = "injured"
    MISSING = "missing"
    DISPLACED = "displaced"
    DETAINED = "detained"


class Qualifier(str, Enum):
    EXACT = "exact"
    AT_LEAST = "at least"
    MORE_THAN = "more than"
    ABOUT = "about"
    UP_TO = "up to"
    FEWER_THAN = "fewer than"


class CasualtyFigure(_Grounded):
    category: CasualtyCategory
    count: int | None = Field(default=None, ge=0, description="The figure; None when only a range is given.")
    count_min: int | None = Field(default=None, ge=0)
    count_max: int | None = Field(default=None, ge=0)
    qualifier: Qualifier = Qualifier.EXACT
    as_written: str = Field(description="The figure as written ('at least 37', 'dozens').")
    victims: str | None = Field(default=None, description="Who the victims are ('civilians').")
    reported_by: str | None = Field(default=None, description="Who reported the figure ('ABC').")
    reporter_id: str | None = None
    toll: bool = Field(
        default=False,
        description="The event's best-supported figure of its category (the headline and summary use it).",
    )
    suspects: bool = Field(
        default=False, description="The dead or wounded are the suspected attackers, counted apart."
    )


class ActorKind(str, Enum):
    PERSON = "person"
    STATE = "state"
    GOVERNMENT = "government"
    ARMED_GROUP = "armed_group"
    POLITICAL_BODY = "political_body"
    INTERNATIONAL_ORG = "international_org"
    MEDIA = "media"
    OTHER = "other"


class Actor(_Grounded):
    id: str
    name: str = Field(description="Canonical (longest, most complete) name.")
    aliases: list[str] = Field(default_factory=list)
    kind: ActorKind = ActorKind.OTHER
    role: str | None = None
    affiliation: str | None = None


class Quote(_Grounded):
    """A direct quote. ``evidence`` holds one span per verbatim segment (several when interrupted)."""

    id: str
    text: str = Field(description="The quote, verbatim, segments joined by a space.")
    speaker_id: str | None = None
    speaker: str | None = Field(default=None, description="The speaker's name as the brief gives it.")
    speaker_evidence: list[Evidence] = Field(default_factory=list)
    reported_via: str | None = Field(default=None, description="Outlet it was reported through.")
    speaker_origin: Origin = Origin.EXTRACTOR


class ProcessKind(str, Enum):
    TALKS = "talks"
    CEASEFIRE = "ceasefire"
    RESOLUTION = "resolution"
    AGREEMENT = "agreement"
    SANCTIONS = "sanctions"
    OTHER = "other"


class DiplomaticProcess(_Grounded):
    name: str
    kind: ProcessKind = ProcessKind.OTHER
    status: str | None = Field(default=None, description="e.g. 'in effect', 'postponed', 'suspended'.")
    parties: list[str] = Field(default_factory=list, description="Actor ids.")


class Position(_Grounded):
    actor_id: str | None = None
    actor: str
    position: str


class NextStep(_Grounded):
    actor: str | None = None
    step: str


class DiplomaticContext(_Model):
    processes: list[DiplomaticProcess] = Field(default_factory=list)
    positions: list[Position] = Field(default_factory=list)
    next_steps: list[NextStep] = Field(default_factory=list)


class SourceKind(str, Enum):
    MEDIA = "media"
    INSTITUTION = "institution"
    PERSON = "person"
    OTHER = "other"


class Source(_Grounded):
    name: str
    actor_id: str | None = None
    kind: SourceKind = Field(default=SourceKind.MEDIA, description="media, institution, person, other.")

    @field_validator("kind", mode="before")
    @classmethod
    def _known_kind(cls, value: object) -> object:
        """A kind outside the four (a model's "newspaper") is ``other``, not an invalid brief."""
        known = {k.value for k in SourceKind}
        return value if isinstance(value, SourceKind) or value in known else SourceKind.OTHER


class DiscrepancyValue(_Grounded):
    value: str
    source: str | None = None


class Discrepancy(_Model):
    field: str = Field(description="What disagrees: 'casualties.killed', 'location.name', ...")
    description: str
    values: list[DiscrepancyValue]


class Usage(_Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class Meta(_Model):
    engine: str
    model: str
    prompt_version: str
    prompt_hash: str
    schema_version: str = SCHEMA_VERSION
    source_sha256: str
    published: dt.date | None = None
    usage: Usage = Field(default_factory=Usage)
    llm_calls: int = 0
    retries: int = 0
    duration_s: float = 0.0
    warnings: list[str] = Field(default_factory=list)
    package_version: str = ""


class IncidentBrief(_Model):
    schema_version: str = SCHEMA_VERSION
    headline: str
    summary: str
    summary_evidence: list[Evidence] = Field(default_factory=list)
    event: Event
    casualties: list[CasualtyFigure] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    diplomatic_context: DiplomaticContext = Field(default_factory=DiplomaticContext)
    sources_cited: list[Source] = Field(default_factory=list)
    discrepancies: list[Discrepancy] = Field(default_factory=list)
    meta: Meta

    def actor(self, actor_id: str | None) -> Actor | None:
        return next((a for a in self.actors if a.id == actor_id), None)

    def all_evidence(self) -> list[Evidence]:
        """Every evidence span in the brief, in document order of the fields."""
        return evidence_in(self)


def evidence_in(*objs: object) -> list[Evidence]:
    """Every ``Evidence`` in ``objs`` (models, lists of them), in the order of their fields."""
    found: list[Evidence] = []

    def walk(obj: object) -> None:
        if isinstance(obj, Evidence):
            found.append(obj)
        elif isinstance(obj, BaseModel):
            for name in type(obj).model_fields:
                walk(getattr(obj, name))
        elif isinstance(obj, list):
            for item in obj:
                walk(item)

    for obj in objs:
        walk(obj)
    return found
