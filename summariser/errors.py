"""The exception tree. Every error the library raises on purpose derives from ``SummariserError``.

The CLI turns each of them into one line on stderr and the exit code in ``exit_code``.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "ContextLengthError",
    "EndpointError",
    "EvalError",
    "GenerationError",
    "InputError",
    "InternalError",
    "ModelError",
    "OutputError",
    "SummariserError",
]


class SummariserError(Exception):
    """Root of every error raised by summariser. ``hint`` says how to fix it."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InputError(SummariserError):
    """The article cannot be used: missing, empty, binary, not UTF-8, too large."""

    exit_code = 2


class ConfigError(SummariserError):
    """A setting is missing or wrong: unknown model, missing API key, bad base URL."""

    exit_code = 3


class ModelError(ConfigError):
    """The model named cannot be loaded (unknown engine, missing GGUF file)."""


class OutputError(ConfigError):
    """A brief, run file or log line cannot be written: disk full, folder read-only or gone.

    Nothing half-written is left behind; the run stops, and running it again resumes where it stopped.
    """


class EndpointError(SummariserError):
    """The model endpoint could not be reached or kept failing after retries."""

    exit_code = 4


class GenerationError(SummariserError):
    """The model answered, but never with a usable structured answer."""

    exit_code = 5


class ContextLengthError(GenerationError):
    """The article does not fit the model's context window, even split into parts."""


class EvalError(SummariserError):
    """A golden file, dataset or run file is malformed or missing."""

    exit_code = 6


class InternalError(SummariserError):
    """A broken invariant inside summariser: a bug, not a problem with the input or the settings.

    The only error with exit code 70 (the CLI also uses 70 for an unexpected exception, which is a bug too).
    """

    exit_code = 70
