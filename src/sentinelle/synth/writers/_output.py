"""The atomic output file shared by the writers, and small helpers they all use.

``OutputWriter`` opens a temporary sibling of the target (``sentinelle.atomic``), lets
the format write its bytes (``_start``, ``write_chunk``, ``_finish``) and renames the
file over the target only when everything succeeded; on any error the temporary file is
removed and the target is left as it was.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import numpy as np
import polars as pl

from sentinelle.atomic import atomic_open
from sentinelle.errors import ConfigError, OutputError
from sentinelle.synth.config import SynthConfig
from sentinelle.synth.labs import Labs
from sentinelle.synth.layout import Layout

_WRITER_STREAM = 4  # numpy SeedSequence stream of the writers' own draws (phrasings...)


class OutputWriter:
    """Base class: an atomic binary output with a byte count."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stack = contextlib.ExitStack()
        self._handle: IO[bytes] | None = None
        self._bytes = 0
        self._chunks = 0

    def __enter__(self) -> Self:
        self._handle = self._stack.enter_context(atomic_open(self.path, "wb"))
        self._start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            try:
                self._finish()
            except BaseException as err:
                self._abort()
                self._stack.__exit__(type(err), err, err.__traceback__)
                raise
        else:
            self._abort()
        self._stack.__exit__(exc_type, exc, tb)

    @property
    def bytes_written(self) -> int:
        return self._bytes

    @property
    def handle(self) -> IO[bytes]:
        if self._handle is None:
            raise OutputError(f"{self.path}: writer is not open")
        return self._handle

    def _start(self) -> None:
        """Write what comes before the first chunk."""

    def _finish(self) -> None:
        """Write what comes after the last chunk (only when no error occurred)."""

    def _abort(self) -> None:
        """Release what the format holds open; the temporary file is removed after."""

    def _emit(self, data: bytes) -> None:
        self.handle.write(data)
        self._bytes += len(data)

    def _encode(self, text: str, codec: str) -> bytes:
        try:
            return text.encode(codec)
        except UnicodeEncodeError:
            raise OutputError(
                f"{self.path}: a generated value cannot be encoded in {codec}") from None


def writer_rng(cfg: SynthConfig, chunk: int) -> np.random.Generator:
    """The writer's own random stream for chunk ``chunk`` (never touches the export's)."""
    return np.random.default_rng(np.random.SeedSequence([cfg.seed, _WRITER_STREAM, chunk]))


def require(layout: Layout | None, labs: Labs | None, fmt: str) -> tuple[Layout, Labs]:
    if layout is None or labs is None:
        raise ConfigError(f"the {fmt} writer needs the file layout and the labs")
    return layout, labs


def text_codec(cfg: SynthConfig) -> tuple[str, str]:
    """(codec of the first chunk, codec of the others): a UTF-8 BOM is written once."""
    codec = cfg.codec
    return codec, "utf-8" if codec == "utf-8-sig" else codec


def lit(values: Any) -> pl.Expr:
    """A per-row literal column (numpy array or Series) as an expression."""
    return pl.lit(values if isinstance(values, pl.Series) else pl.Series(values))


__all__ = ["OutputWriter", "lit", "require", "text_codec", "writer_rng"]
