"""The inventory of exposures: one typed object over an SQLite file or a PostgreSQL database.

Read API (used by ``sentinelle serve``): :meth:`Inventory.overview`, :meth:`~Inventory.list_files`,
:meth:`~Inventory.file_detail`, :meth:`~Inventory.history`, :meth:`~Inventory.scans`,
:meth:`~Inventory.assessments`. Write API (used by ``sentinelle watch``, and by anyone filling
an inventory in bulk)::

    with Inventory("sqlite:///inv.sqlite") as inv:
        scan_id = inv.begin_scan(["/srv/exports"])
        inv.record_sources(scan_id, [SourceResult(path, reports, size, mtime_ns, sha256, root)])
        inv.finish_scan(scan_id, files_read=n)

or, for a finished :class:`~sentinelle.report.model.ScanReport` (each file its own source),
``inv.record_report(report)``; for file reports alone, ``inv.record_files(scan_id, reports)``.
Writes go in batches through ``executemany``; every method commits before returning. Nothing
raw is stored: a report made with ``--show-values`` is refused.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Self

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from sentinelle.errors import InventoryError
from sentinelle.inventory import queries, writes
from sentinelle.inventory.database import create_engine, display_url, migrate, resolve_url
from sentinelle.inventory.schema import assessments
from sentinelle.inventory.views import (
    AssessmentLink,
    FileDetail,
    FileFilter,
    FileRow,
    HistoryEvent,
    Overview,
    Page,
    ScanPoint,
)
from sentinelle.inventory.writes import SourceResult, SourceState
from sentinelle.report.model import FileReport, ScanReport

BATCH = 1000  # sources per write transaction


class Inventory:
    """An inventory database; ``url`` is a SQLAlchemy URL, a file path, or None (default file)."""

    def __init__(self, url: str | os.PathLike[str] | None = None) -> None:
        self.url = resolve_url(url)
        self.engine = create_engine(self.url)
        try:
            migrate(self.engine)
            with self._read() as conn:
                self.features = queries.Features.detect(conn)
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise self._fail(exc, "open the inventory") from None
        except BaseException:
            self.engine.dispose()
            raise

    # -- plumbing ---------------------------------------------------------------------------
    def __repr__(self) -> str:
        return f"Inventory({display_url(self.url)!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    def _read(self) -> Connection:
        return self.engine.connect()

    def _fail(self, exc: SQLAlchemyError, what: str) -> InventoryError:
        orig = getattr(exc, "orig", None)
        return InventoryError(f"{display_url(self.url)}: cannot {what} "
                              f"({type(orig or exc).__name__})")

    # -- read API ---------------------------------------------------------------------------
    def overview(self) -> Overview:
        try:
            with self._read() as conn:
                return queries.overview(conn)
        except SQLAlchemyError as exc:
            raise self._fail(exc, "read the overview") from None

    def list_files(self, flt: FileFilter, total: int | None = None) -> Page:
        """A page of files; pass ``total`` (from :meth:`count_files`) to skip counting again."""
        try:
            with self._read() as conn:
                return queries.list_files(conn, flt, self.features, total)
        except SQLAlchemyError as exc:
            raise self._fail(exc, "list files") from None

    def count_matrix(self) -> queries.CountMatrix:
        """Present files by (risk rank, entity or None): see :func:`queries.count_matrix`."""
        try:
            with self._read() as conn:
                return queries.count_matrix(conn)
        except SQLAlchemyError as exc:
            raise self._fail(exc, "count files") from None

    def count_files(self, flt: FileFilter) -> int:
        """How many files match the filters of ``flt`` (sort, offset and limit ignored)."""
        try:
            with self._read() as conn:
                return queries.count_files(conn, flt, self.features)
        except SQLAlchemyError as exc:
            raise self._fail(exc, "count files") from None

    def file_detail(self, file_id: int) -> FileDetail | None:
        try:
            with self._read() as conn:
                return queries.file_detail(conn, file_id)
        except SQLAlchemyError as exc:
            raise self._fail(exc, "read a file") from None

    def files(self, ids: Iterable[int]) -> dict[int, FileRow]:
        """File rows by id (for alerts: several files in one query per 500 ids)."""
        try:
            with self._read() as conn:
                return queries.file_rows(conn, sorted(set(ids)))
        except SQLAlchemyError as exc:
            raise self._fail(exc, "read files") from None

    def history(self, limit: int = 100, kind: str | None = None) -> list[HistoryEvent]:
        try:
            with self._read() as conn:
                return queries.history(conn, limit, kind)
        except SQLAlchemyError as exc:
            raise self._fail(exc, "read the history") from None

    def scans(self, limit: int = 50) -> list[ScanPoint]:
        """The latest scans, newest first."""
        try:
            with self._read() as conn:
                return queries.scan_points(conn, limit)
        except SQLAlchemyError as exc:
            raise self._fail(exc, "read the scans") from None

    def assessments(self) -> list[AssessmentLink]:
        try:
            with self._read() as conn:
                return queries.assessment_links(conn)
        except SQLAlchemyError as exc:
            raise self._fail(exc, "read the assessments") from None

    def add_assessment(self, directory: str, title: str, persons: int, severity: str) -> int:
        try:
            with self.engine.begin() as conn:
                result = conn.execute(sa.insert(assessments).values(
                    created=writes.now(), title=title, directory=str(directory),
                    persons=int(persons), severity=severity))
                return int(result.inserted_primary_key[0])  # type: ignore[index]
        except SQLAlchemyError as exc:
            raise self._fail(exc, "register the assessment") from None

    # -- write API --------------------------------------------------------------------------
    def begin_scan(self, roots: Sequence[str], at: datetime | None = None) -> int:
        """Open a scan (its ``started_at`` stamps every row it touches); returns its id."""
        try:
            with self.engine.begin() as conn:
                return writes.begin_scan(conn, roots, at)
        except SQLAlchemyError as exc:
            raise self._fail(exc, "start a scan") from None

    def source_states(self, root: str) -> dict[str, SourceState]:
        """Every source ever recorded under ``root`` (path -> state), gone ones included."""
        try:
            with self._read() as conn:
                return writes.source_states(conn, root)
        except SQLAlchemyError as exc:
            raise self._fail(exc, "read the sources") from None

    def record_sources(self, scan_id: int, results: Iterable[SourceResult], *,
                       batch: int = BATCH) -> list[HistoryEvent]:
        """Store sources read at ``scan_id`` with their files and findings (bulk upsert).

        Returns the change events (new_exposure, risk_up, risk_down, gone members), which
        are also written to the history.
        """
        changes: list[HistoryEvent] = []
        try:
            with self._read() as conn:
                at = writes.scan_time(conn, scan_id)
            for part in writes.chunks(results, batch):
                with self.engine.begin() as conn:
                    changes += writes.record_sources(conn, scan_id, part, at)
        except SQLAlchemyError as exc:
            raise self._fail(exc, "record the scan results") from None
        return changes

    def record_files(self, scan_id: int, reports: Iterable[FileReport], *,
                     root: str = "", mtime_ns: int | None = None,
                     batch: int = BATCH) -> list[HistoryEvent]:
        """Bulk-store file reports, each its own source under ``root`` (no size/hash)."""
        return self.record_sources(scan_id, (
            SourceResult(path=rep.path, reports=[rep], size=rep.bytes, mtime_ns=mtime_ns,
                         root=root) for rep in reports), batch=batch)

    def touch_sources(self, scan_id: int, unchanged: Sequence[int],
                      moved: Sequence[tuple[int, int | None, int | None]] = ()) -> None:
        """Sources seen again unchanged (by id); ``moved``: (id, size, mtime_ns), same hash."""
        try:
            with self.engine.begin() as conn:
                writes.touch_sources(conn, scan_id, writes.scan_time(conn, scan_id),
                                     unchanged, moved)
        except SQLAlchemyError as exc:
            raise self._fail(exc, "record unchanged files") from None

    def mark_gone(self, scan_id: int, source_ids: Sequence[int]) -> list[HistoryEvent]:
        try:
            with self.engine.begin() as conn:
                return writes.mark_gone(conn, scan_id, writes.scan_time(conn, scan_id),
                                        source_ids)
        except SQLAlchemyError as exc:
            raise self._fail(exc, "record deleted files") from None

    def flag_too_old(self, scan_id: int, cutoff: datetime,
                     roots: Sequence[str] | None = None) -> list[HistoryEvent]:
        """``too_old`` events for files with findings modified before ``cutoff``."""
        try:
            with self.engine.begin() as conn:
                return writes.flag_too_old(conn, scan_id, writes.scan_time(conn, scan_id),
                                           cutoff, roots)
        except SQLAlchemyError as exc:
            raise self._fail(exc, "flag old files") from None

    def finish_scan(self, scan_id: int, *, files_read: int, files_hashed: int = 0,
                    incomplete: int = 0) -> ScanPoint:
        try:
            with self.engine.begin() as conn:
                writes.finish_scan(conn, scan_id, files_read=files_read,
                                   files_hashed=files_hashed, incomplete=incomplete)
                point = [p for p in queries.scan_points(conn, 1) if p.id == scan_id]
            if point:
                return point[0]
            with self._read() as conn:
                rows = conn.execute(sa.select(writes.scans).where(writes.scans.c.id == scan_id))
                return queries.scan_point(rows.one())
        except SQLAlchemyError as exc:
            raise self._fail(exc, "finish the scan") from None

    def record_report(self, report: ScanReport, roots: Sequence[str] = ()) -> int:
        """Store a whole scan report as one scan (each file its own source); returns its id."""
        scan_id = self.begin_scan(list(roots))
        self.record_files(scan_id, report.files)
        self.finish_scan(scan_id, files_read=len(report.files),
                         incomplete=len(report.incomplete))
        return scan_id


__all__ = ["Inventory", "SourceResult", "SourceState"]
