"""Batch runs: many articles in, one brief file per article out, surviving faults, bad input and interruption.

    summary = run_batch(["reports/", "extra.jsonl"], Path("out"), settings, jobs=8)

Inputs are files, folders (``*.txt``, ``*.md``, ``*.html`` found recursively), glob patterns, or JSONL files
of ``{"id", "text", "published"}`` records (``batch.inputs``). Each item is written to ``OUT/<id>.json`` (or
``.md``) atomically; an item that fails is recorded in ``OUT/errors.jsonl`` with its error type, message
and hint, and the batch goes on. Finished items are recorded in the manifest (``batch.manifest``), so a
re-run skips what is done and briefs the rest.

``OUT`` may also be a filesystem URL (``s3://...``, ``batch.remote``); ``batch.outputs`` gives both the
same calls. The items go through ``brief_many`` (``batch.many``), as evals do, and an executor
(``batch.executor``) makes the briefs: the local one (a backend that declares itself concurrent briefs
``jobs`` items at a time; any other shares one ``Summariser`` and briefs one item at a time), or the Ray
one (``executor="ray"``, ``batch.ray_executor``: a pool of actors, each with its own ``Summariser``). This
runner stays the driver either way: loading, the manifest, the files and the errors are all done here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypedDict

from ..backends.base import Backend
from ..errors import ConfigError, InputError, OutputError, SummariserError
from ..load import MAX_BYTES, Article, article_from_text, load_article
from ..output.files import SUFFIXES, render
from ..settings import Settings
from ..store.runlog import RunLog, current_item, redact
from .executor import EXECUTORS, Executor, ExecutorName, LocalExecutor
from .inputs import INPUT_SUFFIXES, BatchInput, collect_inputs
from .manifest import ERRORS_FILE, MANIFEST_FILE, Manifest, prepare_output_dir
from .many import brief_many
from .outputs import open_output

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

    ``executor="ray"`` briefs on Ray actors instead (``ray``: a ``RayOptions``, where and how many; the
    actors open their own backends, so ``backend`` must be None). ``out_dir`` may be a filesystem URL.

    ``slot``, when given, is entered around each item's brief (not around loading, skipping or writing):
    a caller sharing the engine with other work (``summariser serve``'s capacity limiter) makes each item
    wait for its turn there.
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
        slot: Callable[[], AbstractAsyncContextManager[object]] | None = None,
    ) -> None:
        if fmt not in FORMATS:
            raise ConfigError(f"unknown format {fmt!r}", hint="use json or markdown")
        if executor not in EXECUTORS:
            raise ConfigError(f"unknown executor {executor!r}", hint="use local or ray")
        self.settings = settings
        self.output = open_output(out_dir)
        self.out_dir: Path | str = getattr(self.output, "path", None) or str(self.output)
        self.fmt: Format = fmt
        self.max_bytes = max_bytes
        self.on_start, self.on_result = on_start, on_result
        self.slot = slot
        self.secrets = [s for s in (settings.api_key,) if s]
        self.model_id = str(settings.model_spec)
        self.executor: Executor
        if executor == "ray":
            from .ray_executor import RayExecutor

            if backend is not None:
                raise ConfigError("the Ray executor opens its backends in the actors: pass no backend")
            self.executor = RayExecutor(settings, jobs=jobs, options=ray, command=command, runlog=runlog)
        else:  # opens the backend now: configuration errors come before any work
            self.executor = LocalExecutor(
                settings, jobs=jobs, backend=backend, command=command, runlog=runlog
            )
        self.run_id = self.executor.run_id

    @property
    def jobs(self) -> int:
        """Items in hand at a time (known for the Ray executor once its actors have started)."""
        return self.executor.slots

    @property
    def prompt_version(self) -> str:
        return self.executor.prompt_version

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

    async def _item(self, item: BatchInput, output: Any) -> ItemResult:
        token = current_item.set(item.id)
        started = time.perf_counter()
        result = ItemResult(item.id, item.source, "failed")
        try:
            article = await asyncio.to_thread(self._load, item)
            name = f"{item.id}{SUFFIXES[self.fmt]}"
            key = {
                "sha256": article.sha256,
                "model": self.model_id,
                "prompt_version": self.prompt_version,
                "format": self.fmt,
                "published": article.published.isoformat() if article.published else None,
            }
            if await asyncio.to_thread(output.is_done, item.id, key, name):
                result = ItemResult(item.id, item.source, "skipped", output=name)
                return result
            async with self.slot() if self.slot is not None else contextlib.nullcontext():
                brief = await self.executor.brief(item.id, article)
            await asyncio.to_thread(output.write, name, render(brief, self.fmt))
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
        except OutputError:  # the output folder takes no more (disk full): the batch stops, resumable
            raise
        except Exception as exc:  # one failure never stops the batch; interrupts and cancels do
            result.error = _error_info(exc, self.secrets)
            spent = getattr(exc, "spent", None) or {}  # what the failed brief cost all the same
            result.tokens = int(spent.get("prompt_tokens", 0)) + int(spent.get("completion_tokens", 0))
            result.calls = int(spent.get("calls", 0))
            line = {
                "id": item.id,
                "source": redact(item.source, self.secrets),
                "error": result.error,
                "run_id": self.run_id,
                "time": time.time(),
            }
            output.error(json.dumps(line, ensure_ascii=False) + "\n")  # whole, or not at all
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

        with self.output.session():
            try:
                await self.executor.start()
                if self.on_start:
                    self.on_start(len(items))
                await brief_many(
                    items, lambda i: self._item(i, self.output), jobs=self.executor.slots, on_result=finished
                )
                status = "failed" if any(r.status == "failed" for r in results) else "ok"
            finally:
                with contextlib.suppress(Exception):
                    await self.executor.close()
                summary = BatchSummary(
                    self.run_id,
                    self.out_dir,
                    _in_order(results, items),
                    time.perf_counter() - started,
                    cache_hits=(self.executor.cache_counts() or (0, 0))[0],
                    interrupted=status == "interrupted",
                )
                self.executor.finish(
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
