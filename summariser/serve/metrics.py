"""``GET /metrics``: Prometheus text — requests, latencies, briefs, model calls, tokens, errors, load.

Each app has its own registry (several apps in one process do not share counters). Routes are labelled by
their template (``/v1/batches/{batch_id}``), never by the raw path, so the label set stays small.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from ..schema.brief import IncidentBrief
    from .engine import Limiter

__all__ = ["CONTENT_TYPE_LATEST", "Metrics", "MetricsMiddleware"]

disable_created_metrics()  # no *_created series: they double the output and nobody graphs them
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


class Metrics:
    def __init__(self) -> None:
        self.registry = r = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "summariser_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=r
        )
        self.latency = Histogram(
            "summariser_http_request_duration_seconds",
            "Time to answer an HTTP request",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.briefs = Counter(
            "summariser_briefs", "Briefs made, by where they came from", ["source"], registry=r
        )
        self.brief_seconds = Histogram(
            "summariser_brief_duration_seconds",
            "Pipeline time per brief",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.model_calls = Counter("summariser_model_calls", "Calls to the model", registry=r)
        self.tokens = Counter("summariser_tokens", "Model tokens of requests", ["kind"], registry=r)
        self.batch_tokens = Counter("summariser_batch_tokens", "Model tokens of batch items", registry=r)
        self.errors = Counter(
            "summariser_errors", "Error answers and failed batch items", ["type"], registry=r
        )
        self.rejected = Counter(
            "summariser_rejected", "Requests refused with 429 (over capacity)", registry=r
        )
        self.running = Gauge("summariser_briefs_running", "Briefs running now", registry=r)
        self.waiting = Gauge("summariser_requests_waiting", "Requests waiting for the engine", registry=r)
        self.batches = Gauge("summariser_batches", "Batches known to the server", ["state"], registry=r)

    def bind(self, limiter: Limiter) -> None:
        self.running.set_function(lambda: limiter.running)
        self.waiting.set_function(lambda: limiter.waiting)

    def brief(self, brief: IncidentBrief, source: str) -> None:
        self.briefs.labels(source).inc()
        self.brief_seconds.observe(brief.meta.duration_s)
        self.model_calls.inc(brief.meta.llm_calls)
        self.tokens.labels("prompt").inc(brief.meta.usage.prompt_tokens)
        self.tokens.labels("completion").inc(brief.meta.usage.completion_tokens)

    def batch_item(self, calls: int, tokens: int, error_type: str | None) -> None:
        self.briefs.labels("batch").inc(0 if error_type else 1)
        self.model_calls.inc(calls)
        self.batch_tokens.inc(tokens)
        if error_type:
            self.errors.labels(error_type).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Counts and times every HTTP request (outermost but for CORS: 401s and 413s are counted too)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route: Any = scope.get("route")
            label = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(scope["method"], label, str(status[0])).inc()
            self.metrics.latency.labels(label).observe(time.perf_counter() - started)
