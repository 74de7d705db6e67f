"""The one place the stages are joined: load -> extract -> prompt -> generate -> ground -> render.

``Summariser`` holds the settings and one backend (a loaded local model is kept across calls).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .backends.base import Backend, Completion, Message
from .errors import ContextLengthError, InternalError
from .generate.trust import Trust, load_trust
from .grounding.assemble import Assembled, assemble
from .grounding.ground import Grounder
from .load import Article, article_from_text
from .schema.brief import Evidence, IncidentBrief, Meta, Origin, Usage
from .schema.draft import Draft
from .settings import Settings

__all__ = ["Summariser", "asummarise", "build_backend", "summarise"]

FULL_MAX_TOKENS = 3000


def build_backend(settings: Settings) -> Backend | None:
    """The backend for ``settings.model``; None for the extractive engine. Imports lazily."""
    spec = settings.model_spec
    if spec.engine == "extractive":
        return None
    if spec.engine == "local":
        from .backends.llama import LlamaBackend

        return LlamaBackend(settings)
    from .backends.openai import OpenAIBackend

    return OpenAIBackend(settings)


@dataclass
class _Tally:
    prompts: list[list[Message]] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    retries: int = 0
    warnings: list[str] = field(default_factory=list)
    structured_mode: str | None = None

    def add(self, c: Completion[Any], messages: list[Message], version: str) -> None:
        self.structured_mode = c.extra.get("structured_mode", self.structured_mode)
        self.prompts.append(messages)
        if version not in self.versions:
            self.versions.append(version)
        self.prompt_tokens += c.prompt_tokens
        self.completion_tokens += c.completion_tokens
        self.calls += c.calls
        self.retries += c.retries


def _candidates(draft: Draft) -> dict[str, Any]:
    """The extractor's findings, compact, for the full-draft prompt."""
    return {
        "quotes": [{"text": q.text[:300], "speaker": q.speaker} for q in draft.quotes],
        "actors": [a.name for a in draft.actors],
        "casualties": [
            f"{c.as_written} {c.category.value}" + (f" ({c.reported_by})" if c.reported_by else "")
            for c in draft.casualties
        ],
        "places": [loc.name for loc in draft.locations],
    }


