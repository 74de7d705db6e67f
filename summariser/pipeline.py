"""``Summariser``: one brief's flow, from a loaded article to a finished ``IncidentBrief``.

    extract (rules) -> generate (nothing | decide | full drafts, per part) -> ground + assemble -> finish

The flow is one step function (``generate.drive``), ``Summariser._steps``, driven by ``brief`` (blocking
backend calls) and ``abrief`` (async calls) alike. What the model is asked depends on what the backend
declares (``Backend.mode``, ``trusted``). In the full mode an article is briefed in parts planned by
``generate.parts.PartPlan`` (a short article is one part; a context error re-plans) and the parts are
merged (``grounding.merge``); the brief is finished once, so its meta counts every call and keeps the
article's warnings. Loading articles and writing briefs are the callers' (``load``, ``output``).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from . import __version__
from .backends.base import Backend
from .backends.registry import OpenBackend, open_backend
from .errors import ContextLengthError, InternalError
from .generate.decide import DecideResult, decide_steps
from .generate.drive import Steps, arun_steps, run_steps
from .generate.full import full_steps
from .generate.ledger import Ledger
from .generate.parts import PartPlan
from .grounding.assemble import Assembled, assemble
from .grounding.ground import Grounder
from .grounding.merge import merge_parts
from .grounding.trust import Trust, load_trust
from .load import Article, article_from_text
from .schema.brief import Evidence, IncidentBrief, Meta, Origin, Usage
from .schema.draft import Draft
from .settings import Settings

__all__ = ["Summariser", "asummarise", "summarise"]


class Summariser:
    """Briefs articles with one engine. Reuse an instance to keep a local model loaded.

    ``backend``: a ``Backend`` used as given (no cache, no log), or an ``OpenBackend`` from
    ``backends.open_backend`` (its backend may be None: no model). Without one, the engine
    ``settings.model`` names is opened on first use, with the response cache and the run log.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        backend: Backend | OpenBackend | None = None,
        model: str | None = None,
        command: str = "library",
        **overrides: Any,
    ) -> None:
        settings = settings or Settings.from_env()
        self.settings = settings.with_(model=model, **overrides)
        self.settings.model_spec  # noqa: B018 - fail early on an unknown model
        self.command = command
        self._opened: OpenBackend | None = None  # the run this instance started, finished on close
        self._backend = backend.backend if isinstance(backend, OpenBackend) else backend
        self._backend_built = backend is not None
        self._briefs = 0
        self._failed = 0
        self._trust: Trust | None = None

    @property
    def backend(self) -> Backend | None:
        """The engine, opened on first use, with the response cache and the run log around it."""
        if not self._backend_built:
            self._opened = open_backend(self.settings, command=self.command)
            self._backend = self._opened.backend
            self._backend_built = True
        return self._backend

    def close(self) -> None:
        if self._opened is not None:
            status = "failed" if self._failed and not self._briefs else "ok"
            self._opened.finish(status=status, done=self._briefs, failed=self._failed)
            self._opened = None
        if self._backend is not None:
            self._backend.close()

    def __enter__(self) -> Summariser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public ------------------------------------------------------------------------------------
    def summarise(
        self, text: str, *, published: dt.date | str | None = None, name: str = "<text>"
    ) -> IncidentBrief:
        return self.brief(article_from_text(text, name=name, published=published))

    async def asummarise(
        self, text: str, *, published: dt.date | str | None = None, name: str = "<text>"
    ) -> IncidentBrief:
        return await self.abrief(article_from_text(text, name=name, published=published))

    def brief(self, article: Article) -> IncidentBrief:
        backend = self.backend
        ledger = Ledger(warnings=list(article.warnings))
        try:
            return run_steps(self._steps(article, backend, ledger), backend)
        except Exception as exc:
            self._failed += 1
            ledger.charge(exc)
            raise

    async def abrief(self, article: Article) -> IncidentBrief:
        backend = self.backend
        ledger = Ledger(warnings=list(article.warnings))
        try:
            return await arun_steps(self._steps(article, backend, ledger), backend)
        except Exception as exc:
            self._failed += 1
            ledger.charge(exc)
            raise

    @property
    def trust(self) -> Trust:
        """The trust profile ``summariser calibrate`` measured for this engine + endpoint + model, or the
        conservative default (``grounding.trust``)."""
        if self._trust is None:
            self._trust = load_trust(self.settings.resolved_trust_dir, self.settings.endpoint_key())
        return self._trust

    def _adopt_choices(self, backend: Backend) -> bool:
        """A profile decides whether the model's choices override the rules; without one, what the backend
        declares (``trusted``: False for every GGUF, the bundled one included: they vote)."""
        return self.trust.adopt_choices() if self.trust.profile_id is not None else backend.trusted

    # -- the flow ------------------------------------------------------------------------------------
    def _steps(self, article: Article, backend: Backend | None, ledger: Ledger) -> Steps[IncidentBrief]:
        started = time.perf_counter()
        if backend is None or backend.mode == "none":
            result = self._ground(self._extract(article), article, Origin.EXTRACTOR, None)
        elif backend.mode == "choices":
            draft_x = self._extract(article)
            decided = yield from decide_steps(draft_x, article.text, adopt=self._adopt_choices(backend))
            _add_decided(ledger, decided)
            result = self._ground(decided.draft, article, Origin.EXTRACTOR, None)
        else:
            result = yield from self._in_parts(article, backend, ledger)
        return self._finish(result, article, ledger, started)

    def _in_parts(self, article: Article, backend: Backend, ledger: Ledger) -> Steps[Assembled]:
        """Full drafts of each planned part (one part for a short article), merged when there are several."""
        plan: PartPlan[Assembled] = PartPlan(article, backend)
        while (step := plan.next()) is not None:
            part, part_article = step
            draft_x = self._extract(part_article)

            def ground(draft: Draft, on: Article = part_article, fallback: Draft = draft_x) -> Assembled:
                return self._ground(draft, on, Origin.LLM, fallback)

            try:
                piece = yield from full_steps(
                    draft_x, part_article, backend, reasks=self.settings.reasks, ledger=ledger, ground=ground
                )
            except ContextLengthError as exc:
                plan.too_long(part, exc)
                continue
            plan.done(part, piece)
        if not plan.split:
            return plan.pieces[0][1]
        return merge_parts(article.text, plan.pieces, plan.note())

    # -- stages --------------------------------------------------------------------------------------
    def _extract(self, article: Article) -> Draft:
        from .extract import extract

        return extract(article.text, published=article.published)  # tells dated earlier events apart

    def _ground(self, draft: Draft, article: Article, origin: Origin, fallback: Draft | None) -> Assembled:
        return assemble(
            draft,
            article.text,
            origin=origin,
            fallback=fallback,
            published=article.published,
            grounder=Grounder(article.text),
            trust=self.trust if origin == Origin.LLM else None,
        )

    def _redacted(self, text: str) -> str:
        return _redact_for(self.settings, text)

    def _warnings(self, warnings: list[str]) -> list[str]:
        """Warnings for the brief: the endpoint's notices first, no key (an endpoint may echo it)."""
        notices = list(getattr(self.backend, "notices", None) or [])
        return [self._redacted(w) for w in dict.fromkeys(notices + warnings)]

    def _finish(self, r: Assembled, article: Article, ledger: Ledger, started: float) -> IncidentBrief:
        from .generate.prompt import prompt_hash

        backend = self.backend
        meta = Meta(
            engine=self.settings.model_spec.engine,
            model=backend.model if backend is not None else "extractive",
            prompt_version="+".join(ledger.versions) or "none",
            prompt_hash=prompt_hash(ledger.prompts) if ledger.prompts else "none",
            source_sha256=article.sha256,
            published=article.published,
            usage=Usage(
                prompt_tokens=ledger.prompt_tokens,
                completion_tokens=ledger.completion_tokens,
                total_tokens=ledger.prompt_tokens + ledger.completion_tokens,
            ),
            llm_calls=ledger.calls,
            retries=ledger.retries,
            duration_s=round(time.perf_counter() - started, 4),
            warnings=self._warnings(ledger.warnings + r.problems.warnings),
            package_version=__version__,
            structured_mode=ledger.structured_mode,
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


def _redact_for(settings: Settings, text: str) -> str:
    from .redact import redact

    return redact(text, [settings.api_key])


def _add_decided(ledger: Ledger, decided: DecideResult) -> None:
    for messages in decided.prompts:
        ledger.asked(messages, "choose")
    ledger.prompt_tokens += decided.usage.prompt_tokens
    ledger.completion_tokens += decided.usage.completion_tokens
    ledger.calls += decided.usage.calls
    ledger.retries += decided.usage.retries
    ledger.warnings.extend(decided.warnings)


def _check_evidence(brief: IncidentBrief, text: str) -> None:
    """Last line of defence: every evidence span must slice the text to its own ``text``."""
    bad: list[Evidence] = [e for e in brief.all_evidence() if text[e.start : e.end] != e.text]
    if bad:
        raise InternalError(f"internal error: {len(bad)} evidence spans do not reproduce the text")


def summarise(
    text: str,
    *,
    published: dt.date | str | None = None,
    model: str | None = None,
    settings: Settings | None = None,
) -> IncidentBrief:
    """Brief one article. For many articles, keep a ``Summariser`` (the model stays loaded)."""
    with Summariser(settings, model=model) as s:
        return s.summarise(text, published=published)


async def asummarise(
    text: str,
    *,
    published: dt.date | str | None = None,
    model: str | None = None,
    settings: Settings | None = None,
) -> IncidentBrief:
    s = Summariser(settings, model=model)
    try:
        return await s.asummarise(text, published=published)
    finally:
        s.close()
