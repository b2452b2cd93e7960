"""Write side of the inventory: scans, sources, files and their findings, the change log.

A *source* is what a scan opens (a file on disk, a remote file); the *files* are what the
report lists for it (the source itself, and its archive members or sheets ``outer!inner``).
Rows are written in batches with ``executemany`` (one statement per table per batch), so a
100,000-file inventory is built in seconds.

Change events, computed here from the stored state so that every writer logs the same way:

- ``new_exposure``: a file not in the inventory (or back after being gone) with risk > none;
- ``risk_up`` / ``risk_down``: a file whose risk level changed;
- ``gone``: a file with risk > none no longer there (source deleted, or member removed);
- ``too_old``: a file with risk > none whose mtime is older than the watch ``--max-age``
  (logged once per file until its content changes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sentinelle.errors import ConfigError
from sentinelle.inventory.queries import rank, utc
from sentinelle.inventory.schema import (
    RISKS,
    events,
    file_columns,
    file_entities,
    file_health,
    files,
    scans,
    sources,
)
from sentinelle.inventory.views import HistoryEvent
from sentinelle.report.model import FileReport

T = TypeVar("T")
IN_CHUNK = 2000  # bound parameters per IN (...) list (SQLite allows 32766)


@dataclass(frozen=True, slots=True)
class SourceState:
    """What the inventory remembers of a source, to decide whether to read it again."""

    id: int
    path: str
    size: int | None
    mtime_ns: int | None
    content_hash: str | None
    errors: int
    gone: bool


@dataclass(frozen=True, slots=True)
class SourceResult:
    """One source read at a scan and what its report says.

    ``reports`` are the :class:`~sentinelle.report.model.FileReport` objects the scan made for
    it (``scan_source`` output, without ``--show-values``). ``root`` is the watched path or URL
    it was found under (gone detection is per root); it defaults to ``path``.
    """

    path: str
    reports: Sequence[FileReport]
    size: int | None = None
    mtime_ns: int | None = None
    content_hash: str | None = None
    root: str | None = None


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def now() -> datetime:
    return datetime.now(UTC)


def mtime_of(ns: int | None) -> datetime | None:
    return None if ns is None else datetime.fromtimestamp(ns / 1e9, UTC)


def begin_scan(conn: Connection, roots: Sequence[str], at: datetime | None = None) -> int:
    result = conn.execute(sa.insert(scans).values(
        started_at=at or now(), roots=list(roots), files=0, files_read=0, files_hashed=0,
        incomplete=0, by_risk={}))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def scan_time(conn: Connection, scan_id: int) -> datetime:
    at = conn.execute(sa.select(scans.c.started_at).where(scans.c.id == scan_id)).scalar()
    if at is None:
        raise ConfigError(f"no scan {scan_id} in the inventory")
    return utc(at)  # type: ignore[return-value]


def source_states(conn: Connection, root: str) -> dict[str, SourceState]:
    rows = conn.execute(sa.select(sources.c.id, sources.c.path, sources.c.size,
                                  sources.c.mtime_ns, sources.c.content_hash, sources.c.errors,
                                  sources.c.gone).where(sources.c.root == root))
    return {r.path: SourceState(r.id, r.path, r.size, r.mtime_ns, r.content_hash, r.errors,
                                bool(r.gone)) for r in rows}


def _lookup(conn: Connection, table: sa.Table, paths: Sequence[str],
            *cols: sa.Column[Any]) -> dict[str, Any]:
    """Rows of ``table`` by path, ``IN`` lists of constant names through the driver (fast)."""
    names = ", ".join(["path"] + [c.name for c in cols])
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    found: dict[str, Any] = {}
    for part in chunks(dict.fromkeys(paths), IN_CHUNK):
        sql = f"SELECT {names} FROM {table.name} WHERE path IN ({', '.join([mark] * len(part))})"
        for row in conn.exec_driver_sql(sql, tuple(part)):
            found[row.path] = row
    return found


def _check_no_values(report: FileReport) -> None:
    if report.values is not None or any(c.values is not None for c in report.columns):
        raise ConfigError(f"{report.path}: report holds raw values (--show-values); "
                          "the inventory never stores them")


def _file_values(rep: FileReport, source_id: int, scan_id: int, at: datetime,
                 mtime: datetime | None) -> dict[str, Any]:
    risk = str(rep.risk)
    return {
        "source_id": source_id, "path": rep.path, "format": rep.format or "",
        "encoding": rep.encoding, "size": int(rep.bytes or 0), "mtime": mtime,
        "records": int(rep.records or 0), "risk": risk, "risk_rank": rank(risk),
        "score": float(rep.score), "last_seen": at, "last_scan_id": scan_id, "gone": False,
        "too_old_flagged": False,
        "entities": {k: int(v.count) for k, v in sorted(rep.entities.items()) if v.count},
        "health": {k: int(v) for k, v in sorted(rep.health.items()) if v},
        "errors": list(rep.errors),
    }


def _event(at: datetime, kind: str, file_id: int | None, path: str, risk: str | None,
           previous: str | None, scan_id: int) -> HistoryEvent:
    return HistoryEvent(at=at, kind=kind, file_id=file_id, path=path, risk=risk,
                        previous_risk=previous, scan_id=scan_id)


def bulk_insert(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """``INSERT`` many rows through the driver's ``executemany`` directly.

    The statement is compiled once and each value converted by its column type's bind
    processor; this skips SQLAlchemy's per-row parameter machinery, which costs more than
    the database itself on large batches. All rows must have the keys of the first one.
    """
    if not rows:
        return
    keys = list(rows[0])
    dialect = conn.dialect
    compiled = sa.insert(table).compile(dialect=dialect, column_keys=keys)
    order = list(compiled.positiontup or ()) if compiled.positional else keys
    procs = [(i, _memo(p) if isinstance(table.c[k].type, sa.DateTime) else p)
             for i, k in enumerate(order)
             if (p := table.c[k].type.dialect_impl(dialect).bind_processor(dialect))]
    get = itemgetter(*order) if len(order) > 1 else (lambda r: (r[order[0]],))
    params: list[Any] = []
    for row in rows:
        values = get(row)
        if procs:
            values = list(values)
            for i, proc in procs:
                values[i] = proc(values[i])
        params.append(tuple(values) if compiled.positional else dict(zip(order, values)))
    conn.exec_driver_sql(compiled.string, params)


def _memo(proc: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A bind processor remembering its answers (a batch repeats the same timestamps)."""
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            cache[value] = out = proc(value)
            return out

    return convert


