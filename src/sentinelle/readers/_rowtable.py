"""Records of a message format (HL7 v2, HPRIM) laid out as rows of a fixed set of columns.

Message readers turn each patient record into one row whose header cells are words the
column classifier knows (:mod:`sentinelle.detect.headers`), so a patient list in HL7 is
detected exactly like the same list in CSV. Every chunk of a file has the same columns in
the same order (the scan computes the column plan from the first chunk and reuses it).

A field may hold several values (two phones, the INS and a second identifier, three
doctors). Two layouts are used, chosen per column:

- ``JOIN``: the values are joined in one cell. For columns that are read as present-or-not
  or as free text (names, addresses, comments), where joining loses nothing.
- ``SPILL``: one value per cell. For columns whose values are checked one by one (NIR,
  phone, RPPS, postal code...): the first value goes in the record's row, the others in
  continuation rows that hold only those extra values, so every value is checked and
  counted once. ``Table.extra["records"]`` gives the number of records of the chunk (rows
  minus continuation rows), for a records count that does not depend on the layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

import polars as pl

from sentinelle.readers.base import Table


class Layout(Enum):
    JOIN = "join"
    SPILL = "spill"


@dataclass(frozen=True, slots=True)
class Column:
    """One output column: its header (as written in reports), layout and join separator."""

    header: str
    layout: Layout = Layout.JOIN
    sep: str = " ; "
    repeats: bool = False  # keep a value written twice in a record (two occurrences)


@dataclass(slots=True)
class Record:
    """The values of one record, by column header, in reading order."""

    line: int
    values: dict[str, list[str]] = field(default_factory=dict)
    chars: int = 0  # characters held, to bound one record's size
    repeats: frozenset[str] = frozenset()  # headers whose repeated values are all kept

    def add(self, header: str, *values: str | None) -> None:
        for value in values:
            text = value.strip() if value else ""
            if text:
                bucket = self.values.setdefault(header, [])
                if header in self.repeats or text not in bucket:
                    bucket.append(text)
                    self.chars += len(text)

    def __bool__(self) -> bool:
        return bool(self.values)


class RowTable:
    """Collects records and hands them out as :class:`Table` chunks of fixed columns."""

    def __init__(self, columns: Sequence[Column], fmt: str) -> None:
        headers = [c.header for c in columns]
        if len(set(headers)) != len(headers):
            raise ValueError("column headers must be unique")
        self.columns = tuple(columns)
        self.format = fmt
        self._cells: dict[str, list[str | None]] = {h: [] for h in headers}
        self._first_line = 0
        self._chars = 0
        self._rows_before = 0
        self._records = 0

    @property
    def rows(self) -> int:
        return len(self._cells[self.columns[0].header])

    @property
    def chars(self) -> int:
        """Characters held so far (to cut chunks by size)."""
        return self._chars

    def add(self, record: Record) -> None:
        """Append ``record`` (nothing for an empty record)."""
        if not record:
            return
        if not self.rows:
            self._first_line = record.line
        self._records += 1
        height = 1
        for col in self.columns:
            if col.layout is Layout.SPILL:
                height = max(height, len(record.values.get(col.header, ())))
        for col in self.columns:
            values = record.values.get(col.header, [])
            self._chars += sum(len(v) for v in values)
            cells: list[str | None]
            if col.layout is Layout.SPILL:
                cells = [*values, *([None] * (height - len(values)))]
            else:
                cells = [col.sep.join(values) if values else None] + [None] * (height - 1)
            self._cells[col.header].extend(cells)

    def take(self, *, encoding: str | None, warnings: list[str]) -> Table:
        """The rows collected since the last call, as one :class:`Table`; then reset."""
        frame = pl.DataFrame(
            {h: pl.Series(h, cells, dtype=pl.String) for h, cells in self._cells.items()}
        )
        table = Table(
            frame=frame,
            header=[c.header for c in self.columns],
            format=self.format,
            encoding=encoding,
            first_line=max(1, self._first_line),
            row_offset=self._rows_before,
            warnings=warnings,
            extra={"records": str(self._records)},
        )
        self._rows_before += frame.height
        self._records = 0
        self._cells = {c.header: [] for c in self.columns}
        self._chars = 0
        return table


__all__ = ["Column", "Layout", "Record", "RowTable"]
