"""SQLite database files: every table, one part each (``app.db!patients``).

Signature: the 16-byte header string ``SQLite format 3\\0`` at offset 0 (SQLite "Database
File Format", section 1.3). The file is never opened in place and nothing is written to
disk: its bytes are loaded into an in-memory database with ``sqlite3.Connection
.deserialize`` (Python 3.11+, ``sqlite3_deserialize``), which is then set read-only
(``PRAGMA query_only``). A database in WAL mode (header bytes 18-19 = 2) is switched to
the legacy journal mode in the in-memory copy, as an in-memory database cannot use a WAL;
the content of a ``-wal`` file next to it is not seen. Following SQLite's advice for
untrusted database files ("Defense Against The Dark Arts", https://sqlite.org/security.html):
``trusted_schema=OFF``, ``cell_size_check=ON``, and only ordinary tables are read (no
views or triggers run; virtual tables are skipped, their shadow tables hold the content).

Cells become text inside SQLite (``CAST ... AS TEXT``), integral REAL values without
``.0`` (a NIR stored as a REAL keeps its digits), BLOBs as UTF-8 text when they are,
else hex; empty strings are null. Rows stream
``chunk_rows`` at a time (``fetchmany``); ``first_line`` is the 1-based row number of the
chunk's first row in the table (rowid order). A table that fails (corrupt pages) is
skipped and the others read; an :class:`~sentinelle.errors.InputError` counting the
failures is raised at the end; a file whose schema cannot be read raises at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import polars as pl

from sentinelle.errors import InputError
from sentinelle.readers._tables import cell_text, column_names
from sentinelle.readers.base import ReadOptions, Source, Table

FORMAT = "sqlite"
DEFAULT_OPTIONS = ReadOptions()
EXTENSIONS = (".db", ".sqlite", ".sqlite3", ".db3")

MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100


def sniff(head: bytes, name: str) -> float:
    """0.99 for the SQLite header string."""
    return 0.99 if head.startswith(MAGIC) else 0.0


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _as_text(column: str) -> str:
    c = _quote(column)
    return (
        f"NULLIF(CASE WHEN typeof({c}) = 'real' AND abs({c}) < 9.0e18 "
        f"AND {c} = CAST({c} AS INTEGER) THEN CAST(CAST({c} AS INTEGER) AS TEXT) "
        f"WHEN typeof({c}) = 'blob' THEN sentinelle_blob({c}) "
        f"ELSE CAST({c} AS TEXT) END, '')"
    )


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _connect(data: bytes, path: str) -> sqlite3.Connection:
    if len(data) < _HEADER_SIZE:
        raise InputError(path, "truncated SQLite database (no complete header)")
    image = bytearray(data)
    if image[18] == 2 or image[19] == 2:
        image[18] = image[19] = 1  # WAL -> legacy journal, in the in-memory copy only
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(bytes(image))
        connection.text_factory = _text
        connection.create_function("sentinelle_blob", 1, cell_text, deterministic=True)
        for pragma in ("query_only = ON", "trusted_schema = OFF", "cell_size_check = ON"):
            connection.execute(f"PRAGMA {pragma}")
    except (sqlite3.Error, OverflowError, ValueError, MemoryError) as exc:
        connection.close()
        raise InputError(path, f"corrupt SQLite database ({type(exc).__name__})") from None
    return connection


def _tables(connection: sqlite3.Connection, path: str) -> list[str]:
    try:
        rows = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
        ).fetchall()
    except sqlite3.Error as exc:
        raise InputError(path, f"corrupt SQLite database ({type(exc).__name__})") from None
    names = []
    for name, sql in rows:
        if not isinstance(name, str) or name.startswith("sqlite_"):
            continue
        if isinstance(sql, str) and sql.lstrip()[:14].upper().startswith("CREATE VIRTUAL"):
            continue
        names.append(name)
    return names


def _read_table(
    connection: sqlite3.Connection, table: str, options: ReadOptions
) -> Iterator[Table]:
    info = connection.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
    header = [str(row[1]) for row in info]
    if not header:
        return
    names = column_names(header, len(header))
    schema = [(n, pl.String) for n in names]
    cursor = connection.execute(
        f"SELECT {', '.join(_as_text(c) for c in header)} FROM {_quote(table)}"
    )
    offset = 0
    while True:
        rows = cursor.fetchmany(max(1, options.chunk_rows))
        if not rows and offset:
            return
        yield Table(
            frame=pl.DataFrame(rows, schema=schema, orient="row"),
            header=header,
            format=FORMAT,
            encoding="utf-8",
            first_line=offset + 1,
            row_offset=offset,
            part=table,
        )
        if not rows:
            return
        offset += len(rows)


def read(source: Source, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Table]:
    """Every ordinary table of the database, ``part`` = table name."""
    with source.open() as stream:
        data = stream.read()
    if not data:
        raise InputError(source.path, "empty file")
    if not data.startswith(MAGIC):
        raise InputError(source.path, "not a SQLite database (no header string)")
    connection = _connect(data, source.path)
    del data
    failed: list[str] = []
    try:
        tables = _tables(connection, source.path)
        for number, table in enumerate(tables, start=1):
            try:
                yield from _read_table(connection, table, options)
            except (sqlite3.Error, OverflowError, ValueError, MemoryError) as exc:
                failed.append(f"table {number} ({type(exc).__name__})")
    finally:
        connection.close()
    if failed:
        raise InputError(
            source.path, f"{len(failed)} of {len(tables)} tables unreadable: {', '.join(failed)}"
        )
