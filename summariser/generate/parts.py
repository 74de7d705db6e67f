"""Articles longer than a model's context: split on paragraph boundaries, brief each part, merge.

``brief_in_parts(summariser, article)`` never truncates: every character of the article is in some part
(parts overlap by a paragraph or two so a quote or figure cut at a boundary is whole in one of them).
Each part's brief has offsets into the part; the part's start offset is added and every span is checked
to reproduce the whole text. Actors, places, quotes and figures seen in several parts are merged. When
the article would need more than ``MAX_PARTS`` parts, or the model's context leaves no room for an
article at all, it is refused with a ``ContextLengthError`` that names the limit.

The pipeline calls it when the full-draft prompt does not fit (``ContextLengthError``), passing the error
as ``too_long``: inside a part the error is re-raised, so the part is split again, never recursively
re-split by the pipeline itself.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ContextLengthError, InternalError
from ..grounding.align import normalise
from ..grounding.link import name_key, same_actor
from ..load import Article
from ..schema.brief import (
    Actor,
    CasualtyFigure,
    DiplomaticContext,
    Discrepancy,
    Evidence,
    IncidentBrief,
    Location,
    Meta,
    Perpetrator,
    Quote,
    Source,
    Usage,
)

if TYPE_CHECKING:
    from ..backends.base import Backend
    from ..pipeline import Summariser

__all__ = [
    "MAX_PARTS",
    "MIN_PART_CHARS",
    "Part",
    "abrief_in_parts",
    "brief_in_parts",
    "merge_briefs",
    "part_size",
    "split_text",
]

MAX_PARTS = 64
MIN_PART_CHARS = 400  # a part is never split below this; such a part that still does not fit is refused
_ARTICLE_SHARE = 0.5  # of the room left after the prompt and the answer; the rest is for the candidates
_IN_PART: contextvars.ContextVar[bool] = contextvars.ContextVar("summariser_in_part", default=False)


@dataclass(frozen=True)
class Part:
    """``text == whole[start:end]``."""

    start: int
    end: int
    text: str


# -- splitting ---------------------------------------------------------------------------------------------
def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Contiguous spans covering ``text``; each paragraph keeps the line breaks that follow it."""
    blank_line = r"(?:\r?\n|\r)[ \t]*(?:\r?\n|\r)"
    sep = blank_line + r"\s*" if re.search(blank_line, text) else r"(?:\r?\n|\r)\s*"
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in re.finditer(sep, text):
        if m.end() > pos:
            spans.append((pos, m.end()))
            pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    merged: list[tuple[int, int]] = []
    for s, e in spans:  # a whitespace-only span joins its neighbour
        if merged and (not text[merged[-1][0] : merged[-1][1]].strip() or not text[s:e].strip()):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _finer(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Split one over-long paragraph: at sentence ends, then at spaces, then anywhere."""
    cuts = [m.end() for m in re.finditer(r"[.!?][\"”’')\]]*\s+", text[start:end])]
    pieces: list[tuple[int, int]] = []
    pos = start
    for c in [*(start + c for c in cuts), end]:
        if c > pos:
            pieces.append((pos, c))
            pos = c
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        while e - s > max_chars:
            window = text[s : s + max_chars]
            space = max(window.rfind(" "), window.rfind("\n"))
            cut = s + space + 1 if space > max_chars // 2 else s + max_chars
            out.append((s, cut))
            s = cut
        out.append((s, e))
    return out


def split_text(text: str, max_chars: int, overlap_chars: int = 0) -> list[Part]:
    """Parts of at most ``max_chars`` (a longer paragraph is cut at sentences), covering all of ``text``.

    Consecutive parts share whole paragraphs at their boundary, up to ``overlap_chars`` characters.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    units: list[tuple[int, int]] = []
    for s, e in _paragraphs(text):
        units.extend(_finer(text, s, e, max_chars) if e - s > max_chars else [(s, e)])
    parts: list[Part] = []
    i = 0
    while i < len(units):
        start, j = units[i][0], i
        while j < len(units) and (j == i or units[j][1] - start <= max_chars):
            j += 1
        end = units[j - 1][1]
        parts.append(Part(start, end, text[start:end]))
        if j >= len(units):
            break
        k = j  # step back over whole paragraphs for the overlap, always moving forward
        while k - 1 > i and end - units[k - 1][0] <= overlap_chars:
            k -= 1
        i = k
    return parts


def _overhead_tokens(backend: Backend) -> int:
    from ..schema.taxonomy import EventType
    from .prompt import render

    types = [e.value for e in EventType]
    messages = render("brief", text="", candidates={}, event_types=types, feedback=None)
    return sum(backend.count_tokens(m["content"]) for m in messages)


def part_size(backend: Backend, text: str, name: str = "<text>") -> int:
    """How many characters of ``text`` one part may hold for ``backend`` (prompt and answer deducted)."""
    from ..pipeline import FULL_MAX_TOKENS

    overhead = _overhead_tokens(backend)
    room = backend.context_window - FULL_MAX_TOKENS - overhead
    if room < 128:
        raise ContextLengthError(
            f"{name}: {backend.model} has a context of {backend.context_window:,} tokens; the prompt "
            f"({overhead:,}) and the answer ({FULL_MAX_TOKENS:,}) leave no room for the article",
            hint="use a model with a larger context, or --model extractive",
        )
    sample = text[:20000] or " "
    chars_per_token = len(sample) / max(1, backend.count_tokens(sample))
    return max(MIN_PART_CHARS, int(room * _ARTICLE_SHARE * chars_per_token))


# -- merging -----------------------------------------------------------------------------------------------
def _shifted(brief: IncidentBrief, offset: int, text: str) -> IncidentBrief:
    b = brief.model_copy(deep=True)
    for ev in b.all_evidence():
        ev.start += offset
        ev.end += offset
        if text[ev.start : ev.end] != ev.text:
            raise InternalError(f"internal error: a part's span is not the article's at {ev.start}")
    return b


def _spans(evidence: list[Evidence]) -> set[tuple[int, int]]:
    return {(e.start, e.end) for e in evidence}


def _overlap(a: list[Evidence], b: list[Evidence]) -> bool:
    return any(x.start < y.end and y.start < x.end for x in a for y in b)


def _add_evidence(into: list[Evidence], more: list[Evidence]) -> None:
    have = _spans(into)
    for e in more:
        if (e.start, e.end) not in have:
            into.append(e)
            have.add((e.start, e.end))
    into.sort(key=lambda e: e.start)


def _names(x: Actor | Location) -> list[str]:
    return [x.name, *x.aliases]


def _figure(c: CasualtyFigure) -> tuple[object, ...]:
    return (c.category, c.count, c.count_min, c.count_max, name_key(c.reported_by or ""))


def _twin_by_name(pool: list[Any], names: list[str]) -> Any:
    return next((x for x in pool if any(same_actor(n, m) for n in names for m in _names(x))), None)


class _Merger:
    def __init__(self) -> None:
        self.actors: list[Actor] = []
        self.locations: list[Location] = []
        self.quotes: list[Quote] = []
        self.casualties: list[CasualtyFigure] = []
        self.perpetrators: list[Perpetrator] = []
        self.context = DiplomaticContext()
        self.sources: list[Source] = []
        self.discrepancies: list[Discrepancy] = []

    def add(self, b: IncidentBrief) -> None:
        amap = self._actors(b.actors)

        def remap(actor_id: str | None) -> str | None:
            return amap.get(actor_id) if actor_id else None

        for loc in b.event.locations:
            twin = _twin_by_name(self.locations, _names(loc))
            if twin is None:
                self.locations.append(loc.model_copy(update={"id": f"l{len(self.locations) + 1}"}))
            else:
                _add_evidence(twin.evidence, loc.evidence)
                twin.aliases.extend(a for a in _names(loc) if a != twin.name and a not in twin.aliases)
        for q in b.quotes:
            q.speaker_id = remap(q.speaker_id)
            twin_q = next(
                (
                    x
                    for x in self.quotes
                    if _overlap(x.evidence, q.evidence) or normalise(x.text) == normalise(q.text)
                ),
                None,
            )
            if twin_q is None:
                self.quotes.append(q)
            elif twin_q.speaker is None and q.speaker:
                twin_q.speaker, twin_q.speaker_id = q.speaker, q.speaker_id
                twin_q.speaker_evidence, twin_q.speaker_origin = q.speaker_evidence, q.speaker_origin
        for c in b.casualties:
            c.reporter_id = remap(c.reporter_id)
            if not any(_overlap(x.evidence, c.evidence) or _figure(x) == _figure(c) for x in self.casualties):
                self.casualties.append(c)
        for p in b.event.perpetrators:
            p.actor_id = remap(p.actor_id)
            p.attributed_by = [amap.get(a, a) for a in p.attributed_by]
            twin_p = next((x for x in self.perpetrators if same_actor(x.name, p.name)), None)
            if twin_p is None:
                self.perpetrators.append(p)
            else:
                _add_evidence(twin_p.evidence, p.evidence)
                twin_p.attributed_by.extend(a for a in p.attributed_by if a not in twin_p.attributed_by)
        self._context(b.diplomatic_context, amap)
        for s in b.sources_cited:
            s.actor_id = remap(s.actor_id)
            twin_s = next((x for x in self.sources if name_key(x.name) == name_key(s.name)), None)
            if twin_s is None:
                self.sources.append(s)
            else:
                _add_evidence(twin_s.evidence, s.evidence)
        for d in b.discrepancies:
            key = (d.field, sorted(v.value for v in d.values))
            if not any((x.field, sorted(v.value for v in x.values)) == key for x in self.discrepancies):
                self.discrepancies.append(d)

    def _actors(self, actors: list[Actor]) -> dict[str, str]:
        amap: dict[str, str] = {}
        for a in actors:
            twin = _twin_by_name(self.actors, _names(a))
            if twin is None:
                twin = a.model_copy(update={"id": f"a{len(self.actors) + 1}"})
                self.actors.append(twin)
            else:
                _add_evidence(twin.evidence, a.evidence)
                twin.aliases.extend(n for n in _names(a) if n != twin.name and n not in twin.aliases)
                twin.role = twin.role or a.role
                twin.affiliation = twin.affiliation or a.affiliation
            amap[a.id] = twin.id
        return amap

    def _context(self, ctx: DiplomaticContext, amap: dict[str, str]) -> None:
        for pr in ctx.processes:
            pr.parties = [amap[p] for p in pr.parties if p in amap]
            twin = next((x for x in self.context.processes if name_key(x.name) == name_key(pr.name)), None)
            if twin is None:
                self.context.processes.append(pr)
            else:
                _add_evidence(twin.evidence, pr.evidence)
                twin.parties.extend(p for p in pr.parties if p not in twin.parties)
                twin.status = twin.status or pr.status
        for pos in ctx.positions:
            pos.actor_id = amap.get(pos.actor_id) if pos.actor_id else None
            if not any(_overlap(x.evidence, pos.evidence) for x in self.context.positions):
                self.context.positions.append(pos)
        for step in ctx.next_steps:
            if not any(_overlap(x.evidence, step.evidence) for x in self.context.next_steps):
                self.context.next_steps.append(step)


def _meta(article: Article, briefs: list[IncidentBrief], note: str) -> Meta:
    first = briefs[0].meta
    versions: list[str] = []
    for b in briefs:
        versions.extend(v for v in b.meta.prompt_version.split("+") if v not in versions)
    warnings = [note]
    for i, b in enumerate(briefs, 1):
        warnings.extend(f"part {i}: {w}" for w in b.meta.warnings)
    usage = Usage(
        prompt_tokens=sum(b.meta.usage.prompt_tokens for b in briefs),
        completion_tokens=sum(b.meta.usage.completion_tokens for b in briefs),
        total_tokens=sum(b.meta.usage.total_tokens for b in briefs),
    )
    digest = hashlib.sha256("".join(b.meta.prompt_hash for b in briefs).encode()).hexdigest()[:16]
    return first.model_copy(
        update={
            "prompt_version": "+".join(versions) or first.prompt_version,
            "prompt_hash": digest,
            "source_sha256": article.sha256,
            "published": article.published if isinstance(article.published, dt.date) else first.published,
            "usage": usage,
            "llm_calls": sum(b.meta.llm_calls for b in briefs),
            "retries": sum(b.meta.retries for b in briefs),
            "duration_s": round(sum(b.meta.duration_s for b in briefs), 4),
            "warnings": list(dict.fromkeys(warnings)),
        }
    )


def merge_briefs(article: Article, pieces: list[tuple[int, IncidentBrief]], note: str = "") -> IncidentBrief:
    """One brief of ``article`` from briefs of its parts (``(part start offset, brief of the part)``).

    Headline, summary and event type come from the first part (news leads with the essentials); every
    list is the union of the parts', de-duplicated; ids are renumbered and references remapped.
    """
    if not pieces:
        raise InternalError("internal error: no parts to merge")
    text = article.text
    briefs = [_shifted(b, off, text) for off, b in pieces]
    m = _Merger()
    for b in briefs:
        m.add(b)
    m.quotes.sort(key=lambda q: q.evidence[0].start if q.evidence else 0)
    for i, q in enumerate(m.quotes, 1):
        q.id = f"q{i}"
    first = briefs[0]
    time = next((b.event.time for b in briefs if b.event.time.text), first.event.time)
    event = first.event.model_copy(
        update={"locations": m.locations, "perpetrators": m.perpetrators, "time": time}
    )
    note = note or f"the article was briefed in {len(pieces)} parts, merged"
    brief = IncidentBrief(
        headline=first.headline,
        summary=first.summary,
        summary_evidence=first.summary_evidence,
        event=event,
        casualties=m.casualties,
        actors=m.actors,
        quotes=m.quotes,
        diplomatic_context=m.context,
        sources_cited=m.sources,
        discrepancies=m.discrepancies,
        meta=_meta(article, briefs, note),
    )
    bad = [e for e in brief.all_evidence() if text[e.start : e.end] != e.text]
    if bad:
        raise InternalError(f"internal error: {len(bad)} merged spans do not reproduce the article")
    return brief


# -- briefing ----------------------------------------------------------------------------------------------
def _part_article(article: Article, part: Part, label: str) -> Article:
    # Not article_from_text: the text is already checked and reduced; it must stay byte-for-byte the same
    return Article(text=part.text, name=f"{article.name} ({label})", published=article.published, warnings=[])


def _too_many(article: Article, backend: Backend, max_chars: int) -> ContextLengthError:
    return ContextLengthError(
        f"{article.name}: too long for {backend.model}: {len(article.text):,} characters would need more "
        f"than {MAX_PARTS} parts of at most {max_chars:,} characters "
        f"(context {backend.context_window:,} tokens)",
        hint="use a model with a larger context, split the article, or --model extractive",
    )


class _Plan:
    """The parts still to brief, in text order; a part that turns out too long is split in two or three."""

    def __init__(self, summariser: Summariser, article: Article, too_long: ContextLengthError | None) -> None:
        if _IN_PART.get():
            raise too_long or ContextLengthError(f"{article.name}: this part does not fit the context")
        backend = summariser.backend
        if backend is None:
            raise InternalError("internal error: briefing in parts needs a model backend")
        self.article, self.backend = article, backend
        self.size = part_size(backend, article.text, article.name)
        self.queue = split_text(article.text, self.size, overlap_chars=self.size // 5)
        self.pieces: list[tuple[int, IncidentBrief]] = []
        self._check()

    def _check(self) -> None:
        if len(self.pieces) + len(self.queue) > MAX_PARTS:
            raise _too_many(self.article, self.backend, self.size)

    def next(self) -> tuple[Part, Article] | None:
        if not self.queue:
            return None
        part = self.queue.pop(0)
        label = f"part {len(self.pieces) + 1}, characters {part.start}-{part.end}"
        # Not article_from_text: the text is already checked and reduced; it must stay exactly the same
        return part, Article(
            text=part.text,
            name=f"{self.article.name} ({label})",
            published=self.article.published,
            warnings=[],
        )

    def done(self, part: Part, brief: IncidentBrief) -> None:
        self.pieces.append((part.start, brief))

    def too_long(self, part: Part, error: ContextLengthError) -> None:
        if len(part.text) <= MIN_PART_CHARS:
            raise error
        self.size = min(self.size, max(MIN_PART_CHARS, len(part.text) // 2))
        subs = split_text(part.text, self.size, overlap_chars=self.size // 5)
        self.queue[0:0] = [Part(part.start + p.start, part.start + p.end, p.text) for p in subs]
        self._check()

    def merged(self) -> IncidentBrief:
        note = (
            f"the article does not fit {self.backend.model}'s context ({self.backend.context_window:,} "
            f"tokens): it was split at paragraph boundaries into {len(self.pieces)} overlapping parts, "
            "briefed one by one and merged"
        )
        return merge_briefs(self.article, self.pieces, note)


def brief_in_parts(
    summariser: Summariser, article: Article, too_long: ContextLengthError | None = None
) -> IncidentBrief:
    """Brief an article too long for the model's context, in parts; see the module docstring."""
    plan = _Plan(summariser, article, too_long)
    token = _IN_PART.set(True)
    try:
        while (step := plan.next()) is not None:
            part, part_article = step
            try:
                plan.done(part, summariser.brief(part_article))
            except ContextLengthError as exc:
                plan.too_long(part, exc)
    finally:
        _IN_PART.reset(token)
    return plan.merged()


async def abrief_in_parts(
    summariser: Summariser, article: Article, too_long: ContextLengthError | None = None
) -> IncidentBrief:
    """``brief_in_parts`` for ``Summariser.abrief`` (the parts are briefed one after the other)."""
    plan = _Plan(summariser, article, too_long)
    token = _IN_PART.set(True)
    try:
        while (step := plan.next()) is not None:
            part, part_article = step
            try:
                plan.done(part, await summariser.abrief(part_article))
            except ContextLengthError as exc:
                plan.too_long(part, exc)
    finally:
        _IN_PART.reset(token)
    return plan.merged()
