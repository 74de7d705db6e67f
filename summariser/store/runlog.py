"""The run log: every model call, in SQLite, like ``llm logs`` (``summariser logs`` reads it).

A *run* is one command (a batch, a brief): ``running`` until it finishes (``ok``, ``failed``,
``interrupted``), or ``stale`` when the process that started it has gone without finishing it (killed, or
stopped before it could say so: its pid no longer exists on this host). Each call made during it is a row
with the model, the prompt hash, tokens, latency, retries, outcome (``ok`` or the error type), whether it
came from the cache, and the item being briefed (``current_item``, a context variable the batch runner
sets per task).

``backends.wrap.LoggedBackend(inner, runlog, run_id)`` records the calls of any backend. The log never
holds a prompt, an answer or a key: error messages are passed through ``redact`` first. Writing the log
never fails a brief (errors are counted in ``RunLog.errors``).
"""

from __future__ import annotations

import contextvars
import logging
import os
import socket
import sqlite3
import time
import uuid
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from ..redact import redact
from .sqlite import SQLiteStore

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = [
    "LOG_FILE",
    "CallRecord",
    "RunLog",
    "RunSummary",
    "current_item",
    "new_run_id",
    "redact",
]

LOG_FILE = "logs.db"
log = logging.getLogger(__name__)
current_item: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "summariser_current_item", default=None
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    started REAL NOT NULL,
    finished REAL,
    command TEXT NOT NULL,
    model TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'running',
    items INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    pid INTEGER,
    host TEXT
);
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    ts REAL NOT NULL,
    item TEXT,
    engine TEXT NOT NULL,
    model TEXT NOT NULL,
    response_model TEXT NOT NULL,
    prompt_hash TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    latency_s REAL NOT NULL,
    calls INTEGER NOT NULL DEFAULT 0,
    retries INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL,
    error TEXT,
    cached INTEGER NOT NULL DEFAULT 0,
    finish_reason TEXT
);
CREATE INDEX IF NOT EXISTS calls_run ON calls(run_id);
CREATE INDEX IF NOT EXISTS runs_started ON runs(started);
"""


def _gone(pid: int | None, host: str | None) -> bool:
    """Whether the process that started a run has ended (only knowable on the host it ran on)."""
    if pid is None or host != socket.gethostname():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists, as another user's process
        return False
    return False


def new_run_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6]


@dataclass
class CallRecord:
    run_id: str
    engine: str
    model: str
    response_model: str
    prompt_hash: str
    latency_s: float
    outcome: str = "ok"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    retries: int = 0
    cached: bool = False
    finish_reason: str | None = None
    error: str | None = None
    item: str | None = None
    ts: float = 0.0


@dataclass
class RunSummary:
    run_id: str
    started: float
    finished: float | None
    command: str
    model: str
    status: str
    items: int
    done: int
    skipped: int
    failed: int
    requests: int  # calls to the backend, cached ones included
    model_calls: int  # requests that reached the model (retries and re-asks included)
    cached: int
    errors: int
    prompt_tokens: int
    completion_tokens: int
    latency_s: float

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def duration_s(self) -> float | None:
        return None if self.finished is None else self.finished - self.started

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "total_tokens": self.total_tokens, "duration_s": self.duration_s}


class RunLog(SQLiteStore):
    """``RunLog(path)``; ``RunLog.for_settings(settings)`` opens ``settings.resolved_log_db``."""

    schema = _SCHEMA

    @classmethod
    def for_settings(cls, settings: Settings) -> RunLog:
        """``settings.log_db`` (``SUMMARISER_LOG_DB``), else ``logs.db`` in the user data folder."""
        return cls(settings.resolved_log_db)

    def _migrate(self, conn: sqlite3.Connection) -> None:
        have = {row[1] for row in conn.execute("PRAGMA table_info(runs)")}
        for column, kind in (("pid", "INTEGER"), ("host", "TEXT")):
            if column not in have:
                conn.execute(f"ALTER TABLE runs ADD COLUMN {column} {kind}")

    def _write(self, sql: str, args: tuple[Any, ...]) -> None:
        def write() -> None:
            with self._connect() as conn:
                conn.execute(sql, args)

        self._try(write, None, "not writable")

    # -- writing ---------------------------------------------------------------------------------------------
    def start_run(self, *, command: str, model: str, run_id: str | None = None, items: int = 0) -> str:
        """Record a run as ``running``, with this process's id and host: a run whose process has gone
        without finishing it (killed, or stopped by an error before it could) reads as ``stale``."""
        run_id = run_id or new_run_id()
        self._write(
            "INSERT OR REPLACE INTO runs (run_id, started, command, model, items, pid, host) "
            "VALUES (?,?,?,?,?,?,?)",
            (run_id, time.time(), command, model, items, os.getpid(), socket.gethostname()),
        )
        return run_id

    def finish_run(
        self, run_id: str, *, status: str = "ok", done: int = 0, skipped: int = 0, failed: int = 0
    ) -> None:
        self._write(
            "UPDATE runs SET finished = ?, status = ?, done = ?, skipped = ?, failed = ? WHERE run_id = ?",
            (time.time(), status, done, skipped, failed, run_id),
        )

    def record(self, call: CallRecord) -> None:
        row = asdict(call)
        row["ts"] = row["ts"] or time.time()
        row["cached"] = int(call.cached)
        names = list(row)
        self._write(
            f"INSERT INTO calls ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            tuple(row[n] for n in names),
        )

    # -- reading ---------------------------------------------------------------------------------------------
    def runs(self, limit: int = 20) -> list[RunSummary]:
        """The most recent runs first, with what their calls cost."""
        if not self.path.exists():
            return []
        sql = """
            SELECT r.run_id, r.started, r.finished, r.command, r.model, r.status, r.items, r.done, r.skipped,
                   r.failed, count(c.id), coalesce(sum(c.calls), 0), coalesce(sum(c.cached), 0),
                   coalesce(sum(c.outcome != 'ok'), 0), coalesce(sum(c.prompt_tokens), 0),
                   coalesce(sum(c.completion_tokens), 0), coalesce(sum(c.latency_s), 0), r.pid, r.host
            FROM runs r LEFT JOIN calls c ON c.run_id = r.run_id
            GROUP BY r.run_id ORDER BY r.started DESC LIMIT ?"""
        try:
            with self._connect() as conn:  # (creates nothing new: the file exists; adds missing columns)
                rows = conn.execute(sql, (limit,)).fetchall()
        except sqlite3.Error as exc:
            raise ConfigError(f"run log {self.path} cannot be read: {exc}") from None
        out = []
        for *row, pid, host in rows:
            summary = RunSummary(*row)
            if summary.status == "running" and _gone(pid, host):
                summary.status = "stale"
            out.append(summary)
        return out

    def has_run(self, run_id: str) -> bool:
        """Whether a run with this id was started in this log (a run may have made no model call)."""
        if not self.path.exists():
            return False
        try:
            with self._connect(create=False) as conn:
                row = conn.execute("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        except sqlite3.Error as exc:
            raise ConfigError(f"run log {self.path} cannot be read: {exc}") from None
        return row is not None

    def calls(self, run_id: str) -> list[CallRecord]:
        if not self.path.exists():
            return []
        try:
            with self._connect(create=False) as conn:
                conn.row_factory = sqlite3.Row
                rows = conn.execute("SELECT * FROM calls WHERE run_id = ? ORDER BY id", (run_id,)).fetchall()
        except sqlite3.Error as exc:
            raise ConfigError(f"run log {self.path} cannot be read: {exc}") from None
        out: list[CallRecord] = []
        for r in rows:
            fields: dict[str, Any] = {k: r[k] for k in r.keys() if k != "id"}  # noqa: SIM118 - a Row
            fields["cached"] = bool(fields["cached"])
            out.append(CallRecord(**fields))
        return out
