"""The default offline engine: a GGUF model run in-process by llama.cpp (``llama-cpp-python``).

Answers are constrained by a grammar built from the response model's JSON Schema, so even a tiny model
returns well-formed JSON whose ``Literal``/enum fields hold one of the allowed options. The model is
loaded once per backend instance, lazily, and every call is serialised (llama.cpp is not thread-safe).

Mode: the bundled SmolLM2-135M (and any small or short-context model) is asked only *choices* among
candidates the rules found. A user GGUF gets ``mode="full"`` (a whole draft) only when it is at least
``FULL_MIN_BYTES`` on disk (about a 1.5B-parameter model at 4-5 bits) and ``n_ctx >= FULL_MIN_CTX``;
pass ``mode=`` to override.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..errors import ContextLengthError, GenerationError, ModelError
from ..settings import ENV_VARS, Settings, bundled_model_path
from .base import Backend, Completion, Message, Mode, T

if TYPE_CHECKING:
    from llama_cpp import Llama

__all__ = ["FULL_MIN_BYTES", "FULL_MIN_CTX", "LlamaBackend", "resolve_model_path"]

FULL_MIN_BYTES = 900_000_000
FULL_MIN_CTX = 8192
_GGUF_MAGIC = b"GGUF"
_HINT = f"pass --model local:PATH.gguf or set {ENV_VARS['model']}=local:PATH.gguf"


def resolve_model_path(settings: Settings) -> tuple[Path, bool]:
    """The GGUF file ``settings.model`` names, and whether it is the bundled model."""
    spec = settings.model_spec
    if spec.engine != "local":
        raise ModelError(f"model {spec} is not a local GGUF model", hint=_HINT)
    if spec.bundled:
        return bundled_model_path(), True
    return Path(spec.name).expanduser(), False


def _check_gguf(path: Path) -> None:
    if not path.is_file():
        raise ModelError(f"model file not found: {path}", hint=_HINT)
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ModelError(f"cannot read model file {path}: {exc}", hint=_HINT) from exc
    if magic != _GGUF_MAGIC:
        raise ModelError(f"not a GGUF model file: {path}", hint=_HINT)


class LlamaBackend(Backend):
    """``LlamaBackend(settings, model_path=None, mode=None)``; ``model_path`` overrides ``settings.model``."""

    engine = "local"

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        model_path: str | Path | None = None,
        mode: Mode | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        if model_path is not None:
            path, bundled = Path(model_path).expanduser(), False
        else:
            path, bundled = resolve_model_path(self.settings)
        _check_gguf(path)
        self.model_path = path.resolve()
        self.bundled = bundled
        # measured (README, benchmarks/results/model_choices.json): the bundled 135M model is worse than the
        # rules at every choice, so its answers are votes that flag disagreements, never overrides
        self.trusted = not bundled
        self.model = f"bundled:{path.stem}" if bundled else str(self.model_path)
        self.context_window = self.settings.n_ctx
        if mode is None:
            big = path.stat().st_size >= FULL_MIN_BYTES and self.settings.n_ctx >= FULL_MIN_CTX
            mode = "full" if big and not bundled else "choices"
        self.mode = mode
        self._llm: Llama | None = None
        self._lock = threading.RLock()
        self.loads = 0  # how many times the weights were loaded (tests check it stays 1)

    # -- model lifecycle -------------------------------------------------------------------------

    def _model(self) -> Llama:
        with self._lock:
            if self._llm is None:
                try:
                    from llama_cpp import Llama
                except ImportError as exc:  # pragma: no cover - dependency of the package
                    raise ModelError(
                        "llama-cpp-python is not installed", hint="pip install llama-cpp-python"
                    ) from exc
                try:
                    self._llm = Llama(
                        model_path=str(self.model_path),
                        n_ctx=self.settings.n_ctx,
                        # one core left free: llama.cpp's threads wait for each other at every layer, so
                        # one descheduled thread stalls them all on a busy machine (docs/benchmarks.md)
                        n_threads=self.settings.n_threads or max(1, (os.cpu_count() or 2) - 1),
                        seed=self.settings.seed,
                        verbose=False,  # llama.cpp's own log lines are dropped
                    )
                except (ValueError, RuntimeError, OSError) as exc:
                    raise ModelError(
                        f"llama.cpp could not load {self.model_path}: {exc}", hint=_HINT
                    ) from exc
                self.loads += 1
            return self._llm

    def load(self) -> None:
        """Load the weights now (once), rather than on the first call."""
        self._model()

    def close(self) -> None:
        with self._lock:
            if self._llm is not None:
                self._llm.close()
                self._llm = None

    def count_tokens(self, text: str) -> int:
        with self._lock:
            return len(self._model().tokenize(text.encode("utf-8"), add_bos=False, special=False))

    # -- completion ------------------------------------------------------------------------------

    def complete(
        self,
        messages: list[Message],
        response_model: type[T],
        *,
        max_tokens: int = 1024,
        max_reasks: int = 2,
    ) -> Completion[T]:
        schema = response_model.model_json_schema()
        convo = [dict(m) for m in messages]
        prompt_tokens = completion_tokens = calls = 0
        last_error = ""
        for attempt in range(max_reasks + 1):
            response = self._create(convo, schema, max_tokens)
            calls += 1
            usage = response.get("usage") or {}
            prompt_tokens += int(usage.get("prompt_tokens", 0))
            completion_tokens += int(usage.get("completion_tokens", 0))
            choice = response["choices"][0]
            content = choice["message"].get("content") or ""
            finish = choice.get("finish_reason")
            if finish == "length":
                raise GenerationError(
                    f"the local model's {response_model.__name__} was cut off at {max_tokens} tokens",
                    hint="raise max_tokens or ask for less",
                )
            try:
                value = response_model.model_validate_json(content)
            except ValidationError as exc:
                last_error = _short_error(exc)
                convo += [
                    {"role": "assistant", "content": content},
                    {
                        "role": "user",
                        "content": f"That answer is invalid: {last_error}. Answer again as JSON.",
                    },
                ]
                continue
            return Completion(
                value=value,
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
                calls=calls,
                retries=attempt,
                finish_reason=finish,
                extra={"raw": content},
            )
        raise GenerationError(
            f"the local model gave no valid {response_model.__name__} after {calls} tries: {last_error}",
            hint="try a larger model with --model local:PATH.gguf or --model openai:NAME",
        )

    def _create(self, convo: list[Message], schema: dict[str, Any], max_tokens: int) -> dict[str, Any]:
        with self._lock:
            llm = self._model()
            try:
                response = llm.create_chat_completion(
                    messages=convo,  # type: ignore[arg-type]
                    response_format={"type": "json_object", "schema": schema},
                    temperature=self.settings.temperature,
                    max_tokens=max_tokens,
                    seed=self.settings.seed,
                )
            except ValueError as exc:
                if "context window" in str(exc) or "exceed" in str(exc):
                    raise ContextLengthError(
                        f"prompt too long for the local context ({self.settings.n_ctx} tokens): {exc}",
                        hint=f"set {ENV_VARS['n_ctx']} higher or use a shorter article",
                    ) from exc
                raise GenerationError(f"llama.cpp failed: {exc}") from exc
            except RuntimeError as exc:
                raise GenerationError(f"llama.cpp failed: {exc}") from exc
        return response  # type: ignore[return-value]


def _short_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        loc = ".".join(str(p) for p in err.get("loc", ())) or "answer"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    return json.dumps("; ".join(parts))[1:-1]
