"""Read a golden YAML file, validate it against ``schemas/golden.schema.json`` and report problems by line.

YAML is composed into nodes first (they carry line marks), then constructed with timestamps left as
strings (dates are validated by the schema's pattern). A failing JSON-Schema or pydantic path is walked
down the node tree to the line of the offending value, and every problem is raised as one ``EvalError``
whose message starts ``file:line: ...``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from pydantic import ValidationError

from ..errors import EvalError

__all__ = ["SCHEMA_PATH", "check_schema", "golden_schema", "line_of", "load_yaml", "raise_pydantic"]

_HERE = Path(__file__).resolve()
_CANDIDATES = (
    _HERE.parents[2] / "schemas" / "golden.schema.json",  # source checkout
    _HERE.parents[1] / "schemas" / "golden.schema.json",  # installed wheel (force-included)
)
SCHEMA_PATH = next((p for p in _CANDIDATES if p.is_file()), _CANDIDATES[0])
_MAX_REPORTED = 10


_SafeLoader = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader  # libyaml: ~8x faster


class _Loader(_SafeLoader):  # type: ignore[valid-type, misc]
    """SafeLoader (libyaml's when installed) that keeps ``2024-01-02`` as a string."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@lru_cache(maxsize=1)
def golden_schema() -> dict[str, Any]:
    try:
        schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EvalError(f"golden schema not found at {SCHEMA_PATH}: {exc}") from exc
    return schema


def load_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """The YAML document at ``path`` and its root node (for line numbers)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"{path}: cannot read golden file: {exc}") from exc
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise EvalError(f"{path}:{line}: invalid YAML: {exc.problem or exc.context}") from exc
    finally:
        loader.dispose()
    return data, node


def _child(node: yaml.Node, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                return v
    elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        child: yaml.Node = node.value[key]
        return child
    return None


def _key_node(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return k
    return None


def line_of(root: yaml.Node | None, path: Sequence[str | int], *, key: str | None = None) -> int:
    """1-based line of the value at ``path`` (deepest node that exists); of mapping key ``key`` if given."""
    if root is None:
        return 1
    node = root
    for part in path:
        child = _child(node, part)
        if child is None:
            break
        node = child
    if key is not None:
        k = _key_node(node, key)
        if k is not None:
            node = k
    return int(node.start_mark.line) + 1


def _dotted(path: Sequence[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(err: jsonschema.ValidationError) -> tuple[str, str | None]:
    """A readable message for one schema error, and the offending key (for additionalProperties)."""
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = set(err.schema.get("properties", {}))
        extra = sorted(k for k in err.instance if k not in allowed)
        if extra:
            return f"unknown key {extra[0]!r} (allowed: {', '.join(sorted(allowed))})", str(extra[0])
    if err.validator == "anyOf" and all(set(s) == {"required"} for s in err.validator_value):
        names = [n for s in err.validator_value for n in s["required"]]
        return f"needs one of: {', '.join(names)}", None
    if err.validator == "required":
        return str(err.message).replace("is a required property", "is required"), None
    return str(err.message), None


def check_schema(path: Path, data: Any, root: yaml.Node | None) -> None:
    """Raise ``EvalError`` listing every schema violation as ``file:line: where: what``."""
    validator = jsonschema.Draft202012Validator(golden_schema())
    errors = list(validator.iter_errors(data))
    if not errors:
        return
    problems = []
    for err in errors:
        where = list(err.absolute_path)
        message, key = _message(err)
        line = line_of(root, where, key=key)
        problems.append((line, f"{path}:{line}: {_dotted(where) or '(top level)'}: {message}"))
    _raise(problems)


def raise_pydantic(
    path: Path, exc: ValidationError, root: yaml.Node | None, prefix: Sequence[str | int] = ()
) -> None:
    """Re-raise a pydantic error on the golden models as ``EvalError`` with lines."""
    problems = []
    for err in exc.errors():
        where = [*prefix, *(p for p in err["loc"] if isinstance(p, (str, int)))]
        line = line_of(root, where)
        problems.append((line, f"{path}:{line}: {_dotted(where) or '(top level)'}: {err['msg']}"))
    _raise(problems)


def _raise(problems: list[tuple[int, str]]) -> None:
    problems.sort(key=lambda p: p[0])
    lines = [text for _, text in problems[:_MAX_REPORTED]]
    if len(problems) > _MAX_REPORTED:
        lines.append(f"... and {len(problems) - _MAX_REPORTED} more problems")
    raise EvalError("\n".join(lines))
