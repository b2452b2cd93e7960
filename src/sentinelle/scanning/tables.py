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
from sentinelle.detect.shapes import non_empty
from sentinelle.detect.text import TextDetector
from sentinelle.entities import Entity
from sentinelle.identifiers import nir_no_key
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
    """Add the findings of one chunk to ``acc``."""
    frame = table.frame
    acc.records += frame.height
    line0 = table.first_line
    for plan in plans:
        if plan.index >= frame.width:
            continue
        series = frame.to_series(plan.index)
        col = acc.column(plan.index, plan.name, plan.entity, plan.confidence, plan.reasons)
        filled = series.str.strip_chars().str.len_chars() > 0
        col.non_empty += int(filled.sum() or 0)
        if acc.show_values and col.shown is None and plan.entity:
            col.shown = non_empty(series).head(5).to_list()
        entity = plan.entity
        if entity is None:
            continue
        if entity == Entity.NIR_NO_KEY and plan.key_index is not None:
            check = nir_no_key.check_pair_series(series, frame.to_series(plan.key_index))
            valid = check.normalised.filter(check.valid)
            acc.add_check(entity, check, col, line0, _first_masked(entity, valid))
        elif entity in CHECKED:
            check = identifier(entity).check_series(series)
            valid = check.normalised.filter(check.valid)
            acc.add_check(entity, check, col, line0, _first_masked(entity, valid))
            if entity in (Entity.NIR, Entity.NIR_NO_KEY):
                nnp = identifier(Entity.NNP).check_series(series)
                acc.add_check(Entity.NNP, nnp, None, line0)
        elif entity in PRESENCE:
            rows = filled.fill_null(False)
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
