"""Structured-output modes of OpenAI-compatible servers: how each is asked for, how a refusal looks,
and what was learnt about an endpoint (remembered per endpoint + model).

Modes, strongest first (``auto`` tries them in this order and keeps the first the endpoint accepts):

* ``json_schema``: OpenAI's ``response_format={"type": "json_schema", "json_schema": {...}}`` (strict when
  the schema allows it: every property required, no additional properties);
* ``json_object``: ``response_format={"type": "json_object", "schema": {...}}``: llama.cpp's servers,
  Anyscale, Together and vLLM constrain decoding to the attached schema; servers that ignore ``schema``
  still force JSON syntax;
* ``tools``: one function tool and a forced ``tool_choice``;
* ``md_json``: no ``response_format`` at all, the JSON is parsed out of the text.

The JSON modes keep the compact schema in the system message as well (it carries the field descriptions a
grammar does not). An answer that says the endpoint does not take a mode (HTTP 415/422/501, or a 400/500
whose message is a request-validation error, as llama-cpp-python's server gives for ``json_schema``) is
not transient: it is never retried, ``auto`` falls through to the next mode once.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import instructor
import openai
from pydantic import BaseModel

from ..errors import EndpointError

__all__ = [
    "MODE_ORDER",
    "ModeRefused",
    "compact_schema",
    "instructor_mode",
    "lenient_json",
    "minimal_schema",
    "plain_reasks",
    "refusal",
    "request_schema",
    "shape_request",
    "strict_schema_ok",
]

MODE_ORDER = ("json_schema", "json_object", "tools", "md_json")
_INSTRUCTOR_MODES = {
    "json_schema": instructor.Mode.JSON,
    "json_object": instructor.Mode.JSON,
    "tools": instructor.Mode.TOOLS,
    "md_json": instructor.Mode.MD_JSON,
}
_CONTEXT_WORDS = ("context length", "context size", "context_length", "context window", "too long")
_VALIDATION_WORDS = (
    "response_format",
    "json_schema",
    "tool_choice",
    "tools",
    "validation error",
    "input should be",
    "literal_error",
    "not supported",
    "unsupported",
    "unknown field",
    "extra inputs",
    "invalid type",
)


class ModeRefused(EndpointError):
    """The endpoint does not take this structured mode (never retried; ``auto`` tries the next one)."""

    def __init__(self, mode: str, reason: str) -> None:
        super().__init__(
            f"the endpoint does not support structured mode {mode!r}: {reason}",
            hint="use --structured-mode auto, or another of json_schema, json_object, tools, md_json",
        )
        self.mode = mode
        self.reason = reason


def instructor_mode(mode: str) -> instructor.Mode:
    return _INSTRUCTOR_MODES[mode]


def strict_schema_ok(schema: Any) -> bool:
    """Whether OpenAI's strict mode can take ``schema``: every object lists all its properties as required
    and forbids additional ones (pydantic models with optional fields do not)."""
    if isinstance(schema, list):
        return all(strict_schema_ok(s) for s in schema)
    if not isinstance(schema, dict):
        return True
    props = schema.get("properties")
    if isinstance(props, dict) and (
        set(schema.get("required", [])) != set(props) or schema.get("additionalProperties") is not False
    ):
        return False
    return all(strict_schema_ok(v) for v in schema.values())


def shape_request(kwargs: dict[str, Any], mode: str, schema: dict[str, Any], name: str) -> dict[str, Any]:
    """``kwargs`` as instructor built them for ``instructor_mode(mode)``, with the ``response_format``
    the mode asks for (the JSON modes differ from instructor's ``Mode.JSON`` only there)."""
    if mode == "json_schema":
        strict = strict_schema_ok(schema)
        return {
            **kwargs,
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": re.sub(r"[^A-Za-z0-9_-]", "_", name)[:64],
                    "schema": schema,
                    "strict": strict,
                },
            },
        }
    if mode == "json_object":
        return {**kwargs, "response_format": {"type": "json_object", "schema": schema}}
    return kwargs


def _message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        text = inner.get("message") if isinstance(inner, dict) else inner
        return str(text or body)
    return str(body or exc.message)


