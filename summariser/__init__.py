"""summariser: grounded, structured incident briefs from news reports.

>>> from summariser import summarise
>>> brief = summarise(text)            # offline by default
>>> brief.quotes[0].speaker
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "ContextLengthError",
    "EndpointError",
    "EvalError",
    "GenerationError",
    "IncidentBrief",
    "InputError",
    "InternalError",
    "ModelError",
    "OutputError",
    "Settings",
    "Summariser",
    "SummariserError",
    "__version__",
    "asummarise",
    "render_html",
    "render_json",
    "render_markdown",
    "summarise",
]

# Light at import time: `summariser --help` must not load spaCy, llama.cpp or openai.
_LAZY = {
    "IncidentBrief": "summariser.schema.brief",
    "Settings": "summariser.settings",
    "Summariser": "summariser.pipeline",
    "summarise": "summariser.pipeline",
    "asummarise": "summariser.pipeline",
    "render_markdown": "summariser.output.render",
    "render_json": "summariser.output.render",
    "render_html": "summariser.output.html",
}

from .errors import (  # noqa: E402
    ConfigError,
    ContextLengthError,
    EndpointError,
    EvalError,
    GenerationError,
    InputError,
    InternalError,
    ModelError,
    OutputError,
    SummariserError,
)

if TYPE_CHECKING:
    from .output.html import render_html
    from .output.render import render_json, render_markdown
    from .pipeline import Summariser, asummarise, summarise
    from .schema.brief import IncidentBrief
    from .settings import Settings


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'summariser' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
