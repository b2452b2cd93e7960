"""SQLite reader: every table from bytes, typed cells as text, WAL, corrupt pages."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from _structured_samples import (
    HEADER,
    PATIENTS,
    SECRET,
    by_part,
    consume_only_project_errors,
    mutated,
    read_all,
)
from hypothesis import HealthCheck, given, settings

from sentinelle.errors import InputError
from sentinelle.readers import sniff_format, sqlite
from sentinelle.readers.base import ReadOptions, Source


def database() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE patients ({', '.join(h + ' TEXT' for h in HEADER)})")
    db.executemany(f"INSERT INTO patients VALUES ({', '.join('?' * len(HEADER))})", PATIENTS)
    db.execute(
        'CREATE TABLE "mesures labo" (id INTEGER PRIMARY KEY, nir REAL, valeur REAL,'
        " photo BLOB, vide TEXT)"
    )
    db.execute(
        'INSERT INTO "mesures labo" VALUES (1, ?, 12.5, ?, ?)', (float(SECRET), b"\xff\x00", "")
    )
    db.execute('INSERT INTO "mesures labo" VALUES (2, NULL, 7, ?, NULL)', (b"texte",))
    db.execute("CREATE TABLE vide (a TEXT, b TEXT)")
    db.execute("CREATE VIEW v AS SELECT nom FROM patients")
    db.execute("CREATE INDEX i ON patients (nir)")
    db.commit()
    return db


DB = database().serialize()


def test_every_table_is_a_part() -> None:
    tables = read_all(DB, "app.db")
    assert [t.part for t in tables] == ["patients", "mesures labo", "vide"]
    patients, mesures, vide = tables
    assert (patients.header, patients.format) == (HEADER, "sqlite")
    assert patients.frame.rows() == [tuple(p) for p in PATIENTS]
    assert mesures.header == ["id", "nir", "valeur", "photo", "vide"]
    assert mesures.frame.rows() == [
        ("1", SECRET, "12.5", "ff00", None),
        ("2", None, "7", "texte", None),
    ]
    assert (vide.header, vide.frame.height, vide.frame.columns) == (["a", "b"], 0, ["a", "b"])


def test_chunks() -> None:
    tables = [t for t in read_all(DB, "a.db", ReadOptions(chunk_rows=2)) if t.part == "patients"]
    assert [(t.first_line, t.row_offset, t.frame.height) for t in tables] == [(1, 0, 2), (3, 2, 1)]


def test_wal_database_is_read_from_bytes(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (nir TEXT)")
    db.execute("INSERT INTO t VALUES (?)", (SECRET,))
    db.commit()
    db.execute("PRAGMA wal_checkpoint(FULL)")
    data = path.read_bytes()
    db.close()
    assert data[18:20] == b"\x02\x02"
    before = sorted(p.name for p in tmp_path.iterdir())
    assert by_part(read_all(data, "wal.db")) == {"t": [(SECRET,)]}
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def test_truncated_database() -> None:
    with pytest.raises(InputError, match=r"^a\.db: (corrupt|truncated) SQLite database"):
        read_all(DB[:50], "a.db")
    with pytest.raises(InputError, match=r"^a\.db: corrupt SQLite database"):
        read_all(DB[: len(DB) // 2], "a.db")


def test_a_corrupt_table_does_not_hide_the_others() -> None:
    # page 2 holds the first table's rows: damage it
    page = int.from_bytes(DB[16:18], "big")
    damaged = bytearray(DB)
    damaged[page + 8 : page + 200] = b"\xff" * 192
    got: dict[str | None, int] = {}
    with pytest.raises(InputError, match=r"1 of 3 tables unreadable: table 1") as info:
        for table in sqlite.read(Source.from_bytes("d.db", bytes(damaged)), ReadOptions()):
            got[table.part] = table.frame.height
    assert got == {"mesures labo": 2, "vide": 0}
    assert SECRET not in str(info.value)


def test_sniff() -> None:
    assert sqlite.sniff(DB[:100], "x") == 0.99
    assert sqlite.sniff(b"SQLite format 2\x00", "x.db") == 0.0
    assert sniff_format(DB[:65536], "export.csv") == "sqlite"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(DB))
def test_mutated_database_only_raises_project_errors(data: bytes) -> None:
    consume_only_project_errors(data, "fuzz.db", ReadOptions(chunk_rows=2))
