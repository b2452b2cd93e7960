"""The scan driver: sources -> readers -> detection -> per-file reports -> scan report.

``scan()`` is the library entry point behind ``sentinelle scan``. A file that cannot be read
gets an error entry (naming the file and what is wrong) and is listed in the report's
``incomplete`` section; the scan goes on with the rest.

Sources are scanned in this process, on local worker processes (``ScanConfig.workers``,
:mod:`sentinelle.scanning.parallel`) or on a Dask cluster (``ScanConfig.cluster``,
:mod:`sentinelle.scanning.cluster`); :func:`scan_source` is the unit of work in every mode
and results are merged in listing order, so the report does not depend on the mode.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import polars as pl

from sentinelle import __version__
from sentinelle.detect.columns import ColumnPlan, classify_table
from sentinelle.detect.text import TextDetector
from sentinelle.entities import Entity
from sentinelle.errors import ConfigError, InputError, SentinelleError
from sentinelle.readers import read_source
from sentinelle.readers.base import ReadOptions, Skip, Source, Table, Text, join_tables
from sentinelle.report.model import FileReport, Location, ScanReport
from sentinelle.scanning.accumulate import FileAccumulator
from sentinelle.scanning.sources import Skipped
from sentinelle.scanning.tables import scan_table_chunk


class Progress(Protocol):
    """What a progress display gets told (the CLI shows a rich progress bar)."""

    def start(self, files: int, total_bytes: int) -> None: ...

    def advance(self, path: str, nbytes: int) -> None: ...


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Everything that changes what a scan does. Immutable; passed in, never global."""

    show_values: bool = False
    read: ReadOptions = field(default_factory=ReadOptions)
    sample_rows: int = 1000
    engine: str = "auto"  # text engine: auto | hyperscan | re2 | polars | re
    min_confidence: float = 0.5
    #: Local worker processes over files: 1 = in-process (the library default), ``None`` =
    #: every usable core, in-process when the work is too small to pay for a pool
    #: (see :mod:`sentinelle.scanning.parallel`). Results never depend on it.
    workers: int | None = 1
    #: A Dask scheduler address (``tcp://host:8786``) or ``local:N`` for a LocalCluster of N
    #: processes; overrides ``workers`` (see :mod:`sentinelle.scanning.cluster`).
    cluster: str | None = None

    def __post_init__(self) -> None:
        if self.workers is not None and self.workers < 1:
            raise ConfigError(f"workers must be at least 1 (got {self.workers})")
        if self.cluster is not None and not self.cluster.strip():
            raise ConfigError("cluster address is empty")


def _scan_text_chunk(chunk: Text, acc: FileAccumulator, detector: TextDetector) -> None:
    found = detector.scan(chunk.text, first_line=chunk.first_line)
    acc.records += chunk.text.count("\n") + (0 if chunk.text.endswith("\n") else 1)
    for match in found.matches:
        acc.add_text_match(match.entity, match.line, match.valid)
    for entity, values in found.values().items():
        acc.add_distinct(entity, pl.Series(values, dtype=pl.String))
    for category, lines in found.health.items():
        acc.health[category] += lines
    lines_with_health = sorted({n for lines in found.health_lines.values() for n in lines})
    if lines_with_health:
        acc.counts[Entity.HEALTH] += len(lines_with_health)
        acc.locations.append(Location(Entity.HEALTH, lines_with_health[0], None,
                                      len(lines_with_health)))


@dataclass(slots=True)
class _Part:
    acc: FileAccumulator
    plans: list[ColumnPlan] | None = None


class _Held:
    """Scans table chunks, keeping a source's first (sample) chunk back to scan it with
    the chunk that follows: every chunk costs the checks a fixed planning time, and the
    first one is small (the reader sends it early so that columns can be skipped)."""

    def __init__(self, detector: TextDetector) -> None:
        self.detector = detector
        self.part: _Part | None = None
        self.table: Table | None = None

    def take(self, part: _Part, table: Table, *, hold: bool) -> None:
        if self.table is not None and self.part is part:
            table = join_tables([self.table, table])
            self.part = self.table = None
        self.flush()
        if hold:
            self.part, self.table = part, table
        else:
            self._scan(part, table)

    def flush(self) -> None:
        if self.part is not None and self.table is not None:
            part, table = self.part, self.table
            self.part = self.table = None
            self._scan(part, table)

    def _scan(self, part: _Part, table: Table) -> None:
        assert part.plans is not None
        scan_table_chunk(table, part.plans, part.acc, self.detector)


