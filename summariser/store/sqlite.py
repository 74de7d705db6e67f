"""The SQLite base shared by the response cache and the run log: WAL, short transactions, lazy schema."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar, TypeVar

__all__ = ["SQLiteStore"]

R = TypeVar("R")
log = logging.getLogger(__name__)


class SQLiteStore:
    """A database file opened per operation (safe across threads, tasks and processes)."""

    schema: ClassVar[str] = ""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.errors = 0  # database errors swallowed by callers that must never fail a brief
        self._ready = False

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Bring a database made by an older version up to ``schema`` (add columns)."""

    def _try(self, op: Callable[[], R], fallback: R, what: str) -> R:
        """``op()``; on a database error, once more after re-creating the file (it may have been deleted
        mid-run), then ``fallback``. Only the first failure of a store is a warning: a batch of thousands
        of items must not print thousands of lines about one missing cache."""
        for attempt in (1, 2):
            try:
                return op()
            except (sqlite3.Error, OSError) as exc:
                self._ready = False  # next connection re-creates the folder and the tables
                if attempt == 2:
                    self.errors += 1
                    (log.warning if self.errors == 1 else log.debug)(
                        "%s %s %s: %s%s",
                        type(self).__name__,
                        self.path,
                        what,
                        exc,
                        " (further errors are not shown)" if self.errors == 1 else "",
                    )
        return fallback

    @contextlib.contextmanager
    def _connect(self, *, create: bool = True) -> Iterator[sqlite3.Connection]:
        if create and not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            if not self._ready:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.executescript(self.schema)
                self._migrate(conn)
                self._ready = True
            conn.execute("PRAGMA synchronous = NORMAL")
            yield conn
        finally:
            conn.close()
