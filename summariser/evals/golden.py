"""Golden cases: loading answer keys and turning one into the brief it describes.

Public API
----------
``load_cases(spec) -> list[Case]``
    ``spec`` is a directory of case directories (``evals/cases``), one case directory, or a dataset spec
    handled by ``importers``: ``polnear:PATH`` (PolNeAR ``dev`` folder), ``wikievents:PATH``
    (``dev.jsonl``) or ``gva:PATH`` (GVA ``dev.jsonl``).
    Cases come back sorted by id. Any problem raises ``EvalError`` (``file:line: message`` for golden files).
``load_case(directory) -> Case``
    One ``<case>/golden.yaml`` with its article: ``article.txt`` beside it, or ``article_path`` (relative
    to the case directory) for articles that must not be copied into the project.
``golden_to_brief(case) -> IncidentBrief``
    The brief the answer key describes, every item grounded in the article (evidence found with
    ``Aligner``, exact or normalised, never fuzzy). It scores 1.0 on every field of its own case.

A golden file is YAML; its keys are documented in ``schemas/golden.schema.json``. Case-level keys are
``article_path``, ``article_sha256`` (loading fails when the article changed), ``published``, ``fields``,
``recall_only`` and ``notes``; the rest is the ``Golden`` answer key (see ``models``). For an article that
must not be copied into the project, quotes may be given as ``spans: [[start, end], ...]`` and evidence
entries as ``[start, end]``: character offsets into the article, resolved to text when the case loads.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import EvalError
from ..grounding.align import Aligner
from ..schema.brief import (
    Actor,
    CasualtyCategory,
    CasualtyFigure,
    Certainty,
    DiplomaticContext,
    DiplomaticProcess,
    Discrepancy,
    DiscrepancyValue,
    Event,
    EventTime,
    Evidence,
    IncidentBrief,
    Location,
    Meta,
    NextStep,
    Origin,
    Perpetrator,
    Position,
    Quote,
    Source,
)
from .models import FIELDS, Case, Golden
from .yamlfile import check_schema, line_of, load_yaml, raise_pydantic

__all__ = ["ARTICLE_FILE", "GOLDEN_FILE", "Case", "Golden", "golden_to_brief", "load_case", "load_cases"]

GOLDEN_FILE = "golden.yaml"
ARTICLE_FILE = "article.txt"
_CASE_KEYS = ("article_path", "article_sha256", "published", "fields", "recall_only", "notes")


def load_cases(spec: str | Path) -> list[Case]:
    """Cases from a cases directory, one case directory, or ``polnear:`` / ``wikievents:`` / ``gva:PATH``."""
    from .importers import IMPORTERS

    text = str(spec)
    prefix, sep, rest = text.partition(":")
    if sep and prefix in IMPORTERS:
        return IMPORTERS[prefix](Path(rest))
    path = Path(text)
    if (path / GOLDEN_FILE).is_file():
        return [load_case(path)]
    if not path.is_dir():
        raise EvalError(
            f"{path}: no such cases directory or dataset",
            hint="give a folder of case folders, a case folder, or one of "
            + ", ".join(f"{p}:PATH" for p in IMPORTERS),
        )
    dirs = sorted(d for d in path.iterdir() if (d / GOLDEN_FILE).is_file())
    if not dirs:
        raise EvalError(f"{path}: no case folders (none holds {GOLDEN_FILE})")
    cases, problems = [], []
    for d in dirs:  # every bad case is reported, not only the first
        try:
            cases.append(load_case(d))
        except EvalError as exc:
            problems.append(str(exc))
    if problems:
        raise EvalError(
            f"{len(problems)} of {len(dirs)} cases in {path} cannot be used:\n  " + "\n  ".join(problems),
            hint="fix each golden.yaml or article at the line named",
        )
    return cases


def _read_article(golden_path: Path, path: Path, line: int) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise EvalError(
            f"{golden_path}:{line}: article not found: {path}",
            hint="articles named by article_path live in ../shared beside the project",
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"{golden_path}:{line}: cannot read article {path}: {exc}") from exc
    if not text.strip():
        raise EvalError(f"{golden_path}:{line}: article {path} is empty")
    return text


def load_case(directory: str | Path) -> Case:
    """One case folder: ``golden.yaml`` validated (schema, then models) plus its article."""
    directory = Path(directory)
    golden_path = directory / GOLDEN_FILE
    data, root = load_yaml(golden_path)
    check_schema(golden_path, data, root)
    assert isinstance(data, dict)  # the schema requires an object
    local = directory / ARTICLE_FILE
    if "article_path" in data:
        line = line_of(root, ["article_path"])
        if local.exists():
            raise EvalError(f"{golden_path}:{line}: both article_path and {ARTICLE_FILE} given; keep one")
        article_path = (directory / str(data["article_path"])).resolve()
    else:
        line = 1
        article_path = local
        if not local.is_file():
            raise EvalError(f"{golden_path}:1: no {ARTICLE_FILE} beside the golden file and no article_path")
    article = _read_article(golden_path, article_path, line)
    digest = hashlib.sha256(article.encode("utf-8")).hexdigest()
    if data.get("article_sha256", digest) != digest:
        raise EvalError(
            f"{golden_path}:{line_of(root, ['article_sha256'])}: article {article_path} has changed "
            f"(sha256 {digest}); its offsets may be stale",
            hint="check the spans against the new text, then update article_sha256",
        )
    key = _resolve_spans({k: v for k, v in data.items() if k not in _CASE_KEYS}, article, golden_path, root)
    try:
        golden = Golden.model_validate(key)
    except ValidationError as exc:
        raise_pydantic(golden_path, exc, root)
        raise  # unreachable: raise_pydantic always raises
    try:
        return Case(
            id=directory.name,
            article=article,
            article_file=str(article_path),
            published=data.get("published"),
            golden=golden,
            fields=data.get("fields", list(FIELDS)),
            recall_only=data.get("recall_only", []),
        )
    except ValidationError as exc:
        raise_pydantic(golden_path, exc, root)
        raise


def _span_text(article: str, span: list[int], golden_path: Path, root: Any, where: list[str | int]) -> str:
    start, end = span
    if not 0 <= start < end <= len(article):
        line = line_of(root, where)
        raise EvalError(
            f"{golden_path}:{line}: span [{start}, {end}] is outside the article ({len(article)} chars)"
        )
    return article[start:end]


def _resolve_spans(key: dict[str, Any], article: str, golden_path: Path, root: Any) -> dict[str, Any]:
    """Replace ``[start, end]`` offsets (quote ``spans``, evidence entries) by the text they cover."""

    def walk(obj: Any, where: list[str | int]) -> Any:
        if isinstance(obj, dict):
            out = {k: walk(v, [*where, k]) for k, v in obj.items() if k != "spans"}
            if "spans" in obj:
                texts = [
                    _span_text(article, sp, golden_path, root, [*where, "spans", i])
                    for i, sp in enumerate(obj["spans"])
                ]
                out["segments"] = [*out.get("segments", []), *texts]
            if "evidence" in obj:
                out["evidence"] = [
                    _span_text(article, ev, golden_path, root, [*where, "evidence", i])
                    if isinstance(ev, list)
                    else ev
                    for i, ev in enumerate(obj["evidence"])
                ]
            return out
        if isinstance(obj, list):
            return [walk(x, [*where, i]) for i, x in enumerate(obj)]
        return obj

    resolved: dict[str, Any] = walk(key, [])
    return resolved


class _GoldenEvidence:
    """Evidence for golden items: each candidate string looked up in the article, exact or normalised."""

    def __init__(self, text: str) -> None:
        self.aligner = Aligner(text)

    def span(self, needle: str, near: int | None = None) -> Evidence | None:
        m = self.aligner.find(needle, near=near, fuzzy=False, word_bounded=True)
        if m is None:
            m = self.aligner.find(needle, near=near, fuzzy=False)
        if m is None:
            return None
        text = self.aligner.text
        return Evidence(
            start=m.start,
            end=m.end,
            text=text[m.start : m.end],
            alignment=m.alignment,
            origin=Origin.EXTRACTOR,
        )

    def first(self, *candidates: str | None, near: int | None = None) -> list[Evidence]:
        """The first candidate found (names: the canonical name, then aliases)."""
        for c in candidates:
            if c and (ev := self.span(c, near)) is not None:
                return [ev]
        return []

    def every(self, needles: list[str]) -> list[Evidence]:
        """One span per needle (evidence excerpts, quote segments); needles not found are skipped."""
        found = [self.span(n) for n in needles]
        return [e for e in found if e is not None]

    def item(self, evidence: list[str], *candidates: str | None) -> list[Evidence]:
        return self.every(evidence) if evidence else self.first(*candidates)


_SUSPECTS = re.compile(r"\b(?:suspects?|gunm[ae]n|shooters?|attackers?|assailants?)\b", re.IGNORECASE)


def golden_to_brief(case: Case) -> IncidentBrief:
    """The brief the answer key describes, grounded in the article."""
    g, ground = case.golden, _GoldenEvidence(case.article)
    actors = [
        Actor(
            id=f"a{i}",
            name=a.name,
            aliases=a.aliases,
            kind=a.kind,
            evidence=ground.item(a.evidence, a.name, *a.aliases),
        )
        for i, a in enumerate(g.actors, 1)
    ]
    by_name = {a.name: a for a in actors}
    quotes = []
    for i, q in enumerate(g.quotes, 1):
        spans = ground.every(q.segments)
        speaker = by_name.get(q.speaker or "")
        names = [speaker.name, *speaker.aliases] if speaker else [q.speaker]
        quotes.append(
            Quote(
                id=f"q{i}",
                text=q.text,
                speaker=q.speaker,
                speaker_id=speaker.id if speaker else None,
                speaker_evidence=ground.first(*names, near=spans[0].start if spans else None),
                evidence=spans,
            )
        )
    perpetrators = [
        Perpetrator(
            name=p.name,
            actor_id=by_name[p.name].id if p.name in by_name else None,
            certainty=p.certainty or Certainty.UNKNOWN,
            attributed_by=p.attributed_by,
            evidence=ground.item(p.evidence, p.name, *p.aliases),
        )
        for p in g.perpetrators
    ]
    locations = [
        Location(
            id=f"l{i}",
            name=loc.name,
            aliases=loc.aliases,
            country=loc.country,
            evidence=ground.item(loc.evidence, loc.name, *loc.aliases),
        )
        for i, loc in enumerate(g.locations, 1)
    ]
    time = EventTime(text=g.time.text, date=g.time.date, evidence=ground.first(g.time.text))
    casualties = [
        CasualtyFigure(
            category=c.category,
            count=c.count,
            count_min=c.count_min,
            count_max=c.count_max,
            qualifier=c.qualifier,
            as_written=c.as_written,
            victims=c.victims,
            reported_by=c.reported_by,
            evidence=ground.item(c.evidence, c.as_written),
        )
        for c in g.casualties
    ]
    tolls = ((CasualtyCategory.KILLED, g.toll.killed), (CasualtyCategory.INJURED, g.toll.injured))
    for category, want in tolls:
        if not want:
            continue  # none, or not scored: a brief without a figure says 0
        suspects = [c for c in casualties if c.category == category and _SUSPECTS.search(c.victims or "")]
        for c in suspects:
            c.suspects = True  # counted apart, as the rules mark them
        rest = want - sum(c.count or 0 for c in suspects)
        same = next(
            (c for c in casualties if c.category == category and c.count == rest and c not in suspects), None
        )
        if same is None:
            same = CasualtyFigure(category=category, count=rest, as_written=str(rest))
            casualties.append(same)
        same.toll = True
    diplomatic = DiplomaticContext(
        processes=[
            DiplomaticProcess(
                name=p.name,
                kind=p.kind,
                status=p.status,
                evidence=ground.item(p.evidence, p.name, *p.aliases),
            )
            for p in g.diplomatic.processes
        ],
        positions=[
            Position(actor=k.actor or "", position=k.text, evidence=ground.item(k.evidence, k.text))
            for k in g.diplomatic.key_points
            if k.kind == "position"
        ],
        next_steps=[
            NextStep(actor=k.actor, step=k.text, evidence=ground.item(k.evidence, k.text))
            for k in g.diplomatic.key_points
            if k.kind == "next_step"
        ],
    )
    sources = [
        Source(name=s.name, kind=s.kind, evidence=ground.item(s.evidence, s.name, *s.aliases))
        for s in g.sources
    ]
    discrepancies = [
        Discrepancy(
            field=d.field,
            description=d.description or f"Sources disagree on {d.field}.",
            values=[
                DiscrepancyValue(value=v.value, source=v.source, evidence=ground.item(v.evidence, v.value))
                for v in d.values
            ],
        )
        for d in g.discrepancies
    ]
    headline = g.headline or (g.summary[0] if g.summary else g.event.description or g.event.type.value)
    return IncidentBrief(
        headline=headline,
        summary=" ".join(g.summary),
        event=Event(
            type=g.event.type,
            sub_type=g.event.sub_type,
            description=g.event.description or headline,
            locations=locations,
            time=time,
            perpetrators=perpetrators,
        ),
        casualties=casualties,
        actors=actors,
        quotes=quotes,
        diplomatic_context=diplomatic,
        sources_cited=sources,
        discrepancies=discrepancies,
        meta=Meta(
            engine="golden",
            model="answer-key",
            prompt_version="golden",
            prompt_hash="",
            source_sha256=hashlib.sha256(case.article.encode("utf-8")).hexdigest(),
            published=case.published,
        ),
    )
