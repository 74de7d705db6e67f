"""Test helpers shipped with the package: a scripted local OpenAI-compatible server.

Importing this package is cheap (stdlib + pydantic); nothing here touches the network beyond 127.0.0.1.
"""

from __future__ import annotations

from .openai_server import FAULT_KINDS, HOST, FaultInjector, OpenAIServer, RecordedRequest, Step

__all__ = ["FAULT_KINDS", "HOST", "FaultInjector", "OpenAIServer", "RecordedRequest", "Step"]
