"""Apply a column plan to one table chunk: whole-column vectorised checks, text in cells.

Every classified column is validated whole with its identifier's vectorised check; columns
classified as identifiers also get the NNP check when they hold national numbers (NNP is
written in the NIR column by old lab systems). Free-text columns go through the text
detector's cell scan (vectorised prefilter, Python only on candidate cells).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import polars as pl

from sentinelle.detect.columns import CHECKED, PRESENCE, ColumnPlan, identifier
from sentinelle.detect.headers import FREE_TEXT
from sentinelle.detect.shapes import non_empty, stripped
from sentinelle.detect.text import CellFindings, TextDetector
from sentinelle.entities import Entity
from sentinelle.identifiers import nir_no_key
from sentinelle.identifiers._series import ENGINE
from sentinelle.readers.base import Table
from sentinelle.report.model import Location
from sentinelle.scanning.accumulate import (
    ColumnSummary,
    FileAccumulator,
    _Column,
    shape_preview,
    summary_exprs,
    summary_from_frame,
)


def _preview(entity: str, summary: ColumnSummary) -> str | None:
    if summary.first_value is None:
        return None
    if entity in CHECKED:
        return str(identifier(entity).mask(summary.first_value))
    if entity == Entity.CREDENTIAL:
        return "********"  # even the shape of a password says too much
    return shape_preview(summary.first_value, limit=6)


def _summarise(check: pl.LazyFrame, *, show_values: bool, nnp: bool = False,
               distinct: pl.DataFrame | None = None) -> pl.LazyFrame:
    """One-row summary of a check (``n``, ``s``, ``ok``). An NNP found in a national-number
    column has no check digits: only NNP-shaped values count, nothing is "invalid".

    ``distinct`` (from :func:`_distinct_all`): the check ran on the distinct values only; its
    ``row`` and ``k`` columns give each value's first row and number of cells.
    """
    shaped = pl.col("ok") if nnp else pl.col("s")
    if distinct is None:
        rows, weight = check.with_row_index("row"), None
    else:
        rows = pl.concat([check, distinct.lazy().select("row", "k")], how="horizontal")
        weight = pl.col("k")
    return rows.select(
        **summary_exprs(pl.col("ok"), pl.col("n"), shaped, show_values=show_values,
                        weight=weight)
    )


#: a column is checked on its distinct values when its first cells repeat this much
_REPEATS = 2
_PROBE_ROWS = 2048


def _distinct_all(columns: dict[int, pl.Series]) -> dict[int, pl.DataFrame]:
    """The distinct values (``v``) of the columns whose values repeat enough for checking
    each once to pay (blood groups, establishments, doctors, towns), in order of first
    appearance, with their first row (``row``) and count (``k``); the group-bys run
    together (in parallel). Columns absent from the result are checked cell by cell."""
    keys = [k for k, series in columns.items() if _repeats(series)]
    frames = pl.collect_all([
        pl.DataFrame({"v": columns[k]}).lazy().with_row_index("row")
        .group_by("v", maintain_order=True)
        .agg(pl.col("row").first(), k=pl.len())
        for k in keys
    ], engine=ENGINE) if keys else []
    return dict(zip(keys, frames, strict=True))


def _repeats(series: pl.Series) -> bool:
    """Whether the first cells of ``series`` repeat enough (and it is long enough)."""
    probe = series.head(_PROBE_ROWS)
    return len(series) >= _PROBE_ROWS and probe.n_unique() * _REPEATS <= len(probe)


def _presence(series: pl.Series, distinct: pl.DataFrame | None, *, show_values: bool
              ) -> pl.LazyFrame:
    """One-row summary of a name, address or credential column: every non-blank cell
    counts. Values are stripped once into a column (inside the summary the expression
    would be evaluated once per aggregation); with ``distinct``, on the distinct values,
    weighted by their counts."""
    v = pl.col("v")
    if distinct is None:
        rows, weight = pl.DataFrame({"v": series}).lazy().with_row_index("row"), None
    else:
        rows, weight = distinct.lazy(), pl.col("k")
    return rows.with_columns(v=stripped(v)).select(
        **summary_exprs(v.is_not_null(), v, v.is_not_null(), show_values=show_values,
                        weight=weight)
    )


def scan_table_chunk(
    table: Table, plans: list[ColumnPlan], acc: FileAccumulator, detector: TextDetector
) -> None:
    """Add the findings of one chunk to ``acc``.

    Every check of the chunk (one per classified column, plus the NNP check of
    national-number columns, plus presence counts of name/address/credential columns) is
    built lazily, summarised inside the query, and evaluated in one parallel batch: Python
    only sees one small row per (column, entity).
    """
    frame = table.frame
    records = table.extra.get("records")  # message formats: rows != records
    acc.records += int(records) if records is not None else frame.height
    line0 = table.first_line
    show = acc.show_values
    live = [p for p in plans if p.index < frame.width]
    queries: list[pl.LazyFrame] = []
    jobs: list[tuple[ColumnPlan, str]] = []
    distincts = _distinct_all({
        p.index: frame.to_series(p.index) for p in live
        if (p.entity in CHECKED or p.entity in PRESENCE)
        and not (p.entity == Entity.NIR_NO_KEY and p.key_index is not None)
    })
    for plan in live:
        series = frame.to_series(plan.index)
        entity = plan.entity
        if entity == Entity.NIR_NO_KEY and plan.key_index is not None:
            check = nir_no_key.check_pair_lazy(series, frame.to_series(plan.key_index))
            queries.append(_summarise(check, show_values=show))
            jobs.append((plan, entity))
        elif entity in CHECKED:
            distinct = distincts.get(plan.index)
            values = series if distinct is None else distinct.get_column("v")
            queries.append(_summarise(identifier(entity).check_lazy(values), show_values=show,
                                      distinct=distinct))
            jobs.append((plan, entity))
        elif entity in PRESENCE:
            queries.append(_presence(series, distincts.get(plan.index), show_values=show))
            jobs.append((plan, entity))
        if entity in (Entity.NIR, Entity.NIR_NO_KEY):
            nnp = identifier(Entity.NNP).check_lazy(series)
            queries.append(_summarise(nnp, show_values=show, nnp=True))
            jobs.append((plan, Entity.NNP))
    # non-empty cells, for the valid ratio of classified columns (the others show none)
    counted = [p for p in live if p.entity]
    filled = frame.lazy().select(
        [pl.lit(0).alias("_")]
        + [_filled(pl.col(frame.columns[p.index])).alias(str(p.index)) for p in counted]
    )
    # polars evaluates the checks on its own threads (without the GIL) while this thread
    # reads the free-text cells, which is mostly Python
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="checks") as pool:
        pending = pool.submit(pl.collect_all, [filled, *queries], engine=ENGINE)
        texts = {
            plan.index: detector.scan_cells(frame.to_series(plan.index))
            for plan in live
            if plan.entity is not None and (plan.free_text or plan.entity == FREE_TEXT)
        }
        results = pending.result()
    non_empty_counts = results[0].row(0, named=True)
    summaries = {
        (plan.index, entity): summary_from_frame(result)
        for (plan, entity), result in zip(jobs, results[1:], strict=True)
    }

    for plan in live:
        col = acc.column(plan.index, plan.name, plan.entity, plan.confidence, plan.reasons)
        col.non_empty += int(non_empty_counts.get(str(plan.index)) or 0)
        entity = plan.entity
        if entity is None:
            continue
        if show and col.shown is None:
            col.shown = non_empty(frame.to_series(plan.index)).head(5).to_list()
        summary = summaries.get((plan.index, entity))
        if summary is not None:
            acc.add_summary(entity, summary, col, line0, _preview(entity, summary))
        nnp = summaries.get((plan.index, Entity.NNP))
        if nnp is not None and entity != Entity.NNP:
            acc.add_summary(Entity.NNP, nnp, None, line0)
        if plan.index in texts:
            _add_cells(texts[plan.index], col, acc, line0)


def _filled(column: pl.Expr) -> pl.Expr:
    """Number of cells holding more than whitespace."""
    return column.cast(pl.String).str.strip_chars().str.len_bytes().gt(0).sum()


def _add_cells(found: CellFindings, col: _Column, acc: FileAccumulator, line0: int) -> None:
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
