"""The output seam: a brief rendered in a chosen format, and files written atomically.

Used by the CLI, batch and the eval run files alike, so none of them imports another's code to write.
Writing never leaves a partial file or a partial line: ``write_atomic`` writes a temporary file and renames
it, ``append_line`` cuts a line that did not fit back off. A full disk or a folder that cannot be written
is an ``OutputError`` (``ConfigError``, exit code 3) naming the path, never an internal error.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from ..errors import ConfigError, InputError, OutputError

if TYPE_CHECKING:
    from ..schema.brief import IncidentBrief

__all__ = ["FORMATS", "SUFFIXES", "Format", "append_line", "output_error", "render", "write_atomic"]

Format = Literal["json", "markdown", "html"]
FORMATS: tuple[Format, ...] = ("json", "markdown", "html")
SUFFIXES: dict[str, str] = {"json": ".json", "markdown": ".md", "html": ".html"}
_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG)


def render(brief: IncidentBrief, fmt: str, text: str = "") -> str:
    """``brief`` as ``fmt`` (json, markdown or html; html needs the article ``text``), ending in a newline."""
    if fmt == "markdown":
        from .render import render_markdown

        return render_markdown(brief)
    if fmt == "html":
        from .html import render_html

        return render_html(brief, text)
    if fmt == "json":
        from .render import render_json

        return render_json(brief) + "\n"
    raise ConfigError(f"unknown format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")


def output_error(path: Path | str, exc: OSError) -> OutputError:
    """The ``OutputError`` for an ``OSError`` met while writing ``path``."""
    if exc.errno in _FULL:
        return OutputError(
            f"{path}: disk full, cannot write ({exc.strerror or exc})",
            hint="free some space and run the same command again: nothing half-written was kept",
        )
    return OutputError(
        f"{path}: cannot write ({exc.strerror or exc})", hint="check the folder exists and is writable"
    )


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def write_atomic(path: Path, data: str) -> None:
    """Write via a temporary file in the same folder and rename: never a half-written file."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise InputError(f"{path.parent}: no such folder", hint="create it first")
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise output_error(path.parent, exc) from None
    try:
        try:
            os.fchmod(fd, 0o644)  # mkstemp makes 0600; a brief or run file is an ordinary file
            _write_all(fd, data.encode("utf-8"))
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise output_error(path, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def append_line(fh: IO[str] | IO[bytes] | int, line: str, *, sync: bool = False, name: str = "") -> None:
    """Append ``line`` (a newline is added) to an open file, whole or not at all: when the disk fills half
    way, what was written of it is cut off again and an ``OutputError`` raised. ``sync``: fsync after."""
    fd = fh if isinstance(fh, int) else fh.fileno()
    where = name or (getattr(fh, "name", "") if not isinstance(fh, int) else "") or f"fd {fd}"
    data = (line.rstrip("\n") + "\n").encode("utf-8")
    start = os.lseek(fd, 0, os.SEEK_END)
    try:
        _write_all(fd, data)
        if sync:
            os.fsync(fd)
    except OSError as exc:
        try:
            os.ftruncate(fd, start)
            os.lseek(fd, start, os.SEEK_SET)
        except OSError:
            pass
        raise output_error(where, exc) from None
