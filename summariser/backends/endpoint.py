"""What an OpenAI-compatible server says about itself: where it runs, which models it serves, how large
their context window is.

* ``is_local(url)``: loopback, private, link-local addresses and LAN host names (``localhost``,
  ``ollama``, ``*.local``). Local servers compute one request at a time on modest hardware: a request
  that timed out is still being computed and must not be sent again.
* ``probe(...)``: ``GET /v1/models`` (ids; vLLM's ``max_model_len``, other servers' ``n_ctx``,
  ``context_length``, ``context_window``) and, for llama.cpp's server, ``GET /props``
  (``default_generation_settings.n_ctx``). A server that serves neither is fine: nothing is learnt.
* ``context_from_message(text)``: the window from an overflow message ("maximum context length is 2048
  tokens", "exceeds the available context size (4096 tokens)", "context window of 2048").
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..settings import is_local_url

__all__ = ["EndpointInfo", "context_from_message", "is_local", "probe"]

_log = logging.getLogger(__name__)

_CONTEXT_FIELDS = ("max_model_len", "n_ctx", "context_length", "context_window", "max_context_length")
_CONTEXT_MESSAGES = [
    re.compile(r"maximum context length is (\d[\d,]*)", re.I),
    re.compile(r"context (?:window|size|length) of (\d[\d,]*)", re.I),
    re.compile(r"available context size \((\d[\d,]*) tokens?\)", re.I),
    re.compile(r"\bn_ctx(?:_slot)?\s*[=:]\s*(\d+)", re.I),
]


# One definition of "a server of one's own": the one the settings use to decide whether a key is needed.
is_local = is_local_url


def context_from_message(text: str) -> int | None:
    for pattern in _CONTEXT_MESSAGES:
        m = pattern.search(text)
        if m:
            value = int(m.group(1).replace(",", ""))
            if value > 0:
                return value
    return None


@dataclass
class EndpointInfo:
    models: list[str] | None = None  # None: the server does not list its models
    context_windows: dict[str, int] = field(default_factory=dict)
    server_context: int | None = None  # llama.cpp /props: the one loaded model's window

    def context_for(self, model: str) -> int | None:
        if model in self.context_windows:
            return self.context_windows[model]
        if self.server_context:
            return self.server_context
        if self.models is not None and len(self.models) == 1 and self.context_windows:
            return next(iter(self.context_windows.values()))
        return None


def _positive_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value > 0:
        return int(value)
    if isinstance(value, str) and value.isdigit() and int(value) > 0:
        return int(value)
    return None


def _context_of(entry: dict[str, Any]) -> int | None:
    for source in (entry, entry.get("meta") or {}, entry.get("details") or {}):
        if not isinstance(source, dict):
            continue
        for name in _CONTEXT_FIELDS:
            found = _positive_int(source.get(name))
            if found:
                return found
    return None


def _get_json(client: httpx.Client, url: str) -> Any:
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        _log.debug("probe %s: %s", url, exc)
        return None
    if response.status_code != 200:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def probe(base_url: str, *, api_key: str, timeout: float) -> EndpointInfo:
    """Ask the server what it serves (each request bounded by ``timeout``; failures just mean unknown)."""
    info = EndpointInfo()
    headers = {"Authorization": f"Bearer {api_key}"}
    base = base_url.rstrip("/")
    with httpx.Client(timeout=timeout, headers=headers, follow_redirects=False) as client:
        listing = _get_json(client, f"{base}/models")
        if isinstance(listing, dict) and isinstance(listing.get("data"), list):
            entries = [e for e in listing["data"] if isinstance(e, dict) and isinstance(e.get("id"), str)]
            info.models = [e["id"] for e in entries]
            for entry in entries:
                window = _context_of(entry)
                if window:
                    info.context_windows[entry["id"]] = window
        if is_local(base_url):  # llama.cpp's server; never asked of remote APIs
            root = base[: -len("/v1")] if base.endswith("/v1") else base
            props = _get_json(client, f"{root}/props")
            if isinstance(props, dict):
                settings = props.get("default_generation_settings")
                info.server_context = _positive_int(
                    (settings or {}).get("n_ctx") if isinstance(settings, dict) else None
                ) or _positive_int(props.get("n_ctx"))
    return info
