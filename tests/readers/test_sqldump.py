"""SQL dump reader: mysqldump / pg_dump / sqlite .dump tables, streaming, broken input."""

from __future__ import annotations

import io

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
from hypothesis import strategies as st

from sentinelle.errors import InputError, LimitExceeded
from sentinelle.readers import sniff_format, sqldump
from sentinelle.readers.base import ReadOptions, Source, Table


def mysql_literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


MYSQL = (
    "-- MySQL dump 10.13  Distrib 8.0.32, for Linux (x86_64)\n"
    "--\n-- Host: localhost    Database: labo\n"
    "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
    "DROP TABLE IF EXISTS `patients`;\n"
    "CREATE TABLE `patients` (\n"
    + "".join(f"  `{h}` varchar(50) DEFAULT NULL COMMENT 'x; (y)',\n" for h in HEADER)
    + "  PRIMARY KEY (`nir`),\n  KEY `idx` (`nom`,`prenom`)\n) ENGINE=InnoDB;\n"
    "LOCK TABLES `patients` WRITE;\n"
    "INSERT INTO `patients` VALUES "
    + ",".join("(" + ",".join(mysql_literal(v) for v in p) + ")" for p in PATIENTS)
    + ";\nUNLOCK TABLES;\n"
    "INSERT INTO `resultats` VALUES (1,'Hb',12.5,NULL),(2,'Gly',NOW(),_binary 'x'),"
    "(3,X'4142',0x43,'multi\\nligne');\n"
)
MYSQL_RESULTS = [
    ("1", "Hb", "12.5", None),
    ("2", "Gly", "NOW()", "x"),
    ("3", "AB", "C", "multi\nligne"),
]


def copy_cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


PG = (
    "--\n-- PostgreSQL database dump\n--\n"
    "SET standard_conforming_strings = on;\n"
    "CREATE FUNCTION public.f() RETURNS trigger LANGUAGE plpgsql AS $_$\n"
    "BEGIN INSERT INTO journal VALUES ('x;y'); END; $_$;\n"
    "CREATE TABLE public.patients (\n"
    + ",\n".join(f'    "{h}" character varying(50)' for h in HEADER)
    + ",\n    CONSTRAINT ck CHECK ((length(nir) = 15))\n);\n"
    f"COPY public.patients ({', '.join(HEADER)}) FROM stdin;\n"
    + "".join("\t".join(copy_cell(v) for v in p) + "\n" for p in PATIENTS)
    + "\\N\tVIDE\t\\N\t\\N\t\\N\ttab\\there\n\\.\n"
    "INSERT INTO public.medecins (rpps, nom) VALUES ('10003456789', 'C:\\dir\\');\n"
    "INSERT INTO public.medecins (nom, rpps) VALUES (E'L\\'ami\\n', '10001234567'::text);\n"
    "ALTER TABLE ONLY public.patients ADD CONSTRAINT pk PRIMARY KEY (nir);\n"
)

SQLITE_DUMP = (
    "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
    "CREATE TABLE t(nir TEXT, note TEXT);\n"
    f"INSERT INTO t VALUES('{SECRET}','it''s; fine');\n"
    "INSERT INTO t VALUES(NULL,'C:\\');\nCOMMIT;\n"
)


def test_mysqldump() -> None:
    tables = read_all(MYSQL.encode(), "dump.sql")
    parts = by_part(tables)
    assert parts == {"patients": [tuple(p) for p in PATIENTS], "resultats": MYSQL_RESULTS}
    headers = {t.part: t.header for t in tables}
    assert headers == {"patients": HEADER, "resultats": None}
    first = next(t for t in tables if t.part == "patients")
    assert (first.format, first.first_line) == (
        "sql",
        MYSQL.count("\n", 0, MYSQL.index("INSERT")) + 1,
    )


def test_pg_dump_copy_and_inserts() -> None:
    tables = read_all(PG.encode(), "pg.sql")
    parts = by_part(tables)
    assert parts["patients"] == [tuple(p) for p in PATIENTS] + [
        (None, "VIDE", None, None, None, "tab\there")
    ]
    assert parts["medecins"] == [("10003456789", "C:\\dir\\"), ("10001234567", "L'ami\n")]
    assert set(parts) == {"patients", "medecins"}  # nothing from the function body
    assert {t.part: t.header for t in tables} == {"patients": HEADER, "medecins": ["rpps", "nom"]}


def test_sqlite_dump() -> None:
    assert by_part(read_all(SQLITE_DUMP.encode(), "s.sql")) == {
        "t": [(SECRET, "it's; fine"), (None, "C:\\")]
    }


