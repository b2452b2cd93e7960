"""Shared base of the tabular writers: the export columns under their header names.

Formats that need column names (JSON keys, Parquet and SQLite columns, SQL dumps) always
write the file's headers, whatever ``SynthConfig.header`` says; xlsx, like CSV, follows
it (no header row). Values stay strings, empty cells are nulls (JSON ``null``, SQL
``NULL``, no cell in xlsx), so the truth's ``entities``, ``health`` and ``columns`` are
those of the CSV written with the same configuration.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from sentinelle.synth.config import SynthConfig
from sentinelle.synth.writers._base import FormatInfo
from sentinelle.synth.writers._output import OutputWriter

if TYPE_CHECKING:
    from sentinelle.synth.export import Chunk


class TabularWriter(OutputWriter):
    """Writes each chunk's columns under ``names``; subclasses implement ``_write``."""

    encoding: str | None = "utf-8"
    always_named = True

    def __init__(self, path: Path, cfg: SynthConfig, headers: tuple[str, ...]) -> None:
        super().__init__(path)
        self.cfg = cfg
        self.names = headers
        self.header = cfg.header or self.always_named

    def info(self) -> FormatInfo:
        return FormatInfo(encoding=self.encoding, delimiter=None, header=self.header,
                          column_names=self.names if self.header else None)

    def write_chunk(self, chunk: Chunk) -> None:
        self.write(chunk.frame)

    def write(self, frame: pl.DataFrame) -> None:
        named = frame.rename(dict(zip(frame.columns, self.names, strict=True)))
        self._write(named)
        self._chunks += 1

    def _write(self, frame: pl.DataFrame) -> None:
        raise NotImplementedError


__all__ = ["TabularWriter"]
