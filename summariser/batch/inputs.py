"""Batch inputs: files, folders, globs and JSONL records turned into ``BatchInput`` items with stable ids."""

from __future__ import annotations

import datetime as dt
import glob
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, SummariserError

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
    """Sanitised, unique (also on case-insensitive file systems) ids, stable for the same inputs."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, raw: str) -> str:
        base = _safe_id(raw)
        candidate, n = base, 1
        while candidate.lower() in self.seen:
            n += 1
            candidate = f"{base}-{n}"
        self.seen.add(candidate.lower())
        return candidate


def _walk(root: Path, exclude: list[Path]) -> list[Path]:
    found = []
    for p in root.rglob("*"):
        rel = p.relative_to(root).parts
        if any(part.startswith(".") for part in rel) or p.suffix.lower() not in INPUT_SUFFIXES:
            continue
        if any(p.resolve().is_relative_to(x) for x in exclude) or not p.is_file():
            continue
        found.append(p)
    return sorted(found)


def _published(value: object, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(
            f"{where}: published {value!r} is not a date", hint="write it as YYYY-MM-DD"
        ) from None


def _records(path: Path, ids: _Ids) -> Iterator[BatchInput]:
    try:
        fh = path.open("r", encoding="utf-8", errors="replace")
    except OSError as exc:
        yield BatchInput(
            ids(path.stem), str(path), problem=InputError(f"{path}: cannot be read ({exc.strerror})")
        )
        return
    with fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
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
            item = BatchInput(ids(str(rec.get("id") or f"{path.stem}-{n}")), where)
            try:
                if not isinstance(rec.get("text"), str):
                    raise InputError(
                        f'{where}: the record has no "text" string', hint='add the article as "text"'
                    )
                item.text = rec["text"]
                item.published = _published(rec.get("published"), where)
            except InputError as exc:
                item.problem = exc
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
            items.append(BatchInput(ids(p.stem), str(p), path=p))

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
    return items


# -- output folder -----------------------------------------------------------------------------------------
