"""Where a batch writes: ``LocalOutput`` (a folder on this machine, ``batch.manifest``) or ``RemoteOutput``
(a filesystem URL, ``batch.remote``).

Both give the runner the same calls: ``session()`` (lock, clean what a killed run left, read the manifest),
``is_done(id, key, name)``, ``write(name, text)`` (atomic), ``add(manifest_entry)`` and ``error(line)``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..output.files import append_line, write_atomic
from .manifest import ERRORS_FILE, MANIFEST_FILE, Manifest, locked, prepare_output_dir, remove_stale_temps

__all__ = ["LocalOutput", "open_output"]


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
        with locked(self.path):
            remove_stale_temps(self.path)
            self.manifest = Manifest(self.path / MANIFEST_FILE)
            with (self.path / ERRORS_FILE).open("w", encoding="utf-8") as self.errors:
                yield

    def is_done(self, item_id: str, key: dict[str, str | None], name: str) -> bool:
        assert self.manifest is not None
        return self.manifest.is_done(item_id, key, self.path / name)

    def write(self, name: str, text: str) -> None:
        write_atomic(self.path / name, text)

    def add(self, entry: dict[str, Any]) -> None:
        assert self.manifest is not None
        self.manifest.add(entry)

    def error(self, line: str) -> None:
        """Append one line to errors.jsonl, whole or not at all (a full disk: ``OutputError``)."""
        assert self.errors is not None
        append_line(self.errors, line)


def open_output(out: str | Path) -> Any:
    """``LocalOutput`` for a folder, ``RemoteOutput`` for a filesystem URL (``s3://...``, needs fsspec)."""
    from .remote import RemoteOutput, is_url

    if is_url(out):
        return RemoteOutput(str(out), manifest_file=MANIFEST_FILE, errors_file=ERRORS_FILE)
    text = str(out)
    return LocalOutput(Path(text[len("file://") :] if text.startswith("file://") else text))
