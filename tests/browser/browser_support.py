"""What both browser test files need: Debian's Chromium, its flags, and a page opened from a file with every
page error and every non-file request collected in ``page.errors``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def open_file(
    browser: Any, path: Path, html: str, *, width: int = 1280, height: int = 720, **context: Any
) -> Any:
    path.write_text(html, encoding="utf-8")
    ctx = browser.new_context(viewport={"width": width, "height": height}, **context)
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    page.on(
        "request",
        lambda req: page.errors.append(f"request {req.url}") if not req.url.startswith("file://") else None,
    )
    page.goto(path.as_uri())
    return page
