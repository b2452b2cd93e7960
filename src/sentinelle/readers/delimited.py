"""Delimited text reader: CSV and its cousins (``;`` ``,`` TAB ``|``), streamed with polars.

Format reference: RFC 4180 (Common Format and MIME Type for CSV Files), which French
exports bend freely: ``;`` as delimiter (the decimal separator is ``,``), cp1252 encoding,
CRLF line ends, no header, ragged rows. Everything here is read as text: polars with
``infer_schema=False`` gives every column ``pl.String`` and keeps leading zeros (a phone
``0612...`` or a département ``01`` must not become a number).

How a file is read:

1. :mod:`sentinelle.readers.encoding` sniffs the encoding from the first bytes.
2. :mod:`sentinelle.readers._dialect` sniffs delimiter, quote, header and newline from
   the decoded sample (``ReadOptions`` may force encoding, delimiter and header).
3. :mod:`sentinelle.readers._blocks` streams the content as blocks cut on record
   boundaries (``chunk_rows`` / ``chunk_bytes``, bounded memory, line-length limit),
   decoded to UTF-8 block by block.
4. Each block is parsed by ``polars.read_csv`` with a fixed all-String schema so chunks
   line up. A block polars rejects is not fatal: invalid UTF-8 is re-decoded as cp1252,
   rows with more fields than the header widen the schema (extra columns named
   ``column_K``), and malformed quoting is read without quoting; each fallback is written
   in :attr:`Table.warnings` (never with content).

``Table.header`` holds the header cells as written (``None`` for headerless files). The
frame's column ``i`` is header cell ``i`` made unique and non-empty (``column_i`` when
empty, ``name_2`` for a repeat); headerless frames are named ``column_1..N``. ``first_line``
is the line of the chunk's first row; row ``k`` of a chunk is on line ``first_line + k``
unless quoted fields hold line breaks. Blank lines are rows of nulls (so that holds).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import polars as pl

from sentinelle.errors import InputError
from sentinelle.readers._blocks import Block, iter_blocks, text_head, to_utf8
from sentinelle.readers._dialect import (
    Dialect,
    complete_sample,
    delimiter_consistency,
    guess_delimiter,
    sniff_dialect,
)
from sentinelle.readers.base import ReadOptions, Source, Table, join_tables
from sentinelle.readers.encoding import (
    EncodingGuess,
    decode_head,
    sniff_encoding,
)

FORMAT = "csv"
EXTENSIONS = (".csv", ".tsv", ".tab", ".psv", ".txt", ".dat", ".exp")
_POLARS_ERRORS = (pl.exceptions.PolarsError, pl.exceptions.PanicException, ValueError)


def sniff(head: bytes, name: str) -> float:
    """High (0.5-0.9) when most lines split into the same number (>= 2) of fields."""
    guess = sniff_encoding(head, at_eof=False)
    if guess is None or not head[guess.bom :]:
        return 0.0
    # a head shorter than the usual sniffing sample is the whole content: keep its last line
    whole = len(head) < ReadOptions().head_bytes
    sample = complete_sample(decode_head(head, guess), at_eof=whole)
    delimiter, share = guess_delimiter(sample)
    if delimiter is None:
        return 0.0
    _, fields, records = delimiter_consistency(sample, delimiter)
    hint = 0.05 if name.lower().endswith(EXTENSIONS[:4]) else 0.0
    if records < 2:
        return 0.3 + hint if fields >= 3 else 0.0
    if share < 0.6:
        return 0.0
    return round(min(0.9, 0.5 + 0.35 * share + hint), 3)


def _column_names(header: list[str] | None, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for i in range(count):
        cell = header[i].strip() if header and i < len(header) else ""
        name = cell or f"column_{i + 1}"
        base, n = name, 1
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        names.append(name)
    return names


def _max_fields(data: bytes, delimiter: str) -> int:
    lines = pl.Series([data.decode("utf-8", errors="replace")]).str.split("\n").explode()
    most = lines.str.count_matches(re.escape(delimiter)).max()
    return int(most or 0) + 1  # type: ignore[arg-type]


def _parse(
    block: Block, dialect: Dialect, names: list[str], guess: EncodingGuess, path: str,
    skip: frozenset[int] = frozenset(),
) -> tuple[pl.DataFrame, list[str]]:
    """Parse one block; fall back leniently instead of failing (see module docstring).

    Columns in ``skip`` are not parsed: they come out as nulls, in their place."""
    warnings: list[str] = []
    quote = dialect.quote if block.quoted else None
    data = block.data
    block.data = b""  # ``data`` is the only reference: the raw bytes go once transcoded
    checked = guess.codec != "utf-8"
    if checked:
        data, note = to_utf8(data, guess, path, block.first_line)
        warnings.extend([note] if note else [])

    def attempt(cols: list[str], q: str | None, ragged: bool) -> pl.DataFrame:
        wanted = [i for i in range(len(cols)) if i not in skip] if skip else None
        frame = pl.read_csv(
            data,
            has_header=False,
            separator=dialect.delimiter,
            quote_char=q,
            schema=dict.fromkeys(cols, pl.String),
            infer_schema=False,
            truncate_ragged_lines=ragged,
            raise_if_empty=False,
            missing_columns="insert",
            columns=wanted,
        )
        if wanted is None or frame.width == len(cols):
            return frame
        return frame.select(
            pl.lit(None, dtype=pl.String).alias(c) if i in skip else pl.col(c)
            for i, c in enumerate(cols)
        )

    try:
        return attempt(names, quote, False), warnings
    except _POLARS_ERRORS:
        pass
    if not checked:
        fixed, note = to_utf8(data, guess, path, block.first_line)
        if note:
            data = fixed
            warnings.append(note)
            try:
                return attempt(names, quote, False), warnings
            except _POLARS_ERRORS:
                pass
    wide = max(_max_fields(data, dialect.delimiter), len(names))
    cols = _column_names(names, wide)
    if wide > len(names):
        warnings.append(f"ragged rows: up to {wide} fields where the header has {len(names)}")
    try:
        return attempt(cols, quote, True), warnings
    except _POLARS_ERRORS:
        pass
    warnings.append("malformed quoting: rows read without quoting")
    return attempt(cols, None, True), warnings


def _dialect(head: bytes, at_eof: bool, guess: EncodingGuess, options: ReadOptions) -> Dialect:
    sample = complete_sample(decode_head(head, guess), at_eof)
    for delimiter in (options.delimiter, ","):
        dialect = sniff_dialect(sample, delimiter=delimiter, has_header=options.has_header)
        if dialect is not None:
            return dialect
    raise AssertionError("unreachable: a forced delimiter always gives a dialect")


#: blocks are parsed this many at a time per chunk: transcoding and parsing then need a
#: fraction of a chunk's memory, while the scan still sees few, large chunks (each chunk
#: costs the scan a fixed planning time)
_PARSE_SPLIT = 8
_MIN_PARSE_BYTES = 1024 * 1024
#: rows the first chunk holds at least (column classification samples the first 1,000)
SAMPLE_ROWS = 1000
#: size of the first block, enough for SAMPLE_ROWS rows of a wide export (more blocks
#: are joined to it otherwise)
_SAMPLE_BYTES = 1024 * 1024
#: blocks parsed at once past the sample
_PARSERS = 2


def read(source: Source, options: ReadOptions = ReadOptions()) -> Iterator[Table]:
    """Stream ``source`` as :class:`Table` chunks of at most ``options.chunk_rows`` rows
    and about ``options.chunk_bytes`` bytes (parsed in smaller blocks, then joined).

    The first chunk is the first block(s), at least :data:`SAMPLE_ROWS` rows: a consumer
    that needs only some columns says so through its ``skip_columns`` before the rest of
    the file is parsed.
    """
    head, at_eof, guess = text_head(
        source, options, binary_reason="binary content, not delimited text"
    )
    dialect = _dialect(head, at_eof, guess, options)
    fmt = "tsv" if dialect.delimiter == "\t" else FORMAT
    names = _column_names(None, dialect.columns)
    header: list[str] | None = None
    rows_before = 0
    first = True
    skip: frozenset[int] = frozenset()

    def skip_columns(columns: frozenset[int]) -> None:
        nonlocal skip
        skip = frozenset(columns)

    pending: list[Table] = []
    pending_bytes = pending_rows = 0
    sampled = False  # the first chunk went out
    block_bytes = max(options.chunk_bytes // _PARSE_SPLIT, min(options.chunk_bytes,
                                                               _MIN_PARSE_BYTES))
    with source.open() as stream, ThreadPoolExecutor(
        max_workers=_PARSERS, thread_name_prefix="sentinelle-parse"
    ) as pool:
        blocks = iter_blocks(
            stream,
            guess,
            path=source.path,
            chunk_bytes=block_bytes,
            chunk_rows=options.chunk_rows,
            max_line_bytes=options.max_line_bytes,
            quote=dialect.quote,
            first_bytes=_SAMPLE_BYTES,
        )

        def parsed() -> Iterator[tuple[int, Table]]:
            """(bytes, table) of each block in order. Past the sample, blocks are parsed
            ahead on a small pool: polars parses one (without the interpreter lock)
            while the next is transcoded."""
            ahead: deque[tuple[int, Future[Table]]] = deque()
            for block in blocks:
                size = len(block.data)
                if not sampled:  # the consumer's skip_columns applies after the sample
                    yield size, _table(source, block, dialect, names, guess, fmt, skip)
                    continue
                ahead.append((size, pool.submit(_table, source, block, dialect, names, guess,
                                                fmt, skip)))
                if len(ahead) >= _PARSERS:
                    size, job = ahead.popleft()
                    yield size, job.result()
            while ahead:
                size, job = ahead.popleft()
                yield size, job.result()

        for size, table in parsed():
            if first and dialect.has_header:
                header, names, table = _split_header(table, names)
            table.header = header
            rows = table.frame.height
            if pending and (pending_bytes + size > options.chunk_bytes
                            or pending_rows + rows > options.chunk_rows):
                yield _joined(pending, rows_before, skip_columns)
                sampled = True
                rows_before += pending_rows
                pending, pending_bytes, pending_rows = [], 0, 0
            if rows or (first and header is not None):
                pending.append(table)
                pending_bytes += size
                pending_rows += rows
            first = False
            if not sampled and pending_rows >= SAMPLE_ROWS:
                yield _joined(pending, rows_before, skip_columns)
                sampled = True
                rows_before += pending_rows
                pending, pending_bytes, pending_rows = [], 0, 0
    if pending:
        yield _joined(pending, rows_before, skip_columns)


def _joined(tables: list[Table], rows_before: int,
            skip_columns: Callable[[frozenset[int]], None]) -> Table:
    """One chunk from consecutive parsed blocks."""
    head = join_tables(tables)
    head.row_offset = rows_before
    head.skip_columns = skip_columns
    return head


def _table(
    source: Source,
    block: Block,
    dialect: Dialect,
    names: list[str],
    guess: EncodingGuess,
    fmt: str,
    skip: frozenset[int] = frozenset(),
) -> Table:
    try:
        frame, warnings = _parse(block, dialect, names, guess, source.path, skip)
    except _POLARS_ERRORS:
        raise InputError(
            source.path, f"cannot parse delimited rows from line {block.first_line}"
        ) from None
    return Table(
        frame=frame,
        header=None,
        format=fmt,
        encoding=guess.name,
        first_line=block.first_line,
        warnings=[*block.warnings, *warnings],
        extra=dialect.as_extra(),
    )


def _split_header(table: Table, names: list[str]) -> tuple[list[str], list[str], Table]:
    """Take the first row of the first chunk as the header row."""
    frame = table.frame
    if frame.height == 0:
        return [], names, table
    cells = ["" if v is None else str(v) for v in frame.row(0)]
    while cells and not cells[-1]:
        cells.pop()  # trailing empty cells (or columns only ragged data rows have)
    new_names = _column_names(cells, frame.width)
    table.frame = frame.slice(1).rename(dict(zip(frame.columns, new_names, strict=True)))
    extra = table.frame.columns[len(cells) :]
    if extra and table.frame.select(pl.any_horizontal(pl.col(extra).is_not_null()).any()).item():
        table.warnings.append(
            f"ragged rows: up to {frame.width} fields where the header has {len(cells)}"
        )
    table.first_line += 1 + sum(c.count("\n") for c in cells)
    return cells, new_names, table
