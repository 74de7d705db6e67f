"""A batch's output folder at a filesystem URL (``s3://bucket/briefs``, ``gs://...``, ``memory://...``).

Used by the batch runner when ``--out`` is a URL; needs ``fsspec`` and the filesystem's own package
(``s3fs`` for ``s3://``, ``gcsfs`` for ``gs://``, ``adlfs`` for ``az://``). The layout is the local one:
``<id>.json`` (or ``.md``), ``errors.jsonl``, ``.manifest.jsonl``. What differs, because object stores
have neither appends nor locks:

- each output is written to a temporary object and moved into place (one whole object, never half);
- manifest lines are written as small part objects (``.manifest.parts/TIME-TAG-NNNNNN.jsonl``, every
  ``FLUSH_EVERY`` items or ``FLUSH_SECONDS``), merged into ``.manifest.jsonl`` at the end of the run. A run
  killed with ``kill -9`` loses at most the last unflushed part: those items are briefed again on resume
  (their outputs are rewritten, nothing is lost);
- ``errors.jsonl`` is rewritten whole with each part and at the end;
- there is no lock: run one batch per output URL at a time.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import time
from collections.abc import Iterator
from typing import Any

from ..errors import ConfigError

__all__ = ["FLUSH_EVERY", "FLUSH_SECONDS", "RemoteOutput", "is_url"]

FLUSH_EVERY = 200
FLUSH_SECONDS = 10.0
PARTS = ".manifest.parts"


def is_url(out: object) -> bool:
    """``--out`` names a filesystem URL (``scheme://...``) rather than a local folder."""
    text = str(out)
    scheme, sep, _ = text.partition("://")
    return bool(sep) and scheme.isidentifier() and len(scheme) > 1 and scheme != "file"


class RemoteOutput:
    """The batch output folder at ``url`` (created, and checked writable, here: ``ConfigError`` up front)."""

    def __init__(self, url: str, *, manifest_file: str, errors_file: str) -> None:
        try:
            import fsspec
        except ImportError:
            raise ConfigError(
                f"--out {url}: writing to a URL needs fsspec",
                hint="pip install fsspec, and the filesystem's package (s3fs for s3://, gcsfs for gs://)",
            ) from None
        try:
            self.fs, root = fsspec.core.url_to_fs(url)
        except (ImportError, ValueError) as exc:
            raise ConfigError(
                f"--out {url}: {exc}", hint="install the filesystem's package (s3fs, gcsfs, adlfs, ...)"
            ) from None
        self.url, self.root = url.rstrip("/"), str(root).rstrip("/")
        self.manifest_file, self.errors_file = manifest_file, errors_file
        self.run_tag = time.strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)  # names this run's parts
        self.entries: dict[str, dict[str, Any]] = {}
        self.pending: list[str] = []
        self.error_lines: list[str] = []
        self.part = 0
        self.flushed = time.monotonic()
        try:
            self.fs.makedirs(self.root, exist_ok=True)
            probe = self._path(f".probe.{secrets.token_hex(4)}.tmp")
            self.fs.pipe_file(probe, b"")
            self.fs.rm(probe)
        except Exception as exc:  # credentials, permissions, a bucket that does not exist
            raise ConfigError(
                f"--out {url}: cannot write there ({type(exc).__name__}: {exc})",
                hint="check the URL and your credentials for it",
            ) from None

    def __str__(self) -> str:
        return self.url

    def _path(self, name: str) -> str:
        return f"{self.root}/{name}"

    # -- the runner's interface -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Clean what a killed run left (temporary objects) and read the manifest (file and parts)."""
        for p in self.fs.glob(self._path(".*.tmp")):
            with contextlib.suppress(FileNotFoundError):
                self.fs.rm(p)
        for name in [self.manifest_file, *self._parts()]:
            self._read_manifest(name)
        try:
            yield
        finally:
            self.close()

    def _parts(self) -> list[str]:
        if not self.fs.exists(self._path(PARTS)):
            return []
        found = self.fs.ls(self._path(PARTS), detail=False)
        return sorted(f"{PARTS}/{p.rstrip('/').rsplit('/', 1)[-1]}" for p in found)

    def _read_manifest(self, name: str) -> None:
        try:
            data = self.fs.cat_file(self._path(name))
        except FileNotFoundError:
            return
        for line in data.splitlines():
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                if isinstance(entry, dict) and "id" in entry:
                    self.entries[str(entry["id"])] = entry

    def is_done(self, item_id: str, key: dict[str, str | None], name: str) -> bool:
        entry = self.entries.get(item_id)
        return (
            entry is not None
            and all(entry.get(k) == v for k, v in key.items())
            and self.fs.exists(self._path(name))
        )

    def write(self, name: str, text: str) -> None:
        """One whole object: written under a temporary name, then moved into place."""
        tmp = self._path(f".{name}.{secrets.token_hex(6)}.tmp")
        self.fs.pipe_file(tmp, text.encode("utf-8"))
        self.fs.mv(tmp, self._path(name))

    def add(self, entry: dict[str, Any]) -> None:
        self.entries[str(entry["id"])] = entry
        self.pending.append(json.dumps(entry, ensure_ascii=False) + "\n")
        if len(self.pending) >= FLUSH_EVERY or time.monotonic() - self.flushed >= FLUSH_SECONDS:
            self.flush()

    def error(self, line: str) -> None:
        self.error_lines.append(line)

    def flush(self) -> None:
        if self.pending:
            self.part += 1
            self.write(f"{PARTS}/{self.run_tag}-{self.part:06d}.jsonl", "".join(self.pending))
            self.pending = []
        self.write(self.errors_file, "".join(self.error_lines))
        self.flushed = time.monotonic()

    def close(self) -> None:
        """Flush, then merge the manifest parts into one ``.manifest.jsonl`` (the last line per id)."""
        self.flush()
        parts = self._parts()
        if parts:
            lines = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in self.entries.values())
            self.write(self.manifest_file, lines)
            for name in parts:
                with contextlib.suppress(FileNotFoundError):
                    self.fs.rm(self._path(name))