def refusal(exc: BaseException) -> str | None:
    """The reason, if ``exc`` is an endpoint saying it does not take the request's structured mode."""
    if not isinstance(exc, openai.APIStatusError):
        return None
    text = _message(exc)
    lower = text.lower()
    if any(w in lower for w in _CONTEXT_WORDS):
        return None
    status = exc.status_code
    # 415/422/501 are about the request's shape; a 400 or 500 only when it says so — a 400 about this one
    # article (a content filter, say) must not make every later request change its mode
    shape = any(w in lower for w in _VALIDATION_WORDS)
    if status in (415, 422, 501) or (status in (400, 500) and shape):
        return f"HTTP {status}: {' '.join(text.split())[:200]}"
    return None


_CONTROL = re.compile(r"[\x00-\x1f]")


def lenient_json(text: str) -> str:
    """``text`` with raw control characters inside JSON strings escaped (small models write real newlines
    and tabs in string values; strict JSON parsers refuse them). Text outside strings is left alone."""
    if not _CONTROL.search(text):
        return text
    out: list[str] = []
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            elif ch < " ":
                out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch, f"\\u{ord(ch):04x}"))
                continue
        elif ch == '"':
            in_string = True
        out.append(ch)
    return "".join(out)


_PYDANTIC_DETAIL = re.compile(r"\[type=([\w.]+), input_value=.*, input_type=[\w.]+\]\s*$")
_PYDANTIC_URL = re.compile(r"^\s*For further information visit https?://\S+\s*$")


def plain_reasks(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Re-ask messages as instructor writes them quote pydantic's truncated ``input_value`` back (a small
    model then copies the cut text into its next answer): keep the problem, drop the quoted input."""
    out = []
    for m in messages:
        content = m.get("content")
        if m.get("role") in ("user", "tool") and isinstance(content, str) and "input_value=" in content:
            lines = [_PYDANTIC_DETAIL.sub(r"[\1]", line) for line in content.splitlines()]
            m = {**m, "content": "\n".join(line for line in lines if not _PYDANTIC_URL.match(line))}
        out.append(m)
    return out


# -- the schema sent -------------------------------------------------------------------------------


def minimal_schema(schema: Any) -> Any:
    """``schema`` without titles and ``"default": null``, ``anyOf [X, null]`` written as X (the field stays
    optional: it is not in ``required``)."""
    if isinstance(schema, list):
        return [minimal_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if (key == "title" and isinstance(value, str)) or (key == "default" and value is None):
            continue
        nested = key == "properties" and isinstance(value, dict)
        out[key] = {k: minimal_schema(v) for k, v in value.items()} if nested else minimal_schema(value)
    any_of = out.get("anyOf")
    if isinstance(any_of, list) and len(any_of) == 2 and {"type": "null"} in any_of:
        out.pop("anyOf")
        out.update(next(s for s in any_of if s != {"type": "null"}))
    return out


@functools.lru_cache(maxsize=64)
def _schema_texts(response_model: type[BaseModel]) -> tuple[str, str]:
    schema = response_model.model_json_schema()
    return (
        json.dumps(schema, indent=2, ensure_ascii=False),
        json.dumps(minimal_schema(schema), ensure_ascii=False, separators=(",", ":")),
    )


def compact_schema(kwargs: dict[str, Any], response_model: type[BaseModel]) -> dict[str, Any]:
    """instructor's JSON modes write the response schema into the system message indented, with titles:
    send it compactly instead (-43 % prompt tokens for a ``Draft``; benchmarks/results/tokens.json)."""
    long, short = _schema_texts(response_model)
    messages = kwargs.get("messages") or []
    if not any(isinstance(m.get("content"), str) and long in m["content"] for m in messages):
        return kwargs
    shrunk = [
        {**m, "content": m["content"].replace(long, short)} if isinstance(m.get("content"), str) else m
        for m in messages
    ]
    return {**kwargs, "messages": shrunk}


def request_schema(response_model: type[BaseModel]) -> dict[str, Any]:
    """The compact schema attached to a ``response_format`` or a tool (a fresh copy)."""
    return json.loads(_schema_texts(response_model)[1])
