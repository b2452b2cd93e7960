"""Pydantic models of the JSON API (they document it in the OpenAPI schema) and its query.

They mirror the read-side dataclasses of :mod:`sentinelle.inventory.views`: counts, masked
previews and paths, never a raw value.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sentinelle.entities import Entity, RiskLevel
from sentinelle.inventory.views import FILE_SORTS, FileFilter

RISK_LEVELS = tuple(level.value for level in RiskLevel)
SortKey = Literal[FILE_SORTS]  # type: ignore[valid-type]
HISTORY_KINDS = ("new_exposure", "risk_up", "risk_down", "gone", "too_old")
HistoryKind = Literal[HISTORY_KINDS]  # type: ignore[valid-type]
MAX_OFFSET = 1_000_000_000
MAX_LIMIT = 500


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class FileRowOut(_Out):
    """One file as it stands after the latest scan that saw it."""

    id: int
    path: str = Field(description="Source name; archive members as outer!inner.")
    format: str
    size: int = Field(description="Bytes.")
    mtime: datetime | None
    risk: str = Field(description="none, low, medium, high or critical.")
    score: float
    records: int
    entities: dict[str, int] = Field(description="Entity id -> occurrences of valid values.")
    health: dict[str, int] = Field(description="Health category -> cells or lines mentioning it.")
    first_seen: datetime
    last_seen: datetime
    gone: bool = Field(description="No longer present at the last scan of its root.")


class ColumnOut(_Out):
    index: int
    name: str | None
    entity: str
    confidence: float
    valid_ratio: float
    preview: str = Field(description="Masked shape of the values, never a value.")


class HistoryEventOut(_Out):
    at: datetime
    kind: str = Field(description="new_exposure, risk_up, risk_down, gone or too_old.")
    file_id: int | None
    path: str
    risk: str | None
    previous_risk: str | None
    scan_id: int


class FileDetailOut(_Out):
    file: FileRowOut
    columns: list[ColumnOut]
    errors: list[str]
    history: list[HistoryEventOut]


class ScanPointOut(_Out):
    id: int
    started_at: datetime
    finished_at: datetime | None
    roots: list[str]
    files: int
    files_read: int = Field(description="Files whose content was (re)read; the rest were unchanged.")
    by_risk: dict[str, int]
    files_hashed: int = Field(default=0, description="Sources whose content was hashed.")
    incomplete: int = Field(default=0, description="Inputs skipped or unreadable at this scan.")


class OverviewOut(_Out):
    files: int
    files_by_risk: dict[str, int] = Field(description="Present files per risk level.")
    entities: dict[str, int] = Field(description="Entity id -> number of files holding it.")
    health: dict[str, int] = Field(description="Health category -> number of files mentioning it.")
    trend: list[ScanPointOut]


class PageOut(_Out):
    items: list[FileRowOut]
    total: int
    offset: int
    limit: int


class AssessmentOut(_Out):
    id: int
    created: datetime
    title: str
    directory: str = Field(description="Directory holding assessment.json and report.html.")
    persons: int
    severity: str
    report_url: str | None = Field(default=None, description="The report.html, when present.")


class Problem(BaseModel):
    detail: str


def _blank_is_none(value: object) -> object:
    # HTML forms send "" for "any"; treat it as absent.
    return None if value == "" else value


class FileQuery(BaseModel):
    """Filters, sort and page of the file list (the same for ``/files`` and ``/api/files``)."""

    # "" is documented as accepted: it is what an HTML form sends for "any" (read as absent)
    risk: RiskLevel | Literal[""] | None = Field(default=None, description="Exactly this risk level.")
    min_risk: RiskLevel | Literal[""] | None = Field(default=None,
                                                    description="This risk level and above.")
    entity: Entity | Literal[""] | None = Field(default=None,
                                                description="Files holding this entity.")
    q: str | None = Field(default=None, max_length=200, pattern=r"^[^\x00-\x1f]*$",
                          description="Substring of the path (no control character).")
    include_gone: bool = Field(default=False, description="Also list files no longer present.")
    sort: SortKey = "risk"  # type: ignore[valid-type]
    order: Literal["asc", "desc"] = "desc"
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET)
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT)

    _blank = field_validator("risk", "min_risk", "entity", "q", mode="before")(_blank_is_none)

    def to_filter(self) -> FileFilter:
        return FileFilter(risk=str(self.risk) if self.risk else None,
                          min_risk=str(self.min_risk) if self.min_risk else None,
                          entity=str(self.entity) if self.entity else None,
                          q=self.q or None, include_gone=self.include_gone, sort=self.sort,
                          desc=self.order == "desc", offset=self.offset, limit=self.limit)

    def params(self, **changes: object) -> dict[str, str]:
        """The non-default query parameters, with ``changes`` applied (for links)."""
        data = self.model_dump(mode="json") | changes
        defaults = FileQuery().model_dump(mode="json")
        return {k: str(v).lower() if isinstance(v, bool) else str(v)
                for k, v in data.items() if v is not None and v != defaults.get(k)}


__all__ = [
    "HISTORY_KINDS",
    "RISK_LEVELS",
    "AssessmentOut",
    "ColumnOut",
    "FileDetailOut",
    "FileQuery",
    "FileRowOut",
    "HistoryEventOut",
    "OverviewOut",
    "PageOut",
    "Problem",
    "ScanPointOut",
]
