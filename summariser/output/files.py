"""The output seam: a brief rendered in a chosen format, and files written atomically.

Used by the CLI, batch and the eval run files alike, so none of them imports another's code to write.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..errors import ConfigError, InputError

if TYPE_CHECKING:
    from ..schema.brief import IncidentBrief

__all__ = ["FORMATS", "SUFFIXES", "Format", "render", "write_atomic"]

Format = Literal["json", "markdown", "html"]
FORMATS: tuple[Format, ...] = ("json", "markdown", "html")
SUFFIXES: dict[str, str] = {"json": ".json", "markdown": ".md", "html": ".html"}


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


def write_atomic(path: Path, data: str) -> None:
    """Write via a temporary file in the same folder and rename: never a half-written file."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise InputError(f"{path.parent}: no such folder", hint="create it first")
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"{path.parent}: cannot write there ({exc.strerror})") from None
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes 0600; a brief or run file is an ordinary file
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