class Summariser:
    """Briefs articles with one engine. Reuse an instance to keep a local model loaded."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        backend: Backend | None = None,
        model: str | None = None,
        command: str = "library",
        **overrides: Any,
    ) -> None:
        settings = settings or Settings.from_env()
        self.settings = settings.with_(model=model, **overrides)
        self.settings.model_spec  # noqa: B018 - fail early on an unknown model
        self.command = command
        self._backend = backend
        self._backend_built = backend is not None
        self._run: tuple[Any, str] | None = None
        self._briefs = 0
        self._trust: Trust | None = None
        self._failed = 0

    @property
    def backend(self) -> Backend | None:
        """The engine, built on first use, with the response cache and the run log around it."""
        if not self._backend_built:
            from .backends.wrap import instrument

            inner = build_backend(self.settings)
            runlog, run_id = None, "-"
            if inner is not None and self.settings.use_log:
                from .store.runlog import RunLog

                runlog = RunLog.for_settings(self.settings)
                run_id = runlog.start_run(command=self.command, model=str(self.settings.model_spec))
                self._run = (runlog, run_id)
            self._backend = instrument(inner, self.settings, runlog=runlog, run_id=run_id)
            self._backend_built = True
        return self._backend

    def close(self) -> None:
        if self._run is not None:
            runlog, run_id = self._run
            status = "failed" if self._failed and not self._briefs else "ok"
            runlog.finish_run(run_id, status=status, done=self._briefs, failed=self._failed)
            self._run = None
        if self._backend is not None:
            self._backend.close()

    def __enter__(self) -> Summariser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public ------------------------------------------------------------------------------------
    def summarise(
        self, text: str, *, published: dt.date | None = None, name: str = "<text>"
    ) -> IncidentBrief:
        return self.brief(article_from_text(text, name=name, published=published))

    async def asummarise(
        self, text: str, *, published: dt.date | None = None, name: str = "<text>"
    ) -> IncidentBrief:
        return await self.abrief(article_from_text(text, name=name, published=published))

    def brief(self, article: Article) -> IncidentBrief:
        try:
            return self._brief(article)
        except Exception:
            self._failed += 1
            raise

    async def abrief(self, article: Article) -> IncidentBrief:
        try:
            return await self._abrief(article)
        except Exception:
            self._failed += 1
            raise

    def _brief(self, article: Article) -> IncidentBrief:
        started = time.perf_counter()
        draft_x = self._extract(article)
        tally = _Tally(warnings=list(article.warnings))
        backend = self.backend
        if backend is None or backend.mode == "none":
            result = self._ground(draft_x, article, Origin.EXTRACTOR, None, tally)
        elif backend.mode == "choices":
            from .generate.decide import decide

            decided = decide(draft_x, article.text, backend, adopt=self.trust.adopt_choices())
            self._tally_decide(tally, decided)
            result = self._ground(decided.draft, article, Origin.EXTRACTOR, None, tally)
        else:
            try:
                result = self._full(backend, draft_x, article, tally)
            except ContextLengthError as exc:
                if getattr(exc, "no_split", False):
                    raise
                from .generate.parts import brief_in_parts

                return brief_in_parts(self, article, too_long=exc)
        return self._finish(result, article, tally, started)

    async def _abrief(self, article: Article) -> IncidentBrief:
        backend = self.backend
        if backend is None or backend.mode != "full":
            return await asyncio.to_thread(self.brief, article)
        started = time.perf_counter()
        draft_x = await asyncio.to_thread(self._extract, article)
        tally = _Tally(warnings=list(article.warnings))
        try:
            result = await self._afull(backend, draft_x, article, tally)
        except ContextLengthError as exc:
            if getattr(exc, "no_split", False):
                raise
            from .generate.parts import abrief_in_parts

            return await abrief_in_parts(self, article, too_long=exc)
        return self._finish(result, article, tally, started)

    # -- stages --------------------------------------------------------------------------------------
    def _extract(self, article: Article) -> Draft:
        from .extract import extract

        published = article.published if isinstance(article.published, dt.date) else None
        return extract(article.text, published=published)

    def _ground(
        self, draft: Draft, article: Article, origin: Origin, fallback: Draft | None, tally: _Tally
    ) -> Assembled:
        published = article.published if isinstance(article.published, dt.date) else None
        return assemble(
            draft,
            article.text,
            origin=origin,
            fallback=fallback,
            published=published,
            grounder=Grounder(article.text),
            trust=self.trust,
        )

    def _redacted(self, text: str) -> str:
        from .redact import redact

        return redact(text, [self.settings.api_key])

    def _warnings(self, warnings: list[str]) -> list[str]:
        """Warnings for the brief: the endpoint's notices first, no key (an endpoint may echo it)."""
        notices = list(getattr(self.backend, "notices", None) or [])
        return [self._redacted(w) for w in dict.fromkeys(notices + warnings)]

    @property
    def trust(self) -> Trust:
        """The trust profile ``summariser calibrate`` measured for this engine + endpoint + model, or the
        conservative default."""
        if self._trust is None:
            self._trust = load_trust(self.settings.resolved_trust_dir, self.settings.endpoint_key())
        return self._trust

    def _tally_decide(self, tally: _Tally, decided: Any) -> None:
        for messages in decided.prompts:
            tally.prompts.append(messages)
            version = getattr(messages, "version", "choose")
            if version not in tally.versions:
                tally.versions.append(version)
        tally.prompt_tokens += decided.usage.prompt_tokens
        tally.completion_tokens += decided.usage.completion_tokens
        tally.calls += decided.usage.calls
        tally.retries += decided.usage.retries
        tally.warnings.extend(decided.warnings)

    def _full_messages(
        self, draft_x: Draft, article: Article, feedback: list[str] | None, backend: Backend
    ) -> list[Message]:
        from .generate.prompt import render
        from .schema.taxonomy import EventType

        messages = render(
            "brief",
            text=article.text,
            candidates=_candidates(draft_x),
            event_types=[e.value for e in EventType],
            feedback=feedback,
        )
        size = sum(backend.count_tokens(m["content"]) for m in messages)
        budget = answer_budget(backend)
        if budget >= backend.context_window:
            err = ContextLengthError(
                f"{backend.model}'s context of {backend.context_window:,} tokens cannot hold an answer of "
                f"{budget:,} tokens; splitting the article would not help",
                hint="use a model or server with a larger context window, or --model extractive",
            )
            err.no_split = True  # type: ignore[attr-defined]
            raise err
        if size + budget > backend.context_window:
            raise ContextLengthError(
                f"{article.name}: the prompt needs about {size:,} tokens; {backend.model} takes "
                f"{backend.context_window:,} with {budget:,} for the answer",
                hint="use a model with a larger context, or --model extractive",
            )
        return messages

    def _full(self, backend: Backend, draft_x: Draft, article: Article, tally: _Tally) -> Assembled:
        feedback: list[str] | None = None
        result: Assembled | None = None
        for _attempt in range(self.settings.reasks + 1):
            messages = self._full_messages(draft_x, article, feedback, backend)
            try:
                completion = backend.complete(
                    messages, Draft, max_tokens=answer_budget(backend), max_reasks=self.settings.reasks
                )
            except Exception as exc:
                _charged(exc, tally)
                raise
            tally.add(completion, messages, getattr(messages, "version", "brief"))
            result = self._ground(completion.value, article, Origin.LLM, draft_x, tally)
            if not result.problems.ungrounded:
                return result
            feedback = result.problems.ungrounded
            tally.retries += 1
        assert result is not None
        return self._spent(result)

    async def _afull(self, backend: Backend, draft_x: Draft, article: Article, tally: _Tally) -> Assembled:
        feedback: list[str] | None = None
        result: Assembled | None = None
        for _attempt in range(self.settings.reasks + 1):
            messages = self._full_messages(draft_x, article, feedback, backend)
            try:
                completion = await backend.acomplete(
                    messages, Draft, max_tokens=answer_budget(backend), max_reasks=self.settings.reasks
                )
            except Exception as exc:
                _charged(exc, tally)
                raise
            tally.add(completion, messages, getattr(messages, "version", "brief"))
            result = self._ground(completion.value, article, Origin.LLM, draft_x, tally)
            if not result.problems.ungrounded:
                return result
            feedback = result.problems.ungrounded
            tally.retries += 1
        assert result is not None
        return self._spent(result)

    @staticmethod
    def _spent(result: Assembled) -> Assembled:
        for line in result.problems.ungrounded:
            result.problems.warnings.append(f"dropped after re-asking: {line}")
        result.problems.ungrounded = []
        return result

    def _finish(self, r: Assembled, article: Article, tally: _Tally, started: float) -> IncidentBrief:
        from .generate.prompt import prompt_hash

        backend = self.backend
        spec = self.settings.model_spec
        published = article.published if isinstance(article.published, dt.date) else None
        meta = Meta(
            engine=spec.engine,
            model=backend.model if backend is not None else "extractive",
            prompt_version="+".join(tally.versions) or "none",
            prompt_hash=prompt_hash(tally.prompts) if tally.prompts else "none",
            source_sha256=article.sha256,
            published=published,
            usage=Usage(
                prompt_tokens=tally.prompt_tokens,
                completion_tokens=tally.completion_tokens,
                total_tokens=tally.prompt_tokens + tally.completion_tokens,
            ),
            llm_calls=tally.calls,
            retries=tally.retries,
            duration_s=round(time.perf_counter() - started, 4),
            warnings=self._warnings(tally.warnings + r.problems.warnings),
            package_version=__version__,
            structured_mode=tally.structured_mode,
            trust_profile=self.trust.profile_id if backend is not None and backend.mode != "none" else None,
        )
        brief = IncidentBrief(
            headline=self._redacted(r.headline),
            summary=self._redacted(r.summary),
            summary_evidence=r.summary_evidence,
            event=r.event,
            casualties=r.casualties,
            actors=r.actors,
            quotes=r.quotes,
            diplomatic_context=r.diplomatic_context,
            sources_cited=r.sources_cited,
            discrepancies=r.discrepancies,
            meta=meta,
        )
        _check_evidence(brief, article.text)
        self._briefs += 1
        return brief


