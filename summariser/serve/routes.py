"""The routes: ``/v1/briefs``, ``/v1/render``, ``/v1/batches``, ``/v1/schema``, ``/health``, ``/metrics``
and the desk page ``/``. Bodies are parsed here (not by FastAPI) so each failure gets its own status."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .. import __version__
from ..errors import SummariserError
from ..load import MAX_BYTES, article_from_text
from .errors import ApiError, bug_response, count_error

__all__ = ["router"]

Format = Literal["json", "markdown", "html"]
MEDIA = {
    "json": "application/json",
    "markdown": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD`` (or null): pydantic would take a number as a Unix timestamp."""
    if value is not None and not isinstance(value, (str, dt.date)):
        raise ValueError("write the date as YYYY-MM-DD")
    return value


class BriefRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="The article (plain text or HTML).")
    published: dt.date | None = Field(None, description="Publication date: resolves 'on Tuesday'.")
    format: Format = Field("json", description="json (default), markdown or html (the brief page).")
    id: str | None = Field(None, max_length=200, description="Your id for the article (names it in errors).")

    _published = field_validator("published", mode="before")(_iso_date)


class RenderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    brief: dict[str, Any] = Field(description="A brief as returned by POST /v1/briefs.")
    text: str = Field(description="The article the brief was made from.")
    format: Format = "html"


class BatchRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(None, max_length=200)
    text: str
    published: dt.date | None = None

    _published = field_validator("published", mode="before")(_iso_date)


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    records: list[BatchRecord] = Field(min_length=1, max_length=10_000)
    format: Literal["json", "markdown"] = "json"


class ErrorDetail(BaseModel):
    type: str
    message: str
    fix: str | None


class ErrorBody(BaseModel):
    error: ErrorDetail


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": what}
    for code, what in {
        400: "Bad input (not JSON, not UTF-8, an empty or unusable article)",
        401: "A token is required (SUMMARISER_API_TOKEN is set)",
        413: "Too large (request body, article, or the model's context)",
        415: "Unsupported media type",
        422: "Invalid fields",
        429: "Over capacity; see Retry-After",
        502: "The model answered, but never usably",
        503: "The model endpoint is down or misconfigured",
    }.items()
}


REQUEST_MODELS: list[type[BaseModel]] = [BriefRequest, RenderRequest, BatchRequest]  # in components


def _body_doc(model: type[BaseModel], plain: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
    }
    if plain:
        content["text/plain"] = {"schema": {"type": "string", "description": "The article itself."}}
    return {"requestBody": {"required": True, "content": content}}


