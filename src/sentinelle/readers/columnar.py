"""Columnar files: Apache Parquet, Arrow IPC (file and stream) and Feather.

Signatures: Parquet files start (and end) with ``PAR1`` (Apache Parquet format
specification, "File format"); Arrow IPC files with ``ARROW1`` (Arrow columnar format,
"IPC File Format"; Feather v2 is the same format); Arrow IPC streams with the
continuation marker ``FF FF FF FF`` and a schema message ("Encapsulated message
format"); Feather v1 files with ``FEA1``.

Parquet is streamed from the source with pyarrow (``ParquetFile.iter_batches`` reads one
row group at a time), at most ``ReadOptions.chunk_rows`` rows per chunk, so memory is
bounded by a row group. Arrow IPC and Feather files are read into memory, then record
batch by record batch (from a Python file object, pyarrow's IPC reader of a damaged file
was seen to leave a thread that aborts the process at exit).

Every column becomes text through pyarrow compute kernels (vectorised): integral floats
without ``.0`` (a NIR stored as a double keeps its digits), dates and times in ISO 8601,
struct fields as columns of their own named ``parent.field``, lists joined with spaces;
binary (UTF-8 text when it is, else hex), maps, unions and view types cell by cell. Only
those string arrays, under names made here, go to polars. Hostile files, found by
fuzzing: each batch is validated in full first (``RecordBatch.validate(full=True)``; IPC
offsets are otherwise trusted and read out of bounds), view types are never handed to
compute kernels (validation skips null slots, some kernels still read their views), and
polars' own Arrow import is not used on file schemas (it panics on some).

Run-length encoding or an all-null column lets a tiny file claim billions of rows: a
file expands to at most ``max(max_ratio x its size in bytes, 10 million)`` cells, then
:class:`~sentinelle.errors.LimitExceeded` is raised after the chunks read so far.
A file that cannot be opened (truncated, no footer) raises
:class:`~sentinelle.errors.InputError`; a batch that fails after others were produced
raises it after them. ``first_line`` is the 1-based row number of the chunk's first row.
"""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO

import polars as pl

from sentinelle.errors import InputError, LimitExceeded
from sentinelle.readers._tables import cell_text, column_names, is_foreign_failure
from sentinelle.readers.base import ReadOptions, Source, Table

if TYPE_CHECKING:
    import pyarrow as pa  # type: ignore[import-untyped]

FORMAT = "parquet"
DEFAULT_OPTIONS = ReadOptions()
EXTENSIONS = (".parquet", ".pq", ".arrow", ".feather", ".ipc", ".arrows")

_SIGNATURES = ((b"PAR1", "parquet"), (b"ARROW1", "arrow"), (b"FEA1", "feather"))
_STREAM = b"\xff\xff\xff\xff"
#: Cells a file may always expand to, whatever its size (see ``max_ratio`` in ``read``).
MIN_CELL_BUDGET = 10_000_000


def kind(head: bytes) -> str | None:
    """``parquet`` ``arrow`` ``feather`` ``arrow-stream`` or ``None`` (signature only)."""
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            return name
    if head.startswith(_STREAM) and len(head) >= 8:
        return "arrow-stream"
    return None


def _stream_schema_ok(head: bytes) -> bool:
    try:
        import pyarrow as pa  # type: ignore[import-untyped]

        pa.ipc.open_stream(pa.BufferReader(head))
    except BaseException as exc:
        if not is_foreign_failure(exc):
            raise
        return False
    return True


def sniff(head: bytes, name: str) -> float:
    """0.98 for ``PAR1`` / ``ARROW1``, 0.95 for ``FEA1`` or a readable IPC stream schema."""
    found = kind(head)
    if found in ("parquet", "arrow"):
        return 0.98
    if found == "feather":
        return 0.95
    if found == "arrow-stream" and _stream_schema_ok(head):
        return 0.95
    return 0.0


