"""POST /api/documents: one document (text, HTML or a JSON record) through the same pipeline as
`wiretrail ingest`, behind the bearer token."""

from __future__ import annotations

import io
import json
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from ...ids import content_hash
from ...ingest.html import read_html
from ...ingest.tables import iter_jsonl
from ...ingest.text import read_text
from ...model import Failure, RawDocument
from ...pipeline import IngestReport, ingest, raw_document_id
from ..auth import require_write
from ..problems import ApiError

router = APIRouter(tags=["ingest"])

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown", ""})
JSON_TYPES = frozenset({"application/json"})
ACCEPTED = "text/plain, text/html, application/json, or multipart/form-data with a 'file' field"
EXTENSION_TYPES = {".html": "text/html", ".htm": "text/html", ".xhtml": "text/html", ".json": "application/json", ".txt": "text/plain"}

POST_BODY = {
    "content": {
        "text/plain": {"schema": {"type": "string"}, "example": " date 2024-12-01 Kyiv hit by drones\nDrones struck Kyiv overnight."},
        "text/html": {"schema": {"type": "string"}},
        "application/json": {"schema": {
            "type": "object", "required": ["text"],
            "properties": {k: {"type": "string"} for k in ("text", "title", "url", "published", "author")},
        }},
        "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}},
    },
}  # fmt: skip


@router.post(
    "/api/documents",
    status_code=201,
    dependencies=[Depends(require_write)],
    openapi_extra={"requestBody": POST_BODY},
    summary="Ingest one document through the full pipeline (needs the bearer token)",
    responses={200: {"description": "Already stored: nothing changed"}, 401: {}, 403: {}, 413: {}, 415: {}, 422: {}},
)
async def post_document(
    request: Request,
    url: Annotated[str | None, Query(max_length=2000, description="Where the document was published (text and HTML).")] = None,
) -> JSONResponse:
    if url is not None and not url.lower().startswith(("http://", "https://")):
        raise ApiError(422, f"url: {url[:80]!r} is not an http(s) URL")
    data, media_type, charset = await _payload(request)
    settings = request.app.state.settings
    if len(data) > settings.max_input_bytes:
        raise ApiError(413, f"document larger than {settings.max_input_bytes} bytes (setting max_input_bytes)")
    raw = _raw_document(data, media_type, charset=charset, url=url, max_bytes=settings.max_input_bytes)
    report = await run_in_threadpool(_ingest, request, raw)
    if report.failures:
        raise ApiError(422, f"the document could not be ingested: {report.failures[0].error}")
    doc_id = raw_document_id(raw)
    added = report.added > 0
    body = {"id": doc_id, "added": added, "segments": report.segments, "sentences": report.sentences, "links": report.links}
    return JSONResponse(body, status_code=201 if added else 200, headers={"Location": f"/api/documents/{doc_id}"})


async def _payload(request: Request) -> tuple[bytes, str, str | None]:
    """The document's bytes, its media type and declared charset, from a plain or multipart body."""
    media_type, charset = _content_type(request.headers.get("content-type", ""))
    if media_type == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=5)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ApiError(422, "file: a multipart upload needs a 'file' field holding the document")
        data = await upload.read()
        media_type, charset = _content_type(upload.content_type or "")
        if media_type in ("", "application/octet-stream"):
            name = (upload.filename or "").lower()
            media_type = next((t for ext, t in EXTENSION_TYPES.items() if name.endswith(ext)), "text/plain")
    else:
        data = await request.body()
    if not data.strip():
        raise ApiError(422, "the request body is empty: send the document's text, HTML or a JSON record")
    return data, media_type, charset


def _content_type(header: str) -> tuple[str, str | None]:
    media_type, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip('"')
    return media_type.strip().lower(), charset


def _raw_document(data: bytes, media_type: str, *, charset: str | None, url: str | None, max_bytes: int) -> RawDocument:
    """The bytes as the readers of `wiretrail ingest` would read them; InputError when unusable."""
    source = url or f"api:{content_hash(data)[:16]}"
    if media_type in HTML_TYPES:
        return read_html(data, source=source, url=url, charset=charset)
    if media_type in TEXT_TYPES:
        raw = read_text(data, source=source)
        return replace(raw, url=url) if url else raw
    if media_type in JSON_TYPES:
        return _json_record(data, source=source, max_bytes=max_bytes)
    raise ApiError(415, f"unsupported content type {media_type!r}; send {ACCEPTED}")


def _json_record(data: bytes, *, source: str, max_bytes: int) -> RawDocument:
    """A JSON object with `text` (and optionally title, url, published, author), read by the
    JSON Lines reader so that the fields mean what they mean in a .jsonl file."""
    try:
        value = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(422, f"the body is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ApiError(422, f"expected a JSON object with a 'text' field, found {type(value).__name__}")
    line = json.dumps(value, ensure_ascii=False).encode() + b"\n"
    item = next(iter_jsonl(io.BytesIO(line), source=source, max_bytes=max_bytes))
    if isinstance(item, Failure):
        raise ApiError(422, f"the JSON record cannot be used: {item.error}")
    return item


def _ingest(request: Request, raw: RawDocument) -> IngestReport:
    """In the ingest worker process when the app has one (readers keep the interpreter), else
    here; one ingest at a time either way, so two POSTs never cluster stories against each other."""
    stores = request.app.state.stores
    worker = request.app.state.ingest_worker
    with stores.write_lock:
        if worker is not None:
            try:
                return worker.ingest(raw)
            except BrokenProcessPool:
                raise ApiError(503, "the ingest worker process stopped before the document was stored; send it again") from None
        with stores.borrow() as store:
            return ingest(store, [raw], settings=request.app.state.settings)
