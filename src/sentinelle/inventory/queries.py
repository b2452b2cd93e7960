"""Read side of the inventory: the SQL behind the views of :mod:`sentinelle.inventory.views`.

Filtering, sorting and pagination happen in SQL on indexed columns (``files.gone`` first, then
the sort key and ``id`` as a tie-breaker), so a page of a 100,000-file inventory costs an index
range scan, not a table sort.
"""

from __future__ import annotations

from dataclasses import dataclass
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
FTS = sa.table("files_path_fts", sa.column("rowid"), sa.column("path"))
TRIGRAM = 3  # a search shorter than a trigram cannot use the path index


def _trigram_search(q: str | None, features: Features) -> bool:
    """Whether the FTS5 trigram index can answer ``q``: 3 characters or more, ASCII only
    (its LIKE folds case differently from ``lower()`` beyond ASCII, and misses there)."""
    return q is not None and features.path_index == "fts5" and len(q) >= TRIGRAM \
        and q.isascii()
FEW_CANDIDATES = 5000  # path-index candidates under which a count starts from that index


@dataclass(frozen=True, slots=True)
class Features:
    """What the schema offers beyond ``schema.metadata`` (backend-specific, migration 0002).

    ``path_index``: ``"fts5"`` (SQLite trigram table), ``"trgm"`` (PostgreSQL pg_trgm GIN
    index, used by the planner on its own) or None (path searches read every row).
    """

    path_index: str | None = None

    @classmethod
    def detect(cls, conn: Connection) -> Features:
        if conn.dialect.name == "sqlite":
            found = conn.execute(sa.text("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                         "AND name = 'files_path_fts'")).first()
            return cls("fts5" if found else None)
        found = conn.execute(sa.text("SELECT 1 FROM pg_indexes WHERE tablename = 'files' "
                                     "AND indexname = 'ix_files_path_trgm'")).first()
        return cls("trgm" if found else None)
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


def _conditions(flt: FileFilter, features: Features = Features(),
                few: bool = True, holders_list: bool = False) -> list[sa.ColumnElement[bool]]:
    """The WHERE terms of ``flt``, shaped so that a page walks the sort index and stops.

    ``few``: the filters match few rows (see :func:`_few`): start from the entity and
    trigram indexes and sort what they give, rather than walk the sort index to find them.
    ``holders_list``: take an entity's holders from its index in any case (counts).
    """
    conds: list[sa.ColumnElement[bool]] = []
    if not flt.include_gone:
        conds.append(files.c.gone == sa.false())
    level = rank(flt.risk) if flt.risk else None
    if flt.min_risk:
        least = rank(flt.min_risk, "min_risk")
        if least == len(RISKS) - 1:
            level = least if level in (None, least) else -1  # the top level: an equality
        elif level is None and flt.sort != "risk" and not (flt.sort == "score" and not flt.desc):
            # ``risk_rank + 0``: not an index term, so the planner walks the sort key's index
            # (and stops after the page) instead of sorting the whole range of risk levels
            conds.append(files.c.risk_rank + 0 >= least)
        else:
            conds.append(files.c.risk_rank >= least)
    if level is not None:
        conds.append(files.c.risk_rank == level)  # (gone, risk_rank, <sort key>, id) indexes
    if flt.entity:
        if few or holders_list or (flt.sort in ("risk", "score") and not flt.desc):
            # few holders, or lowest risk first (the holders of an entity come last on that
            # index): take them from the entity index (one list) rather than probe a long walk
            conds.append(files.c.id.in_(sa.select(file_entities.c.file_id)
                                        .where(file_entities.c.entity == flt.entity)))
        else:
            # a primary-key probe per candidate row: the walk stops after the page
            conds.append(sa.exists().where(file_entities.c.file_id == files.c.id,
                                           file_entities.c.entity == flt.entity))
    if flt.q:
        needle = flt.q.lower()
        if few and _trigram_search(needle, features):
            # candidates from the trigram index ("_" and "%" are wildcards there, so they are
            # a superset), then the exact test below on those rows only
            conds.append(files.c.id.in_(sa.select(FTS.c.rowid)
                                        .where(FTS.c.path.like(f"%{needle}%"))))
        conds.append(sa.func.lower(files.c.path).contains(needle, autoescape=True))
    return conds


def _order(flt: FileFilter) -> list[sa.ColumnElement[Any]]:
    if flt.sort not in FILE_SORTS:
        raise ConfigError(f"unknown sort {flt.sort!r} (one of {', '.join(FILE_SORTS)})")
    keys = [files.c.risk_rank, files.c.score] if flt.sort == "risk" else [files.c[flt.sort]]
    keys.append(files.c.id)
    return [k.desc() if flt.desc else k.asc() for k in keys]


def count_files(conn: Connection, flt: FileFilter, features: Features = Features()) -> int:
    """How many files match the filters of ``flt`` (its sort and page do not matter).

    A path search counts from the trigram index only when that index yields few candidates
    (at most ``FEW_CANDIDATES``): for a needle in most paths, reading the rows is cheaper.
    """
    few = False
    if flt.q and _trigram_search(flt.q, features):
        probe = (sa.select(FTS.c.rowid).where(FTS.c.path.like(f"%{flt.q.lower()}%"))
                 .limit(FEW_CANDIDATES + 1).subquery())
        few = conn.execute(sa.select(sa.func.count()).select_from(probe)).scalar_one() \
            <= FEW_CANDIDATES
    query = sa.select(sa.func.count()).select_from(files).where(
        *_conditions(flt, features, few, holders_list=True))
    return int(conn.execute(query).scalar_one())


CountMatrix = dict[tuple[int, str | None], int]


def count_matrix(conn: Connection) -> CountMatrix:
    """Present files by (risk rank, entity or None for all): two grouped index scans.

    Every list count without a path search or gone files follows from it
    (:func:`count_from_matrix`), so a dashboard computes it once per scan.
    """
    present = files.c.gone == sa.false()
    matrix: CountMatrix = {}
    for level, n in conn.execute(sa.select(files.c.risk_rank, sa.func.count()).where(present)
                                 .group_by(files.c.risk_rank)):
        matrix[(int(level), None)] = int(n)
    query = (sa.select(files.c.risk_rank, file_entities.c.entity, sa.func.count())
             .join(files, files.c.id == file_entities.c.file_id).where(present)
             .group_by(files.c.risk_rank, file_entities.c.entity))
    for level, entity, n in conn.execute(query):
        matrix[(int(level), str(entity))] = int(n)
    return matrix


def count_from_matrix(matrix: CountMatrix, flt: FileFilter) -> int | None:
    """:func:`count_files` from :func:`count_matrix`, or None when ``flt`` needs the rows."""
    if flt.q or flt.include_gone:
        return None
    levels = range(len(RISKS))
    if flt.risk:
        levels = range(rank(flt.risk), rank(flt.risk) + 1)
    if flt.min_risk:
        least = rank(flt.min_risk, "min_risk")
        levels = range(max(least, levels.start), levels.stop)
    return sum(matrix.get((level, flt.entity or None), 0) for level in levels)


def _few(conn: Connection, flt: FileFilter, total: int) -> bool:
    """Whether the ``total`` matches of ``flt`` are few enough to be listed and sorted.

    Walking the sort index reads about ``(offset + limit) * present / total`` rows before
    the page is complete; starting from the matches costs about ``total`` (times a sort).
    """
    if not (flt.q or flt.entity):
        return False
    present = conn.execute(sa.select(sa.func.count()).select_from(files)
                           .where(files.c.gone == sa.false())).scalar_one()
    return 4 * total * total < (flt.offset + flt.limit) * max(1, int(present))


def page_query(flt: FileFilter, features: Features = Features(),
               few: bool = False) -> sa.Select[Any]:
    """The SELECT of one page (``few``: see :func:`_few`)."""
    conds = _conditions(flt, features, few)
    order = _order(flt)
    if not flt.offset:
        return sa.select(files).where(*conds).order_by(*order).limit(flt.limit)
    # a later page: skip rows on the index alone (ids), then read only the page's rows
    ids = (sa.select(files.c.id).where(*conds).order_by(*order).offset(flt.offset)
           .limit(flt.limit).subquery())
    return sa.select(files).join(ids, ids.c.id == files.c.id).order_by(*order)


def list_files(conn: Connection, flt: FileFilter, features: Features = Features(),
               total: int | None = None) -> Page:
    """One page of the list; ``total`` is the :func:`count_files` answer when already known."""
    if not 1 <= flt.limit <= MAX_PAGE:
        raise ConfigError(f"limit must be between 1 and {MAX_PAGE}, not {flt.limit}")
    if flt.offset < 0:
        raise ConfigError(f"offset must not be negative, not {flt.offset}")
    _order(flt)  # an unknown sort key is refused before anything is counted
    if total is None:
        total = count_files(conn, flt, features)
    if total <= flt.offset:  # nothing to list: do not walk an index to find out
        return Page(items=[], total=int(total), offset=flt.offset, limit=flt.limit)
    rows = conn.execute(page_query(flt, features, _few(conn, flt, total))).all()
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


__all__ = [
    "EVENT_KINDS",
    "CountMatrix",
    "Features",
    "assessment_links",
    "count_files",
    "count_from_matrix",
    "count_matrix",
    "file_detail",
    "file_row",
    "file_rows",
    "history",
    "list_files",
    "overview",
    "page_query",
    "rank",
    "scan_point",
    "scan_points",
    "utc",
]
