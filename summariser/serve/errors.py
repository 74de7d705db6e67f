"""Errors as JSON: ``{"error": {"type", "message", "fix"}}`` with the status the library error calls for.

The library's ``SummariserError`` tree maps onto HTTP statuses here, at the edge. Anything else is a bug:
it is logged with its traceback on the server and answered with a 500 that names no internals.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import (
    ConfigError,
    ContextLengthError,
    EndpointError,
    GenerationError,
    InputError,
    InternalError,
    SummariserError,
)

__all__ = [
    "ApiError",
    "bug_response",
    "count_error",
    "error_body",
    "error_response",
    "install_handlers",
    "status_for",
]

log = logging.getLogger("summariser.serve")


class ApiError(Exception):
    """An HTTP-level problem (bad body, too large, unsupported media type, over capacity, not found)."""

    def __init__(
        self,
        status: int,
        type_: str,
        message: str,
        fix: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.type, self.message, self.fix = status, type_, message, fix
        self.headers = dict(headers or {})


def status_for(exc: SummariserError) -> int:
    """400 bad input, 413 too long for the model, 502 unusable model answer, 503 endpoint down or
    misconfigured engine; the rest (eval errors have no place here) 500."""
    if isinstance(exc, ContextLengthError):
        return 413
    if isinstance(exc, InputError):
        return 413 if "larger than" in exc.message else 400
    if isinstance(exc, EndpointError):
        return 503
    if isinstance(exc, GenerationError):
        return 502
    if isinstance(exc, ConfigError):
        return 503
    return 500


def error_body(type_: str, message: str, fix: str | None) -> dict[str, dict[str, str | None]]:
    return {"error": {"type": type_, "message": message, "fix": fix}}


def error_response(
    status: int, type_: str, message: str, fix: str | None = None, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(type_, message, fix), status_code=status, headers=dict(headers or {}))


def summariser_error_response(exc: SummariserError, secrets: Iterable[str] = ()) -> JSONResponse:
    from ..redact import redact

    secrets = [s for s in secrets if s]
    headers = {"Retry-After": "5"} if isinstance(exc, EndpointError) else None
    return error_response(
        status_for(exc),
        type(exc).__name__,
        redact(exc.message, secrets),
        redact(exc.hint, secrets) if exc.hint else None,
        headers,
    )


def bug_response(exc: BaseException, where: str) -> JSONResponse:
    """Log the traceback under an id; the body carries only the id."""
    ref = uuid.uuid4().hex[:12]
    log.error("internal error %s in %s", ref, where, exc_info=(type(exc), exc, exc.__traceback__))
    return error_response(
        500,
        "InternalError",
        f"internal error (reference {ref}); this is a bug in summariser",
        "report it with the reference; the server log has the details",
    )


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:10]:
        loc = ".".join(str(x) for x in err.get("loc", ()) if x != "body") or "body"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    return "invalid fields: " + "; ".join(parts)


_HTTP_TYPES = {404: "NotFound", 405: "MethodNotAllowed", 401: "Unauthorized"}


def count_error(request: Request, type_: str, status: int) -> None:
    metrics = getattr(request.app.state, "metrics", None)
    if metrics is not None:
        metrics.errors.labels(type_).inc()
        if status == 429:
            metrics.rejected.inc()


def install_handlers(app: FastAPI, secrets: Iterable[str] = ()) -> None:
    secret_list = [s for s in secrets if s]

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        count_error(request, exc.type, exc.status)
        return error_response(exc.status, exc.type, exc.message, exc.fix, exc.headers)

    @app.exception_handler(SummariserError)
    async def _lib(request: Request, exc: SummariserError) -> JSONResponse:
        if isinstance(exc, InternalError):  # a broken invariant: a bug, logged like any other
            count_error(request, "InternalError", 500)
            return bug_response(exc, f"{request.method} {request.url.path}")
        count_error(request, type(exc).__name__, status_for(exc))
        return summariser_error_response(exc, secret_list)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        count_error(request, "ValidationError", 422)
        return error_response(422, "ValidationError", _validation_message(exc), "see GET /openapi.json")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        fix = "see GET /openapi.json for the routes" if exc.status_code in (404, 405) else None
        message = f"{request.method} {request.url.path}: {exc.detail}"
        return error_response(
            exc.status_code, _HTTP_TYPES.get(exc.status_code, "HTTPError"), message, fix, exc.headers
        )

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        count_error(request, "InternalError", 500)
        return bug_response(exc, f"{request.method} {request.url.path}")
