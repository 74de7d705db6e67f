"""The draft: a brief without offsets, as a model (or the extractor) writes it.

``Draft`` is the response model a capable LLM fills in; the deterministic extractor produces one too,
with the character spans it found kept in private attributes (never part of the JSON Schema the model
sees). The ground stage turns a draft into an ``IncidentBrief`` by aligning every item to the source.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from .brief import ActorKind, CasualtyCategory, Certainty, PlaceKind, ProcessKind, Qualifier
from .taxonomy import EventType

__all__ = [
    "Draft",
    "DraftActor",
    "DraftCasualty",
    "DraftDiscrepancy",
    "DraftDiscrepancyValue",
    "DraftItem",
    "DraftLocation",
    "DraftNextStep",
    "DraftPerpetrator",
    "DraftPosition",
    "DraftProcess",
    "DraftQuote",
    "DraftSource",
    "Span",
]

Span = tuple[int, int]


class DraftItem(BaseModel):
    """Base of every draft item. ``spans`` are set by the extractor only (origin: extractor)."""

    model_config = ConfigDict(extra="ignore")
    _spans: list[Span] = PrivateAttr(default_factory=list)

    @property
    def spans(self) -> list[Span]:
        return self._spans

    def with_spans(self, *spans: Span) -> DraftItem:
        self._spans = list(spans)
        return self


class DraftLocation(DraftItem):
    name: str = Field(description="Place name exactly as written in the article.")
    aliases: list[str] = Field(default_factory=list, description="Other spellings used in the article.")
    region: str | None = None
    country: str | None = None
    # set by the extractor only (not asked of a model): the place's rank and whether it is secondary
    _kind: PlaceKind = PrivateAttr(default=PlaceKind.OTHER)
    _city: str | None = PrivateAttr(default=None)
    _secondary: bool = PrivateAttr(default=False)
    # other spellings of a name the article writes ("McLean" -> "Mc Lean", "D.C." -> "Washington")
    _spellings: list[str] = PrivateAttr(default_factory=list)


class DraftPerpetrator(DraftItem):
    name: str = Field(description="Who is said to be responsible, as written.")
    certainty: Certainty = Certainty.UNKNOWN
    attributed_by: list[str] = Field(default_factory=list, description="Who attributes it, as written.")


class DraftCasualty(DraftItem):
    category: CasualtyCategory
    count: int | None = None
    count_min: int | None = None
    count_max: int | None = None
    qualifier: Qualifier = Qualifier.EXACT
    as_written: str = Field(description="The figure exactly as written, e.g. 'at least 37'.")
    victims: str | None = None
    reported_by: str | None = Field(default=None, description="Who reported this figure, as written.")
    # set by the extractor only: the event's best-supported figure of its category; suspects' casualties
    _toll: bool = PrivateAttr(default=False)
    _suspects: bool = PrivateAttr(default=False)


class DraftActor(DraftItem):
    name: str = Field(description="Fullest name used in the article.")
    aliases: list[str] = Field(
        default_factory=list, description="Other names for the same actor in the article."
    )
    kind: ActorKind = ActorKind.OTHER
    role: str | None = None
    affiliation: str | None = None


class DraftQuote(DraftItem):
    text: str = Field(description="The words inside the quotation marks, copied exactly.")
    speaker: str | None = Field(default=None, description="Name of the person or body who said it.")
    reported_via: str | None = Field(default=None, description="Outlet it was reported through, if stated.")
    _speaker_spans: list[Span] = PrivateAttr(default_factory=list)
    _speaker_decided: bool = PrivateAttr(default=True)
    _speaker_candidates: list[str] = PrivateAttr(default_factory=list)
    _speaker_by_model: bool = PrivateAttr(default=False)

    @property
    def speaker_spans(self) -> list[Span]:
        return self._speaker_spans

    def set_speaker(
        self, name: str | None, *spans: Span, decided: bool = True, by_model: bool = False
    ) -> None:
        """Set the speaker; ``by_model=True`` when a model chose it (the brief says speaker_origin llm)."""
        self.speaker = name
        self._speaker_spans = list(spans)
        self._speaker_decided = decided
        self._speaker_by_model = by_model

    @property
    def speaker_by_model(self) -> bool:
        return self._speaker_by_model

    @property
    def speaker_candidates(self) -> list[str]:
        """Names the speaker may be when the rules are unsure (most likely first)."""
        return self._speaker_candidates

    def set_candidates(self, names: list[str]) -> None:
        self._speaker_candidates = list(names)

    @property
    def speaker_decided(self) -> bool:
        """False when the rules could not decide the speaker with confidence."""
        return self._speaker_decided


class DraftProcess(DraftItem):
    name: str
    kind: ProcessKind = ProcessKind.OTHER
    status: str | None = None
    parties: list[str] = Field(default_factory=list)


class DraftPosition(DraftItem):
    actor: str
    position: str


class DraftNextStep(DraftItem):
    actor: str | None = None
    step: str


class DraftSource(DraftItem):
    name: str
    kind: str = "media"


class DraftDiscrepancyValue(DraftItem):
    value: str
    source: str | None = None


class DraftDiscrepancy(DraftItem):
    field: str
    description: str
    values: list[DraftDiscrepancyValue] = Field(default_factory=list)


class Draft(BaseModel):
    """Everything a brief says, without offsets. Fill every list with what the article states."""

    model_config = ConfigDict(extra="ignore")
    headline: str = Field(description="One line.")
    summary: str = Field(description="Two to four sentences.")
    event_type: EventType
    sub_type: str | None = None
    description: str = Field(description="One sentence: what happened.")
    locations: list[DraftLocation] = Field(default_factory=list)
    time_text: str | None = Field(default=None, description="When it happened, as written.")
    perpetrators: list[DraftPerpetrator] = Field(default_factory=list)
    casualties: list[DraftCasualty] = Field(default_factory=list)
    actors: list[DraftActor] = Field(default_factory=list)
    quotes: list[DraftQuote] = Field(default_factory=list)
    processes: list[DraftProcess] = Field(default_factory=list)
    positions: list[DraftPosition] = Field(default_factory=list)
    next_steps: list[DraftNextStep] = Field(default_factory=list)
    sources: list[DraftSource] = Field(default_factory=list)
    discrepancies: list[DraftDiscrepancy] = Field(default_factory=list)
    _summary_spans: list[Span] = PrivateAttr(default_factory=list)
    _time_spans: list[Span] = PrivateAttr(default_factory=list)
