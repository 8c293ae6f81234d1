"""`wenzhuan serve`: the conversion service, a thin HTTP shell over the same pipeline as the CLI.

Endpoints: `GET /` (upload page), `GET /v1/formats`, `POST /v1/convert`, `POST /v1/inspect`,
`GET /openapi.json`. Errors are RFC 9457 problem details with the CLI's messages; conversions
run in a worker pool (`wenzhuan.workers`) with a time limit; request bodies have a size limit.
Nothing is written to disk: uploads and results stay in memory (multipart parts spill to
anonymous temporary files, which are closed, and so gone, when the request ends).
"""

from __future__ import annotations

import html
import io
import os
import re
import unicodedata
import zipfile
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from . import __version__
from .manager import default_host
from .workers import ConversionTimeout, WorkerCrashed, WorkerPool

STATUS = {"input": 400, "too_large": 413, "unsupported": 415, "options": 422, "plugin": 500,
          "internal": 500, "timeout": 504, "crashed": 500}
TITLES = {400: "Bad input", 413: "Input too large", 415: "Unsupported input type", 422: "Bad options",
          500: "Conversion failed", 504: "Conversion timed out", 404: "Not found", 405: "Method not allowed"}
# Query/form fields the service itself reads; every other one is a writer option.
RESERVED = {"to", "from", "encoding", "name", "script", "bilingual", "layout", "mark_differences", "transform",
            "skip_pass"}


@dataclass(frozen=True)
class Limits:
    max_body: int = 20 * 1024 * 1024
    timeout: float = 30.0
    concurrency: int = os.cpu_count() or 2


