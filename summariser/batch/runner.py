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
from ..backends.wrap import instrument, prompt_version
from ..errors import ConfigError, InputError, SummariserError
from ..load import MAX_BYTES, Article, article_from_text, load_article
from ..output.files import render, write_atomic
from ..settings import Settings
from ..store.runlog import RunLog, current_item, redact
from .executor import EXECUTORS, Executor, ExecutorName, LocalExecutor
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

    def is_done(self, item_id: str, key: dict[str, str], output: Path) -> bool:
        entry = self.entries.get(item_id)
        return entry is not None and all(entry.get(k) == v for k, v in key.items()) and output.is_file()

    def add(self, entry: dict[str, Any]) -> None:
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        self.entries[str(entry["id"])] = entry


class LocalOutput:
    """The batch output folder on this machine: a lock, atomic files, the appended manifest and errors.

    ``batch.remote.RemoteOutput`` is the same interface for ``--out`` URLs.
    """

    def __init__(self, path: Path) -> None:
        self.path = prepare_output_dir(path)
        self.manifest: Manifest | None = None
        self.errors: IO[str] | None = None

    def __str__(self) -> str:
        return str(self.path)

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        with _locked(self.path):
            _remove_stale_temps(self.path)
            self.manifest = Manifest(self.path / MANIFEST_FILE)
            with (self.path / ERRORS_FILE).open("w", encoding="utf-8") as self.errors:
                yield

    def is_done(self, item_id: str, key: dict[str, str], name: str) -> bool:
        assert self.manifest is not None
        return self.manifest.is_done(item_id, key, self.path / name)

    def write(self, name: str, text: str) -> None:
        write_atomic(self.path / name, text)

    def add(self, entry: dict[str, Any]) -> None:
        assert self.manifest is not None
        self.manifest.add(entry)

    def error(self, line: str) -> None:
        assert self.errors is not None
        self.errors.write(line)
        self.errors.flush()


def open_output(out: str | Path) -> Any:
    """``LocalOutput`` for a folder, ``RemoteOutput`` for a filesystem URL (``s3://...``, needs fsspec)."""
    from .remote import RemoteOutput, is_url

    if is_url(out):
        return RemoteOutput(str(out), manifest_file=MANIFEST_FILE, errors_file=ERRORS_FILE)
    text = str(out)
    return LocalOutput(Path(text[len("file://") :] if text.startswith("file://") else text))


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
