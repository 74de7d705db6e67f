"""Batch inputs: files, folders, globs and JSONL records turned into ``BatchInput`` items with stable ids."""

from __future__ import annotations

import datetime as dt
import glob
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, InputError, SummariserError
from ..load import parse_published

__all__ = ["INPUT_SUFFIXES", "BatchInput", "collect_inputs"]

INPUT_SUFFIXES = (".txt", ".md", ".html", ".htm")


# -- inputs ------------------------------------------------------------------------------------------------
@dataclass
class BatchInput:
    """One article to brief: a file (``path``) or a JSONL record (``text``); ``problem``: unusable record."""

    id: str
    source: str
    path: Path | None = None
    text: str | None = None
    published: dt.date | None = None
    problem: SummariserError | None = None


def _safe_id(raw: str) -> str:
    s = re.sub(r"[^\w.-]+", "_", raw).strip("._-")[:100]
    return s or "item"


class _Ids:
    """Sanitised, unique (also on case-insensitive file systems) ids, stable for the same inputs.

    Items are named first (``__call__`` returns a provisional id) and given their final ids by ``assign``
    once every input is known, so that a suffix (``r-2``) never takes the id another input has on its own.
    A JSONL record repeating another record's explicit id fails ("duplicate id"), rather than taking over
    a neighbour's output or being renamed silently.
    """

    def __init__(self) -> None:
        self.entries: list[tuple[BatchInput, str, bool]] = []

    def __call__(self, raw: str) -> str:
        return _safe_id(raw)

    def add(self, item: BatchInput, *, explicit: str | None = None) -> BatchInput:
        self.entries.append((item, explicit or "", explicit is not None))
        return item

    def assign(self) -> None:
        taken = {item.id.lower() for item, _, _ in self.entries}
        used: set[str] = set()
        first_explicit: dict[str, str] = {}
        for item, raw, explicit in self.entries:
            base = item.id
            if explicit and raw in first_explicit and item.problem is None:
                item.problem = InputError(
                    f"{item.source}: duplicate id {raw!r} (first at {first_explicit[raw]})",
                    hint="give every record its own id",
                )
            if explicit:
                first_explicit.setdefault(raw, item.source)
            if base.lower() in used:
                n = 2
                while f"{base}-{n}".lower() in taken or f"{base}-{n}".lower() in used:
                    n += 1
                item.id = f"{base}-{n}"
            used.add(item.id.lower())


def _walk(root: Path, exclude: list[Path]) -> list[Path]:
    """Input files under ``root``; not those in an excluded folder inside it (the output folder)."""
    here = root.resolve()
    if here in exclude:
        raise ConfigError(
            f"--out {root}: is also an input folder, and the briefs would be mixed with the articles",
            hint=f"write the briefs to another folder, e.g. --out {root / 'briefs'}",
        )
    inside = [x for x in exclude if x.is_relative_to(here)]
    found = []
    for p in root.rglob("*"):
        rel = p.relative_to(root).parts
        if any(part.startswith(".") for part in rel) or p.suffix.lower() not in INPUT_SUFFIXES:
            continue
        if any(p.resolve().is_relative_to(x) for x in inside) or not p.is_file():
            continue
        found.append(p)
    return sorted(found)


def _published(value: object, where: str) -> dt.date | None:
    return parse_published(value, f"{where}: published")


def _records(path: Path, ids: _Ids) -> Iterator[BatchInput]:
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield BatchInput(
            ids(path.stem), str(path), problem=InputError(f"{path}: cannot be read ({exc.strerror})")
        )
        return
    with fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            where = f"{path}:{n}"
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:  # refused, as the same bytes in a file are
                text = raw.decode("utf-8", "replace")
                found = re.search(r'"id"\s*:\s*"([^"]{1,200})"', text)
                yield BatchInput(
                    ids(found[1] if found else f"{path.stem}-{n}"),
                    where,
                    problem=InputError(
                        f"{where}: not valid UTF-8 (byte {exc.start} of the line)",
                        hint="convert the file to UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8",
                    ),
                )
                continue
            try:
                rec = json.loads(line)
                if not isinstance(rec, dict):
                    raise ValueError("not an object")
            except ValueError as exc:
                yield BatchInput(
                    ids(f"{path.stem}-line{n}"),
                    where,
                    problem=InputError(
                        f"{where}: not a JSON object ({exc})",
                        hint='each line must be {"id": ..., "text": ..., "published": ...}',
                    ),
                )
                continue
            explicit = str(rec["id"]) if rec.get("id") not in (None, "") else None
            item = ids.add(BatchInput(ids(explicit or f"{path.stem}-{n}"), where), explicit=explicit)
            try:
                if not isinstance(rec.get("text"), str):
                    raise InputError(
                        f'{where}: the record has no "text" string', hint='add the article as "text"'
                    )
                item.text = rec["text"]
                item.published = _published(rec.get("published"), where)
            except InputError as exc:
                item.problem = exc
                item.text = None
            yield item


def collect_inputs(specs: Sequence[str | Path], *, exclude: Iterable[Path] = ()) -> list[BatchInput]:
    """Expand INPUT arguments into items, in a stable order. Paths that match nothing become failed items."""
    ids = _Ids()
    skip = [Path(x).resolve() for x in exclude]
    items: list[BatchInput] = []
    seen: set[Path] = set()

    def add_file(p: Path) -> None:
        key = p.resolve()
        if key in seen:
            return
        seen.add(key)
        if p.suffix.lower() == ".jsonl":
            items.extend(_records(p, ids))
        else:
            items.append(ids.add(BatchInput(ids(p.stem), str(p), path=p)))

    for spec in map(str, specs):
        path = Path(spec)
        if path.is_dir():
            for p in _walk(path, skip):
                add_file(p)
        elif path.exists():
            add_file(path)
        elif any(c in spec for c in "*?["):
            matches = sorted(glob.glob(spec, recursive=True))
            if not matches:
                items.append(
                    BatchInput(
                        ids(path.stem or "pattern"),
                        spec,
                        problem=InputError(f"{spec}: matches no files", hint="check the pattern"),
                    )
                )
            for m in map(Path, matches):
                if m.is_dir():
                    for p in _walk(m, skip):
                        add_file(p)
                elif m.suffix.lower() in (*INPUT_SUFFIXES, ".jsonl"):
                    add_file(m)
        else:
            items.append(
                BatchInput(
                    ids(path.stem), spec, problem=InputError(f"{spec}: no such file", hint="check the path")
                )
            )
    named = {id(item): (raw, explicit) for item, raw, explicit in ids.entries}
    ids.entries = [(item, *named.get(id(item), ("", False))) for item in items]  # in the inputs' order
    ids.assign()
    return items


# -- output folder -----------------------------------------------------------------------------------------