def add_events(conn: Connection, found: Sequence[HistoryEvent]) -> None:
    if found:
        bulk_insert(conn, events, [
            {"at": e.at, "kind": e.kind, "file_id": e.file_id, "path": e.path, "risk": e.risk,
             "previous_risk": e.previous_risk, "scan_id": e.scan_id} for e in found])



def _upsert(conn: Connection, table: sa.Table, values: list[dict[str, Any]],
            ids: dict[str, Any], at: Any) -> list[Any]:
    """Insert the rows whose ``path`` is not in ``ids`` (first seen ``at``), update the
    others in one executemany; the ids of the updated rows."""
    new = [v | {"first_seen": at} for v in values if v["path"] not in ids]
    old = [v | {"b_id": ids[v["path"]]} for v in values if v["path"] in ids]
    if new:
        bulk_insert(conn, table, new)
    if old:
        conn.execute(sa.update(table).where(table.c.id == sa.bindparam("b_id"))
                     .values({k: sa.bindparam(k) for k in values[0]}), old)
    return [v["b_id"] for v in old]

def record_sources(conn: Connection, scan_id: int, batch: Sequence[SourceResult],
                   at: datetime) -> list[HistoryEvent]:
    """Upsert one batch of sources with their files and findings; return the changes."""
    for result in batch:
        for rep in result.reports:
            _check_no_values(rep)
    # sources
    known = _lookup(conn, sources, [r.path for r in batch], sources.c.id)
    src_values = [{"root": r.root if r.root is not None else r.path, "path": r.path,
                   "size": r.size, "mtime_ns": r.mtime_ns, "content_hash": r.content_hash,
                   "errors": sum(len(rep.errors) for rep in r.reports), "last_seen": at,
                   "last_scan_id": scan_id, "gone": False} for r in batch]
    _upsert(conn, sources, src_values, {p: row.id for p, row in known.items()}, at)
    src_ids = {p: r.id for p, r in
               _lookup(conn, sources, [r.path for r in batch], sources.c.id).items()}
    # files: previous state of the reported paths and of the members these sources had
    reported = [rep.path for r in batch for rep in r.reports]
    before = _lookup(conn, files, reported, files.c.id, files.c.risk, files.c.gone)
    old_ids = [known[p].id for p in known]
    vanished: list[Any] = []
    still = set(reported)
    for part in chunks(old_ids, IN_CHUNK):
        vanished += [row for row in conn.execute(
            sa.select(files.c.id, files.c.path, files.c.risk).where(
                files.c.source_id.in_(part), files.c.gone == sa.false()))
            if row.path not in still]
    values, taken = [], set()
    for r in batch:
        mtime = mtime_of(r.mtime_ns)
        for rep in r.reports:
            if rep.path not in taken:  # an archive may hold two members of the same name
                taken.add(rep.path)
                values.append(_file_values(rep, src_ids[r.path], scan_id, at, mtime))
    updated = _upsert(conn, files, values, {p: row.id for p, row in before.items()}, at)
    for part in chunks(updated, IN_CHUNK):  # their findings are written afresh below
        for table in (file_entities, file_health, file_columns):
            conn.execute(sa.delete(table).where(table.c.file_id.in_(part)))
    file_ids = {p: r.id for p, r in _lookup(conn, files, reported, files.c.id).items()}
    firsts = {rep.path: rep for r in batch for rep in reversed(r.reports)}
    _insert_findings(conn, [firsts[v["path"]] for v in values], file_ids)
    changes: list[HistoryEvent] = []
    for v in values:
        prev = before.get(v["path"])
        risk, fid = v["risk"], file_ids[v["path"]]
        if prev is None or prev.gone:
            if risk != "none":
                changes.append(_event(at, "new_exposure", fid, v["path"], risk, None, scan_id))
        elif rank(risk) != rank(prev.risk):
            kind = "risk_up" if rank(risk) > rank(prev.risk) else "risk_down"
            changes.append(_event(at, kind, fid, v["path"], risk, prev.risk, scan_id))
    if vanished:
        changes += _set_gone(conn, scan_id, at, vanished)
    add_events(conn, changes)
    return changes


