"""The app factory: ``create_app(settings, config)`` builds the engine (configuration errors come first),
the batch store, the middleware (CORS if configured, metrics, auth, body limit) and the routes.

    from summariser.serve import ServeConfig, create_app
    app = create_app(Settings.from_env(model="extractive"), ServeConfig(concurrency=8))
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi_offline import FastAPIOffline
from pydantic.json_schema import models_json_schema

from .. import __version__
from ..settings import Settings
from .auth import AuthMiddleware, BodyLimitMiddleware
from .batches import BatchStore
from .engine import Engine
from .errors import install_handlers
from .metrics import Metrics, MetricsMiddleware
from .routes import REQUEST_MODELS, router

__all__ = ["ServeConfig", "create_app", "default_batch_dir"]

log = logging.getLogger("summariser.serve")

DESCRIPTION = """Grounded, structured incident briefs from news reports, over HTTP.

Every route but `/health` needs `Authorization: Bearer <token>` when the server was started with
`SUMMARISER_API_TOKEN` set. Errors are `{"error": {"type", "message", "fix"}}`.
"""


@dataclass(frozen=True)
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    concurrency: int = 4  # remote engines; a local model and the extractive rules brief one at a time
    queue: int = 32  # requests that may wait for the engine; past that, 429
    max_body: int = 8_000_000  # bytes per request
    cors_origins: tuple[str, ...] = ()  # CORS is off unless origins are given
    batch_dir: Path | None = None
    warm: bool = True  # load spaCy (and a local model) before accepting requests


def default_batch_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("summariser")) / "serve" / "batches"


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        _, defs = models_json_schema(
            [(m, "validation") for m in REQUEST_MODELS], ref_template="#/components/schemas/{model}"
        )
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {}).update(defs.get("$defs", {}))
        components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        if app.state.token:
            schema["security"] = [{"bearer": []}]
        app.openapi_schema = schema
    return app.openapi_schema


def create_app(settings: Settings | None = None, config: ServeConfig | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    config = config or ServeConfig()
    engine = Engine(settings, concurrency=config.concurrency, queue=config.queue)
    metrics = Metrics()
    metrics.bind(engine.limiter)
    batches = BatchStore(config.batch_dir or default_batch_dir(), engine, metrics)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if config.warm:
            await asyncio.to_thread(engine.warm)
        batches.start()
        log.info("summariser serve: engine %s, model %s", engine.name, engine.model)
        try:
            yield
        finally:
            await batches.stop()
            await engine.aclose()

    # FastAPIOffline: the /docs page with Swagger UI served from the package, not from a CDN
    app = FastAPIOffline(
        title="summariser",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
        static_url="/docs/static",
        openapi_url="/openapi.json",
    )
    app.state.engine, app.state.metrics, app.state.batches = engine, metrics, batches
    app.state.token = settings.api_token
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    install_handlers(app, [settings.api_key or "", settings.api_token or ""])
    app.include_router(router)
    # Starlette: the middleware added last runs first. CORS answers preflights before auth asks for a token.
    app.add_middleware(BodyLimitMiddleware, limit=config.max_body)
    app.add_middleware(AuthMiddleware, token=settings.api_token)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    if config.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    return app
