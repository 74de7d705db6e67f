"""Ground stage: align every item of a draft to the source and turn the draft into brief parts.

Items from the extractor keep the spans it found (alignment exact). Items from a model are searched for:
exact, then normalised, then fuzzy. What cannot be found is *ungrounded*: it is listed (so the pipeline
can re-ask), and, once re-asks are spent, dropped or replaced by the extractor's candidate, with a
warning. A brief never contains a quote that is not in the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..schema.brief import Alignment, CasualtyFigure, Evidence, Origin, Perpetrator, Quote, Source
from ..schema.draft import DraftCasualty, DraftItem, DraftPerpetrator, DraftQuote, Span
from .align import Aligner, Match
from .link import numbers_in

__all__ = ["Grounder", "Problems"]


@dataclass
class Problems:
    """Ungrounded items (feedback for a re-ask) and warnings (for ``meta.warnings``)."""

    ungrounded: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _clip(s: str, n: int = 70) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _in_vague_range(as_written: str, value: int) -> bool:
    from ..extract.numbers import find_numbers

    return any(
        p.count_min is not None and p.count_min <= value <= (p.count_max or value)
        for p in find_numbers(as_written)
    )


class Grounder:
    """Aligns draft items to one source text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.aligner = Aligner(text)
        self._numbers = numbers_in(text)

    # -- evidence ------------------------------------------------------------------------------------
    def evidence(self, span: Span, origin: Origin, alignment: Alignment = Alignment.EXACT) -> Evidence:
        s, e = span
        return Evidence(start=s, end=e, text=self.text[s:e], alignment=alignment, origin=origin)

    def from_match(self, m: Match, origin: Origin) -> Evidence:
        return self.evidence((m.start, m.end), origin, m.alignment)

    def spans_evidence(self, item: DraftItem) -> list[Evidence]:
        return [
            self.evidence(sp, Origin.EXTRACTOR) for sp in item.spans if 0 <= sp[0] <= sp[1] <= len(self.text)
        ]

    def find(
        self, needle: str | None, *, near: int | None = None, fuzzy: bool = True, min_score: float = 90.0
    ) -> Match | None:
        if not needle or not needle.strip():
            return None
        return self.aligner.find(needle, near=near, fuzzy=fuzzy, min_score=min_score, word_bounded=True) or (
            self.aligner.find(needle, near=near, fuzzy=False)
        )

    def name(self, item: DraftItem, name: str, *, near: int | None = None) -> list[Evidence]:
        """Evidence for a name-like item: extractor spans, else the name found in the text (no fuzzy)."""
        if item.spans:
            return self.spans_evidence(item)
        m = self.find(name, near=near, fuzzy=len(name) >= 12, min_score=92.0)
        return [self.from_match(m, Origin.LLM)] if m else []

    def has_number(self, value: int) -> bool:
        return value in self._numbers

    def numbers_not_in_text(self, s: str) -> list[int]:
        """Numbers in ``s`` that the article does not contain (empty when all are found)."""
        return sorted(n for n in numbers_in(s) if n not in self._numbers)

    # -- quotes ----------------------------------------------------------------------------------------
    def quote(self, q: DraftQuote, qid: str, problems: Problems) -> Quote | None:
        if q.spans:
            ev = self.spans_evidence(q)
            text = " ".join(e.text for e in ev)
            return Quote(
                id=qid,
                text=text,
                speaker=q.speaker,
                reported_via=q.reported_via,
                evidence=ev,
                speaker_evidence=[self.evidence(sp, Origin.EXTRACTOR) for sp in q.speaker_spans],
                speaker_origin=Origin.LLM if q.speaker_by_model else Origin.EXTRACTOR,
            )
        ev = self._quote_segments(q.text)
        if not ev:
            problems.ungrounded.append(f'quote not in the article: "{_clip(q.text)}"')
            return None
        if any(e.alignment == Alignment.FUZZY for e in ev):
            problems.warnings.append(
                f"{qid}: quote matched the article fuzzily; the article's words are kept"
            )
        return Quote(
            id=qid,
            text=" ".join(e.text for e in ev),
            speaker=q.speaker,
            reported_via=q.reported_via,
            evidence=ev,
            speaker_origin=Origin.LLM,
        )

    def _quote_segments(self, text: str) -> list[Evidence]:
        cleaned = text.strip().strip("\"'“”‘’ ")
        m = self.aligner.find(cleaned, fuzzy=True, min_score=94.0)
        if m:
            return [self.from_match(m, Origin.LLM)]
        # an interrupted quote given as one string: align its sentences one by one, close together
        parts = [p.strip() for p in re.split(r"(?<=[.!?,])\s+|\s*(?:\.\.\.|…)\s*", cleaned) if p.strip()]
        if len(parts) < 2:
            return []
        out: list[Evidence] = []
        for part in parts:
            pm = self.aligner.find(part, near=out[-1].end if out else None, fuzzy=False)
            if pm is None or (out and not 0 <= pm.start - out[-1].end <= 400):
                return []
            if out and pm.start - out[-1].end <= 2:  # contiguous: extend the previous segment
                last = out.pop()
                pm = Match(last.start, pm.end, Alignment(last.alignment), 100.0)
            out.append(self.from_match(pm, Origin.LLM))
        return out

    def speaker(self, quote: Quote, problems: Problems) -> None:
        """Ground a model-given speaker name near its quote, or clear it."""
        if quote.speaker_evidence or not quote.speaker:
            return
        near = quote.evidence[0].start if quote.evidence else None
        m = self.find(quote.speaker, near=near, fuzzy=False)
        if m is None:
            problems.ungrounded.append(f"speaker {quote.speaker!r} of quote {quote.id} is not in the article")
            quote.speaker = None
            return
        quote.speaker_evidence = [self.from_match(m, Origin.LLM)]

    # -- figures -----------------------------------------------------------------------------------------
    def casualty(self, c: DraftCasualty, problems: Problems, origin: Origin) -> CasualtyFigure | None:
        values = [v for v in (c.count, c.count_min, c.count_max) if v is not None]
        if c.spans:
            ev = self.spans_evidence(c)
        else:
            m = self.find(c.as_written, fuzzy=False)
            ev = [self.from_match(m, Origin.LLM)] if m else []
            missing = [v for v in values if not self.has_number(v)]
            if not numbers_in(c.as_written):  # a vague figure ("dozens": 24-99): values must fit its range
                missing = [v for v in values if not _in_vague_range(c.as_written, v)]
            if not ev or missing:
                what = f"{c.category.value} figure {c.as_written!r}" + (f" ({missing})" if missing else "")
                problems.ungrounded.append(f"{what} is not in the article")
                return None
            if values and numbers_in(c.as_written) and not set(values) & numbers_in(ev[0].text):
                problems.warnings.append(
                    f"figure {c.as_written!r}: its number was checked in the article, not in the phrase"
                )
        reporter = c.reported_by
        if reporter and origin == Origin.LLM and not c.spans and self.find(reporter, fuzzy=False) is None:
            problems.warnings.append(
                f"reporter {reporter!r} of figure {c.as_written!r} is not in the article; dropped"
            )
            reporter = None
        return CasualtyFigure(
            category=c.category,
            count=c.count,
            count_min=c.count_min,
            count_max=c.count_max,
            qualifier=c.qualifier,
            as_written=c.as_written,
            victims=c.victims,
            reported_by=reporter,
            toll=c._toll,
            suspects=c._suspects,
            evidence=ev,
        )

    # -- simple named items ------------------------------------------------------------------------------
    def names(self, names: list[str], problems: Problems, what: str) -> list[str]:
        kept = [n for n in names if n and self.find(n, fuzzy=False) is not None]
        for n in names:
            if n and n not in kept:
                problems.warnings.append(f"{what}: {n!r} is not in the article; dropped")
        return kept

    def perpetrator(self, p: DraftPerpetrator, name: str, problems: Problems) -> Perpetrator | None:
        ev = self.name(p, name)
        if not ev:
            problems.ungrounded.append(f"perpetrator {name!r} is not in the article")
            return None
        attributed = self.names(list(p.attributed_by), problems, "attributed_by")
        return Perpetrator(name=name, certainty=p.certainty, attributed_by=attributed, evidence=ev)

    def source(self, s: DraftItem, name: str, kind: str, problems: Problems) -> Source | None:
        ev = self.name(s, name)
        if not ev:
            problems.warnings.append(f"source {name!r} is not in the article; dropped")
            return None
        return Source(name=name, kind=kind, evidence=ev)

    def statement(self, item: DraftItem | None, statement: str) -> list[Evidence]:
        """Evidence for a paraphrase (a position, a next step): the article sentence it best matches."""
        if item is not None and item.spans:
            return self.spans_evidence(item)
        from rapidfuzz import fuzz

        best: tuple[float, int, int] = (0.0, 0, 0)
        for m in re.finditer(r"[^.!?\n]+[.!?]?", self.text):
            score = fuzz.token_set_ratio(statement.lower(), m.group().lower())
            if score > best[0]:
                best = (score, m.start(), m.end())
        score, s, e = best
        if score < 60:
            return []
        while s < e and self.text[s].isspace():
            s += 1
        return [self.evidence((s, e), Origin.LLM, Alignment.FUZZY)]