def _insert_findings(conn: Connection, reports: Sequence[FileReport],
                     file_ids: dict[str, int]) -> None:
    ents, health, cols = [], [], []
    for rep in reports:
        fid = file_ids[rep.path]
        ents += [{"file_id": fid, "entity": k, "count": int(s.count),
                  "distinct_count": int(s.distinct), "invalid_count": int(s.invalid)}
                 for k, s in rep.entities.items() if s.count]
        health += [{"file_id": fid, "category": k, "count": int(n)}
                   for k, n in rep.health.items() if n]
        seen: set[int] = set()
        for c in rep.columns:
            entity = c.entity or ("HEALTH" if c.health else None)
            if entity is None or c.index in seen:
                continue
            seen.add(c.index)
            cols.append({"file_id": fid, "idx": int(c.index), "name": c.name, "entity": entity,
                         "confidence": float(c.confidence), "valid_ratio": float(c.valid_ratio),
                         "preview": c.preview or ""})
    for table, rows in ((file_entities, ents), (file_health, health), (file_columns, cols)):
        bulk_insert(conn, table, rows)


def _set_gone(conn: Connection, scan_id: int, at: datetime,
              rows: Sequence[Any]) -> list[HistoryEvent]:
    conn.execute(sa.update(files).where(files.c.id == sa.bindparam("b_id"))
                 .values(gone=True), [{"b_id": r.id} for r in rows])
    return [_event(at, "gone", r.id, r.path, None, r.risk, scan_id)
            for r in rows if r.risk != "none"]