def _python_text(value: object) -> str | None:
    """A cell as the vectorised path writes it: lists joined with spaces, maps as JSON."""
    if isinstance(value, list | tuple):
        items = [text for text in map(_python_text, value) if text is not None]
        return " ".join(items)
    if isinstance(value, dict):
        return json.dumps(value, default=str, ensure_ascii=False)
    return cell_text(value)


def _per_cell(array: pa.Array, warnings: list[str]) -> pa.Array:
    """Rare types (binary, maps, unions, nested lists): each cell as text in Python."""
    import pyarrow as pa  # type: ignore[import-untyped]

    try:
        return pa.array([_python_text(v) for v in array.to_pylist()], pa.string())
    except (ValueError, TypeError, OverflowError, pa.ArrowException):
        warnings.append("a column of values out of range was not read")
        return pa.nulls(len(array), pa.string())


def _has_view(kind: pa.DataType) -> bool:
    """Whether a type holds views (``string_view``, ``list_view``...), anywhere inside.

    pyarrow's full validation skips null slots, but some of its kernels still read the
    views of null slots: a crafted view there crashes them. Views are read cell by cell
    (``to_pylist`` honours validity) into fresh arrays instead."""
    import pyarrow as pa  # type: ignore[import-untyped]

    types = pa.types
    if types.is_string_view(kind) or types.is_binary_view(kind):
        return True
    if types.is_list_view(kind) or types.is_large_list_view(kind):
        return True
    return any(_has_view(kind.field(i).type) for i in range(kind.num_fields))


