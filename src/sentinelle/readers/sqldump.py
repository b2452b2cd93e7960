"""SQL dumps (mysqldump, MariaDB, phpMyAdmin, pg_dump plain format, SQLite ``.dump``).

Each table of the dump is one part (``dump.sql!patients``); its rows come from
``INSERT INTO t [(cols)] VALUES (...), (...);`` statements (extended inserts of any
length included) and from ``COPY t (cols) FROM stdin;`` blocks (PostgreSQL text format,
ended by ``\\.``). Column names come from the ``INSERT`` / ``COPY`` column list, else from
the table's ``CREATE TABLE`` (constraints such as ``PRIMARY KEY (...)`` are not columns),
else the columns are unnamed (``header`` ``None``). A schema ``public.`` / ``dbo.`` is
dropped from table names. Every other statement (``SET``, ``ALTER``, ``CREATE INDEX``,
functions...) is skipped with a quote-, comment- and dollar-quote-aware scan, so a ``;``
inside a string never ends a statement early. Literals are read by
:mod:`sentinelle.readers._sqltext`; the string dialect (MySQL backslash escapes or
standard SQL) is chosen from the first bytes (``-- MySQL dump``, backquotes, ``ENGINE=``,
``/*!40101`` ... mean MySQL).

Streaming with bounded memory: the dump is decoded piece by piece (1 MiB, or
``chunk_bytes`` when smaller; UTF-8, else cp1252 per piece with a warning, UTF-16 through
an incremental decoder) into a buffer that only holds the statement being read; rows are
handed out ``chunk_rows`` at a time, and a table's pending rows when the dump moves to
another table. A skipped construct (a string literal, a comment) may not exceed
``max(max_line_bytes, chunk_bytes)`` (:class:`~sentinelle.errors.LimitExceeded`).
``first_line`` is the dump line where the chunk's first row starts. A tuple that cannot
be parsed, or is longer than ``max(max_line_bytes, 1 MiB)``, is skipped with the rest of
its statement; the rows before and after it are read, and an
:class:`~sentinelle.errors.InputError` giving the count and the first line is raised at
the end.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import BinaryIO

from sentinelle.errors import DecodeError, InputError, LimitExceeded, SentinelleError
from sentinelle.readers import _sqltext as sql
from sentinelle.readers._blocks import text_head
from sentinelle.readers._tables import PartRows
from sentinelle.readers.base import ReadOptions, Source, Table
from sentinelle.readers.encoding import (
    ASCII_SAFE,
    EncodingGuess,
    decode_head,
    decode_western,
    sniff_encoding,
)

FORMAT = "sql"
DEFAULT_OPTIONS = ReadOptions()
EXTENSIONS = (".sql", ".dump", ".pgsql", ".mysql")

_PIECE = 1024 * 1024
_Keys = tuple[tuple[str, ...], tuple[str, ...]]
_HEAD_NEED = 64 * 1024
_BANNER = re.compile(
    r"^(?:--|#)\s*(?:MySQL dump|MariaDB dump|PostgreSQL database (?:cluster )?dump"
    r"|phpMyAdmin SQL Dump)",
    re.IGNORECASE | re.MULTILINE,
)
_FIRST_STATEMENT = re.compile(
    r"\A(?:\s++|--[^\n]*+\n|/\*.*?\*/)*+(?:CREATE|INSERT|REPLACE|DROP|SET|USE|BEGIN|LOCK|ALTER"
    r"|START|COPY|PRAGMA|SELECT\s+pg_catalog)\b",
    re.IGNORECASE | re.DOTALL,
)
_DATA_STATEMENT = re.compile(
    r"^\s*(?:CREATE\s+(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?TABLE|INSERT\s+(?:IGNORE\s+)?INTO"
    r"|REPLACE\s+INTO|COPY\s++\S++[^\n;]*\bFROM\s+stdin)\b",
    re.IGNORECASE | re.MULTILINE,
)
_MYSQL_MARK = re.compile(
    r"MySQL dump|MariaDB dump|phpMyAdmin|ENGINE\s*=|/\*!\d{5}|`", re.IGNORECASE
)
_STANDARD_MARK = re.compile(
    r"PostgreSQL|standard_conforming_strings|\bCOPY\s|PRAGMA\s|BEGIN TRANSACTION;", re.IGNORECASE
)


def sniff(head: bytes, name: str) -> float:
    """0.97 for a dump banner; 0.93 for SQL statements creating or filling tables."""
    guess = sniff_encoding(head, at_eof=False)
    if guess is None:
        return 0.0
    text = decode_head(head, guess)
    if _BANNER.search(text[:4096]):
        return 0.97
    if _FIRST_STATEMENT.match(text) and _DATA_STATEMENT.search(text):
        return 0.93
    return 0.0


def dialect_of(text: str) -> sql.Dialect:
    """MySQL literals when the head shows MySQL marks, or ``\\'`` and no mark of
    PostgreSQL or SQLite (whose strings take a backslash as it is)."""
    if _MYSQL_MARK.search(text) or ("\\'" in text and not _STANDARD_MARK.search(text)):
        return sql.MYSQL
    return sql.STANDARD


class _Buffer:
    """Decoded text of the dump, read piece by piece; ``buf[pos:]`` is unread."""

    def __init__(
        self, stream: BinaryIO, guess: EncodingGuess, path: str, cap: int, piece: int
    ) -> None:
        self.stream = stream
        self.piece = piece
        self.guess = guess
        self.path = path
        self.cap = cap
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.warnings: list[str] = []
        self._pending = b""
        self._line = 1
        self._line_pos = 0
        self._decoder = (
            None
            if guess.codec in ASCII_SAFE
            else codecs.getincrementaldecoder(guess.codec)("strict")
        )
        stream.read(guess.bom)

    def line(self) -> int:
        """The line number at ``pos``."""
        self._line += self.buf.count("\n", self._line_pos, self.pos)
        self._line_pos = self.pos
        return self._line

    def _decode(self, data: bytes, final: bool) -> str:
        if self._decoder is not None:
            try:
                return self._decoder.decode(data, final)
            except UnicodeError:
                raise DecodeError(
                    self.path, f"bytes not valid {self.guess.name} after line {self.line()}"
                ) from None
        cut = len(data)
        if not final and self.guess.codec == "utf-8":
            back = 1
            while back <= 3 and back <= len(data) and data[-back] & 0xC0 == 0x80:
                back += 1
            if back <= len(data) and data[-back] >= 0xC0:
                cut = len(data) - back  # an incomplete UTF-8 sequence waits for the next piece
        self._pending, data = data[cut:], data[:cut]
        try:
            return data.decode(self.guess.codec)
        except UnicodeDecodeError:
            if self.guess.forced:
                raise DecodeError(
                    self.path, f"bytes not valid {self.guess.name} after line {self.line()}"
                ) from None
        note = f"bytes not valid {self.guess.name} decoded as cp1252"
        if note not in self.warnings:
            self.warnings.append(note)
        return decode_western(data)

    def more(self, want: int = 0) -> bool:
        """Read until at least ``want`` unread characters are buffered (or one more piece)."""
        if self.eof:
            return False
        self.line()
        self.buf, self._line_pos, self.pos = self.buf[self.pos :], 0, 0
        target = max(want, len(self.buf) + 1)
        if target > self.cap:
            raise LimitExceeded(
                self.path,
                f"a row or statement at line {self._line} is longer than {self.cap} bytes",
            )
        parts = [self.buf]
        size = len(self.buf)
        while size < target and not self.eof:
            raw = self.stream.read(self.piece)
            self.eof = not raw
            text = self._decode(self._pending + raw, final=self.eof)
            parts.append(text)
            size += len(text)
        self.buf = "".join(parts)
        return True

    def ensure(self, need: int) -> None:
        while not self.eof and len(self.buf) - self.pos < need:
            self.more(min(need, self.cap))


class _Dump:
    """The statement loop over one dump."""

    def __init__(self, buffer: _Buffer, dialect: sql.Dialect, options: ReadOptions) -> None:
        self.b = buffer
        self.d = dialect
        self.options = options
        self.columns: dict[str, list[str]] = {}
        self.parts: dict[str, PartRows] = {}
        self.current: PartRows | None = None
        self.bad = 0
        self.first_bad = 0
        self.row_limit = max(options.max_line_bytes, _PIECE)

    def _mark_bad(self) -> None:
        self.bad += 1
        self.first_bad = self.first_bad or self.b.line()

    def tables(self) -> Iterator[Table]:
        b = self.b
        while self._skip_blank():
            b.ensure(_HEAD_NEED)
            m = sql.INSERT.match(b.buf, b.pos)
            if m:
                yield from self._insert(m)
                continue
            m = sql.COPY.match(b.buf, b.pos)
            if m:
                yield from self._copy(m)
                continue
            m = sql.CREATE.match(b.buf, b.pos)
            if m:
                self._create(m)
                continue
            self._skip_statement()

    def flush(self) -> Iterator[Table]:
        for rows in self.parts.values():
            table = rows.flush(empty=True)
            if table is not None:
                table.warnings.extend(w for w in self.b.warnings if w not in table.warnings)
                yield table

    def _skip_blank(self) -> bool:
        b = self.b
        while True:
            b.pos = sql.BLANK.match(b.buf, b.pos).end()  # type: ignore[union-attr]
            if b.pos < len(b.buf):
                if b.eof or not b.buf.startswith(("--", "/*", "-", "/"), b.pos):
                    return True
                if len(b.buf) - b.pos > _HEAD_NEED:
                    return True  # an unterminated comment: read as a statement
            if not b.more(2 * (len(b.buf) - b.pos) + b.piece):
                return b.pos < len(b.buf)

    def _scan_statement(self, keep: bool) -> int:
        """Scan to the end of the statement at ``pos``; its end (``;`` excluded).

        With ``keep`` the statement stays in the buffer (``pos`` unchanged)."""
        b = self.b
        start = b.pos
        end = start
        while True:
            end = self.d.skip.match(b.buf, end).end()  # type: ignore[union-attr]
            if end < len(b.buf) and b.buf[end] == ";":
                return end
            if b.eof:
                return len(b.buf)
            if end == len(b.buf) and b.buf[end - 1 : end] in ("-", "/", "$"):
                end -= 1  # may start a comment or a dollar quote with the next piece
            if not keep:
                b.pos = start = end
            offset = end - b.pos
            b.more(2 * (len(b.buf) - b.pos) + b.piece if end < len(b.buf) else 0)
            end = b.pos + offset

    def _skip_statement(self) -> None:
        end = self._scan_statement(keep=False)
        self.b.pos = min(end + 1, len(self.b.buf))

    def _create(self, m: re.Match[str]) -> None:
        b = self.b
        name = sql.table_name(m["name"])
        body_start = m.end() - b.pos
        end = self._scan_statement(keep=True)
        body = b.buf[b.pos + body_start : end]
        columns = sql.create_columns(body, self.d)
        if columns:
            self.columns[name] = columns
        b.pos = min(end + 1, len(b.buf))

    def _part(self, name: str, header: bool) -> tuple[PartRows, Table | None]:
        done = None
        if self.current is not None and self.current.part != name:
            done = self.current.flush()
        rows = self.parts.get(name)
        if rows is None:
            rows = self.parts[name] = PartRows(
                part=name,
                fmt=FORMAT,
                chunk_rows=self.options.chunk_rows,
                encoding=self.b.guess.name,
                has_header=header,
            )
        self.current = rows
        return rows, done

    def _keys(self, name: str, cols: str | None) -> _Keys:
        names = sql.column_list(cols) if cols else self.columns.get(name, [])
        return tuple(names), tuple(names)

    def _row(
        self,
        rows: PartRows,
        keys: _Keys,
        values: list[str | None],
        wide: dict[int, _Keys],
        line: int,
    ) -> Table | None:
        for note in self.b.warnings:
            rows.warn(note)
        names, labels = keys
        if len(values) > len(names):
            if len(values) not in wide:
                extra = range(len(names), len(values))
                wide[len(values)] = (
                    names + tuple(f"\x00{i}" for i in extra),
                    labels + tuple("" for _ in extra),
                )
                if names:
                    rows.warn("rows with more values than the table has columns")
            names, labels = wide[len(values)]
        rows.add_keyed(names, labels, values, line)
        return rows.flush() if rows.full else None

    def _tuple(self) -> tuple[list[str | None] | None, str | None]:
        """The values of the ``( ... )`` tuple at ``pos`` (``None`` when it cannot be
        parsed) and the ``,`` or ``;`` after it when already seen."""
        b = self.b
        while True:
            m = self.d.tuple.match(b.buf, b.pos)
            if m and (m.end() < len(b.buf) or b.eof):
                b.pos = m.end()
                return sql.tuple_values(m.group(1), self.d), m.group(2)
            if not m:
                loose = self.d.loose.match(b.buf, b.pos)
                if loose and (loose.end() < len(b.buf) or b.eof):
                    b.pos = loose.end()
                    return sql.loose_values(loose.group(1), self.d), None
            if b.eof or len(b.buf) - b.pos > self.row_limit:
                return None, None
            b.more(min(2 * (len(b.buf) - b.pos) + b.piece, b.cap))

    def _separator(self) -> str | None:
        b = self.b
        b.ensure(4096)
        m = sql.SEPARATOR.match(b.buf, b.pos)
        if m is None:
            return None
        b.pos = m.end()
        return m.group(1)

    def _insert(self, m: re.Match[str]) -> Iterator[Table]:
        name = sql.table_name(m["name"])
        keys = self._keys(name, m["cols"])
        rows, done = self._part(name, bool(keys[0]))
        if done is not None:
            yield done
        self.b.pos = m.end()
        wide: dict[int, _Keys] = {}
        while True:
            self.b.ensure(1)
            line = self.b.line() if rows.pending == 0 else 0
            values, separator = self._tuple()
            if values is None:
                self._mark_bad()
                self._skip_statement()
                return
            table = self._row(rows, keys, values, wide, line)
            if table is not None:
                yield table
            separator = separator or self._separator()
            if separator == ",":
                continue
            if separator != ";":
                self._skip_statement()
            return

    def _copy(self, m: re.Match[str]) -> Iterator[Table]:
        b = self.b
        name = sql.table_name(m["name"])
        keys = self._keys(name, m["cols"])
        rows, done = self._part(name, bool(keys[0]))
        if done is not None:
            yield done
        b.pos = m.end()
        wide: dict[int, _Keys] = {}
        if "csv" in m["opts"].lower():
            rows.warn("COPY in CSV format read as tab-separated text")
        while True:
            end = b.buf.find("\n", b.pos)
            if end < 0:
                if b.more(2 * (len(b.buf) - b.pos) + b.piece):
                    continue
                end = len(b.buf)
                if end == b.pos:
                    return
            line = b.buf[b.pos : end].rstrip("\r")
            if line == "\\.":
                b.pos = min(end + 1, len(b.buf))
                return
            number = b.line() if rows.pending == 0 else 0
            table = self._row(rows, keys, sql.copy_values(line), wide, number)
            b.pos = min(end + 1, len(b.buf))
            if table is not None:
                yield table


def read(source: Source, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Table]:
    """The tables of a SQL dump, streamed (see the module docstring)."""
    head, _, guess = text_head(source, options, binary_reason="binary content, not a SQL dump")
    dialect = dialect_of(decode_head(head, guess))
    cap = max(options.max_line_bytes, options.chunk_bytes, _HEAD_NEED)
    with source.open() as stream:
        piece = max(16, min(_PIECE, options.chunk_bytes))
        dump = _Dump(_Buffer(stream, guess, source.path, cap, piece), dialect, options)
        try:
            yield from dump.tables()
        except SentinelleError:
            yield from dump.flush()
            raise
        yield from dump.flush()
    if dump.bad:
        raise InputError(
            source.path,
            f"{dump.bad} INSERT statements could not be parsed or have a row over "
            f"{dump.row_limit} bytes (first at line {dump.first_bad})",
        )