def _charged(exc: BaseException, tally: _Tally) -> BaseException:
    """``exc`` carrying what the whole brief spent before and in the failed call (``spent``), so the run
    log, the batch summary and eval costs count failed and retried calls too."""
    spent = dict(getattr(exc, "spent", None) or {})
    exc.spent = {  # type: ignore[attr-defined]
        "calls": tally.calls + int(spent.get("calls", 1)),
        "retries": tally.retries + int(spent.get("retries", 0)),
        "prompt_tokens": tally.prompt_tokens + int(spent.get("prompt_tokens", 0)),
        "completion_tokens": tally.completion_tokens + int(spent.get("completion_tokens", 0)),
    }
    return exc


def answer_budget(backend: Backend) -> int:
    """``max_tokens`` for a full draft: ``FULL_MAX_TOKENS`` scaled down to the backend's context window."""
    scale = getattr(backend, "answer_budget", None)
    return int(scale(FULL_MAX_TOKENS)) if callable(scale) else FULL_MAX_TOKENS


def _check_evidence(brief: IncidentBrief, text: str) -> None:
    """Last line of defence: every evidence span must slice the text to its own ``text``."""
    bad: list[Evidence] = [e for e in brief.all_evidence() if text[e.start : e.end] != e.text]
    if bad:
        raise InternalError(f"internal error: {len(bad)} evidence spans do not reproduce the text")


def summarise(
    text: str, *, published: dt.date | None = None, model: str | None = None, settings: Settings | None = None
) -> IncidentBrief:
    """Brief one article. For many articles, keep a ``Summariser`` (the model stays loaded)."""
    with Summariser(settings, model=model) as s:
        return s.summarise(text, published=published)


async def asummarise(
    text: str, *, published: dt.date | None = None, model: str | None = None, settings: Settings | None = None
) -> IncidentBrief:
    s = Summariser(settings, model=model)
    try:
        return await s.asummarise(text, published=published)
    finally:
        s.close()
