"""What the inventory answers: read-only views shared by ``watch`` output and the dashboard.

These dataclasses are the contract between the inventory store (``sentinelle.inventory.store``)
and its readers (``sentinelle.serve``). They hold counts, masked previews and paths, never a
raw identifier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: Sort keys ``Inventory.list_files`` accepts.
FILE_SORTS = ("path", "risk", "score", "size", "mtime", "last_seen")


@dataclass(frozen=True, slots=True)
class FileRow:
    """One file of the inventory as it stands after the latest scan that saw it."""

    id: int
    path: str  # full source name, archive members as ``outer!inner``
    format: str
    size: int
    mtime: datetime | None
    risk: str  # none|low|medium|high|critical
    score: float
    records: int
    entities: dict[str, int]  # entity id -> count
    health: dict[str, int]  # health category -> count
    first_seen: datetime
    last_seen: datetime
    gone: bool  # no longer present at the last scan of its root


@dataclass(frozen=True, slots=True)
class ColumnView:
    index: int
    name: str | None
    entity: str
    confidence: float
    valid_ratio: float
    preview: str  # masked shape, never a value


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """A change log entry: ``new_exposure``, ``risk_up``, ``risk_down``, ``gone``, ``too_old``."""

    at: datetime
    kind: str
    file_id: int | None
    path: str
    risk: str | None
    previous_risk: str | None
    scan_id: int


@dataclass(frozen=True, slots=True)
class FileDetail:
    file: FileRow
    columns: list[ColumnView]
    errors: list[str]
    history: list[HistoryEvent]


@dataclass(frozen=True, slots=True)
class ScanPoint:
    """One scan in the trend: when, which roots, and files by risk level at that scan."""

    id: int
    started_at: datetime
    finished_at: datetime | None
    roots: list[str]
    files: int
    files_read: int  # files whose content was (re)read; the rest were unchanged
    by_risk: dict[str, int]
    files_hashed: int = 0  # sources whose content was hashed (new, or size/mtime changed)
    incomplete: int = 0  # inputs skipped or unreadable at this scan (coverage lost)


@dataclass(frozen=True, slots=True)
class Overview:
    files: int
    files_by_risk: dict[str, int]  # present files only
    entities: dict[str, int]  # entity id -> number of files holding it
    health: dict[str, int]  # health category -> number of files mentioning it
    trend: list[ScanPoint]


@dataclass(frozen=True, slots=True)
class Page:
    items: list[FileRow]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class AssessmentLink:
    """An assessment report registered in the inventory (``assess --db``)."""

    id: int
    created: datetime
    title: str
    directory: str  # holds assessment.json / report.html / art33.md
    persons: int
    severity: str


@dataclass(frozen=True, slots=True)
class FileFilter:
    risk: str | None = None  # exact level, or None for all
    min_risk: str | None = None  # this level and above
    entity: str | None = None  # files holding this entity
    q: str | None = None  # substring of the path
    include_gone: bool = False
    sort: str = "risk"
    desc: bool = True
    offset: int = 0
    limit: int = 50
    extra: dict[str, str] = field(default_factory=dict)
