"""``summariser serve``: the HTTP service and the desk page (imported lazily by ``cli/main.py``)."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from .main import make_settings, model_options

__all__ = ["serve"]


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind (keep 127.0.0.1 behind a reverse proxy).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="0 picks a free port (the log names it).",
)
@model_options
@click.option(
    "--concurrency",
    type=click.IntRange(1, 256),
    default=4,
    show_default=True,
    help="Briefs at a time for remote engines (a local model and the rules brief one at a time).",
)
@click.option(
    "--queue",
    type=click.IntRange(0, 100_000),
    default=32,
    show_default=True,
    help="Requests that may wait for the engine; more get 429 with Retry-After.",
)
@click.option(
    "--max-body",
    type=click.IntRange(1),
    default=8_000_000,
    show_default=True,
    help="Largest request (bytes).",
)
@click.option(
    "--cors-origin", "cors", multiple=True, help="Allow this browser origin (repeatable). Off by default."
)
@click.option(
    "--batch-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where /v1/batches stores its briefs [default: the user data folder].",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the response cache.")
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="info",
    show_default=True,
    help="Server log on stderr (uvicorn and summariser).",
)
def serve(
    host: str,
    port: int,
    model: str | None,
    base_url: str | None,
    concurrency: int,
    queue: int,
    max_body: int,
    cors: tuple[str, ...],
    batch_dir: Path | None,
    no_cache: bool,
    log_level: str,
) -> None:
    """Serve briefs over HTTP (API under /v1, docs at /docs) and a desk page at /.

    With SUMMARISER_API_TOKEN set, every route but /health needs
    'Authorization: Bearer <token>'.
    """
    try:
        from ..serve import ServeConfig, create_app, run
    except ImportError as exc:  # the optional extra is missing
        raise click.ClickException(
            f"summariser serve needs FastAPI and uvicorn ({exc.name} is missing)\n"
            "  fix: pip install 'summariser[serve]'"
        ) from None
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s:     %(name)s: %(message)s")
    settings = make_settings(model, base_url, use_cache=False if no_cache else None)
    config = ServeConfig(
        host=host,
        port=port,
        concurrency=concurrency,
        queue=queue,
        max_body=max_body,
        cors_origins=cors,
        batch_dir=batch_dir,
    )
    if host not in ("127.0.0.1", "localhost", "::1") and not settings.api_token:
        click.echo(
            f"warning: serving on {host} without SUMMARISER_API_TOKEN: anyone who can reach it can use it",
            err=True,
        )
    run(create_app(settings, config), config, log_level=log_level)
