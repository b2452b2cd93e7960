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

A container reader (archive, mailbox, e-mail with attachments) yields :class:`Source`
objects for its members instead of chunks, named ``outer!inner`` (the scan driver scans
them recursively, up to ``ReadOptions.max_depth``). It raises
:class:`~sentinelle.errors.LimitExceeded` for a member over a limit, or yields a
:class:`Skip` so that the rest of the container is still read.

Readers are discovered (every module of the package with those names), not registered.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
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

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> Source:
        """A file on disk, opened in binary mode each time a reader asks."""
        file = Path(path)
        return cls(path=str(file), open=lambda: file.open("rb"), size=file.stat().st_size)


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Reader limits and tuning. Immutable; passed in, never global."""

    chunk_rows: int = 250_000
    chunk_bytes: int = 64 * 1024 * 1024
    max_line_bytes: int = 1024 * 1024
    encoding: str | None = None  # force an encoding instead of sniffing
    delimiter: str | None = None  # force a delimiter
    has_header: bool | None = None  # force header presence
    head_bytes: int = 64 * 1024  # how much of the start is used for sniffing
    # Containers (archives, mailboxes): limits against bombs and traversal tricks.
    max_depth: int = 10  # nesting of containers (outer!inner!innermost)
    max_members: int = 100_000  # members of one container, and of the whole tree under one file
    max_expanded_bytes: int = 20 * 1024**3  # bytes decompressed, all levels, under one file
    max_member_bytes: int = 4 * 1024**3  # one member
    max_ratio: float = 200.0  # expanded / compressed size of a member (zip bomb)
    max_sheet_cells: int = 50_000_000  # rows x columns a spreadsheet's used range may span


@dataclass(slots=True)
class Table:
    """A chunk of tabular data. Every column is ``pl.String``; missing cells are null.

    ``header`` holds the header cells as written (or ``None`` for headerless files, then the
    frame's columns are named ``column_1``...); frame column ``i`` is header cell ``i`` made
    unique and non-empty. ``first_line`` is the 1-based line number of the frame's first
    row in the source, for report locations. ``warnings`` lists lenient fallbacks the
    reader used for this chunk (ragged rows, bad quoting, mixed encoding), never content.
    ``part`` names the table inside a source that holds several (a sheet, a database or
    dump table, a JSON key): the scan reports it as ``path!part``; ``None`` for a
    source that is one table. ``row_offset`` then counts the rows of that part only, and
    ``first_line`` is the sheet row (spreadsheets), the row number (databases) or the
    line of the source (dumps, JSON, XML).
    """

    frame: pl.DataFrame
    header: list[str] | None
    format: str
    encoding: str | None = None
    first_line: int = 1
    row_offset: int = 0  # rows of this source before this chunk
    warnings: list[str] = field(default_factory=list)  # lenient fallbacks used (never content)
    extra: dict[str, str] = field(default_factory=dict)  # dialect: delimiter, quote, newline
    part: str | None = None  # sheet / table name in a multi-table source
    #: Set by readers that can skip columns: called with the indices of columns the
    #: consumer does not need, the chunks that follow hold nulls there (not parsed).
    skip_columns: Callable[[frozenset[int]], None] | None = None


def join_tables(tables: Sequence[Table]) -> Table:
    """Consecutive chunks of one table as one: the first, with the rows of the others
    (frames joined without copying; columns that only later chunks have are nulls before
    them) and every warning once."""
    head = tables[0]
    if len(tables) > 1:
        frames = [t.frame for t in tables]
        same = all(f.columns == frames[0].columns for f in frames)
        head.frame = pl.concat(frames, how="vertical" if same else "diagonal", rechunk=False)
        head.warnings = list(dict.fromkeys(w for t in tables for w in t.warnings))
    return head


@dataclass(slots=True)
class Text:
    """A chunk of free text. ``first_line`` is the 1-based line number of its first line."""

    text: str
    format: str
    encoding: str | None = None
    first_line: int = 1
    extra: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # lenient fallbacks used (never content)


@dataclass(frozen=True, slots=True)
class Skip:
    """A container member that was not read (encrypted, over a limit, corrupt)."""

    path: str
    reason: str


Chunk = Table | Text
Item = Table | Text | Source | Skip
