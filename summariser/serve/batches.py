"""``/v1/batches``: many records in, briefs stored on disk, progress and results out; survives a restart.

Each batch is a folder ``ROOT/<id>/``: ``input.jsonl`` (the records as submitted), ``state.json`` (status,
counts) and ``out/``, written by the very ``BatchRunner`` that ``summariser batch`` runs — so every brief
is written atomically and recorded in ``out/.manifest.jsonl`` once it is in place, and failed items go to
``out/errors.jsonl``. Batches run one after another in the background on the server's shared engine, each
item's brief taking its turn on the server's limiter (the runner's ``slot``), so requests interleave; at
start-up every batch not finished is queued again and resumes where it stopped (the manifest skips what
is done).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
import uuid
from pathlib import Path
from typing import IO, Any

from ..batch.inputs import collect_inputs
from ..batch.runner import BatchRunner, ItemResult
from ..errors import ConfigError, SummariserError
from ..output.files import write_atomic
from .engine import Engine
from .metrics import Metrics

__all__ = ["BatchStore"]

log = logging.getLogger("summariser.serve")
_ID = re.compile(r"^[0-9a-f]{16}$")
_EXT = {"json": "json", "markdown": "md"}


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Complete lines only: a line being appended right now (no newline yet) is not read."""
    if not path.exists():
        return []
    out = []
    for line in path.read_bytes().split(b"\n")[:-1]:
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            if isinstance(entry, dict):
                out.append(entry)
    return out


class BatchStore:
    def __init__(self, root: Path, engine: Engine, metrics: Metrics) -> None:
        self.root = Path(root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"batch folder {self.root}: cannot create it ({exc.strerror})",
                hint="give --batch-dir a folder the server can write to",
            ) from None
        self._lock = self._claim()
        self.engine, self.metrics = engine, metrics
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def _claim(self) -> IO[str] | None:
        """One server per batch folder: two would run (and mark) the same batches."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return None
        fh = (self.root / ".lock").open("a")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            raise ConfigError(
                f"batch folder {self.root}: another summariser serve is using it",
                hint="give each server its own --batch-dir",
            ) from None
        return fh

    # -- state on disk -------------------------------------------------------------------------------------
    def _dir(self, batch_id: str) -> Path:
        return self.root / batch_id

    def _state(self, batch_id: str) -> dict[str, Any] | None:
        if not _ID.match(batch_id):
            return None
        path = self._dir(batch_id) / "state.json"
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return state if isinstance(state, dict) else None

    def _save(self, state: dict[str, Any]) -> None:
        write_atomic(self._dir(state["id"]) / "state.json", json.dumps(state, indent=1) + "\n")

    def _all(self) -> list[dict[str, Any]]:
        states = [self._state(p.name) for p in self.root.iterdir() if p.is_dir()]
        return sorted((s for s in states if s), key=lambda s: s.get("created", 0))

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self._all():
            out[s["status"]] = out.get(s["status"], 0) + 1
        return out

    # -- API -------------------------------------------------------------------------------------------
    def create(self, records: list[dict[str, Any]], fmt: str) -> dict[str, Any]:
        batch_id = uuid.uuid4().hex[:16]
        folder = self._dir(batch_id)
        folder.mkdir()
        lines = "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in records)
        write_atomic(folder / "input.jsonl", lines)
        items = collect_inputs([folder / "input.jsonl"])
        state = {
            "id": batch_id,
            "status": "queued",
            "format": fmt,
            "created": time.time(),
            "started": None,
            "finished": None,
            "total": len(items),
            "items": [i.id for i in items],
        }
        self._save(state)
        self._queue.put_nowait(batch_id)
        return state

    def view(
        self, batch_id: str, *, results: bool = True, offset: int = 0, limit: int | None = None
    ) -> dict[str, Any] | None:
        state = self._state(batch_id)
        if state is None:
            return None
        out_dir = self._dir(batch_id) / "out"
        done = {str(e["id"]): e for e in _read_jsonl(out_dir / ".manifest.jsonl")}
        failed = {str(e["id"]): e.get("error") or {} for e in _read_jsonl(out_dir / "errors.jsonl")}
        failed = {k: v for k, v in failed.items() if k not in done}
        view = {
            k: state.get(k) for k in ("id", "status", "format", "created", "started", "finished", "total")
        }
        view.update(done=len(done), failed=len(failed), pending=state["total"] - len(done) - len(failed))
        if state.get("error"):
            view["error"] = state["error"]
        if results:
            page = state["items"][offset : None if limit is None else offset + limit]
            view["results"] = [self._result(out_dir, i, done, failed, state) for i in page]
        return view

    def _result(
        self, out_dir: Path, item_id: str, done: dict[str, Any], failed: dict[str, Any], state: dict[str, Any]
    ) -> dict[str, Any]:
        if item_id in done:
            path = out_dir / str(done[item_id].get("output") or f"{item_id}.{_EXT[state['format']]}")
            try:
                text = path.read_text(encoding="utf-8")
            except OSError:
                return {"id": item_id, "status": "pending"}
            brief = json.loads(text) if state["format"] == "json" else text
            return {"id": item_id, "status": "done", "brief": brief}
        if item_id in failed:
            err = failed[item_id]
            message = re.sub(r"\S*input\.jsonl:(\d+)", r"record \1", str(err.get("message", "")))
            return {
                "id": item_id,
                "status": "failed",
                "error": {"type": err.get("type"), "message": message, "fix": err.get("hint")},
            }
        return {"id": item_id, "status": "pending"}

    # -- the worker ------------------------------------------------------------------------------------
    def start(self) -> None:
        for state in self._all():
            if state["status"] in ("queued", "running"):
                self._queue.put_nowait(state["id"])
        self._task = asyncio.get_running_loop().create_task(self._work(), name="summariser-batches")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    async def _work(self) -> None:
        while True:
            batch_id = await self._queue.get()
            state = self._state(batch_id)
            if state is None or state["status"] not in ("queued", "running"):
                continue
            try:
                await self._run(state)
            except asyncio.CancelledError:
                raise
            except SummariserError as exc:
                state.update(
                    status="failed",
                    finished=time.time(),
                    error={"type": type(exc).__name__, "message": exc.message, "fix": exc.hint},
                )
                self._save(state)
            except Exception:  # a bug: keep the worker alive for the next batches
                log.exception("batch %s failed", batch_id)
                state.update(
                    status="failed",
                    finished=time.time(),
                    error={"type": "InternalError", "message": "internal error", "fix": None},
                )
                self._save(state)

    def _on_result(self, r: ItemResult) -> None:
        self.metrics.batch_item(r.calls, r.tokens, r.error["type"] if r.error else None)

    async def _run(self, state: dict[str, Any]) -> None:
        folder = self._dir(state["id"])
        state.update(status="running", started=state.get("started") or time.time())
        self._save(state)
        runner = BatchRunner(
            self.engine.settings,
            folder / "out",
            jobs=self.engine.limiter.slots,
            fmt=state["format"],
            backend=self.engine.shared,
            command="serve-batch",
            on_result=self._on_result,
            slot=self.engine.limiter.slot,  # each item takes its turn on the engine: requests interleave
        )
        items = collect_inputs([folder / "input.jsonl"])
        summary = await runner.arun(items)
        state.update(
            status="done", finished=time.time(), done=summary.done + summary.skipped, failed=summary.failed
        )
        self._save(state)
