"""xlsx writer: one worksheet ``Export`` (Office Open XML, ECMA-376), built by xlsxwriter.

Every value is written as a string cell (no number, date or formula guessing), an empty
cell is no cell, the header row (bold) follows ``SynthConfig.header``. xlsxwriter runs in
``constant_memory`` mode: rows are flushed to a temporary file as they are written, so
memory stays flat. A sheet holds at most 1,048,576 rows (Excel's limit): the rows that do
not fit go on to ``Export (2)``, ``Export (3)``... each with its header row.

Reproducible: the document properties carry a fixed creation date (the configuration's
``date_end``, as if the export had been made then) and xlsxwriter stamps the zip members
with a fixed 1980 date, so the same seed gives the same bytes.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, time
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter  # type: ignore[import-untyped]

from sentinelle.synth.config import SynthConfig
from sentinelle.synth.writers._tabular import TabularWriter

FORMATS = ("xlsx",)
MAX_ROWS = 1_048_576
SHEET = "Export"


class XlsxWriter(TabularWriter):
    always_named = False

    def __init__(self, path: Path, cfg: SynthConfig, headers: tuple[str, ...]) -> None:
        super().__init__(path, cfg, headers)
        self._book: Any = None
        self._sheet: Any = None
        self._bold: Any = None
        self._row = 0
        self._sheets = 0

    def _start(self) -> None:
        tmp = self._stack.enter_context(
            tempfile.TemporaryDirectory(prefix=".xlsx-", dir=self.path.parent))
        self._book = xlsxwriter.Workbook(self.handle, {
            "constant_memory": True, "tmpdir": tmp, "strings_to_numbers": False,
            "strings_to_formulas": False, "strings_to_urls": False,
        })
        created = datetime.combine(self.cfg.date_end, time(18, 0))
        self._book.set_properties({"created": created, "author": "Mega-Bus",
                                   "title": "Export patients"})
        self._bold = self._book.add_format({"bold": True})
        self._new_sheet()

    def _new_sheet(self) -> None:
        self._sheets += 1
        name = SHEET if self._sheets == 1 else f"{SHEET} ({self._sheets})"
        self._sheet = self._book.add_worksheet(name)
        self._row = 0
        if self.header:
            self._sheet.write_row(0, 0, self.names, self._bold)
            self._row = 1

    def _write(self, frame: pl.DataFrame) -> None:
        for values in frame.iter_rows():
            if self._row >= MAX_ROWS:
                self._new_sheet()
            self._sheet.write_row(self._row, 0, values)  # None: no cell
            self._row += 1

    def _finish(self) -> None:
        before = self.handle.tell()
        self._book.close()
        self._bytes += self.handle.tell() - before


def open_writer(path: Path, cfg: SynthConfig, headers: tuple[str, ...], **_: Any) -> XlsxWriter:
    return XlsxWriter(path, cfg, headers)


__all__ = ["FORMATS", "MAX_ROWS", "XlsxWriter", "open_writer"]
