"""Batch runs: many articles in, one brief file per article out, surviving faults, bad input and interruption.

    summary = run_batch(["reports/", "extra.jsonl"], Path("out"), settings, jobs=8)

Inputs are files, folders (``*.txt``, ``*.md``, ``*.html`` found recursively), glob patterns, or JSONL files
of ``{"id", "text", "published"}`` records. Each item is written to ``OUT/<id>.json`` (or ``.md``) atomically
(temporary file + rename); an item that fails is recorded in ``OUT/errors.jsonl`` with its error type,
message and hint, and the batch goes on. ``OUT/.manifest.jsonl`` records each finished item (id, input
SHA-256, model, prompt version, format), appended and fsynced after its output is in place, so a re-run
(even after ``kill -9``) skips what is done and briefs the rest.

This runner is the driver; an executor (``batch.executor``) makes the briefs. The local one: remote
engines (``openai:``) brief ``jobs`` items at a time on one event loop (``Summariser.abrief``); local and
extractive engines share one ``Summariser`` (one loaded model) and brief one item at a time. The Ray one
(``executor="ray"``, ``batch.ray_executor``): a pool of actors, each with its own ``Summariser``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from ..backends.base import Backend
from ..backends.wrap import instrument, prompt_version
from ..errors import ConfigError, InputError, SummariserError
from ..load import MAX_BYTES, Article, article_from_text, load_article
from ..output.files import render
from ..settings import Settings
from ..store.runlog import RunLog, current_item, redact
from .executor import EXECUTORS, Executor, ExecutorName, LocalExecutor
from .inputs import INPUT_SUFFIXES, BatchInput, collect_inputs
from .outputs import ERRORS_FILE, EXTENSIONS, MANIFEST_FILE, Manifest, open_output, prepare_output_dir

__all__ = [
    "ERRORS_FILE",
    "INPUT_SUFFIXES",
    "MANIFEST_FILE",
    "BatchInput",
    "BatchRunner",
    "BatchSummary",
    "ItemResult",
    "Manifest",
    "collect_inputs",
    "instrument",
    "prepare_output_dir",
    "prompt_version",
    "run_batch",
]

Format = Literal["json", "markdown"]
_EXT = EXTENSIONS
Status = Literal["done", "skipped", "failed"]
_B = TypeVar("_B", bound=Backend)


# -- results -----------------------------------------------------------------------------------------------
@dataclass
class ItemResult:
    id: str
    source: str
    status: Status
    output: str | None = None
    error: dict[str, str | None] | None = None
    tokens: int = 0
    calls: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


@dataclass
class BatchSummary:
    run_id: str
    out_dir: Path | str
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


def _error_info(exc: BaseException, secrets: list[str]) -> dict[str, str | None]:
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
    backoff, or a fake). It is wrapped in the response cache (unless ``settings.use_cache`` is off) and
    the run log (``settings.resolved_log_db`` unless ``settings.use_log`` is off; or the ``runlog`` given;
    none with ``runlog=False``).

    ``executor="ray"`` briefs on Ray actors instead (``ray``: a ``RayOptions``, where and how many; the
    actors build their own backends, so ``backend`` must be None); outputs, manifest and errors are still
    written here.
    """

    def __init__(
        self,
        settings: Settings,
        out_dir: Path | str,
        *,
        jobs: int = 4,
        fmt: Format = "json",
        backend: Backend | None = None,
        runlog: RunLog | bool = True,
        command: str = "batch",
        on_start: Callable[[int], None] | None = None,
        on_result: Callable[[ItemResult], None] | None = None,
        max_bytes: int = MAX_BYTES,
        executor: ExecutorName = "local",
        ray: Any = None,
    ) -> None:
        if fmt not in _EXT:
            raise ConfigError(f"unknown format {fmt!r}", hint="use json or markdown")
        self.settings = settings
        self.output = open_output(out_dir)
        self.out_dir: Path | str = getattr(self.output, "path", None) or str(self.output)
        self.fmt: Format = fmt
        self.max_bytes = max_bytes
        if executor not in EXECUTORS:
            raise ConfigError(f"unknown executor {executor!r}", hint="use local or ray")
        self.on_start, self.on_result = on_start, on_result
        self.secrets = [s for s in (settings.api_key,) if s]
        self.model_id = str(settings.model_spec)
        if executor == "ray":
            from .ray_executor import RayExecutor

            if backend is not None:
                raise ConfigError("the Ray executor builds its backends in the actors: pass no backend")
            ray_executor = RayExecutor(settings, jobs=jobs, options=ray)  # no Ray installed: ConfigError
        if runlog is True:
            runlog = settings.use_log and RunLog.for_settings(settings)
        self.runlog = runlog or None
        self.run_id = self.runlog.start_run(command=command, model=self.model_id) if self.runlog else "-"
        self.executor: Executor
        if executor == "ray":
            ray_executor.run_id = self.run_id
            self.executor = ray_executor
        else:  # builds the backend now: config errors come before any work
            self.executor = LocalExecutor(
                settings, jobs=jobs, backend=backend, runlog=self.runlog, run_id=self.run_id
            )

    @property
    def prompt_version(self) -> str:
        return self.executor.prompt_version

    @property
    def jobs(self) -> int:
        """Items briefed at a time (known for the Ray executor once its actors have started)."""
        return self.executor.slots

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
        return article_from_text(text, name=item.source, published=item.published)

    def _render(self, brief: Any) -> str:
        return render(brief, self.fmt)

    async def _item(self, item: BatchInput, output: Any, slots: asyncio.Semaphore) -> ItemResult:
        token = current_item.set(item.id)
        started = time.perf_counter()
        result = ItemResult(item.id, item.source, "failed")
        try:
            async with slots:
                article = await asyncio.to_thread(self._load, item)
                name = f"{item.id}.{_EXT[self.fmt]}"
                key = {
                    "sha256": article.sha256,
                    "model": self.model_id,
                    "prompt_version": self.prompt_version,
                    "format": self.fmt,
                }
                if await asyncio.to_thread(output.is_done, item.id, key, name):
                    result = ItemResult(item.id, item.source, "skipped", output=name)
                    return result
                brief = await self.executor.brief(item.id, article)
                await asyncio.to_thread(output.write, name, self._render(brief))
                await asyncio.to_thread(
                    output.add,
                    {
                        "id": item.id,
                        **key,
                        "source": item.source,
                        "output": name,
                        "model_name": brief.meta.model,
                        "finished": time.time(),
                    },
                )
                result = ItemResult(
                    item.id,
                    item.source,
                    "done",
                    output=name,
                    tokens=brief.meta.usage.total_tokens,
                    calls=brief.meta.llm_calls,
                    warnings=list(brief.meta.warnings),
                )
        except Exception as exc:  # one failure never stops the batch; interrupts and cancels do
            result.error = _error_info(exc, self.secrets)
            line = {
                "id": item.id,
                "source": redact(item.source, self.secrets),
                "error": result.error,
                "run_id": self.run_id,
                "time": time.time(),
            }
            output.error(json.dumps(line, ensure_ascii=False) + "\n")
        finally:
            current_item.reset(token)
            result.seconds = round(time.perf_counter() - started, 4)
        return result

    # -- the batch -----------------------------------------------------------------------------------------
    async def arun(self, items: Sequence[BatchInput]) -> BatchSummary:
        started = time.perf_counter()
        results: list[ItemResult] = []
        status = "interrupted"
        with self.output.session():
            try:
                await self.executor.start()
                slots = asyncio.Semaphore(self.executor.slots)
                if self.on_start:
                    self.on_start(len(items))

                async def one(item: BatchInput) -> None:
                    r = await self._item(item, self.output, slots)
                    results.append(r)
                    if self.on_result:
                        self.on_result(r)

                await asyncio.gather(*(one(i) for i in items))
                status = "failed" if any(r.status == "failed" for r in results) else "ok"
            finally:
                await self.executor.close()
                summary = BatchSummary(
                    self.run_id,
                    self.out_dir,
                    _in_order(results, items),
                    time.perf_counter() - started,
                    cache_hits=self.executor.cache_hits(),
                    interrupted=status == "interrupted",
                )
                if self.runlog is not None:
                    self.runlog.finish_run(
                        self.run_id,
                        status=status,
                        done=summary.done,
                        skipped=summary.skipped,
                        failed=summary.failed,
                    )
        return summary

    def run(self, items: Sequence[BatchInput]) -> BatchSummary:
        return asyncio.run(self.arun(items))


def _in_order(results: list[ItemResult], items: Sequence[BatchInput]) -> list[ItemResult]:
    rank = {item.id: i for i, item in enumerate(items)}
    return sorted(results, key=lambda r: rank.get(r.id, len(rank)))


def run_batch(
    inputs: Sequence[str | Path],
    out_dir: Path | str,
    settings: Settings | None = None,
    *,
    jobs: int = 4,
    fmt: Format = "json",
    **kwargs: Any,
) -> BatchSummary:
    """Collect ``inputs`` and brief them into ``out_dir``; see ``BatchRunner`` for the keyword arguments."""
    settings = settings or Settings.from_env()
    runner = BatchRunner(settings, out_dir, jobs=jobs, fmt=fmt, **kwargs)
    local = [runner.out_dir] if isinstance(runner.out_dir, Path) else []
    items = collect_inputs(inputs, exclude=local)
    return runner.run(items)
