"""The output folder of a batch: checked up front, locked while a batch writes there, and its manifest.

``OUT/.manifest.jsonl`` records each finished item (id, input SHA-256, model, prompt version, format),
appended and fsynced after its output is in place, so a re-run (even after ``kill -9``) skips what is
done. Temporary files a killed run left behind are removed before the next run writes.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import ConfigError
from ..output.files import SUFFIXES, append_line, output_error

__all__ = [
    "ERRORS_FILE",
    "LOCK_FILE",
    "MANIFEST_FILE",
    "Manifest",
    "locked",
    "prepare_output_dir",
    "remove_stale_temps",
]

ERRORS_FILE = "errors.jsonl"
MANIFEST_FILE = ".manifest.jsonl"
LOCK_FILE = ".lock"


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
def locked(folder: Path) -> Iterator[None]:
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


def remove_stale_temps(folder: Path) -> None:
    """Temporary files a killed run left behind (``write_atomic`` names them ``.<name>.<random>.tmp``)."""
    for suffix in SUFFIXES.values():
        for p in folder.glob(f".*{suffix}.*.tmp"):
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
