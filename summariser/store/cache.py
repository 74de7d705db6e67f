"""A disk cache of model responses (SQLite); ``backends.wrap.CachedBackend`` answers from it.

The key is a SHA-256 over: engine and model, the endpoint's base URL (two servers may serve different
models under one name), the SHA-256 of the messages (the article is inside them, so this is also the
input hash), max_tokens, max_reasks, sampling parameters (temperature, seed), and the response model's
name and JSON-Schema hash. API keys are never part of a key or a value. Only validated answers are
stored; errors never are.

The database (``responses.sqlite3`` in ``Settings.resolved_cache_dir``) is in WAL mode and every read or
write is one short transaction on its own connection, so asyncio tasks, threads and several processes can
share it. The cache never fails a brief: if the database cannot be used, calls go to the model uncached
(one warning per run; a cache deleted mid-run is created again).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..backends.base import Message
from ..errors import ConfigError
from .sqlite import SQLiteStore

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = ["CACHE_FILE", "CacheInfo", "ResponseCache", "messages_sha256", "schema_sha256"]

CACHE_FILE = "responses.sqlite3"
KEY_VERSION = 1
log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    response_model TEXT NOT NULL,
    prompt_sha256 TEXT NOT NULL,
    value TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    finish_reason TEXT,
    created REAL NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0,
    last_hit REAL
);
CREATE INDEX IF NOT EXISTS responses_model ON responses(model);
"""


def messages_sha256(messages: list[Message]) -> str:
    """SHA-256 of chat messages (``prompt.prompt_hash([messages])`` is its first 16 hex digits)."""
    return hashlib.sha256(
        json.dumps(messages, ensure_ascii=False, sort_keys=True).encode("utf-8")
    ).hexdigest()


@functools.lru_cache(maxsize=256)
def schema_sha256(response_model: type[BaseModel]) -> str:
    schema = json.dumps(response_model.model_json_schema(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(schema.encode("utf-8")).hexdigest()


@dataclass
class CacheInfo:
    path: Path
    exists: bool
    entries: int = 0
    size_bytes: int = 0
    hits: int = 0
    models: dict[str, int] = field(default_factory=dict)
    oldest: float | None = None
    newest: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "exists": self.exists,
            "entries": self.entries,
            "size_bytes": self.size_bytes,
            "hits": self.hits,
            "models": self.models,
            "oldest": self.oldest,
            "newest": self.newest,
        }


@dataclass
class CachedAnswer:
    value: dict[str, Any]
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str | None


class ResponseCache(SQLiteStore):
    """``ResponseCache(path)``; ``ResponseCache.for_settings(settings)`` uses the user cache folder."""

    schema = _SCHEMA
    removed_corrupt = False

    @classmethod
    def for_settings(cls, settings: Settings) -> ResponseCache:
        return cls(settings.resolved_cache_dir / CACHE_FILE)

    # -- keys ------------------------------------------------------------------------------------------------
    @staticmethod
    def key(
        *,
        engine: str,
        model: str,
        messages: list[Message],
        response_model: type[BaseModel],
        max_tokens: int,
        max_reasks: int,
        params: Mapping[str, Any] | None = None,
    ) -> str:
        parts = {
            "v": KEY_VERSION,
            "engine": engine,
            "model": model,
            "prompt": messages_sha256(messages),
            "max_tokens": max_tokens,
            "max_reasks": max_reasks,
            "params": dict(sorted((params or {}).items())),
            "response_model": response_model.__name__,
            "schema": schema_sha256(response_model),
        }
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8")).hexdigest()

    # -- entries ---------------------------------------------------------------------------------------------
    def get(self, key: str) -> CachedAnswer | None:
        def read() -> CachedAnswer | None:
            with self._connect() as conn:
                row = conn.execute(
                    "SELECT value, prompt_tokens, completion_tokens, finish_reason FROM responses "
                    "WHERE key = ?",
                    (key,),
                ).fetchone()
                if row is None:
                    return None
                conn.execute(
                    "UPDATE responses SET hits = hits + 1, last_hit = ? WHERE key = ?", (time.time(), key)
                )
            try:
                return CachedAnswer(json.loads(row[0]), int(row[1]), int(row[2]), row[3])
            except ValueError:
                return None

        return self._try(read, None, "not usable")

    def put(
        self,
        key: str,
        *,
        model: str,
        response_model: str,
        prompt_sha256: str,
        value: dict[str, Any],
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
        finish_reason: str | None = None,
    ) -> bool:
        def write() -> bool:
            with self._connect() as conn:
                conn.execute(
                    "INSERT OR REPLACE INTO responses (key, model, response_model, prompt_sha256, value, "
                    "prompt_tokens, completion_tokens, finish_reason, created) VALUES (?,?,?,?,?,?,?,?,?)",
                    (
                        key,
                        model,
                        response_model,
                        prompt_sha256,
                        json.dumps(value, ensure_ascii=False),
                        prompt_tokens,
                        completion_tokens,
                        finish_reason,
                        time.time(),
                    ),
                )
            return True

        return self._try(write, False, "not writable")

    def info(self) -> CacheInfo:
        if not self.path.exists():
            return CacheInfo(self.path, exists=False)
        try:
            with self._connect(create=False) as conn:
                entries, hits, oldest, newest = conn.execute(
                    "SELECT count(*), coalesce(sum(hits), 0), min(created), max(created) FROM responses"
                ).fetchone()
                models = dict(
                    conn.execute("SELECT model, count(*) FROM responses GROUP BY model ORDER BY 2 DESC")
                )
        except sqlite3.Error as exc:
            raise ConfigError(
                f"cache {self.path} cannot be read: {exc}",
                hint="delete the file; it only holds cached answers",
            ) from None
        size = sum(p.stat().st_size for p in self._files() if p.exists())
        return CacheInfo(self.path, True, int(entries), size, int(hits), models, oldest, newest)

    def clear(self) -> int:
        """Delete every entry; returns how many there were. A cache file that is not a readable database
        (corrupt, or not SQLite at all) is removed: it only ever holds answers that can be asked again
        (``removed_corrupt`` says so afterwards)."""
        self.removed_corrupt = False
        if not self.path.exists():
            return 0
        try:
            with self._connect(create=False) as conn:
                (count,) = conn.execute("SELECT count(*) FROM responses").fetchone()
                conn.execute("DELETE FROM responses")
                conn.execute("VACUUM")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.DatabaseError as exc:
            try:
                for p in self._files():
                    p.unlink(missing_ok=True)
            except OSError as err:
                raise ConfigError(
                    f"cache {self.path} is unreadable ({exc}) and cannot be removed ({err.strerror})",
                    hint="delete the file by hand; it only holds cached answers",
                ) from None
            self._ready = False
            self.removed_corrupt = True
            return 0
        return int(count)

    def _files(self) -> list[Path]:
        return [
            self.path,
            self.path.with_name(self.path.name + "-wal"),
            self.path.with_name(self.path.name + "-shm"),
        ]
