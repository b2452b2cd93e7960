"""Write the protected chunks: the input's format (or Parquet), atomically, maybe encrypted.

Formats written: ``csv`` and ``tsv`` (same delimiter, encoding, line ends and header
presence as the input), ``json`` (array of row objects), ``ndjson``, ``parquet``,
``xlsx`` (one sheet per table) and ``sqlite`` (one table per table); any other input
format is written as Parquet (:func:`output_format`).

Text formats and Parquet stream chunk by chunk. ``xlsx`` and ``sqlite`` are built in
memory (``xlsxwriter`` in ``in_memory`` mode, an in-memory SQLite database serialised), so
no plaintext ever touches the disk outside the final file.

Every output goes through :func:`sentinelle.atomic.atomic_open` (temporary sibling, fsync,
rename). With ``encrypt_to`` (an age X25519 recipient ``age1...``) the plaintext bytes are
pulled by ``pyrage.encrypt_io`` from a generator as they are produced and only the age
ciphertext is written: there is no plaintext temporary file.
"""

from __future__ import annotations

import codecs
import io
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from sentinelle.atomic import atomic_open
from sentinelle.errors import ConfigError, OutputError

WRITABLE = ("csv", "tsv", "json", "ndjson", "parquet", "xlsx", "sqlite")
MULTI_TABLE = ("xlsx", "sqlite")
SLICE_ROWS = 20_000  # rows encoded at a time


@dataclass(frozen=True, slots=True)
class Layout:
    """How to write: the format, and for delimited text the input's dialect."""

    format: str
    delimiter: str = ";"
    encoding: str = "utf-8"
    crlf: bool = False
    header: bool = True
    quote: str = '"'


def output_format(input_format: str, requested: str | None = None) -> str:
    """The format to write: ``requested`` if given, else the input's when writable, else
    Parquet."""
    if requested and requested != "same":
        if requested not in WRITABLE:
            raise ConfigError(f"cannot write format {requested!r} (one of {', '.join(WRITABLE)})")
        return requested
    return input_format if input_format in WRITABLE else "parquet"


