"""Prompt stage: versioned Jinja2 templates in ``prompts/`` rendered into chat messages.

A template ``prompts/<name>.v<N>.j2`` has two blocks, ``system`` and ``user``. The article is always
passed through ``delimit`` so text inside it (instructions, fake delimiters) stays data.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

import jinja2

from ..backends.base import Message
from ..errors import ConfigError

__all__ = [
    "PROMPTS_DIR",
    "RenderedPrompt",
    "delimit",
    "prompt_hash",
    "render",
    "template_version",
    "templates_for",
]


def _prompts_dir() -> Path:
    here = Path(__file__).resolve().parents[1]  # the summariser package
    for candidate in (here / "prompts", here.parent / "prompts"):
        if candidate.is_dir():
            return candidate
    raise ConfigError("prompt templates not found", hint="reinstall summariser")


PROMPTS_DIR = _prompts_dir()


def delimit(text: str) -> str:
    """Wrap the article so no text in it can close the delimiter."""
    safe = text.replace("</article>", "<\\/article>").replace("<article>", "<\\article>")
    return f"<article>\n{safe}\n</article>"


@functools.lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PROMPTS_DIR)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["delimit"] = delimit
    env.filters["tojson_compact"] = lambda v: json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    return env


def template_version(name: str) -> str:
    """``choose_speaker`` -> ``choose_speaker.v1`` (the highest version present)."""
    versions = sorted(
        (int(p.stem.rsplit(".v", 1)[1]), p.stem) for p in PROMPTS_DIR.glob(f"{name}.v*.j2") if ".v" in p.stem
    )
    if not versions:
        raise ConfigError(f"no prompt template named {name!r} in {PROMPTS_DIR}")
    return versions[-1][1]


class RenderedPrompt(list[Message]):
    """Messages plus the template version they came from."""

    version: str = ""


def render(name: str, **variables: object) -> RenderedPrompt:
    version = template_version(name) if ".v" not in name else name
    template = _env().get_template(f"{version}.j2")
    ctx = template.new_context(dict(variables))
    messages = RenderedPrompt()
    for role in ("system", "user"):
        block = template.blocks.get(role)
        if block is not None:
            content = "".join(block(ctx)).strip()
            if content:
                messages.append({"role": role, "content": content})
    messages.version = version
    return messages


def prompt_hash(prompts: list[list[Message]]) -> str:
    """SHA-256 (first 16 hex digits) of every rendered prompt sent for one brief, in order."""
    h = hashlib.sha256()
    for messages in prompts:
        h.update(json.dumps(messages, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return h.hexdigest()[:16]


def templates_for(mode: str) -> str:
    """The template versions a brief asked in ``mode`` depends on (what resuming a batch compares)."""
    if mode == "none":
        return "none"
    if mode == "choices":
        names = sorted({p.name.split(".v")[0] for p in PROMPTS_DIR.glob("choose_*.v*.j2")})
        return "+".join(template_version(n) for n in names)
    return template_version("brief")