def problem(status: int, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


class _TooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def safe_stem(name: str | None) -> str:
    """A download name from whatever the client called its file: no folders, no dot-dot, no
    control characters, not empty."""
    stem = PurePath((name or "").replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem.strip(".") else stem
    stem = "".join(c for c in stem if unicodedata.category(c)[0] != "C" and c not in '/\\:*?"<>|')
    stem = re.sub(r"\s+", " ", stem).strip(" .")
    return stem[:100] or "document"


def content_disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


async def _gather_request(request: Request, limits: Limits) -> tuple[bytes, str | None, dict[str, list[str]]]:
    """The document's bytes, its name, and all parameters (query string and form fields)."""
    body = await _read_body(request, limits.max_body)
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        request._body = body  # parse the already size-checked body, not the stream again
        async with request.form(max_files=1, max_fields=50) as form:
            data, name = None, None
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    if data is None:
                        data, name = await value.read(), value.filename
                elif value != "":
                    params.setdefault(key, []).append(value)
        if data is None:
            raise ValueError("the form has no file: send the document as a `file` part")
        return data, name, params
    return body, (params.get("name") or [None])[0], params


def _job(data: bytes, name: str | None, params: dict[str, list[str]]) -> dict[str, Any]:
    options = {k: v[-1] for k, v in params.items() if k not in RESERVED}
    transforms = [t for t in params.get("transform", []) if t]
    script = (params.get("script") or [""])[-1]
    bilingual = (params.get("bilingual") or [""])[-1]
    if script == "bilingual":  # the upload page offers "bilingual" among the scripts
        script, bilingual = "", bilingual or "auto"
    return {
        "script": script or None, "bilingual": bilingual or None,
        "layout": (params.get("layout") or [None])[-1],
        "mark_differences": (params.get("mark_differences") or ["false"])[-1].lower() in ("1", "true", "yes", "on"),
        "data": data, "name": name or "<upload>", "formats": params.get("to", []),
        "from": (params.get("from") or [None])[0], "encoding": (params.get("encoding") or [None])[0],
        "options": options, "transforms": transforms, "skip_passes": params.get("skip_pass", []),
    }


async def _run(request: Request, job: dict[str, Any]) -> dict[str, Any] | JSONResponse:
    pool: WorkerPool = request.app.state.pool
    try:
        result = await pool.run(job)
    except ConversionTimeout as exc:
        return problem(504, str(exc))
    except WorkerCrashed as exc:
        return problem(500, str(exc))
    if not result["ok"]:
        return problem(STATUS.get(result["kind"], 500), result["message"])
    return result


async def _gather_or_problem(request: Request) -> tuple[bytes, str | None, dict[str, list[str]]] | Response:
    limits: Limits = request.app.state.limits
    try:
        return await _gather_request(request, limits)
    except _TooLarge:
        return problem(413, f"the request body is over the {limits.max_body // 1048576} MB limit")
    except ValueError as exc:
        return problem(400, str(exc))


async def convert(request: Request) -> Response:
    gathered = await _gather_or_problem(request)
    if isinstance(gathered, Response):
        return gathered
    data, name, params = gathered
    if not params.get("to"):
        return problem(422, "say which format to convert to: ?to=FORMAT (see GET /v1/formats)")
    result = await _run(request, _job(data, name, params))
    if isinstance(result, Response):
        return result
    stem = safe_stem(name)
    files = result["files"]
    headers = {"X-Wenzhuan-Changes": str(sum(result["changes"]["counts"].values()))}
    if len(files) == 1:
        f = files[0]
        headers["Content-Disposition"] = content_disposition(f"{stem}.{f['extension']}")
        return Response(f["data"], media_type=f["media_type"], headers=headers)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            info = zipfile.ZipInfo(f"{stem}.{f['extension']}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, f["data"])
    headers["Content-Disposition"] = content_disposition(f"{stem}.zip")
    return Response(buffer.getvalue(), media_type="application/zip", headers=headers)


async def inspect(request: Request) -> Response:
    gathered = await _gather_or_problem(request)
    if isinstance(gathered, Response):
        return gathered
    data, name, params = gathered
    job = {**_job(data, name, params), "inspect": True}
    result = await _run(request, job)
    if isinstance(result, Response):
        return result
    return JSONResponse({"document": result["document"], "changes": result["changes"]})


def formats_payload() -> list[dict[str, Any]]:
    catalog = default_host().catalog
    out = []
    for name, writer in sorted(catalog.writers.items()):
        out.append({
            "name": name, "aliases": list(writer.aliases), "extensions": list(writer.extensions),
            "media_type": writer.media_type, "description": writer.description,
            "provided_by": str(catalog.provider("writer", name)),
            "options": [{"name": o.name, "type": o.type_name(), "default": _jsonable(o.default), "help": o.help,
                         "choices": list(o.choices)} for o in writer.options],
        })
    return out


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


async def formats(request: Request) -> Response:
    return JSONResponse({"formats": formats_payload()})


def _static(name: str) -> str:
    return resources.files("wenzhuan").joinpath("static", name).read_text(encoding="utf-8")


async def index(request: Request) -> Response:
    options = "".join(
        f'<option value="{html.escape(f["name"])}"{" selected" if f["name"] == "epub" else ""}>'
        f'{html.escape(f["name"])} — {html.escape(f["description"])}</option>'
        for f in formats_payload())
    page = _static("index.html").replace("{{formats}}", options).replace("{{version}}", html.escape(__version__))
    return HTMLResponse(page)


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    types = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
    if name not in types:
        return problem(404, f"no asset {name!r}")
    return Response(_static(name), media_type=types[name])


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document())


def openapi_document() -> dict[str, Any]:
    names = [f["name"] for f in formats_payload()]
    problem_ref = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    body = {
        "required": True,
        "content": {
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            "text/plain": {"schema": {"type": "string"}},
            "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                "file": {"type": "string", "format": "binary"},
                "to": {"type": "string", "enum": names}}}},
        },
    }
    common = [
        {"name": "from", "in": "query", "schema": {"type": "string"}, "description": "input format; sniffed when absent"},
        {"name": "encoding", "in": "query", "schema": {"type": "string"}, "description": "input encoding; detected when absent"},
        {"name": "name", "in": "query", "schema": {"type": "string"}, "description": "the input's file name, for the download's name"},
    ]
    errors = {str(s): {"description": TITLES[s], **problem_ref} for s in (400, 413, 415, 422, 500, 504)}
    return {
        "openapi": "3.1.0",
        "info": {"title": "wenzhuan", "version": __version__,
                 "description": "Convert Chinese documents to Markdown, EPUB, DOCX and bilingual editions."},
        "paths": {
            "/v1/formats": {"get": {"summary": "Every output format and its options", "operationId": "formats",
                                    "responses": {"200": {"description": "the formats", "content": {
                                        "application/json": {"schema": {"type": "object"}}}}}}},
            "/v1/convert": {"post": {
                "summary": "Convert a document; several `to` answer a ZIP", "operationId": "convert",
                "parameters": [{"name": "to", "in": "query", "required": False, "explode": True,
                                "schema": {"type": "array", "items": {"type": "string", "enum": names}},
                                "description": "output format(s); other query parameters are the writer's options"},
                               *common],
                "requestBody": body,
                "responses": {"200": {"description": "the converted file (or a ZIP)", "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}, **errors}}},
            "/v1/inspect": {"post": {
                "summary": "The normalized document model and the change report", "operationId": "inspect",
                "parameters": common, "requestBody": body,
                "responses": {"200": {"description": "model and changes", "content": {
                    "application/json": {"schema": {"type": "object"}}}}, **errors}}},
        },
        "components": {"schemas": {"Problem": {"type": "object", "properties": {
            "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
            "detail": {"type": "string"}}}}},
    }


async def _not_found(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    return problem(status, f"{request.method} {request.url.path}: {TITLES.get(status, 'error').lower()}")


async def _server_error(request: Request, exc: Exception) -> Response:
    return problem(500, "internal error; see the server's log")


def create_app(limits: Limits | None = None) -> Starlette:
    limits = limits or Limits(
        max_body=int(float(os.environ.get("WENZHUAN_MAX_BODY_MB", 20)) * 1048576),
        timeout=float(os.environ.get("WENZHUAN_TIMEOUT", 30)),
        concurrency=int(os.environ.get("WENZHUAN_CONCURRENCY", os.cpu_count() or 2)),
    )

    @asynccontextmanager
    async def lifespan(app: Starlette):
        default_host().catalog  # fail at start-up, not on the first request, if plugins are broken
        pool = WorkerPool(limits.concurrency, limits.timeout,
                          env={k: v for k, v in os.environ.items() if k.startswith("WENZHUAN_")})
        pool.start()
        app.state.pool = pool
        app.state.limits = limits
        try:
            yield
        finally:
            pool.close()

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/static/{name}", asset, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/v1/formats", formats, methods=["GET"]),
        Route("/v1/convert", convert, methods=["POST"]),
        Route("/v1/inspect", inspect, methods=["POST"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan,
                     exception_handlers={404: _not_found, 405: _not_found, 500: _server_error})


def serve(host: str, port: int, workers: int, limits: Limits) -> None:
    import uvicorn

    os.environ["WENZHUAN_MAX_BODY_MB"] = str(limits.max_body / 1048576)
    os.environ["WENZHUAN_TIMEOUT"] = str(limits.timeout)
    os.environ["WENZHUAN_CONCURRENCY"] = str(limits.concurrency)
    uvicorn.run("wenzhuan.service:create_app", factory=True, host=host, port=port,
                workers=workers if workers > 1 else None, log_level="info")


__all__ = ["Limits", "create_app", "serve"]