def touch_sources(conn: Connection, scan_id: int, at: datetime, unchanged: Sequence[int],
                  moved: Sequence[tuple[int, int | None, int | None]] = ()) -> None:
    """Mark sources (and their files) seen at this scan without reading them again.

    ``moved`` holds ``(source id, size, mtime_ns)`` of sources whose size or mtime changed
    but whose content hash did not: their metadata is updated, their findings kept.
    """
    ids = list(unchanged) + [m[0] for m in moved]
    if moved:
        conn.execute(sa.update(sources).where(sources.c.id == sa.bindparam("b_id"))
                     .values(size=sa.bindparam("b_size"), mtime_ns=sa.bindparam("b_mtime")),
                     [{"b_id": i, "b_size": s, "b_mtime": m} for i, s, m in moved])
        conn.execute(sa.update(files).where(files.c.source_id == sa.bindparam("b_id"))
                     .values(mtime=sa.bindparam("b_mtime")),
                     [{"b_id": i, "b_mtime": mtime_of(m)} for i, _, m in moved])
    for part in chunks(ids, IN_CHUNK):
        conn.execute(sa.update(sources).where(sources.c.id.in_(part))
                     .values(last_seen=at, last_scan_id=scan_id))
        conn.execute(sa.update(files).where(files.c.source_id.in_(part),
                                            files.c.gone == sa.false())
                     .values(last_seen=at, last_scan_id=scan_id))


def mark_gone(conn: Connection, scan_id: int, at: datetime,
              source_ids: Sequence[int]) -> list[HistoryEvent]:
    """Sources no longer found under their root: they and their files are gone."""
    changes: list[HistoryEvent] = []
    for part in chunks(source_ids, IN_CHUNK):
        conn.execute(sa.update(sources).where(sources.c.id.in_(part)).values(gone=True))
        rows = conn.execute(sa.select(files.c.id, files.c.path, files.c.risk).where(
            files.c.source_id.in_(part), files.c.gone == sa.false())).all()
        if rows:
            changes += _set_gone(conn, scan_id, at, rows)
    add_events(conn, changes)
    return changes


def flag_too_old(conn: Connection, scan_id: int, at: datetime, cutoff: datetime,
                 roots: Sequence[str] | None = None) -> list[HistoryEvent]:
    """Files with findings whose mtime is before ``cutoff`` (once per file and content)."""
    query = (sa.select(files.c.id, files.c.path, files.c.risk)
             .where(files.c.gone == sa.false(), files.c.risk_rank > 0,
                    files.c.too_old_flagged == sa.false(), files.c.mtime.is_not(None),
                    files.c.mtime < cutoff))
    if roots is not None:
        query = query.where(files.c.source_id.in_(
            sa.select(sources.c.id).where(sources.c.root.in_(list(roots)))))
    rows = conn.execute(query.order_by(files.c.path)).all()
    if rows:
        conn.execute(sa.update(files).where(files.c.id == sa.bindparam("b_id"))
                     .values(too_old_flagged=True), [{"b_id": r.id} for r in rows])
    changes = [_event(at, "too_old", r.id, r.path, r.risk, None, scan_id) for r in rows]
    add_events(conn, changes)
    return changes


def finish_scan(conn: Connection, scan_id: int, *, files_read: int, files_hashed: int = 0,
                incomplete: int = 0, at: datetime | None = None) -> None:
    counted = dict(conn.execute(
        sa.select(files.c.risk, sa.func.count()).where(files.c.last_scan_id == scan_id,
                                                       files.c.gone == sa.false())
        .group_by(files.c.risk)).all())
    by_risk = {level: int(counted.get(level, 0)) for level in RISKS}
    conn.execute(sa.update(scans).where(scans.c.id == scan_id).values(
        finished_at=at or now(), files=sum(by_risk.values()), files_read=files_read,
        files_hashed=files_hashed, incomplete=incomplete, by_risk=by_risk))


__all__ = ["SourceResult", "SourceState", "add_events", "begin_scan", "chunks", "finish_scan",
           "flag_too_old", "mark_gone", "mtime_of", "now", "record_sources", "scan_time",
           "source_states", "touch_sources"]
