"""JSON and NDJSON writers: one object per export row, keys = the file's headers.

- ``json``: one array of row objects (RFC 8259), one object per line, streamed: ``[``,
  then the chunks' objects separated by ``,`` and a line feed, then ``]``;
- ``ndjson``: one object per line (https://github.com/ndjson/ndjson-spec).

Key order is the column order; empty cells are ``null``; every value is a string, as in
the CSV. Always UTF-8 (RFC 8259 section 8.1), non-ASCII characters written as is. polars
renders each chunk (``DataFrame.write_ndjson``); Python only joins and encodes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from sentinelle.synth.config import SynthConfig
from sentinelle.synth.writers._tabular import TabularWriter

FORMATS = ("json", "ndjson")


class JsonRowsWriter(TabularWriter):
    def __init__(self, path: Path, cfg: SynthConfig, headers: tuple[str, ...]) -> None:
        super().__init__(path, cfg, headers)
        self.array = cfg.format == "json"

    def _start(self) -> None:
        if self.array:
            self._emit(b"[\n")

    def _write(self, frame: pl.DataFrame) -> None:
        if not frame.height:
            return
        text = frame.write_ndjson()
        if self.array:
            body = text.rstrip("\n").replace("\n", ",\n")  # JSON strings never hold a raw LF
            text = (",\n" if self._bytes > 2 else "") + body
        self._emit(self._encode(text, "utf-8"))

    def _finish(self) -> None:
        if self.array:
            self._emit(b"\n]\n")


def open_writer(path: Path, cfg: SynthConfig, headers: tuple[str, ...],
                **_: Any) -> JsonRowsWriter:
    return JsonRowsWriter(path, cfg, headers)


__all__ = ["FORMATS", "JsonRowsWriter", "open_writer"]
