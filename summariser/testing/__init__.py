"""Test helpers shipped with the package: a scripted local OpenAI-compatible server.

Names are loaded lazily so that ``python -m summariser.testing.openai_server`` runs cleanly.
Nothing here touches the network beyond 127.0.0.1. May import: nothing else of the package (it is run as a
separate process too); nothing in the package imports ``testing``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["FAULT_KINDS", "HOST", "FaultInjector", "OpenAIServer", "RecordedRequest", "Step"]

if TYPE_CHECKING:
    from .openai_server import FAULT_KINDS, HOST, FaultInjector, OpenAIServer, RecordedRequest, Step


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'summariser.testing' has no attribute {name!r}")
    from . import openai_server

    return getattr(openai_server, name)
