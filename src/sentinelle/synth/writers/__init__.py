"""Output formats of the generator: one module per format, writing the same chunks.

A writer module exposes ``FORMATS`` (the ``SynthConfig.format`` values it writes) and
``open_writer(path, cfg, headers, *, layout, labs) -> ChunkWriter``; the writer is a
context manager that writes to a temporary sibling of ``path`` and renames it over
``path`` only when the ``with`` block ends without error (``sentinelle.atomic``).

- tabular formats write every export column (``csv``/``tsv``, ``xlsx``, ``json``,
  ``ndjson``, ``parquet``, ``sqlite``, ``sql``): ``write_chunk`` returns ``None`` and the
  truth counts the columns;
- message and text formats (``fhir``, ``hl7``, ``hprim``, ``hprim-net``, ``pdf``, ``txt``)
  write some values in places of their own: ``write_chunk`` returns the ``Found`` values
  and ``info().fields`` names the places (see :mod:`sentinelle.synth.writers._base`).

Adding a format means adding one module here and its name to ``_MODULES``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

import polars as pl

from sentinelle.errors import ConfigError
from sentinelle.synth.config import SynthConfig
from sentinelle.synth.writers._base import FieldSpec, FormatInfo, Found

if TYPE_CHECKING:
    from sentinelle.synth.export import Chunk
    from sentinelle.synth.labs import Labs
    from sentinelle.synth.layout import Layout


class ChunkWriter(Protocol):
    """Writes chunks in order; atomic on exit."""

    def __enter__(self) -> Self: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...

    def write(self, frame: pl.DataFrame) -> None:
        """Write export columns (every column a string, null = empty), tabular formats."""

    def write_chunk(self, chunk: Chunk) -> list[Found] | None:
        """Write one export chunk; ``None`` when the truth counts the columns."""

    def info(self) -> FormatInfo:
        """How the file is written (for the truth)."""

    @property
    def bytes_written(self) -> int: ...


_MODULES: dict[str, str] = {
    "csv": "sentinelle.synth.writers.delimited",
    "tsv": "sentinelle.synth.writers.delimited",
    "xlsx": "sentinelle.synth.writers.xlsx",
    "json": "sentinelle.synth.writers.jsonrows",
    "ndjson": "sentinelle.synth.writers.jsonrows",
    "parquet": "sentinelle.synth.writers.parquet",
    "sqlite": "sentinelle.synth.writers.sqlite",
    "sql": "sentinelle.synth.writers.sqldump",
    "fhir": "sentinelle.synth.writers.fhir",
    "hl7": "sentinelle.synth.writers.hl7",
    "hprim": "sentinelle.synth.writers.hprim",
    "hprim-net": "sentinelle.synth.writers.hprim_net",
    "pdf": "sentinelle.synth.writers.pdf",
    "txt": "sentinelle.synth.writers.text",
}


def open_writer(path: Path, cfg: SynthConfig, headers: tuple[str, ...], *,
                layout: Layout | None = None, labs: Labs | None = None) -> ChunkWriter:
    """The writer for ``cfg.format`` (``layout`` and ``labs``: needed by all but CSV)."""
    try:
        module = importlib.import_module(_MODULES[cfg.format])
    except KeyError:
        raise ConfigError(f"no writer for format {cfg.format!r}") from None
    writer: ChunkWriter = module.open_writer(path, cfg, headers, layout=layout, labs=labs)
    return writer


__all__ = ["ChunkWriter", "FieldSpec", "FormatInfo", "Found", "open_writer"]
