"""Server-rendered pages: overview, file list, file page, history, assessments, API docs.

Plain HTML forms and links (no script); every page is a view of the same inventory methods
the JSON API uses.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from sentinelle.entities import Entity
from sentinelle.inventory.views import FILE_SORTS
from sentinelle.serve.api import (
    MAX_ID,
    FileId,
    assessment_out,
    inventory,
    query_key,
    read_files,
    read_overview,
)
from sentinelle.serve.models import HISTORY_KINDS, RISK_LEVELS, FileQuery, HistoryKind
from sentinelle.serve.render import share_svg, trend_svg
from sentinelle.serve.reports import REPORT_FILES, read_report
from sentinelle.serve.security import REPORT_CSP

router = APIRouter(tags=["pages"], default_response_class=HTMLResponse)
_PAGE = {"text/html": {"schema": {"type": "string"}}}
_HTML: dict[str, Any] = {"response_class": HTMLResponse, "responses": {
    200: {"content": _PAGE},
    404: {"description": "Not found (HTML error page).", "content": _PAGE},
    422: {"description": "Invalid parameter (HTML error page).", "content": _PAGE}}}


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    env = request.app.state.templates
    html = env.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code)


@router.get("/", summary="Overview page", **_HTML)
def overview_page(request: Request) -> HTMLResponse:
    ov = read_overview(request)
    at_risk = sum(ov.files_by_risk.get(level, 0) for level in ("critical", "high", "medium", "low"))
    return render(request, "overview.html", ov=ov, at_risk=at_risk, nav="overview",
                  share=share_svg(ov.files_by_risk), trend=trend_svg(ov.trend),
                  entities=sorted(ov.entities.items(), key=lambda kv: (-kv[1], kv[0])),
                  health=sorted(ov.health.items(), key=lambda kv: (-kv[1], kv[0])))


@router.get("/files", summary="File list page", **_HTML)
async def files_page(request: Request, query: Annotated[FileQuery, Query()]) -> HTMLResponse:
    # a repeated question is answered on the event loop; a new one in a worker thread
    # (SQL and rendering), and kept until the next scan
    key = query_key("files", request, query)
    cache = request.app.state.responses
    body = cache.cached(key)
    if body is None:
        body = await run_in_threadpool(cache.get, key, lambda: _files_html(request, query))
    return HTMLResponse(body)


def _files_html(request: Request, query: FileQuery) -> bytes:
    page = read_files(request, query)
    last = min(page.offset + len(page.items), page.total)
    prev_offset = max(0, query.offset - query.limit) if query.offset > 0 else None
    next_offset = query.offset + query.limit if query.offset + query.limit < page.total else None
    return bytes(render(request, "files.html", page=page, query=query, nav="files",
                  first=page.offset + 1 if page.items else 0, last=last,
                  prev_offset=prev_offset, next_offset=next_offset,
                  risks=RISK_LEVELS, entities=[e.value for e in Entity],
                  sorts=FILE_SORTS).body)


@router.get("/files/{file_id}", summary="File page", **_HTML)
def file_page(request: Request, file_id: FileId) -> HTMLResponse:
    detail = inventory(request).file_detail(file_id)
    if detail is None:
        raise HTTPException(404, f"no file with id {file_id}")
    return render(request, "file.html", d=detail, f=detail.file, nav="files",
                  entities=sorted(detail.file.entities.items(), key=lambda kv: (-kv[1], kv[0])),
                  health=sorted(detail.file.health.items(), key=lambda kv: (-kv[1], kv[0])))


@router.get("/history", summary="Change log page", **_HTML)
def history_page(request: Request,
                 kind: Annotated[HistoryKind | Literal[""] | None, Query()] = None,  # type: ignore[valid-type]
                 limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> HTMLResponse:
    events = inventory(request).history(limit=limit, kind=kind or None)
    return render(request, "history.html", events=events, kind=kind or "", kinds=HISTORY_KINDS,
                  nav="history")


@router.get("/assessments", summary="Assessments page", **_HTML)
def assessments_page(request: Request) -> HTMLResponse:
    links = [assessment_out(request, link) for link in inventory(request).assessments()]
    return render(request, "assessments.html", assessments=links, nav="assessments")


@router.get("/assessments/{assessment_id}/{name}", name="assessment_file",
            summary="A file of an assessment directory (read-only)",
            responses={200: {"content": {t.split(";")[0]: {} for t in REPORT_FILES.values()}},
                       404: {"description": "Unknown assessment or file.", "content": _PAGE},
                       422: {"description": "Invalid parameter (HTML error page).",
                             "content": _PAGE}})
def assessment_file(request: Request,
                    assessment_id: Annotated[int, Path(ge=1, le=MAX_ID)],
                    name: Literal["report.html", "assessment.json", "art33.md"]) -> Response:
    link = next((a for a in inventory(request).assessments() if a.id == assessment_id), None)
    data = read_report(link, name) if link is not None else None
    if data is None:
        raise HTTPException(404, f"assessment {assessment_id} has no {name}")
    return Response(data, media_type=REPORT_FILES[name],
                    headers={"content-security-policy": REPORT_CSP})


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """Browsers ask for it whatever the page says; answer with the app's own icon."""
    icon = files("sentinelle.serve") / "static" / "favicon.png"
    return Response(icon.read_bytes(), media_type="image/png")


@router.get("/docs", include_in_schema=False)
def docs_page(request: Request) -> HTMLResponse:
    """The API reference, rendered from the OpenAPI schema on the server (no CDN, no script)."""
    schema = request.app.openapi()
    operations = [
        {"method": method.upper(), "path": path, "summary": op.get("summary", ""),
         "params": op.get("parameters", []), "tag": (op.get("tags") or [""])[0],
         "response": _ref_name(op)}
        for path, methods in schema.get("paths", {}).items()
        for method, op in methods.items()
    ]
    return render(request, "docs.html", operations=operations, nav="docs",
                  schemas=sorted(schema.get("components", {}).get("schemas", {}).items()))


def _ref_name(op: dict[str, Any]) -> str:
    content = op.get("responses", {}).get("200", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    ref = schema.get("$ref") or schema.get("items", {}).get("$ref") or ""
    name = ref.rsplit("/", 1)[-1]
    return f"list[{name}]" if name and schema.get("type") == "array" else name


__all__ = ["render", "router"]
