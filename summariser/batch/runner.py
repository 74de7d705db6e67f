"""Batch runs: many articles in, one brief file per article out, surviving faults, bad input and interruption.

    summary = run_batch(["reports/", "extra.jsonl"], Path("out"), settings, jobs=8)

Inputs are files, folders (``*.txt``, ``*.md``, ``*.html`` found recursively), glob patterns, or JSONL files
of ``{"id", "text", "published"}`` records (``batch.inputs``). Each item is written to ``OUT/<id>.json`` (or
``.md``) atomically; an item that fails is recorded in ``OUT/errors.jsonl`` with its error type, message
and hint, and the batch goes on. Finished items are recorded in the manifest (``batch.manifest``), so a
re-run skips what is done and briefs the rest.

The items are briefed by ``brief_many`` (``batch.many``), as evals are: a backend that declares itself
concurrent (a remote endpoint) briefs ``jobs`` items at a time; any other shares one ``Summariser`` (one
loaded model) and briefs one item at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, TypedDict

from ..backends.base import Backend
from ..backends.registry import open_backend
from ..errors import ConfigError, InputError, OutputError, SummariserError
from ..generate.prompt import templates_for
from ..load import MAX_BYTES, Article, article_from_text, load_article
from ..output.files import SUFFIXES, append_line, render, write_atomic
from ..settings import Settings
from ..store.runlog import RunLog, current_item, redact
from .inputs import INPUT_SUFFIXES, BatchInput, collect_inputs
from .manifest import ERRORS_FILE, MANIFEST_FILE, Manifest, locked, prepare_output_dir, remove_stale_temps
from .many import brief_call, brief_many, jobs_for

__all__ = [
    "ERRORS_FILE",
    "INPUT_SUFFIXES",
    "MANIFEST_FILE",
    "BatchInput",
    "BatchRunner",
    "BatchSummary",
    "ErrorInfo",
    "ItemResult",
    "Manifest",
    "collect_inputs",
    "prepare_output_dir",
    "run_batch",
]

Format = Literal["json", "markdown"]
FORMATS: tuple[Format, ...] = ("json", "markdown")
Status = Literal["done", "skipped", "failed"]


class ErrorInfo(TypedDict):
    """Why an item failed, as written to ``errors.jsonl`` (redacted: no key ever appears)."""

    type: str
    message: str
    hint: str | None


# -- results -----------------------------------------------------------------------------------------------
@dataclass
class ItemResult:
    id: str
    source: str
    status: Status
    output: str | None = None
    error: ErrorInfo | None = None
    tokens: int = 0
    calls: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


@dataclass
class BatchSummary:
    run_id: str
    out_dir: Path
    results: list[ItemResult]
    seconds: float
    cache_hits: int = 0
    interrupted: bool = False

    def _count(self, status: Status) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def done(self) -> int:
        return self._count("done")

    @property
    def skipped(self) -> int:
        return self._count("skipped")

    @property
    def failed(self) -> int:
        return self._count("failed")

    @property
    def tokens(self) -> int:
        return sum(r.tokens for r in self.results)

    @property
    def calls(self) -> int:
        return sum(r.calls for r in self.results)

    @property
    def exit_code(self) -> int:
        """0 when every item was briefed or skipped, 1 when some failed (130 when interrupted)."""
        return 130 if self.interrupted else (1 if self.failed else 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "out_dir": str(self.out_dir),
            "done": self.done,
            "skipped": self.skipped,
            "failed": self.failed,
            "tokens": self.tokens,
            "calls": self.calls,
            "cache_hits": self.cache_hits,
            "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
        }


def _error_info(exc: BaseException, secrets: list[str]) -> ErrorInfo:
    if isinstance(exc, SummariserError):
        return {
            "type": type(exc).__name__,
            "message": redact(exc.message, secrets),
            "hint": redact(exc.hint, secrets) if exc.hint else None,
        }
    return {
        "type": type(exc).__name__,
        "message": redact(str(exc) or repr(exc), secrets),
        "hint": "an unexpected error (a bug): please report it with this message",
    }


# -- the runner --------------------------------------------------------------------------------------------
class BatchRunner:
    """Briefs items into ``out_dir`` with one ``Summariser`` (built up front: config errors come first).

    ``backend`` overrides the one ``settings.model`` names (tests pass an ``OpenAIBackend`` with short
    backoff, or a fake). ``open_backend`` wraps it in the response cache (unless ``settings.use_cache`` is
    off) and the run log (``settings.resolved_log_db`` unless ``settings.use_log`` is off; or the ``runlog``
    given; none with ``runlog=False``).
    """

    def __init__(
        self,
        settings: Settings,
        out_dir: Path,
        *,
        jobs: int = 4,
        fmt: Format = "json",
        backend: Backend | None = None,
        runlog: RunLog | bool = True,
        command: str = "batch",
        on_start: Callable[[int], None] | None = None,
        on_result: Callable[[ItemResult], None] | None = None,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        from ..pipeline import Summariser

        if fmt not in FORMATS:
            raise ConfigError(f"unknown format {fmt!r}", hint="use json or markdown")
        self.settings = settings
        self.out_dir = prepare_output_dir(out_dir)
        self.fmt: Format = fmt
        self.max_bytes = max_bytes
        self.on_start, self.on_result = on_start, on_result
        self.secrets = [s for s in (settings.api_key,) if s]
        self.model_id = str(settings.model_spec)
        self.engine = open_backend(settings, backend=backend, command=command, runlog=runlog)
        self.run_id = self.engine.run_id
        self.jobs = jobs_for(self.engine.backend, jobs)
        self.summariser = Summariser(settings, backend=self.engine)
        self._brief = brief_call(self.summariser)
        self.prompt_version = templates_for(self.engine.backend.mode if self.engine.backend else "none")

    # -- one item ------------------------------------------------------------------------------------------
    def _load(self, item: BatchInput) -> Article:
        if item.problem is not None:
            raise item.problem
        if item.path is not None:
            return load_article(item.path, published=item.published, max_bytes=self.max_bytes)
        text = item.text or ""
        if len(text.encode("utf-8")) > self.max_bytes:
            raise InputError(
                f"{item.source}: larger than {self.max_bytes:,} bytes",
                hint="split the article, or raise --max-bytes",
            )
        return article_from_text(text, name=item.source, published=item.published, max_bytes=self.max_bytes)

    async def _item(self, item: BatchInput, manifest: Manifest, errors: IO[str]) -> ItemResult:
        token = current_item.set(item.id)
        started = time.perf_counter()
        result = ItemResult(item.id, item.source, "failed")
        try:
            article = await asyncio.to_thread(self._load, item)
            out = self.out_dir / f"{item.id}{SUFFIXES[self.fmt]}"
            key = {
                "sha256": article.sha256,
                "model": self.model_id,
                "prompt_version": self.prompt_version,
                "format": self.fmt,
                "published": article.published.isoformat() if article.published else None,
            }
            if manifest.is_done(item.id, key, out):
                result = ItemResult(item.id, item.source, "skipped", output=out.name)
                return result
            brief = await self._brief(article)
            await asyncio.to_thread(write_atomic, out, render(brief, self.fmt))
            manifest.add(
                {
                    "id": item.id,
                    **key,
                    "source": item.source,
                    "output": out.name,
                    "model_name": brief.meta.model,
                    "finished": time.time(),
                }
            )
            result = ItemResult(
                item.id,
                item.source,
                "done",
                output=out.name,
                tokens=brief.meta.usage.total_tokens,
                calls=brief.meta.llm_calls,
                warnings=list(brief.meta.warnings),
            )
        except OutputError:  # the output folder takes no more (disk full): the batch stops, resumable
            raise
        except Exception as exc:  # one failure never stops the batch; interrupts and cancels do
            result.error = _error_info(exc, self.secrets)
            line = {
                "id": item.id,
                "source": redact(item.source, self.secrets),
                "error": result.error,
                "run_id": self.run_id,
                "time": time.time(),
            }
            append_line(errors, json.dumps(line, ensure_ascii=False))  # whole, or not at all
        finally:
            current_item.reset(token)
            result.seconds = round(time.perf_counter() - started, 4)
        return result

    # -- the batch -----------------------------------------------------------------------------------------
    async def arun(self, items: Sequence[BatchInput]) -> BatchSummary:
        started = time.perf_counter()
        results: list[ItemResult] = []
        status = "interrupted"

        def finished(r: ItemResult) -> None:
            results.append(r)
            if self.on_result:
                self.on_result(r)

        with locked(self.out_dir):
            remove_stale_temps(self.out_dir)
            manifest = Manifest(self.out_dir / MANIFEST_FILE)
            if self.on_start:
                self.on_start(len(items))
            try:
                with (self.out_dir / ERRORS_FILE).open("w", encoding="utf-8") as errors:
                    await brief_many(
                        items, lambda i: self._item(i, manifest, errors), jobs=self.jobs, on_result=finished
                    )
                status = "failed" if any(r.status == "failed" for r in results) else "ok"
            finally:
                with contextlib.suppress(Exception):
                    await self.engine.aclose()
                summary = BatchSummary(
                    self.run_id,
                    self.out_dir,
                    _in_order(results, items),
                    time.perf_counter() - started,
                    cache_hits=self.engine.cache_counts()[0],
                    interrupted=status == "interrupted",
                )
                self.engine.finish(
                    status=status, done=summary.done, skipped=summary.skipped, failed=summary.failed
                )
        return summary

    def run(self, items: Sequence[BatchInput]) -> BatchSummary:
        return asyncio.run(self.arun(items))


def _in_order(results: list[ItemResult], items: Sequence[BatchInput]) -> list[ItemResult]:
    rank = {item.id: i for i, item in enumerate(items)}
    return sorted(results, key=lambda r: rank.get(r.id, len(rank)))


def run_batch(
    inputs: Sequence[str | Path],
    out_dir: Path,
    settings: Settings | None = None,
    *,
    jobs: int = 4,
    fmt: Format = "json",
    **kwargs: Any,
) -> BatchSummary:
    """Collect ``inputs`` and brief them into ``out_dir``; see ``BatchRunner`` for the keyword arguments."""
    settings = settings or Settings.from_env()
    runner = BatchRunner(settings, Path(out_dir), jobs=jobs, fmt=fmt, **kwargs)
    items = collect_inputs(inputs, exclude=[runner.out_dir])
    return runner.run(items)
