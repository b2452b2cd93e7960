"""Per-file accumulation of findings across chunks, ending in a :class:`FileReport`.

Distinct values are counted from 64-bit hashes of the normalised values (kept in memory
for the duration of one file only, never written), so a file read in many chunks gives the
same ``distinct`` as a file read whole.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import polars as pl

from sentinelle.entities import Entity
from sentinelle.report.model import ColumnReport, EntityStats, FileReport, Location
from sentinelle.report.risk import assess_risk

MAX_SHOWN_VALUES = 1000
HASH_SEED = 0x5E17


@dataclass(frozen=True, slots=True)
class ColumnSummary:
    """What one column chunk holds for one entity, computed in the engine (no raw value
    unless ``values`` was asked for with --show-values)."""

    count: int  # valid cells
    invalid: int  # shaped but failing the check
    first_row: int | None  # 0-based row of the first valid cell
    first_value: str | None  # its normalised form (only to compute a masked preview)
    hashes: pl.Series  # 64-bit hashes of the distinct valid normalised values
    values: pl.Series | None = None  # distinct valid values, only with --show-values


def summary_exprs(valid: pl.Expr, value: pl.Expr, shaped: pl.Expr, *, show_values: bool,
                  weight: pl.Expr | None = None) -> dict[str, pl.Expr]:
    """Aggregations giving a :class:`ColumnSummary` (``row`` must be a row index column).

    ``weight`` is the number of cells each row stands for when the rows are the distinct
    values of a column (``row`` then being the first row holding the value).
    """
    kept = value.filter(valid)
    wrong = shaped & ~valid
    out = {
        "count": valid.sum() if weight is None else weight.filter(valid).sum(),
        "invalid": wrong.sum() if weight is None else weight.filter(wrong).sum(),
        "first_row": pl.col("row").filter(valid).first(),
        "first_value": kept.first(),
        "hashes": kept.hash(seed=HASH_SEED).unique().implode(),
    }
    if show_values:
        out["values"] = kept.unique(maintain_order=True).head(MAX_SHOWN_VALUES).implode()
    return out


def summary_from_frame(result: pl.DataFrame) -> ColumnSummary:
    """The :class:`ColumnSummary` in the one-row result of :func:`summary_exprs`.

    The list columns are taken as Series (no Python object per hash: a column of 100,000
    distinct NIRs would otherwise build 100,000 Python ints twice).
    """
    lists = [c for c in ("hashes", "values") if c in result.columns]
    row = result.drop(lists).row(0, named=True)
    hashes = result.get_column("hashes")[0]
    values = result.get_column("values")[0] if "values" in lists else None
    return ColumnSummary(
        count=int(row["count"] or 0), invalid=int(row["invalid"] or 0),
        first_row=row["first_row"], first_value=row["first_value"],
        hashes=hashes.cast(pl.UInt64) if hashes is not None else pl.Series([], dtype=pl.UInt64),
        values=values.cast(pl.String) if values is not None and "values" in lists else None,
    )


MAX_TEXT_LOCATIONS = 200


def shape_preview(value: str, limit: int = 16) -> str:
    """A non-identifying shape: letters become ``X``/``x``, digits ``*``; length capped."""
    out = []
    for ch in value[:limit]:
        if ch.isdigit():
            out.append("*")
        elif ch.isalpha():
            out.append("X" if ch.isupper() else "x")
        else:
            out.append(ch)
    return "".join(out) + ("…" if len(value) > limit else "")


@dataclass(slots=True)
class _Column:
    index: int
    name: str | None
    entity: str | None
    confidence: float
    reasons: tuple[str, ...]
    non_empty: int = 0
    valid: int = 0
    preview: str | None = None
    health: Counter[str] = field(default_factory=Counter)
    shown: list[str] | None = None


@dataclass(slots=True)
class FileAccumulator:
    """Collects the findings of one file; :meth:`finish` makes the report."""

    path: str
    show_values: bool = False
    format: str | None = None
    encoding: str | None = None
    size: int = 0
    records: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    invalid: Counter[str] = field(default_factory=Counter)
    hashes: dict[str, list[pl.Series]] = field(default_factory=dict)
    health: Counter[str] = field(default_factory=Counter)
    columns: dict[int, _Column] = field(default_factory=dict)
    locations: list[Location] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    values: dict[str, set[str]] = field(default_factory=dict)
    text_locations: Counter[str] = field(default_factory=Counter)

    # -- columns -------------------------------------------------------------------------
    def column(
        self, index: int, name: str | None, entity: str | None, confidence: float,
        reasons: tuple[str, ...],
    ) -> _Column:
        col = self.columns.get(index)
        if col is None:
            col = _Column(index, name, entity, confidence, reasons)
            self.columns[index] = col
        return col

    def add_distinct(self, entity: str, normalised: pl.Series) -> None:
        if normalised.len():
            self._add_hashes(entity, normalised.hash(seed=HASH_SEED))
            self._remember(entity, normalised)

    def _add_hashes(self, entity: str, hashes: pl.Series) -> None:
        """Keep distinct hashes bounded by the number of distinct values, not of chunks."""
        parts = self.hashes.setdefault(entity, [])
        parts.append(hashes)
        if len(parts) >= 16:
            self.hashes[entity] = [pl.concat(parts).unique()]

    def _remember(self, entity: str, normalised: pl.Series) -> None:
        if not self.show_values:
            return
        seen = self.values.setdefault(entity, set())
        room = MAX_SHOWN_VALUES - len(seen)
        if room > 0:
            seen.update(normalised.unique(maintain_order=True).head(room).to_list())

    def add_summary(self, entity: str, summary: ColumnSummary, col: _Column | None,
                    first_line: int, preview: str | None = None) -> None:
        """The findings of one column chunk, summarised inside the batched query."""
        self.counts[entity] += summary.count
        self.invalid[entity] += summary.invalid
        if summary.hashes.len():
            self._add_hashes(entity, summary.hashes)
        if summary.values is not None:
            self._remember(entity, summary.values)
        if col is not None and col.entity == entity:
            col.valid += summary.count
            if col.preview is None and preview is not None:
                col.preview = preview
        if summary.count and summary.first_row is not None:
            self.locations.append(Location(entity, first_line + summary.first_row,
                                           col.index + 1 if col else None, summary.count))

    def add_text_match(self, entity: str, line: int, valid: bool) -> None:
        """One identifier found in text (distinct values come per chunk: ``add_distinct``)."""
        if not valid:
            self.invalid[entity] += 1
            return
        self.counts[entity] += 1
        if self.text_locations[entity] < MAX_TEXT_LOCATIONS:
            self.text_locations[entity] += 1
            self.locations.append(Location(entity, line))

    # -- report --------------------------------------------------------------------------
    def finish(self) -> FileReport:
        stats: dict[str, EntityStats] = {}
        for entity in sorted(set(self.counts) | set(self.invalid)):
            parts = self.hashes.get(entity)
            distinct = int(pl.concat(parts).n_unique()) if parts else 0
            if self.counts[entity] or self.invalid[entity]:
                stats[entity] = EntityStats(self.counts[entity], distinct, self.invalid[entity])
        health = {k: v for k, v in self.health.items() if v}
        level, score = assess_risk({k: v.count for k, v in stats.items()}, health, self.records)
        columns = [
            ColumnReport(
                index=c.index, name=c.name,
                entity=(Entity.HEALTH if c.entity == "FREE_TEXT" and c.health else
                        (None if c.entity == "FREE_TEXT" else c.entity)),
                confidence=c.confidence,
                valid_ratio=(c.valid / c.non_empty) if c.non_empty else 0.0,
                preview=c.preview, health=dict(c.health), reasons=list(c.reasons),
                values=c.shown,
            )
            for c in sorted(self.columns.values(), key=lambda c: c.index)
        ]
        return FileReport(
            path=self.path, format=self.format, encoding=self.encoding, bytes=self.size,
            records=self.records, risk=level, score=score, entities=stats, health=health,
            columns=columns, errors=list(self.errors), warnings=list(self.warnings), locations=self.locations,
            values=({k: sorted(v) for k, v in self.values.items()} if self.show_values else None),
        )


__all__ = ["FileAccumulator", "shape_preview"]
