"""Batch runs: many articles in, one brief file per article out, surviving faults, bad input and interruption.

    summary = run_batch(["reports/", "extra.jsonl"], Path("out"), settings, jobs=8)

Inputs are files, folders (``*.txt``, ``*.md``, ``*.html`` found recursively), glob patterns, or JSONL files
of ``{"id", "text", "published"}`` records. Each item is written to ``OUT/<id>.json`` (or ``.md``) atomically
(temporary file + rename); an item that fails is recorded in ``OUT/errors.jsonl`` with its error type,
message and hint, and the batch goes on. ``OUT/.manifest.jsonl`` records each finished item (id, input
SHA-256, model, prompt version, format), appended and fsynced after its output is in place, so a re-run
(even after ``kill -9``) skips what is done and briefs the rest.

Remote engines (``openai:``) brief ``jobs`` items at a time on one event loop (``Summariser.abrief``);
local and extractive engines share one ``Summariser`` (one loaded model) and brief one item at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, TypeVar

from ..backends.base import Backend
from ..backends.wrap import _find, instrument, prompt_version
from ..errors import ConfigError, InputError, OutputError, SummariserError
from ..load import MAX_BYTES, Article, article_from_text, load_article
from ..output.files import append_line, output_error, render, write_atomic
from ..settings import Settings
from ..store.cache import CachedBackend
from ..store.runlog import RunLog, current_item, redact
from .inputs import INPUT_SUFFIXES, BatchInput, collect_inputs

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

ERRORS_FILE = "errors.jsonl"
MANIFEST_FILE = ".manifest.jsonl"
LOCK_FILE = ".lock"
Format = Literal["json", "markdown"]
_EXT = {"json": "json", "markdown": "md"}
Status = Literal["done", "skipped", "failed"]
_B = TypeVar("_B", bound=Backend)


def prepare_output_dir(path: Path) -> Path:
    """Create ``path`` (its parent must exist) and check it is writable. Raises ``ConfigError`` up front."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ConfigError(f"--out {path}: is a file, not a folder", hint="give a folder for the briefs")
    if not path.exists():
        if not path.parent.is_dir():
            raise ConfigError(
                f"--out {path}: the folder {path.parent} does not exist",
                hint="create it first, or choose another output folder",
            )
        try:
            path.mkdir()
        except OSError as exc:
            raise ConfigError(
                f"--out {path}: cannot create it ({exc.strerror})", hint="choose a folder you can write to"
            ) from None
    try:
        fd, probe = tempfile.mkstemp(dir=path, prefix=".probe.", suffix=".tmp")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ConfigError(
            f"--out {path}: cannot write there ({exc.strerror})", hint="choose a folder you can write to"
        ) from None
    return path


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock, the manifest still works
        yield
        return
    fh: IO[str] = (folder / LOCK_FILE).open("a")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ConfigError(
                f"--out {folder}: another summariser batch is writing there",
                hint="wait for it to finish, or choose another output folder",
            ) from None
        yield
    finally:
        fh.close()


def _remove_stale_temps(folder: Path) -> None:
    """Temporary files a killed run left behind (``write_atomic`` names them ``.<name>.<random>.tmp``)."""
    for ext in _EXT.values():
        for p in folder.glob(f".*.{ext}.*.tmp"):
            p.unlink(missing_ok=True)
    for p in folder.glob(".probe.*.tmp"):
        p.unlink(missing_ok=True)


