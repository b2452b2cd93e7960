"""The JSON API under ``/api``: what the pages show, as documented pydantic models."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from sentinelle.inventory.queries import count_from_matrix
from sentinelle.inventory.views import AssessmentLink, Overview, Page
from sentinelle.serve.models import (
    AssessmentOut,
    FileDetailOut,
    FileQuery,
    HistoryEventOut,
    HistoryKind,
    OverviewOut,
    PageOut,
    Problem,
    ScanPointOut,
)
from sentinelle.serve.reports import report_path

MAX_ID = 2**63 - 1
FileId = Annotated[int, Path(ge=1, le=MAX_ID, description="File id in the inventory.")]
_404: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "Unknown id."}}

router = APIRouter(prefix="/api", tags=["api"])


def inventory(request: Request) -> Any:
    return request.app.state.inventory


def read_overview(request: Request) -> Overview:
    return request.app.state.cache.get(("overview",), inventory(request).overview)


def read_files(request: Request, query: FileQuery) -> Page:
    """A page of the list; its total is counted once per filter until the next scan."""
    flt = query.to_filter()
    counts = request.app.state.counts
    # risk x entity counts for every filter without a path search, in one query per scan
    total = count_from_matrix(counts.get(("matrix",), inventory(request).count_matrix), flt)
    if total is None:
        key = ("count", flt.risk, flt.min_risk, flt.entity, flt.q, flt.include_gone)
        total = counts.get(key, lambda: inventory(request).count_files(flt))
    return inventory(request).list_files(flt, total=total)


def query_key(kind: str, request: Request, query: FileQuery) -> tuple[Any, ...]:
    """A cache key for a whole answer: the parsed query (so no token, no parameter order)."""
    return (kind, request.scope.get("root_path", ""),
            tuple(sorted(query.model_dump(mode="json").items())))


def assessment_out(request: Request, link: AssessmentLink) -> AssessmentOut:
    url = None
    if report_path(link, "report.html") is not None:
        url = str(request.url_for("assessment_file", assessment_id=link.id, name="report.html"))
    return AssessmentOut(id=link.id, created=link.created, title=link.title,
                         directory=link.directory, persons=link.persons,
                         severity=link.severity, report_url=url)


@router.get("/overview", response_model=OverviewOut, summary="Files at risk, entities, trend")
def api_overview(request: Request) -> OverviewOut:
    return OverviewOut.model_validate(read_overview(request))


@router.get("/files", response_model=PageOut, summary="Files, filtered, sorted and paginated")
async def api_files(request: Request, query: Annotated[FileQuery, Query()]) -> Response:
    # the serialised answer is kept until the next scan (ReadCache): a repeated query is
    # answered on the event loop, with neither SQL nor validation; a new one in a thread
    key = query_key("api/files", request, query)
    cache = request.app.state.responses
    body = cache.cached(key)
    if body is None:
        body = await run_in_threadpool(cache.get, key, lambda: PageOut.model_validate(
            read_files(request, query)).model_dump_json().encode())
    return Response(body, media_type="application/json")


@router.get("/files/{file_id}", response_model=FileDetailOut, responses=_404,
            summary="One file: columns, errors, history")
def api_file(request: Request, file_id: FileId) -> FileDetailOut:
    detail = inventory(request).file_detail(file_id)
    if detail is None:
        raise HTTPException(404, f"no file with id {file_id}")
    return FileDetailOut.model_validate(detail)


@router.get("/history", response_model=list[HistoryEventOut], summary="Change log, newest first")
def api_history(request: Request,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                kind: Annotated[HistoryKind | None, Query()] = None) -> list[HistoryEventOut]:  # type: ignore[valid-type]
    events = inventory(request).history(limit=limit, kind=kind)
    return [HistoryEventOut.model_validate(e) for e in events]


@router.get("/scans", response_model=list[ScanPointOut], summary="Scans, newest first")
def api_scans(request: Request,
              limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> list[ScanPointOut]:
    return [ScanPointOut.model_validate(s) for s in inventory(request).scans(limit=limit)]


@router.get("/assessments", response_model=list[AssessmentOut], summary="Registered assessments")
def api_assessments(request: Request) -> list[AssessmentOut]:
    return [assessment_out(request, link) for link in inventory(request).assessments()]


__all__ = [
    "MAX_ID",
    "FileId",
    "assessment_out",
    "inventory",
    "query_key",
    "read_files",
    "read_overview",
    "router",
]
