"""Parquet writer: the export columns as UTF-8 string columns, one row group per chunk.

Written with pyarrow's ``ParquetWriter`` (Apache Parquet format, https://parquet.apache.org/
docs/file-format/): every column ``string`` (nullable, null = empty cell), Snappy
compressed, column names = the file's headers. The file metadata holds no timestamp
(only ``created_by``, the pyarrow version), so the same seed gives the same bytes with
the same pyarrow.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from sentinelle.synth.config import SynthConfig
from sentinelle.synth.writers._tabular import TabularWriter

FORMATS = ("parquet",)


class ParquetChunkWriter(TabularWriter):
    def __init__(self, path: Path, cfg: SynthConfig, headers: tuple[str, ...]) -> None:
        super().__init__(path, cfg, headers)
        self.schema = pa.schema([pa.field(name, pa.string()) for name in headers])
        self._writer: pq.ParquetWriter | None = None

    def _start(self) -> None:
        self._writer = pq.ParquetWriter(self.handle, self.schema, compression="snappy")

    def _write(self, frame: pl.DataFrame) -> None:
        if self._writer is None or not frame.height:
            return
        table = frame.to_arrow().cast(self.schema)
        before = self.handle.tell()
        self._writer.write_table(table, row_group_size=max(1, frame.height))
        self._bytes += self.handle.tell() - before

    def _abort(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
            self._writer = None

    def _finish(self) -> None:
        if self._writer is not None:
            before = self.handle.tell()
            self._writer.close()
            self._bytes += self.handle.tell() - before


def open_writer(path: Path, cfg: SynthConfig, headers: tuple[str, ...],
                **_: Any) -> ParquetChunkWriter:
    return ParquetChunkWriter(path, cfg, headers)


__all__ = ["FORMATS", "ParquetChunkWriter", "open_writer"]
