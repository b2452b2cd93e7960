"""Base of the message and text writers: render each chunk to text, report what was written.

A subclass renders a prepared chunk (:func:`sentinelle.synth.writers._rows.prepare`) into
text with polars string expressions and returns the ``Found`` values; this class encodes
the text (a UTF-8 BOM only once), writes it atomically and keeps the running row count
(message numbers) and the writer's own random stream per chunk.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import polars as pl

from sentinelle.synth.config import SynthConfig
from sentinelle.synth.labs import Labs
from sentinelle.synth.layout import Layout
from sentinelle.synth.writers._base import FieldSpec, FormatInfo, Found
from sentinelle.synth.writers._output import OutputWriter, require, text_codec, writer_rng
from sentinelle.synth.writers._rows import doctor_table, prepare

if TYPE_CHECKING:
    from sentinelle.synth.export import Chunk


class MessageWriter(OutputWriter):
    """Subclasses set ``FIELDS``, ``NOTES``, ``DATE_FORMAT`` and implement ``render``."""

    FIELDS: tuple[FieldSpec, ...] = ()
    NOTES: ClassVar[dict[str, str]] = {}
    DATE_FORMAT: str | None = None
    NAME = "message"

    def __init__(self, path: Path, cfg: SynthConfig, layout: Layout | None,
                 labs: Labs | None) -> None:
        super().__init__(path)
        self.cfg = cfg
        self.layout, self.labs = require(layout, labs, self.NAME)
        self.doctors = doctor_table(self.labs, self.layout)
        self.first_codec, self.codec = text_codec(cfg)
        self.eol = "\r\n" if cfg.crlf else "\n"
        self.rows = 0  # rows written before the current chunk

    def info(self) -> FormatInfo:
        return FormatInfo(encoding=self.cfg.codec, delimiter=None, header=False,
                          fields=self.FIELDS, date_format=self.DATE_FORMAT,
                          nir_layout="single", notes=dict(self.NOTES))

    def write(self, frame: pl.DataFrame) -> None:
        raise NotImplementedError(f"the {self.NAME} writer writes whole chunks")

    def write_chunk(self, chunk: Chunk) -> list[Found]:
        r = prepare(chunk, self.layout, self.doctors)
        text, found = self.render(r, writer_rng(self.cfg, self._chunks))
        self.text(text)
        self.rows += r.height
        self._chunks += 1
        return found

    def text(self, text: str) -> None:
        if text:
            codec = self.first_codec if self._bytes == 0 else self.codec
            self._emit(self._encode(text, codec))

    def render(self, r: pl.DataFrame, rng: np.random.Generator) -> tuple[str, list[Found]]:
        raise NotImplementedError


def escaper(mapping: dict[str, str]) -> Any:
    """A function escaping an expression's delimiter characters in one pass."""
    keys, values = list(mapping), list(mapping.values())

    def escape(expr: pl.Expr) -> pl.Expr:
        return expr.str.replace_many(keys, values)

    return escape


def join_lines(series: pl.Series, eol: str) -> str:
    """Rows of text (nulls skipped), each followed by ``eol``."""
    values = series.drop_nulls().to_list()
    return eol.join(values) + eol if values else ""


def day_text(days: pl.Expr, fmt: str) -> pl.Expr:
    return days.cast(pl.Int32).cast(pl.Date).dt.strftime(fmt)


def clock(heure: pl.Expr, default: str = "0800") -> pl.Expr:
    """``HH:MM`` cells as ``HHMM`` (a fixed time when the cell is empty)."""
    return heure.str.replace(":", "", literal=True).fill_null(default)


def fields_at(values: dict[int, pl.Expr], sep: str) -> pl.Expr:
    """A record whose field ``i`` is ``values[i]`` (the lowest key holds the record type:
    0 for HL7 segments, 1 for HPRIM records); missing and null fields are empty."""
    parts = [values.get(i, pl.lit("")).fill_null("") for i in range(min(values), max(values) + 1)]
    return pl.concat_str(parts, separator=sep)


__all__ = ["MessageWriter", "clock", "day_text", "escaper", "fields_at", "join_lines"]
