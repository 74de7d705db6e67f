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

    def asked(self, messages: list[Message], default_version: str) -> None:
        """A prompt was sent; its template version (``RenderedPrompt.version``) is noted once."""
        self.prompts.append(messages)
        version = getattr(messages, "version", default_version)
        if version not in self.versions:
            self.versions.append(version)

    def add(self, c: Completion[Any], messages: list[Message], default_version: str) -> None:
        self.asked(messages, default_version)
        self.prompt_tokens += c.prompt_tokens
        self.completion_tokens += c.completion_tokens
        self.calls += c.calls
        self.retries += c.retries