async def _json_body(request: Request, model: type[BaseModel], *, plain: dict[str, Any] | None = None) -> Any:
    """Parse the body as ``model``: 415 for another media type, 400 for bad bytes, 422 for bad fields."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    accepted = ["application/json", *(["text/plain"] if plain is not None else [])]
    if ctype not in accepted:
        raise ApiError(
            415,
            "UnsupportedMediaType",
            f"Content-Type {ctype or '(none)'!r} is not accepted here",
            f"send {' or '.join(accepted)}",
        )
    raw = await request.body()
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "InputError", "the body is not UTF-8", "send UTF-8 text") from None
    if ctype == "text/plain":
        data: Any = {"text": body, **{k: v for k, v in (plain or {}).items() if v is not None}}
    else:
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise ApiError(
                400, "InputError", f"the body is not valid JSON ({exc})", "send a JSON object"
            ) from None
        if not isinstance(data, dict):
            raise ApiError(400, "InputError", "the body must be a JSON object", 'e.g. {"text": "..."}')
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        parts = [f"{'.'.join(str(x) for x in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()[:10]]
        raise ApiError(
            422, "ValidationError", "invalid fields: " + "; ".join(parts), "see GET /openapi.json"
        ) from None


def _check_size(text: str) -> None:
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ApiError(
            413, "InputError", f"the article is larger than {MAX_BYTES:,} bytes", "split the article"
        )


def _render(brief: Any, fmt: str, text: str) -> Response:
    from ..output.files import render

    return Response(render(brief, fmt, text), media_type=MEDIA[fmt])


router = APIRouter()


@router.get("/health", tags=["service"])
async def health(request: Request) -> dict[str, str]:
    """Liveness, the engine and the model (open even when a token is required)."""
    engine = request.app.state.engine
    return {"status": "ok", "engine": engine.name, "model": engine.model, "version": __version__}


@router.get("/metrics", tags=["service"], response_class=PlainTextResponse)
async def metrics(request: Request) -> Response:
    """Prometheus text: requests, latencies, briefs, model calls, tokens, errors, load."""
    from .metrics import CONTENT_TYPE_LATEST

    m = request.app.state.metrics
    for state in ("queued", "running", "done", "failed"):
        m.batches.labels(state).set(0)
    for state, n in request.app.state.batches.counts().items():
        m.batches.labels(state).set(n)
    return Response(m.render(), media_type=CONTENT_TYPE_LATEST)


@router.get("/v1/schema", tags=["briefs"])
async def schema() -> Response:
    """The JSON Schema of a brief (``schemas/brief.schema.json``)."""
    from ..output.render import brief_json_schema

    return Response(brief_json_schema(), media_type="application/schema+json")


_BRIEF_QUERY = frozenset({"published", "format", "id"})


@router.post(
    "/v1/briefs",
    tags=["briefs"],
    openapi_extra=_body_doc(BriefRequest, plain=True),
    responses={
        200: {
            "description": "The brief (JSON, Markdown or the HTML page, as `format` asks)",
            "content": {"application/json": {}, "text/markdown": {}, "text/html": {}},
        },
        **_ERRORS,
    },
)
async def create_brief(
    request: Request,
    published: dt.date | None = Query(None, description="With a text/plain body: the publication date."),
    format: Format | None = Query(None, description="With a text/plain body: json, markdown or html."),
    id: str | None = Query(None, description="With a text/plain body: your id for the article."),
) -> Response:
    """Brief one article: a JSON object, or the article itself as ``text/plain`` (options as query)."""
    unknown = sorted(set(request.query_params) - _BRIEF_QUERY)
    if unknown:  # a misspelt ?publshed= would otherwise be ignored and "on Tuesday" left unresolved
        raise ApiError(
            422,
            "ValidationError",
            f"invalid fields: unknown query parameter {', '.join(unknown)}",
            f"use {', '.join(sorted(_BRIEF_QUERY))}",
        )
    req: BriefRequest = await _json_body(
        request, BriefRequest, plain={"published": published, "format": format, "id": id}
    )
    _check_size(req.text)
    state = request.app.state
    try:
        article = article_from_text(req.text, name=req.id or "request", published=req.published)
        brief = await state.engine.brief(article)
        state.metrics.brief(brief, "request")
        response = _render(brief, req.format, article.text)
    except (SummariserError, ApiError):
        raise
    except Exception as exc:  # a bug: logged, never a traceback in the body
        count_error(request, "InternalError", 500)
        return bug_response(exc, "POST /v1/briefs")
    if req.id:
        response.headers["X-Summariser-Id"] = re.sub(r"[^\x20-\x7e]", "?", req.id)
    return response


@router.post("/v1/render", tags=["briefs"], openapi_extra=_body_doc(RenderRequest), responses=_ERRORS)
async def render(request: Request) -> Response:
    """Render a brief made earlier as its HTML page or Markdown (or JSON), against its article."""
    req: RenderRequest = await _json_body(request, RenderRequest)
    _check_size(req.text)
    from ..schema.brief import IncidentBrief

    try:
        brief = IncidentBrief.model_validate(req.brief)
    except ValidationError as exc:
        raise ApiError(
            422,
            "ValidationError",
            f"brief: not a valid brief ({exc.error_count()} errors)",
            "send a brief exactly as POST /v1/briefs returned it",
        ) from None
    article = article_from_text(req.text)
    return _render(brief, req.format, article.text)


@router.post(
    "/v1/batches",
    status_code=202,
    tags=["batches"],
    openapi_extra=_body_doc(BatchRequest),
    responses=_ERRORS,
)
async def create_batch(request: Request) -> JSONResponse:
    """Queue many records; answers at once with the batch id. Briefs are stored on disk."""
    req: BatchRequest = await _json_body(request, BatchRequest)
    records = [r.model_dump(mode="json", exclude_none=True) for r in req.records]
    store = request.app.state.batches
    state = store.create(records, req.format)
    view = store.view(state["id"], results=False)
    url = f"/v1/batches/{state['id']}"
    return JSONResponse({**view, "url": url}, status_code=202, headers={"Location": url})


@router.get("/v1/batches/{batch_id}", tags=["batches"], responses={404: {"model": ErrorBody}})
async def get_batch(
    request: Request,
    batch_id: str,
    results: bool = Query(True, description="Include the briefs."),
    offset: int = Query(0, ge=0, description="Results from this record on (0-based)."),
    limit: int | None = Query(None, ge=1, le=10_000, description="At most this many results."),
) -> JSONResponse:
    """Progress (total, done, failed, pending) and, record by record in input order, each brief or error."""
    view = request.app.state.batches.view(batch_id, results=results, offset=offset, limit=limit)
    if view is None:
        raise ApiError(404, "NotFound", f"no batch {batch_id!r}", "use the id POST /v1/batches returned")
    return JSONResponse(view)


@router.get("/", include_in_schema=False)
async def page(request: Request) -> HTMLResponse:
    from .page import page_csp, render_page

    engine = request.app.state.engine
    return HTMLResponse(
        render_page(engine.name, engine.model),
        headers={"Content-Security-Policy": page_csp(), "X-Content-Type-Options": "nosniff"},
    )
