"""The scan driver: sources -> readers -> detection -> per-file reports -> scan report.

``scan()`` is the library entry point behind ``sentinelle scan``. A file that cannot be read
gets an error entry (naming the file and what is wrong) and is listed in the report's
``incomplete`` section; the scan goes on with the rest.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from sentinelle import __version__
from sentinelle.detect.columns import ColumnPlan, classify_table
from sentinelle.detect.text import TextDetector
from sentinelle.entities import Entity
from sentinelle.errors import InputError, SentinelleError
from sentinelle.readers import read_source
from sentinelle.readers.base import ReadOptions, Source, Table, Text
from sentinelle.report.model import FileReport, ScanReport
from sentinelle.scanning.accumulate import FileAccumulator
from sentinelle.scanning.sources import Skipped, iter_sources
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
    sample_rows: int = 2000
    engine: str = "auto"  # text engine: auto | hyperscan | re2 | re
    min_confidence: float = 0.5


def _scan_text_chunk(chunk: Text, acc: FileAccumulator, detector: TextDetector) -> None:
    found = detector.scan(chunk.text, first_line=chunk.first_line)
    acc.records += chunk.text.count("\n") + (0 if chunk.text.endswith("\n") else 1)
    for match in found.matches:
        if match.confidence >= detector.min_confidence or not match.valid:
            acc.add_text_match(match.entity, match.line, match.valid, match.normalised)
    for category, lines in found.health.items():
        acc.health[category] += lines
    lines_with_health = getattr(found, "health_lines_any", None)
    if lines_with_health is None:
        lines_with_health = max(found.health.values(), default=0)
    acc.counts[Entity.HEALTH] += lines_with_health


def scan_source(source: Source, config: ScanConfig, detector: TextDetector) -> FileReport:
    """Scan one source; read errors end up in the report's ``errors``, never raised."""
    acc = FileAccumulator(path=source.path, show_values=config.show_values,
                          size=source.size or 0)
    plans: list[ColumnPlan] | None = None
    try:
        for chunk in read_source(source, config.read):
            acc.format = acc.format or chunk.format
            acc.encoding = acc.encoding or chunk.encoding
            if isinstance(chunk, Table):
                if plans is None:
                    plans = classify_table(chunk.frame, chunk.header,
                                           sample_rows=config.sample_rows)
                scan_table_chunk(chunk, plans, acc, detector)
            else:
                _scan_text_chunk(chunk, acc, detector)
            for warning in getattr(chunk, "warnings", ()) or ():
                if warning not in acc.errors:
                    acc.errors.append(warning)
    except InputError as exc:
        acc.errors.append(exc.reason)
    except SentinelleError as exc:
        acc.errors.append(str(exc))
    return acc.finish()


def scan(
    paths: Iterable[str | os.PathLike[str]],
    config: ScanConfig | None = None,
    *,
    progress: Progress | None = None,
) -> ScanReport:
    """Scan files and directories (recursively) and return the report object."""
    config = config or ScanConfig()
    detector = TextDetector(engine=config.engine, min_confidence=config.min_confidence)
    started = time.perf_counter()
    files: list[FileReport] = []
    incomplete: list[dict[str, str]] = []
    items = list(iter_sources(paths))
    if progress:
        sizes = [i.size or 0 for i in items if isinstance(i, Source)]
        progress.start(len(sizes), sum(sizes))
    for item in items:
        if isinstance(item, Skipped):
            incomplete.append({"path": item.path, "reason": item.reason})
            continue
        report = scan_source(item, config, detector)
        files.append(report)
        incomplete += [{"path": report.path, "reason": e} for e in report.errors]
        if progress:
            progress.advance(item.path, item.size or 0)
    return ScanReport(files=files, version=__version__, incomplete=incomplete,
                      elapsed=time.perf_counter() - started)


__all__ = ["Progress", "ScanConfig", "scan", "scan_source"]
