"""What a reader produces and how readers are found.

A reader turns the bytes of one source into a stream of :class:`Table` or :class:`Text`
chunks. Big inputs are read in chunks so memory stays bounded; small inputs are one chunk.
Each reader is one module in ``sentinelle.readers`` exposing:

- ``FORMAT``: the format name written in reports (``"csv"``, ``"text"`` ...);
- ``sniff(head: bytes, name: str) -> float``: 0.0 (not mine) to 1.0 (certainly mine),
  from the first bytes of the content (and, as a weak hint only, the file name);
- ``read(source: Source, options: ReadOptions) -> Iterator[Table | Text]``: raise
  :class:`~sentinelle.errors.InputError` (or a subclass) naming ``source.path`` when the
  content cannot be read. Errors never quote the content.

Readers are discovered (every module of the package with those names), not registered.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

import polars as pl


@dataclass(frozen=True, slots=True)
class Source:
    """One input: its display path (``dump.zip!lot2/patients.csv``) and how to open it."""

    path: str
    open: Callable[[], BinaryIO]
    size: int | None = None

    @classmethod
    def from_bytes(cls, path: str, data: bytes) -> Source:
        return cls(path=path, open=lambda: io.BytesIO(data), size=len(data))


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Reader limits and tuning. Immutable; passed in, never global."""

    chunk_rows: int = 250_000
    chunk_bytes: int = 64 * 1024 * 1024
    max_line_bytes: int = 1024 * 1024
    encoding: str | None = None  # force an encoding instead of sniffing
    delimiter: str | None = None  # force a delimiter
    has_header: bool | None = None  # force header presence


@dataclass(slots=True)
class Table:
    """A chunk of tabular data. Every column is ``pl.String``; missing cells are null.

    ``columns`` are the header names (or ``None`` for headerless files, then the frame's
    columns are named ``column_1``...). ``first_line`` is the 1-based line number of the
    frame's first row in the source, for report locations.
    """

    frame: pl.DataFrame
    header: list[str] | None
    format: str
    encoding: str | None = None
    first_line: int = 1
    row_offset: int = 0  # rows of this source before this chunk


@dataclass(slots=True)
class Text:
    """A chunk of free text. ``first_line`` is the 1-based line number of its first line."""

    text: str
    format: str
    encoding: str | None = None
    first_line: int = 1
    extra: dict[str, str] = field(default_factory=dict)


Chunk = Table | Text
