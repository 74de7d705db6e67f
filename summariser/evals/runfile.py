"""The run file: what one eval run generated and how it scored, as JSON.

Public API
----------
``RunFile``
    ``format``/``version``; when and how the run was made (``created``, ``cases_spec``, ``limit``,
    ``model``, ``engine``, ``model_name``, ``prompt_versions``, ``prompts_sha256``, ``package_version``,
    ``settings``, ``timings``, ``cache``); one ``CaseRecord`` per case (id, article file and sha256, the
    brief as a dict or the error that stopped it, seconds); the ``scores`` (``CaseScore`` per case) and
    the aggregated ``report``.
``load_run(path) -> RunFile`` / ``dump_run(run) -> str`` / ``save_run(run, path)``
    ``load_run`` raises ``EvalError`` for a missing, malformed or foreign file.
``encode_texts(obj, article)`` / ``decode_texts(obj, article)``
    Article text never goes into a run file for an article that lives outside the cases folder (shared
    corpora, ``article_path`` cases): every string of such a brief that contains a verbatim stretch of
    the article of ``MIN_REF`` characters or more is stored as ``{"$article": [piece, ...]}``, each piece
    a literal string or ``[start, end]`` offsets into the article. Decoding needs the same article
    (checked by its sha256) and gives back the brief exactly.
``resolve_spec(spec, run_path) -> str``
    A recorded cases spec, found relative to the current folder or to any folder above the run file.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from ..errors import EvalError
from .aggregate import Report
from .score import CaseScore

__all__ = [
    "MIN_REF",
    "REF_KEY",
    "RUN_FORMAT",
    "RUN_VERSION",
    "CaseRecord",
    "RunFile",
    "decode_texts",
    "dump_run",
    "encode_texts",
    "load_run",
    "prompts_sha256",
    "resolve_spec",
    "save_run",
]

RUN_FORMAT: Literal["summariser-eval-run"] = "summariser-eval-run"
RUN_VERSION = 1
REF_KEY = "$article"
MIN_REF = 16  # shorter verbatim stretches (names, numbers) stay literal


class CaseRecord(BaseModel):
    """One case of a run: the brief made for it (``None`` when generation failed, see ``error``)."""

    id: str
    origin: str = "golden"
    article_file: str = ""
    article_sha256: str
    texts: Literal["inline", "offsets"] = Field(
        default="inline", description="offsets: brief strings quoting the article are stored as offsets."
    )
    brief: dict[str, Any] | None = None
    error: str | None = Field(default=None, description="Why no brief was made: 'ErrorType: message'.")
    spent: dict[str, int] | None = Field(
        default=None, description="What a failed brief cost (calls, retries, tokens), counted in the costs."
    )
    seconds: float = 0.0
    prompt_version: str | None = None
    prompt_hash: str | None = None

    def brief_dict(self, article: str) -> dict[str, Any] | None:
        """The recorded brief with its texts restored from ``article`` (None when generation failed)."""
        if self.brief is None or self.texts == "inline":
            return self.brief
        digest = hashlib.sha256(article.encode("utf-8")).hexdigest()
        if digest != self.article_sha256:
            raise EvalError(
                f"case {self.id}: its article has changed since the run (sha256 {digest[:12]}…, the run "
                f"has {self.article_sha256[:12]}…): the brief cannot be restored",
                hint="re-run the eval to make new briefs",
            )
        decoded: dict[str, Any] = decode_texts(self.brief, article)
        return decoded


class RunFile(BaseModel):
    format: Literal["summariser-eval-run"] = RUN_FORMAT
    version: int = RUN_VERSION
    created: str = Field(description="UTC, ISO 8601.")
    cases_spec: str = Field(description="The CASES argument: a folder, or polnear:PATH / wikievents:PATH.")
    limit: int | None = None
    model: str = Field(description="The model spec, e.g. extractive, local:bundled:..., openai:NAME.")
    engine: str
    model_name: str = Field(description="What the backend calls the model (brief meta.model).")
    prompt_versions: list[str] = Field(default_factory=list)
    prompts_sha256: str = Field(default="", description="Hash of the prompt templates in force.")
    package_version: str = ""
    settings: dict[str, Any] = Field(default_factory=dict)
    timings: dict[str, float] = Field(default_factory=dict)
    cache: dict[str, int] | None = Field(default=None, description="Response-cache hits and misses.")
    rescored: str | None = Field(default=None, description="When the scores were recomputed (eval score).")
    cases: list[CaseRecord]
    scores: list[CaseScore]
    report: Report

    @property
    def case_ids(self) -> list[str]:
        return [c.id for c in self.cases]

    def record(self, case_id: str) -> CaseRecord:
        for rec in self.cases:
            if rec.id == case_id:
                return rec
        raise KeyError(case_id)

    def score_of(self, case_id: str) -> CaseScore | None:
        return next((s for s in self.scores if s.case_id == case_id), None)

    def brief_dict(self, case_id: str, article: str) -> dict[str, Any] | None:
        """The recorded brief of ``case_id`` with its texts restored from ``article``."""
        return self.record(case_id).brief_dict(article)


# -- texts as offsets --------------------------------------------------------------------------------------
def _longest_prefix(s: str, i: int, article: str) -> int:
    """Length of the longest ``s[i:i+k]`` found in ``article`` (0 when shorter than ``MIN_REF``)."""
    if len(s) - i < MIN_REF or s[i : i + MIN_REF] not in article:
        return 0
    lo, hi = MIN_REF, len(s) - i  # s[i:i+lo] is found; prefixes of a found string are found
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if s[i : i + mid] in article:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _encode_str(s: str, article: str) -> str | dict[str, list[Any]]:
    pieces: list[Any] = []
    i = literal_from = 0
    while i < len(s):
        k = _longest_prefix(s, i, article)
        if not k:
            i += 1
            continue
        if literal_from < i:
            pieces.append(s[literal_from:i])
        start = article.find(s[i : i + k])
        pieces.append([start, start + k])
        i = literal_from = i + k
    if not any(isinstance(p, list) for p in pieces):
        return s
    if literal_from < len(s):
        pieces.append(s[literal_from:])
    return {REF_KEY: pieces}


def encode_texts(obj: Any, article: str) -> Any:
    """``obj`` (JSON data) with every string quoting ``article`` stored as offsets (see module doc)."""
    if isinstance(obj, str):
        return _encode_str(obj, article) if len(obj) >= MIN_REF else obj
    if isinstance(obj, dict):
        return {k: encode_texts(v, article) for k, v in obj.items()}
    if isinstance(obj, list):
        return [encode_texts(v, article) for v in obj]
    return obj


def decode_texts(obj: Any, article: str) -> Any:
    """The inverse of ``encode_texts`` for the same article."""
    if isinstance(obj, dict):
        if set(obj) == {REF_KEY}:
            return "".join(p if isinstance(p, str) else article[p[0] : p[1]] for p in obj[REF_KEY])
        return {k: decode_texts(v, article) for k, v in obj.items()}
    if isinstance(obj, list):
        return [decode_texts(v, article) for v in obj]
    return obj


# -- files -------------------------------------------------------------------------------------------------
def prompts_sha256() -> str:
    """SHA-256 (16 hex digits) of every prompt template's name and text: which prompts a run used."""
    from ..generate.prompt import PROMPTS_DIR

    h = hashlib.sha256()
    for path in sorted(PROMPTS_DIR.glob("*.j2")):
        h.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def dump_run(run: RunFile) -> str:
    """Pretty JSON with one line per case and per score (small, and diffs well under version control)."""
    data = run.model_dump(mode="json")
    lines = ["{"]
    for n, (key, value) in enumerate(data.items()):
        comma = "," if n < len(data) - 1 else ""
        if key in ("cases", "scores") and value:
            items = [" " + json.dumps(v, ensure_ascii=False, separators=(",", ":")) for v in value]
            lines.append(f' "{key}": [\n' + ",\n".join(items) + f"\n ]{comma}")
        else:
            text = json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n ")
            lines.append(f" {json.dumps(key)}: {text}{comma}")
    return "\n".join(lines) + "\n}\n"


