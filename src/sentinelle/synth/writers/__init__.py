"""Output formats of the generator: each is one module writing the same polars chunks.

A writer module exposes ``FORMAT`` (the ``SynthConfig.format`` value) and
``open_writer(path, cfg, headers) -> ChunkWriter``; the writer is a context manager that
writes to a temporary sibling of ``path`` and renames it over ``path`` only when the
``with`` block ends without error (``sentinelle.atomic``). Adding a format (xlsx, ndjson,
parquet, HL7...) means adding one module here and its name to ``_MODULES``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Protocol

import polars as pl

from sentinelle.errors import ConfigError
from sentinelle.synth.config import SynthConfig


class ChunkWriter(Protocol):
    """Writes chunks (every column a string, null = empty) in order; atomic on exit."""

    def __enter__(self) -> ChunkWriter: ...

    def __exit__(self, *exc: object) -> None: ...

    def write(self, frame: pl.DataFrame) -> None: ...

    @property
    def bytes_written(self) -> int: ...


_MODULES: dict[str, str] = {
    "csv": "sentinelle.synth.writers.delimited",
    "tsv": "sentinelle.synth.writers.delimited",
}


def open_writer(path: Path, cfg: SynthConfig, headers: tuple[str, ...]) -> ChunkWriter:
    """The writer for ``cfg.format``."""
    try:
        module = importlib.import_module(_MODULES[cfg.format])
    except KeyError:
        raise ConfigError(f"no writer for format {cfg.format!r}") from None
    writer: ChunkWriter = module.open_writer(path, cfg, headers)
    return writer


__all__ = ["ChunkWriter", "open_writer"]