def test_chunks_and_lines() -> None:
    lines = "".join(f"INSERT INTO t (nir, n) VALUES ('{SECRET}', {i});\n" for i in range(5))
    tables = read_all(lines.encode(), "t.sql", ReadOptions(chunk_rows=2))
    assert [(t.part, t.first_line, t.row_offset, t.frame.height) for t in tables] == [
        ("t", 1, 0, 2),
        ("t", 3, 2, 2),
        ("t", 5, 4, 1),
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    dump=st.sampled_from([MYSQL, PG, SQLITE_DUMP]),
    chunk_bytes=st.integers(16, 300),
    chunk_rows=st.integers(1, 4),
)
def test_tiny_pieces_read_the_same(dump: str, chunk_bytes: int, chunk_rows: int) -> None:
    """Every construct cut at every place across reads gives the same tables."""
    whole = by_part(read_all(dump.encode(), "d.sql", ReadOptions(chunk_rows=chunk_rows)))
    options = ReadOptions(chunk_bytes=chunk_bytes, chunk_rows=chunk_rows)
    assert by_part(read_all(dump.encode(), "d.sql", options)) == whole


def test_streaming_reads_incrementally() -> None:
    row = "(" + ",".join(f"'{v}'" for v in PATIENTS[1]) + ")"
    data = ("INSERT INTO t VALUES " + ",".join([row] * 40_000) + ";\n").encode()
    read_so_far: list[int] = []

    class Counting(io.BytesIO):
        def read(self, n: int | None = -1) -> bytes:
            out = super().read(n)
            read_so_far.append(len(out))
            return out

    source = Source(path="big.sql", open=lambda: Counting(data), size=len(data))
    options = ReadOptions(chunk_rows=1000, chunk_bytes=64 * 1024)
    chunks = sqldump.read(source, options)
    first = next(chunks)
    assert first.frame.height == 1000
    assert sum(read_so_far) < len(data) // 4  # the first rows come before the end is read
    assert 1000 + sum(t.frame.height for t in chunks) == 40_000


def test_bad_tuple_and_truncation_keep_the_other_rows() -> None:
    data = (
        f"INSERT INTO t VALUES ('{SECRET}',1),(2,f(g(1))),(3,'z');\n"
        "INSERT INTO t VALUES ('269054958815780',4);\n"
    ).encode()
    got: list[tuple[str | None, ...]] = []
    with pytest.raises(
        InputError, match=r"1 INSERT statements could not be parsed .*line 1\)"
    ) as info:
        for table in sqldump.read(Source.from_bytes("b.sql", data), ReadOptions()):
            got.extend(table.frame.rows())
    assert got == [(SECRET, "1"), ("269054958815780", "4")]
    assert SECRET not in str(info.value)
    cut = MYSQL.index("'MARTIN'")
    with pytest.raises(InputError, match="could not be parsed"):
        read_all(MYSQL[:cut].encode(), "cut.sql")


def test_cp1252_dump() -> None:
    data = "INSERT INTO t VALUES ('Hélène','Zoé');\n".encode("cp1252")
    (table,) = read_all(data, "c.sql")
    assert table.frame.rows() == [("Hélène", "Zoé")]


def test_limit_on_an_unterminated_string() -> None:
    data = b"CREATE TABLE t (a TEXT);\nCOMMENT ON TABLE t IS '" + b"x" * 400_000
    options = ReadOptions(max_line_bytes=64 * 1024, chunk_bytes=64 * 1024)
    chunks: list[Table] = []
    with pytest.raises(LimitExceeded, match="longer than 65536 bytes"):
        chunks.extend(read_all(data + b"x" * 100_000 + b" more", "l.sql", options))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (MYSQL.encode(), 0.97),
        (PG.encode(), 0.97),
        (SQLITE_DUMP.encode(), 0.93),
        (b"INSERT INTO t VALUES (1,'a'),(2,'b');\n", 0.93),
        (b"SELECT * FROM patients;\n", 0.0),
        (b"nom;prenom\nINSERT INTO;x\n", 0.0),
    ],
)
def test_sniff(head: bytes, expected: float) -> None:
    assert sqldump.sniff(head, "x") == expected


def test_sniff_format_beats_delimited() -> None:
    rows = ",".join(f"({i},'a','b','c')" for i in range(50))
    assert sniff_format(f"INSERT INTO t VALUES {rows};\n".encode(), "x.csv") == "sql"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(mutated(MYSQL.encode()), mutated(PG.encode())))
def test_mutated_dump_only_raises_project_errors(data: bytes) -> None:
    consume_only_project_errors(
        data, "fuzz.sql", ReadOptions(chunk_rows=2, chunk_bytes=64, max_line_bytes=512)
    )
