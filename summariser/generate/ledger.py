"""``Ledger``: what one brief asked a model and what it cost (prompts, template versions, tokens, calls,
re-asks), and the warnings gathered on the way. The pipeline turns it into the brief's ``meta``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..backends.base import Completion, Message

__all__ = ["Ledger"]


@dataclass
class Ledger:
    prompts: list[list[Message]] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    retries: int = 0
    warnings: list[str] = field(default_factory=list)
    structured_mode: str | None = None  # how the endpoint was asked for JSON (openai engine)

    def charge(self, exc: BaseException) -> None:
        """``exc`` (the brief failed) carries what the whole brief spent, the failed call included
        (``spent``), so the run log, the batch summary and eval costs count failed and retried calls."""
        spent = dict(getattr(exc, "spent", None) or {})
        exc.spent = {  # type: ignore[attr-defined]
            "calls": self.calls + int(spent.get("calls", 0)),
            "retries": self.retries + int(spent.get("retries", 0)),
            "prompt_tokens": self.prompt_tokens + int(spent.get("prompt_tokens", 0)),
            "completion_tokens": self.completion_tokens + int(spent.get("completion_tokens", 0)),
        }

    def asked(self, messages: list[Message], default_version: str) -> None:
        """A prompt was sent; its template version (``RenderedPrompt.version``) is noted once."""
        self.prompts.append(messages)
        version = getattr(messages, "version", default_version)
        if version not in self.versions:
            self.versions.append(version)

    def add(self, c: Completion[Any], messages: list[Message], default_version: str) -> None:
        self.asked(messages, default_version)
        self.structured_mode = c.extra.get("structured_mode", self.structured_mode)
        self.prompt_tokens += c.prompt_tokens
        self.completion_tokens += c.completion_tokens
        self.calls += c.calls
        self.retries += c.retries
