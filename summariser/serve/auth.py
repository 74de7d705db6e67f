"""Bearer-token auth and the request size limit, as ASGI middleware (they run before any route).

With a token configured (``SUMMARISER_API_TOKEN``, read by ``Settings``), every route but ``/health`` needs
``Authorization: Bearer <token>``. Browsers cannot add that header to a page load, so the pages (``/``,
``/docs``) also accept HTTP Basic auth with the token as the password: the browser asks once and then
sends it with the page's own API calls. Tokens are compared in constant time (``hmac.compare_digest``).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["OPEN_PATHS", "PAGE_PATHS", "AuthMiddleware", "BodyLimitMiddleware", "token_matches"]

OPEN_PATHS = frozenset({"/health"})
PAGE_PATHS = ("/docs",)  # and "/": the pages a browser opens, which ask for Basic auth


def token_matches(header: str | None, token: str) -> bool:
    """Does an ``Authorization`` header carry ``token`` (Bearer, or Basic with it as the password)?"""
    if not header:
        return False
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "basic":
        try:
            value = base64.b64decode(value, validate=True).decode("utf-8").partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            return False
    elif scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.encode("utf-8"), token.encode("utf-8"))


async def _send_error(
    send: Send,
    status: int,
    type_: str,
    message: str,
    fix: str,
    headers: list[tuple[bytes, bytes]] = (),  # type: ignore[assignment]
) -> None:
    body = json.dumps({"error": {"type": type_, "message": message, "fix": fix}}).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class AuthMiddleware:
    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.token or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        raw = headers.get(b"authorization")
        if token_matches(raw.decode("latin-1") if raw else None, self.token):
            await self.app(scope, receive, send)
            return
        page = scope["path"] == "/" or scope["path"].startswith(PAGE_PATHS)
        challenge = b'Basic realm="summariser", charset="UTF-8"' if page else b'Bearer realm="summariser"'
        await _send_error(
            send,
            401,
            "Unauthorized",
            "a valid token is required" if raw else "this server needs a token",
            "send 'Authorization: Bearer <token>' (the token the server was started with, "
            "SUMMARISER_API_TOKEN)",
            [(b"www-authenticate", challenge)],
        )


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Refuse bodies over ``limit`` bytes with 413: at once by ``Content-Length``, else while reading."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def _refuse(self, send: Send) -> None:
        await _send_error(
            send,
            413,
            "RequestTooLarge",
            f"the request body is larger than {self.limit:,} bytes",
            "send fewer or shorter articles per request, or start the server with a larger --max-body",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await self._refuse(send)
            return
        seen = 0
        started = False

        async def receiving() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receiving, sending)
        except _TooLarge:
            if not started:
                await self._refuse(send)
