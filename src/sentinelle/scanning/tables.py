"""Apply a column plan to one table chunk: whole-column vectorised checks, text in cells.

Every classified column is validated whole with its identifier's vectorised check; columns
classified as identifiers also get the NNP check when they hold national numbers (NNP is
written in the NIR column by old lab systems). Free-text columns go through the text
detector's cell scan (vectorised prefilter, Python only on candidate cells).
"""

from __future__ import annotations

import polars as pl

from sentinelle.detect.columns import CHECKED, PRESENCE, ColumnPlan, identifier
from sentinelle.detect.headers import FREE_TEXT
from sentinelle.detect.shapes import non_empty, stripped
from sentinelle.detect.text import TextDetector
from sentinelle.entities import Entity
from sentinelle.identifiers import nir_no_key
from sentinelle.identifiers._series import SeriesCheck, collect_checks
from sentinelle.readers.base import Table
from sentinelle.report.model import Location
from sentinelle.scanning.accumulate import FileAccumulator, _Column


def _first_masked(entity: str, check_values: pl.Series) -> str | None:
    if check_values.len() == 0:
        return None
    return str(identifier(entity).mask(str(check_values[0])))


def scan_table_chunk(
    table: Table, plans: list[ColumnPlan], acc: FileAccumulator, detector: TextDetector
) -> None:
    """Add the findings of one chunk to ``acc``.

    Every identifier check of the chunk (one per classified column, plus the NNP check of
    national-number columns) is built lazily and evaluated in one parallel batch.
    """
    frame = table.frame
    records = table.extra.get("records")  # message formats: rows != records
    acc.records += int(records) if records is not None else frame.height
    line0 = table.first_line
    live = [p for p in plans if p.index < frame.width]
    filled = frame.select(
        (stripped(pl.col(frame.columns[p.index])).is_not_null()).alias(str(p.index)) for p in live
    )
    queries: list[pl.LazyFrame] = []
    jobs: list[tuple[ColumnPlan, str]] = []
    for plan in live:
        series = frame.to_series(plan.index)
        entity = plan.entity
        if entity == Entity.NIR_NO_KEY and plan.key_index is not None:
            queries.append(nir_no_key.check_pair_lazy(series, frame.to_series(plan.key_index)))
            jobs.append((plan, entity))
        elif entity in CHECKED:
            queries.append(identifier(entity).check_lazy(series))
            jobs.append((plan, entity))
        if entity in (Entity.NIR, Entity.NIR_NO_KEY):
            queries.append(identifier(Entity.NNP).check_lazy(series))
            jobs.append((plan, Entity.NNP))
    checks = dict(zip(((p.index, e) for p, e in jobs), collect_checks(queries), strict=True))

    for position, plan in enumerate(live):
        series = frame.to_series(plan.index)
        col = acc.column(plan.index, plan.name, plan.entity, plan.confidence, plan.reasons)
        rows = filled.to_series(position)
        col.non_empty += int(rows.sum() or 0)
        entity = plan.entity
        if entity is None:
            continue
        if acc.show_values and col.shown is None:
            col.shown = non_empty(series).head(5).to_list()
        check = checks.get((plan.index, entity))
        if check is not None:
            valid = check.normalised.filter(check.valid)
            acc.add_check(entity, check, col, line0, _first_masked(entity, valid))
        nnp = checks.get((plan.index, Entity.NNP))
        if nnp is not None and entity != Entity.NNP:
            # An NNP has no check digits: in a NIR column only the NNP-shaped values count,
            # the NIRs are not "invalid NNPs".
            acc.add_check(Entity.NNP, SeriesCheck(nnp.normalised, nnp.valid, nnp.valid), None, line0)
        if entity in PRESENCE:
            values = series.str.strip_chars().filter(rows)
            acc.add_presence(entity, values, col, line0, rows.arg_true())
        if plan.free_text or entity == FREE_TEXT:
            _scan_cells(series, col, acc, detector, line0)


def _scan_cells(
    series: pl.Series, col: _Column, acc: FileAccumulator, detector: TextDetector, line0: int
) -> None:
    found = detector.scan_cells(series)
    for category, cells in found.health.items():
        acc.health[category] += cells
        col.health[category] += cells
    health_rows = found.entity_rows.get(Entity.HEALTH, [])
    if health_rows:
        col.valid += len(health_rows)
        acc.counts[Entity.HEALTH] += len(health_rows)
        acc.locations.append(
            Location(Entity.HEALTH, line0 + health_rows[0], col.index + 1, len(health_rows))
        )
        if col.preview is None:
            col.preview = "free text"
    for entity, tally in found.entities.items():
        acc.counts[entity] += tally.count
        acc.invalid[entity] += tally.invalid
        acc.add_distinct(entity, pl.Series(tally.values, dtype=pl.String))
        rows = found.entity_rows.get(entity)
        if rows and tally.count:
            acc.locations.append(Location(entity, line0 + rows[0], col.index + 1, tally.count))
