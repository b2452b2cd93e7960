"""SQLite writer: one table ``patients`` with the export columns (all ``TEXT``).

The database is built in a temporary file next to the target (SQLite needs a path),
chunk by chunk (``executemany``, one transaction per chunk, no journal), then copied into
the atomic output (``sentinelle.atomic``) and removed. Column names are the file's
headers (double-quoted SQL identifiers, SQLite "Keywords" / SQL-92 quoting); empty cells
are ``NULL``. The file format (https://www.sqlite.org/fileformat.html) holds no timestamp,
so the same seed gives the same bytes with the same SQLite library.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import polars as pl

from sentinelle.errors import OutputError
from sentinelle.synth.config import SynthConfig
from sentinelle.synth.writers._tabular import TabularWriter

FORMATS = ("sqlite",)
TABLE = "patients"


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class SqliteWriter(TabularWriter):
    def __init__(self, path: Path, cfg: SynthConfig, headers: tuple[str, ...]) -> None:
        super().__init__(path, cfg, headers)
        self._db: sqlite3.Connection | None = None
        self._db_path: Path | None = None
        self._insert = ""

    def _start(self) -> None:
        tmp = self._stack.enter_context(
            tempfile.TemporaryDirectory(prefix=".sqlite-", dir=self.path.parent))
        self._db_path = Path(tmp) / "build.sqlite"
        try:
            db = sqlite3.connect(self._db_path, isolation_level=None)
        except sqlite3.Error:
            raise OutputError(f"{self.path}: cannot create the SQLite database") from None
        self._db = db
        self._stack.callback(db.close)
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        columns = ",\n  ".join(f"{quote_identifier(n)} TEXT" for n in self.names)
        db.execute(f"CREATE TABLE {TABLE} (\n  {columns}\n)")
        marks = ", ".join("?" for _ in self.names)
        self._insert = f"INSERT INTO {TABLE} VALUES ({marks})"

    def _write(self, frame: pl.DataFrame) -> None:
        if self._db is None:
            return
        try:
            self._db.execute("BEGIN")
            self._db.executemany(self._insert, frame.iter_rows())
            self._db.execute("COMMIT")
        except sqlite3.Error:
            raise OutputError(f"{self.path}: cannot write the SQLite database") from None

    def _finish(self) -> None:
        if self._db is None or self._db_path is None:
            return
        self._db.close()
        with self._db_path.open("rb") as src:
            shutil.copyfileobj(src, self.handle, 1 << 20)
        self._bytes = self._db_path.stat().st_size


def open_writer(path: Path, cfg: SynthConfig, headers: tuple[str, ...],
                **_: Any) -> SqliteWriter:
    return SqliteWriter(path, cfg, headers)


__all__ = ["FORMATS", "TABLE", "SqliteWriter", "open_writer", "quote_identifier"]
