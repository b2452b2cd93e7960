"""Read side of the inventory: the SQL behind the views of :mod:`sentinelle.inventory.views`.

Filtering, sorting and pagination happen in SQL on indexed columns (``files.gone`` first, then
the sort key and ``id`` as a tie-breaker), so a page of a 100,000-file inventory costs an index
range scan, not a table sort.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sentinelle.errors import ConfigError
from sentinelle.inventory.schema import (
    RISKS,
    assessments,
    events,
    file_columns,
    file_entities,
    file_health,
    files,
    scans,
)
from sentinelle.inventory.views import (
    FILE_SORTS,
    AssessmentLink,
    ColumnView,
    FileDetail,
    FileFilter,
    FileRow,
    HistoryEvent,
    Overview,
    Page,
    ScanPoint,
)

MAX_PAGE = 1000
EVENT_KINDS = ("new_exposure", "risk_up", "risk_down", "gone", "too_old")


def utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes: everything stored is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def rank(level: str, what: str = "risk") -> int:
    try:
        return RISKS.index(level)
    except ValueError:
        raise ConfigError(f"unknown {what} {level!r} (one of {', '.join(RISKS)})") from None


def file_row(row: Any) -> FileRow:
    return FileRow(
        id=row.id, path=row.path, format=row.format or "", size=int(row.size or 0),
        mtime=utc(row.mtime), risk=row.risk, score=float(row.score),
        records=int(row.records or 0), entities=dict(row.entities or {}),
        health=dict(row.health or {}), first_seen=utc(row.first_seen),  # type: ignore[arg-type]
        last_seen=utc(row.last_seen), gone=bool(row.gone),  # type: ignore[arg-type]
    )


def event_view(row: Any) -> HistoryEvent:
    return HistoryEvent(at=utc(row.at), kind=row.kind, file_id=row.file_id,  # type: ignore[arg-type]
                        path=row.path, risk=row.risk, previous_risk=row.previous_risk,
                        scan_id=row.scan_id)


def scan_point(row: Any) -> ScanPoint:
    by_risk = {level: int((row.by_risk or {}).get(level, 0)) for level in RISKS}
    return ScanPoint(id=row.id, started_at=utc(row.started_at),  # type: ignore[arg-type]
                     finished_at=utc(row.finished_at), roots=list(row.roots or []),
                     files=int(row.files), files_read=int(row.files_read), by_risk=by_risk,
                     files_hashed=int(row.files_hashed), incomplete=int(row.incomplete))


def _conditions(flt: FileFilter) -> list[sa.ColumnElement[bool]]:
    conds: list[sa.ColumnElement[bool]] = []
    if not flt.include_gone:
        conds.append(files.c.gone == sa.false())
    if flt.risk:
        conds.append(files.c.risk_rank == rank(flt.risk))
    if flt.min_risk:
        conds.append(files.c.risk_rank >= rank(flt.min_risk, "min_risk"))
    if flt.entity:
        holders = sa.select(file_entities.c.file_id).where(file_entities.c.entity == flt.entity)
        conds.append(files.c.id.in_(holders))
    if flt.q:
        conds.append(sa.func.lower(files.c.path).contains(flt.q.lower(), autoescape=True))
    return conds


def _order(flt: FileFilter) -> list[sa.ColumnElement[Any]]:
    if flt.sort not in FILE_SORTS:
        raise ConfigError(f"unknown sort {flt.sort!r} (one of {', '.join(FILE_SORTS)})")
    keys = [files.c.risk_rank, files.c.score] if flt.sort == "risk" else [files.c[flt.sort]]
    keys.append(files.c.id)
    return [k.desc() if flt.desc else k.asc() for k in keys]


def list_files(conn: Connection, flt: FileFilter) -> Page:
    if not 1 <= flt.limit <= MAX_PAGE:
        raise ConfigError(f"limit must be between 1 and {MAX_PAGE}, not {flt.limit}")
    if flt.offset < 0:
        raise ConfigError(f"offset must not be negative, not {flt.offset}")
    conds = _conditions(flt)
    order = _order(flt)
    total = conn.execute(sa.select(sa.func.count()).select_from(files).where(*conds)).scalar_one()
    rows = conn.execute(sa.select(files).where(*conds).order_by(*order)
                        .offset(flt.offset).limit(flt.limit)).all()
    return Page(items=[file_row(r) for r in rows], total=int(total), offset=flt.offset,
                limit=flt.limit)


def file_rows(conn: Connection, ids: list[int]) -> dict[int, FileRow]:
    found: dict[int, FileRow] = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        found.update((r.id, file_row(r)) for r in
                     conn.execute(sa.select(files).where(files.c.id.in_(part))))
    return found


def file_detail(conn: Connection, file_id: int) -> FileDetail | None:
    row = conn.execute(sa.select(files).where(files.c.id == file_id)).first()
    if row is None:
        return None
    cols = conn.execute(sa.select(file_columns).where(file_columns.c.file_id == file_id)
                        .order_by(file_columns.c.idx)).all()
    hist = conn.execute(sa.select(events).where(events.c.file_id == file_id)
                        .order_by(events.c.at.desc(), events.c.id.desc()).limit(200)).all()
    return FileDetail(
        file=file_row(row),
        columns=[ColumnView(index=c.idx, name=c.name, entity=c.entity,
                            confidence=float(c.confidence), valid_ratio=float(c.valid_ratio),
                            preview=c.preview) for c in cols],
        errors=list(row.errors or []),
        history=[event_view(e) for e in hist],
    )


def history(conn: Connection, limit: int = 100, kind: str | None = None) -> list[HistoryEvent]:
    if kind is not None and kind not in EVENT_KINDS:
        raise ConfigError(f"unknown event kind {kind!r} (one of {', '.join(EVENT_KINDS)})")
    query = sa.select(events).order_by(events.c.at.desc(), events.c.id.desc())
    if kind:
        query = query.where(events.c.kind == kind)
    return [event_view(r) for r in conn.execute(query.limit(max(0, limit))).all()]


def scan_points(conn: Connection, limit: int = 50) -> list[ScanPoint]:
    """Newest scan first."""
    rows = conn.execute(sa.select(scans).order_by(scans.c.id.desc()).limit(max(0, limit))).all()
    return [scan_point(r) for r in rows]


def overview(conn: Connection, trend: int = 30) -> Overview:
    present = files.c.gone == sa.false()
    by_risk = {level: 0 for level in RISKS}
    # on risk_rank: the (gone, risk_rank, ...) index covers it, no table row is read
    for level, n in conn.execute(sa.select(files.c.risk_rank, sa.func.count()).where(present)
                                 .group_by(files.c.risk_rank)):
        by_risk[RISKS[level]] = int(n)

    def holders(table: sa.Table, key: str) -> dict[str, int]:
        query = (sa.select(table.c[key], sa.func.count())
                 .join(files, files.c.id == table.c.file_id).where(present)
                 .group_by(table.c[key]))
        counted = {k: int(n) for k, n in conn.execute(query)}
        return dict(sorted(counted.items(), key=lambda kv: (-kv[1], kv[0])))

    return Overview(files=sum(by_risk.values()), files_by_risk=by_risk,
                    entities=holders(file_entities, "entity"),
                    health=holders(file_health, "category"),
                    trend=list(reversed(scan_points(conn, trend))))


def assessment_links(conn: Connection) -> list[AssessmentLink]:
    rows = conn.execute(sa.select(assessments).order_by(assessments.c.created.desc(),
                                                        assessments.c.id.desc())).all()
    return [AssessmentLink(id=r.id, created=utc(r.created), title=r.title,  # type: ignore[arg-type]
                           directory=r.directory, persons=int(r.persons), severity=r.severity)
            for r in rows]


__all__ = ["EVENT_KINDS", "assessment_links", "file_detail", "file_row", "file_rows", "history",
           "list_files", "overview", "rank", "scan_point", "scan_points", "utc"]