def scan_source(
    source: Source, config: ScanConfig, detector: TextDetector, *, depth: int = 0
) -> list[FileReport]:
    """Scan one source (and, recursively, the members of a container).

    Read errors end up in the reports' ``errors``; nothing is raised. A table with a name
    (a sheet, a database table) is reported as ``path!name``.
    """
    main = _Part(FileAccumulator(path=source.path, show_values=config.show_values,
                                 size=source.size or 0))
    parts: dict[str, _Part] = {}
    nested: list[FileReport] = []
    pending: dict[str, list[str]] = {}  # Skip reasons for a member that follows (unsafe name)
    used = False
    held = _Held(detector)
    try:
        for item in read_source(source, config.read):
            if not isinstance(item, Table):
                held.flush()
            if isinstance(item, Source):
                if depth + 1 > config.read.max_depth:
                    reason = f"nested deeper than {config.read.max_depth} levels, not read"
                    nested.append(failed_report(item.path, reason))
                    continue
                reports = scan_source(item, config, detector, depth=depth + 1)
                if reports and item.path in pending:
                    reports[0].errors[:0] = pending.pop(item.path)
                nested += reports
                continue
            if isinstance(item, Skip):
                pending.setdefault(item.path, []).append(item.reason)
                continue
            part = main
            name = item.part if isinstance(item, Table) else None
            if name:
                part = parts.get(name) or parts.setdefault(name, _Part(FileAccumulator(
                    path=f"{source.path}!{name}", show_values=config.show_values)))
            else:
                used = True
            acc = part.acc
            acc.format = acc.format or item.format
            acc.encoding = acc.encoding or item.encoding
            if isinstance(item, Table):
                first = part.plans is None
                if first or item.frame.width > len(part.plans or []):
                    # first chunk, or columns that appear later (JSON, XML, ragged rows)
                    plans = classify_table(item.frame, item.header, sample_rows=config.sample_rows)
                    part.plans = (part.plans or []) + plans[len(part.plans or []):]
                    if item.skip_columns is not None:
                        # columns found to hold nothing need not be parsed in later chunks
                        item.skip_columns(frozenset(p.index for p in part.plans if not p.entity))
                held.take(part, item, hold=first and item.skip_columns is not None)
            else:
                _scan_text_chunk(item, acc, detector)
            for warning in getattr(item, "warnings", ()) or ():
                if warning not in acc.warnings:
                    acc.warnings.append(warning)
    except InputError as exc:
        main.acc.errors.append(exc.reason)
        used = True
    except SentinelleError as exc:
        main.acc.errors.append(str(exc))
        used = True
    held.flush()  # what was read before an error still counts
    nested += [failed_report(path, "; ".join(reasons)) for path, reasons in pending.items()]
    reports = [p.acc.finish() for p in parts.values()]
    if used or not (parts or nested):
        reports.insert(0, main.acc.finish())
    return reports + nested


def failed_report(path: str, reason: str) -> FileReport:
    """A report for a file that could not be scanned at all (listed as incomplete)."""
    acc = FileAccumulator(path=path)
    acc.errors.append(reason)
    return acc.finish()


def scan(
    paths: Iterable[str | os.PathLike[str]],
    config: ScanConfig | None = None,
    *,
    progress: Progress | None = None,
) -> ScanReport:
    """Scan files and directories (recursively) and return the report object.

    Sources are scanned in-process, on local worker processes (``config.workers``) or on a
    Dask cluster (``config.cluster``); the report is the same in every mode (bar
    ``elapsed``): results are put back in the order the sources were listed.
    """
    from sentinelle.scanning.parallel import Job, list_jobs, run_jobs

    config = config or ScanConfig()
    started = time.perf_counter()
    items = list_jobs(paths)
    jobs = [i for i in items if isinstance(i, Job)]
    if progress:
        progress.start(len(jobs), sum(j.size for j in jobs))
    results = run_jobs(jobs, config, progress)
    files: list[FileReport] = []
    incomplete: list[dict[str, str]] = []
    for item in items:
        if isinstance(item, Skipped):
            incomplete.append({"path": item.path, "reason": item.reason})
            continue
        for report in results[item.index]:
            files.append(report)
            incomplete += [{"path": report.path, "reason": e} for e in report.errors]
    return ScanReport(files=files, version=__version__, incomplete=incomplete,
                      elapsed=time.perf_counter() - started)


def scan_serial(jobs: Sequence[Source], config: ScanConfig,
                done: Callable[[int], None] | None = None) -> list[list[FileReport]]:
    """Scan ``jobs`` one after the other in this process; ``done(i)`` after each."""
    detector = TextDetector(engine=config.engine, min_confidence=config.min_confidence)
    results: list[list[FileReport]] = []
    for i, source in enumerate(jobs):
        results.append(scan_source(source, config, detector))
        if done:
            done(i)
    return results


__all__ = ["Progress", "ScanConfig", "failed_report", "scan", "scan_serial", "scan_source"]