class Manifest:
    """``OUT/.manifest.jsonl``: one line per finished item; the last line for an id wins.

    A line cut short by ``kill -9`` is ignored (and the file is mended before the next append).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
        if path.exists():
            data = path.read_bytes()
            for line in data.splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict) and "id" in entry:
                    self.entries[str(entry["id"])] = entry
            if data and not data.endswith(b"\n"):
                with path.open("ab") as fh:
                    fh.write(b"\n")

    def is_done(self, item_id: str, key: dict[str, str | None], output: Path) -> bool:
        entry = self.entries.get(item_id)
        return entry is not None and all(entry.get(k) == v for k, v in key.items()) and output.is_file()

    def add(self, entry: dict[str, Any]) -> None:
        """Append ``entry`` whole and fsynced, or not at all (``OutputError`` when the disk is full)."""
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise output_error(self.path, exc) from None
        try:
            append_line(fd, json.dumps(entry, ensure_ascii=False), sync=True, name=str(self.path))
        finally:
            os.close(fd)
        self.entries[str(entry["id"])] = entry


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
        from ..pipeline import Summariser, build_backend

        if fmt not in _EXT:
            raise ConfigError(f"unknown format {fmt!r}", hint="use json or markdown")
        self.settings = settings
        self.out_dir = prepare_output_dir(out_dir)
        self.fmt: Format = fmt
        self.max_bytes = max_bytes
        self.remote = settings.model_spec.engine == "openai"
        self.jobs = max(1, jobs) if self.remote else 1
        self.on_start, self.on_result = on_start, on_result
        self.secrets = [s for s in (settings.api_key,) if s]
        self.model_id = str(settings.model_spec)
        inner = backend if backend is not None else build_backend(settings)  # config errors: before any work
        if runlog is True:
            runlog = settings.use_log and RunLog.for_settings(settings)
        self.runlog = runlog or None
        self.run_id = self.runlog.start_run(command=command, model=self.model_id) if self.runlog else "-"
        wrapped = instrument(inner, settings, runlog=self.runlog, run_id=self.run_id)
        self.cache_backend = _find(wrapped, CachedBackend)
        self.summariser = Summariser(settings, backend=wrapped)
        self.prompt_version = prompt_version(wrapped)

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

    def _render(self, brief: Any) -> str:
        return render(brief, self.fmt)

    async def _item(
        self, item: BatchInput, manifest: Manifest, errors: IO[str], slots: asyncio.Semaphore
    ) -> ItemResult:
        token = current_item.set(item.id)
        started = time.perf_counter()
        result = ItemResult(item.id, item.source, "failed")
        try:
            async with slots:
                article = await asyncio.to_thread(self._load, item)
                out = self.out_dir / f"{item.id}.{_EXT[self.fmt]}"
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
                brief = await self.summariser.abrief(article)
                await asyncio.to_thread(write_atomic, out, self._render(brief))
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
        except OutputError:  # the output folder cannot take more (disk full): the batch stops, resumable
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
            append_line(errors, json.dumps(line, ensure_ascii=False))
        finally:
            current_item.reset(token)
            result.seconds = round(time.perf_counter() - started, 4)
        return result

    # -- the batch -----------------------------------------------------------------------------------------
    async def arun(self, items: Sequence[BatchInput]) -> BatchSummary:
        started = time.perf_counter()
        results: list[ItemResult] = []
        status = "interrupted"
        with _locked(self.out_dir):
            _remove_stale_temps(self.out_dir)
            manifest = Manifest(self.out_dir / MANIFEST_FILE)
            slots = asyncio.Semaphore(self.jobs)
            if self.on_start:
                self.on_start(len(items))
            try:
                with (self.out_dir / ERRORS_FILE).open("w", encoding="utf-8") as errors:

                    async def one(item: BatchInput) -> None:
                        r = await self._item(item, manifest, errors, slots)
                        results.append(r)
                        if self.on_result:
                            self.on_result(r)

                    tasks = [asyncio.ensure_future(one(i)) for i in items]
                    try:
                        await asyncio.gather(*tasks)
                    except BaseException:  # disk full, interrupted: stop the others before leaving
                        for t in tasks:
                            t.cancel()
                        await asyncio.gather(*tasks, return_exceptions=True)
                        raise
                status = "failed" if any(r.status == "failed" for r in results) else "ok"
            finally:
                await self._close()
                summary = BatchSummary(
                    self.run_id,
                    self.out_dir,
                    _in_order(results, items),
                    time.perf_counter() - started,
                    cache_hits=self.cache_backend.hits if self.cache_backend else 0,
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

    async def _close(self) -> None:
        backend = self.summariser.backend
        aclose = getattr(backend, "aclose", None) if backend is not None else None
        with contextlib.suppress(Exception):
            if aclose is not None:
                await aclose()
            else:
                self.summariser.close()

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