def save_run(run: RunFile, path: str | Path) -> Path:
    """Write ``run`` atomically, creating the folder (``evals/runs``) when missing."""
    from ..output.files import write_atomic

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, dump_run(run))
    return path


def load_run(path: str | Path) -> RunFile:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalError(f"{path}: no such run file", hint="make one with `summariser eval CASES`") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"{path}: cannot read run file: {exc}") from None
    except json.JSONDecodeError as exc:
        raise EvalError(f"{path}:{exc.lineno}: not JSON: {exc.msg}") from None
    if not isinstance(data, dict) or data.get("format") != RUN_FORMAT:
        raise EvalError(f'{path}: not an eval run file (no "format": "{RUN_FORMAT}")')
    if data.get("version") != RUN_VERSION:
        raise EvalError(
            f"{path}: run file version {data.get('version')!r}; this summariser reads version {RUN_VERSION}",
            hint="re-run the eval with this version",
        )
    try:
        return RunFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise EvalError(f"{path}: malformed run file: {where}: {first['msg']}") from None


def resolve_spec(spec: str, run_path: str | Path | None = None) -> str:
    """``spec`` as recorded, or with its path found relative to a folder above ``run_path``."""
    prefix, sep, rest = spec.partition(":")
    if sep and len(prefix) > 1:  # a dataset spec; a one-letter prefix is a Windows drive
        head, path = f"{prefix}:", rest
    else:
        head, path = "", spec
    if Path(path).is_absolute() or Path(path).exists() or run_path is None:
        return spec
    for folder in Path(run_path).resolve().parents:
        candidate = folder / path
        if candidate.exists():
            return head + os.path.relpath(candidate)
    return spec