class _Pull(io.RawIOBase):
    """A readable stream over a generator of byte chunks (what pyrage pulls from)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buf = memoryview(b"")
        self._pos = 0
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        while self._pos >= len(self._buf):
            try:
                self._buf = memoryview(next(self._chunks))
                self._pos = 0
            except StopIteration:
                return 0
            except BaseException as exc:  # noqa: BLE001 - re-raised by write_output after pyrage
                self.error = exc
                return 0
        n = min(len(buffer), len(self._buf) - self._pos)
        buffer[:n] = self._buf[self._pos : self._pos + n]
        self._pos += n
        return n


def _codec(encoding: str | None, first: bool) -> str:
    enc = (encoding or "utf-8").lower().replace("_", "-")
    if enc in ("utf-8-sig", "utf8-sig") and not first:
        return "utf-8"
    return enc


#: cp1252 has no character U+0080-U+009F: its encoder writes ``?`` for them (``replace``).
_C1_TO_QMARK = bytes(0x3F if 0x80 <= b <= 0x9F else b for b in range(256))


def transcode(data: bytes, codec: str) -> bytes:
    """UTF-8 ``data`` (what polars writes) re-encoded as ``codec`` with ``errors="replace"``:
    the same bytes as ``data.decode("utf-8").encode(codec, errors="replace")``.

    Fast paths: UTF-8 as is (a BOM first for ``utf-8-sig``); Latin-1 and cp1252 text whose
    characters are all below U+0100 through the Latin-1 codec (a copy), cp1252 then mapping
    the C1 controls to ``?``. Anything else goes through the codec.
    """
    try:
        name = codecs.lookup(codec).name
    except LookupError:
        name = codec
    if name == "utf-8":
        return data
    if name == "utf-8-sig":
        return codecs.BOM_UTF8 + data
    text = data.decode("utf-8")
    if name in ("cp1252", "iso8859-1"):
        try:
            raw = text.encode("latin-1")
        except UnicodeEncodeError:
            return text.encode(codec, errors="replace")
        return raw.translate(_C1_TO_QMARK) if name == "cp1252" else raw
    return text.encode(codec, errors="replace")


def _delimited(parts: Iterable[tuple[str | None, pl.DataFrame]], layout: Layout) -> Iterator[bytes]:
    first = True
    for _, frame in parts:
        for start in range(0, max(frame.height, 1), SLICE_ROWS):  # bounded text buffers
            buf = io.BytesIO()  # polars writes UTF-8 bytes: no intermediate Python str
            frame.slice(start, SLICE_ROWS).write_csv(
                buf, separator=layout.delimiter, include_header=layout.header and first,
                line_terminator="\r\n" if layout.crlf else "\n", quote_char=layout.quote or '"')
            yield transcode(buf.getvalue(), _codec(layout.encoding, first))
            first = False
    if first:  # no chunk at all: still a valid (empty) file
        yield b""


def _json(parts: Iterable[tuple[str | None, pl.DataFrame]]) -> Iterator[bytes]:
    yield b"["
    first = True
    for _, frame in parts:
        if frame.height == 0:
            continue
        body = frame.write_json().strip()
        inner = body[1:-1]
        if inner:
            yield (b"" if first else b",") + inner.encode("utf-8")
            first = False
    yield b"]\n"


def _ndjson(parts: Iterable[tuple[str | None, pl.DataFrame]]) -> Iterator[bytes]:
    for _, frame in parts:
        if frame.height:
            yield frame.write_ndjson().encode("utf-8")


def _parquet(parts: Iterable[tuple[str | None, pl.DataFrame]]) -> Iterator[bytes]:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    buf = io.BytesIO()
    writer = None
    schema_cols: list[str] | None = None
    for _, frame in parts:
        if schema_cols is None:
            schema_cols = frame.columns
        table = frame.select([pl.col(c) if c in frame.columns else pl.lit(None, pl.String).alias(c)
                              for c in schema_cols]).to_arrow()
        if writer is None:
            writer = pq.ParquetWriter(buf, table.schema, compression="zstd")
        writer.write_table(table)
        data = buf.getvalue()
        if data:
            yield data
            buf.seek(0)
            buf.truncate()
    if writer is None:
        pl.DataFrame().write_parquet(buf)
    else:
        writer.close()
    yield buf.getvalue()


def _xlsx(parts: Iterable[tuple[str | None, pl.DataFrame]]) -> Iterator[bytes]:
    import xlsxwriter  # type: ignore[import-untyped]

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False,
                                     "strings_to_formulas": False, "strings_to_urls": False})
    sheets: dict[str, tuple[object, int]] = {}
    for part, frame in parts:
        name = (part or "Sheet1")[:31]
        if name not in sheets:
            sheet = book.add_worksheet(name)
            sheet.write_row(0, 0, frame.columns)
            sheets[name] = (sheet, 1)
        sheet, row = sheets[name]
        for values in frame.iter_rows():
            sheet.write_row(row, 0, ["" if v is None else v for v in values])  # type: ignore[attr-defined]
            row += 1
        sheets[name] = (sheet, row)
    if not sheets:
        book.add_worksheet("Sheet1")
    book.close()
    yield buf.getvalue()


def _sqlite(parts: Iterable[tuple[str | None, pl.DataFrame]]) -> Iterator[bytes]:
    conn = sqlite3.connect(":memory:")
    made: set[str] = set()
    for part, frame in parts:
        name = part or "data"
        quoted = '"' + name.replace('"', '""') + '"'
        if name not in made:
            cols = ", ".join('"' + c.replace('"', '""') + '" TEXT' for c in frame.columns)
            conn.execute(f"CREATE TABLE {quoted} ({cols})")
            made.add(name)
        marks = ", ".join("?" * frame.width)
        conn.executemany(f"INSERT INTO {quoted} VALUES ({marks})", frame.iter_rows())
    conn.commit()
    data = conn.serialize()
    conn.close()
    yield bytes(data)


def encode(parts: Iterable[tuple[str | None, pl.DataFrame]], layout: Layout) -> Iterator[bytes]:
    """The bytes of the output file, produced as the chunks come."""
    fmt = layout.format
    if fmt in ("csv", "tsv"):
        return _delimited(parts, layout)
    if fmt == "json":
        return _json(parts)
    if fmt == "ndjson":
        return _ndjson(parts)
    if fmt == "parquet":
        return _parquet(parts)
    if fmt == "xlsx":
        return _xlsx(parts)
    if fmt == "sqlite":
        return _sqlite(parts)
    raise ConfigError(f"cannot write format {fmt!r}")


@dataclass(slots=True)
class WriteResult:
    bytes_written: int = 0
    encrypted: bool = False
    extra: dict[str, str] = field(default_factory=dict)


def age_recipient(text: str):  # type: ignore[no-untyped-def]
    """Parse an age X25519 recipient (``age1...``); :class:`ConfigError` if it is not one."""
    import pyrage  # type: ignore[import-untyped]

    try:
        return pyrage.x25519.Recipient.from_str(text.strip())
    except Exception:  # noqa: BLE001 - pyrage raises its own types; the value is public
        raise ConfigError("--encrypt-to: not an age X25519 recipient (age1...)") from None


def write_output(path: str | Path, parts: Iterable[tuple[str | None, pl.DataFrame]],
                 layout: Layout, *, encrypt_to: str | None = None) -> WriteResult:
    """Write the output atomically; encrypted to an age recipient when ``encrypt_to``."""
    result = WriteResult(encrypted=bool(encrypt_to))
    chunks = encode(parts, layout)
    if encrypt_to:
        import pyrage  # type: ignore[import-untyped]

        recipient = age_recipient(encrypt_to)
    with atomic_open(path, "wb") as handle:
        if encrypt_to:
            source = _Pull(chunks)
            try:
                pyrage.encrypt_io(source, handle, [recipient])
            except pyrage.EncryptError as exc:
                raise OutputError(f"{path}: encryption failed ({exc})") from None
            if source.error is not None:
                raise source.error
        else:
            for data in chunks:
                handle.write(data)
        handle.flush()
        result.bytes_written = handle.tell()
    return result


__all__ = ["MULTI_TABLE", "WRITABLE", "Layout", "WriteResult", "age_recipient", "encode",
           "output_format",
           "write_output"]
