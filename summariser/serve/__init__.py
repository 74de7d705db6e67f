"""``summariser serve``: the library over HTTP (FastAPI + uvicorn), and a desk page at ``/``.

Install with ``pip install 'summariser[serve]'``. ``create_app`` builds the ASGI app; ``run`` serves it.
Imported lazily, so ``summariser serve --help`` works (and says what is missing) without the extra.

May import: ``pipeline``, ``batch``, ``backends``, ``output``, ``schema``, ``extract`` (to warm spaCy),
``store``, ``load``, ``settings``, ``errors``. Never ``cli``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import ServeConfig, create_app, default_batch_dir

__all__ = ["ServeConfig", "create_app", "default_batch_dir", "run"]


def __getattr__(name: str) -> Any:
    if name in ("ServeConfig", "create_app", "default_batch_dir"):
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module 'summariser.serve' has no attribute {name!r}")


def run(app: Any, config: ServeConfig, *, log_level: str = "info") -> None:
    """Serve ``app`` with uvicorn on ``config.host:config.port`` until interrupted."""
    import uvicorn

    uvicorn.run(
        app,
        host=config.host,
        port=config.port,
        log_level=log_level,
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=10,
    )
