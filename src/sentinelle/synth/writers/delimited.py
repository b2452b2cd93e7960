"""CSV / TSV writer: the Mega-Bus-like flat file (RFC 4180 quoting where needed).

Separator ``;`` ``,`` ``|`` or tab (``tsv``), optional header row, CRLF or LF line ends,
encoded in cp1252, latin-1, utf-8 or utf-8-sig (BOM once, at the start). Cells are quoted
only when they hold the separator, a quote or a line break. polars renders each chunk to
text; Python only encodes it.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Self

import polars as pl

from sentinelle.atomic import atomic_open
from sentinelle.errors import OutputError
from sentinelle.synth.config import SynthConfig
from sentinelle.synth.writers._base import FormatInfo

if TYPE_CHECKING:
    from sentinelle.synth.export import Chunk

FORMATS = ("csv", "tsv")


class DelimitedWriter:
    def __init__(self, path: Path, cfg: SynthConfig, headers: tuple[str, ...]) -> None:
        self.path = path
        self.headers = headers
        self.header = cfg.header
        self.separator = cfg.effective_delimiter
        self.line_end = "\r\n" if cfg.crlf else "\n"
        codec = cfg.codec
        self.first_codec = codec
        self.codec = "utf-8" if codec == "utf-8-sig" else codec
        self._stack = contextlib.ExitStack()
        self._handle: IO[bytes] | None = None
        self._chunks = 0
        self._bytes = 0

    def __enter__(self) -> Self:
        self._handle = self._stack.enter_context(atomic_open(self.path, "wb"))
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stack.__exit__(exc_type, exc, tb)

    @property
    def bytes_written(self) -> int:
        return self._bytes

    def info(self) -> FormatInfo:
        return FormatInfo(encoding=self.first_codec, delimiter=self.separator,
                          header=self.header, column_names=self.headers if self.header else None)

    def write_chunk(self, chunk: Chunk) -> None:
        self.write(chunk.frame)

    def write(self, frame: pl.DataFrame) -> None:
        if self._handle is None:
            raise OutputError(f"{self.path}: writer is not open")
        named = frame.rename(dict(zip(frame.columns, self.headers, strict=True)))
        text = named.write_csv(
            separator=self.separator,
            line_terminator=self.line_end,
            include_header=self.header and self._chunks == 0,
            quote_style="necessary",
            null_value="",
        )
        codec = self.first_codec if self._chunks == 0 else self.codec
        try:
            data = text.encode(codec)
        except UnicodeEncodeError:
            raise OutputError(
                f"{self.path}: a generated value cannot be encoded in {codec}"
            ) from None
        self._handle.write(data)
        self._bytes += len(data)
        self._chunks += 1


def open_writer(path: Path, cfg: SynthConfig, headers: tuple[str, ...],
                **_: Any) -> DelimitedWriter:
    return DelimitedWriter(path, cfg, headers)


__all__ = ["FORMATS", "DelimitedWriter", "open_writer"]
