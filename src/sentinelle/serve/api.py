"""The JSON API under ``/api``: what the pages show, as documented pydantic models."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request

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
    flt = query.to_filter()
    key = ("files", flt.risk, flt.min_risk, flt.entity, flt.q, flt.include_gone, flt.sort,
           flt.desc, flt.offset, flt.limit)
    return request.app.state.cache.get(key, lambda: inventory(request).list_files(flt))


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
def api_files(request: Request, query: Annotated[FileQuery, Query()]) -> PageOut:
    return PageOut.model_validate(read_files(request, query))


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
    "read_files",
    "read_overview",
    "router",
]