def _strings(array: pa.Array, warnings: list[str]) -> pa.Array:
    """A non-struct Arrow array as a string array, computed by pyarrow (vectorised)."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    kind = array.type
    if _has_view(kind):
        return _per_cell(array, warnings)
    if pa.types.is_dictionary(kind):
        return _strings(array.dictionary_decode(), warnings)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return array
    if pa.types.is_floating(kind):
        wide = pc.cast(array, pa.float64())
        integral = pc.and_kleene(pc.equal(wide, pc.round(wide)), pc.less(pc.abs(wide), 2.0**63))
        whole = pc.cast(pc.if_else(integral, wide, 0.0), pa.int64())
        return pc.if_else(integral, pc.cast(whole, pa.string()), pc.cast(wide, pa.string()))
    if pa.types.is_timestamp(kind):
        text = pc.cast(array, pa.string())
        return pc.replace_substring_regex(text, r" 00:00:00(?:\.0+)?$|\.0+$", "")
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        try:
            return pc.binary_join(pc.cast(array, pa.list_(pa.string())), " ")
        except pa.ArrowException:
            return _per_cell(array, warnings)
    if (
        pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
        or pa.types.is_fixed_size_binary(kind)
    ):
        return _per_cell(array, warnings)
    try:
        return pc.cast(array, pa.string())
    except pa.ArrowException:
        return _per_cell(array, warnings)


def _columns(name: str, array: pa.Array, warnings: list[str]) -> list[tuple[str, pa.Array]]:
    import pyarrow as pa  # type: ignore[import-untyped]

    if pa.types.is_struct(array.type):
        out: list[tuple[str, pa.Array]] = []
        fields = [array.type.field(i).name for i in range(array.type.num_fields)]
        for field, child in zip(fields, array.flatten(), strict=True):
            out += _columns(f"{name}.{field}", child, warnings)
        return out
    return [(name, _strings(array, warnings))]


def as_text(batch: pa.RecordBatch) -> tuple[list[str], pl.DataFrame, list[str]]:
    """Header labels, the all-String frame (struct fields as ``a.b`` columns), warnings.

    The batch is validated in full first: IPC readers do not check buffers and offsets
    against each other, and a crafted file would otherwise be read out of bounds (a
    crash, not an exception). Only valid string arrays, under names made here, are
    handed to polars."""
    batch.validate(full=True)
    warnings: list[str] = []
    pairs: list[tuple[str, pa.Array]] = []
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        pairs += _columns(name, column, warnings)
    labels = [label for label, _ in pairs]
    names = column_names(labels, len(labels))
    series = []
    for name, (_, array) in zip(names, pairs, strict=True):
        converted = pl.from_arrow(array)
        assert isinstance(converted, pl.Series)
        series.append(converted.alias(name))
    frame = pl.DataFrame(series) if series else pl.DataFrame()
    frame = frame.with_columns(
        pl.when(pl.col(n).str.len_bytes() > 0).then(pl.col(n)).alias(n) for n in names
    )
    return labels, frame, warnings


def _slices(batch: pa.RecordBatch, chunk_rows: int) -> Iterator[pa.RecordBatch]:
    for start in range(0, max(batch.num_rows, 1), chunk_rows):
        yield batch.slice(start, chunk_rows)


def _batches(found: str, stream: BinaryIO, chunk_rows: int) -> Iterator[pa.RecordBatch]:
    import pyarrow as pa  # type: ignore[import-untyped]

    if found == "parquet":
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        yield from pq.ParquetFile(stream).iter_batches(batch_size=chunk_rows, use_threads=False)
        return
    # IPC and Feather from an in-memory buffer: with a Python file object, pyarrow's
    # reader of a damaged IPC file can leave a thread that aborts the process at exit.
    buffer = pa.BufferReader(stream.read())
    if found == "arrow":
        reader = pa.ipc.open_file(buffer)
        for i in range(reader.num_record_batches):
            yield from _slices(reader.get_batch(i), chunk_rows)
    elif found == "arrow-stream":
        for batch in pa.ipc.open_stream(buffer):
            yield from _slices(batch, chunk_rows)
    else:
        from pyarrow import feather  # type: ignore[import-untyped]

        with warnings.catch_warnings():  # pyarrow deprecates Feather v1; we only read it
            warnings.simplefilter("ignore", DeprecationWarning)
            table = feather.read_table(buffer)
        yield from table.to_batches(max_chunksize=chunk_rows)


def _seekable(stream: BinaryIO) -> BinaryIO:
    try:
        if stream.seekable():
            return stream
    except (AttributeError, OSError, ValueError):
        pass
    return io.BytesIO(stream.read())


def read(source: Source, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Table]:
    """The rows of a Parquet / Arrow / Feather file as all-String :class:`Table` chunks."""
    with source.open() as stream:
        head = stream.read(64)
    if not head:
        raise InputError(source.path, "empty file")
    found = kind(head)
    if found is None:
        raise InputError(source.path, "not a Parquet or Arrow file (no signature)")
    label = {"arrow-stream": "Arrow IPC stream", "arrow": "Arrow IPC"}.get(found, found.title())
    offset = 0
    cells = 0
    budget = max(int(options.max_ratio * (source.size or 0)), MIN_CELL_BUDGET)
    with source.open() as raw:
        batches = _batches(found, _seekable(raw), max(1, options.chunk_rows))
        while True:
            try:
                batch = next(batches, None)
                if batch is None:
                    break
                cells += batch.num_rows * max(batch.num_columns, 1)
                if cells > budget:
                    raise LimitExceeded(
                        source.path,
                        f"expands to more than {budget} cells, {options.max_ratio:g} per byte"
                        " of the file (compression bomb?)",
                    )
                header, frame, warnings = as_text(batch)
            except BaseException as exc:
                if not is_foreign_failure(exc):
                    raise
                where = f" after row {offset}" if offset else ""
                reason = f"corrupt or truncated {label} file{where} ({type(exc).__name__})"
                raise InputError(source.path, reason) from None
            yield Table(
                frame=frame,
                header=header,
                format="arrow" if found == "arrow-stream" else found,
                first_line=offset + 1,
                row_offset=offset,
                warnings=warnings,
            )
            offset += frame.height
