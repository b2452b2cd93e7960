"""Parquet / Arrow / Feather reader: all-String chunks by batch, nested types, truncation."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pyarrow as pa
import pytest
from _structured_samples import (
    HEADER,
    PATIENTS,
    SECRET,
    consume_only_project_errors,
    mutated,
    read_all,
)
from hypothesis import HealthCheck, given, settings
from pyarrow import feather

from sentinelle.errors import InputError, LimitExceeded
from sentinelle.readers import columnar, sniff_format
from sentinelle.readers.base import ReadOptions, Source


def frame() -> pl.DataFrame:
    """The patients, with a NIR stored as a double, typed dates, a list and a struct."""
    return pl.DataFrame(
        {
            "nir": [p[0] for p in PATIENTS],
            "nir_double": [float(p[0]) for p in PATIENTS],
            "ddn": [dt.date.fromisoformat(p[4]) for p in PATIENTS],
            "tels": [[p[3], "0100000000"] for p in PATIENTS[:2]] + [None],
            "adresse": [{"ville": "Paris", "cp": "75002"}, None, {"ville": "Lyon", "cp": "69001"}],
            "blob": [b"note", b"\xff\x00", None],
            "n": [1.5, None, 3.0],
        }
    )


LABELS = ["nir", "nir_double", "ddn", "tels", "adresse.ville", "adresse.cp", "blob", "n"]
ROWS = [
    (
        PATIENTS[0][0],
        PATIENTS[0][0],
        PATIENTS[0][4],
        f"{PATIENTS[0][3]} 0100000000",
        "Paris",
        "75002",
        "note",
        "1.5",
    ),
    (
        PATIENTS[1][0],
        PATIENTS[1][0],
        PATIENTS[1][4],
        f"{PATIENTS[1][3]} 0100000000",
        None,
        None,
        "ff00",
        None,
    ),
    (PATIENTS[2][0], PATIENTS[2][0], PATIENTS[2][4], None, "Lyon", "69001", None, "3"),
]


def parquet_bytes(row_group_size: int = 2) -> bytes:
    buf = io.BytesIO()
    frame().write_parquet(buf, row_group_size=row_group_size)
    return buf.getvalue()


def ipc_bytes() -> bytes:
    buf = io.BytesIO()
    frame().write_ipc(buf)
    return buf.getvalue()


def ipc_stream_bytes() -> bytes:
    buf = io.BytesIO()
    frame().write_ipc_stream(buf)
    return buf.getvalue()


PARQUET = parquet_bytes()


@pytest.mark.parametrize(
    ("data", "fmt"),
    [(PARQUET, "parquet"), (ipc_bytes(), "arrow"), (ipc_stream_bytes(), "arrow")],
    ids=["parquet", "arrow-file", "arrow-stream"],
)
def test_columns_and_rows_exactly(data: bytes, fmt: str) -> None:
    tables = read_all(data, "export.bin")
    assert {t.format for t in tables} == {fmt}
    assert all(t.header == LABELS and t.frame.columns == LABELS for t in tables)
    assert [r for t in tables for r in t.frame.rows()] == ROWS
    assert all(t.part is None for t in tables)


def test_parquet_streams_in_chunks() -> None:
    tables = read_all(parquet_bytes(row_group_size=1), "a.parquet", ReadOptions(chunk_rows=1))
    assert [(t.first_line, t.row_offset, t.frame.height) for t in tables] == [
        (1, 0, 1),
        (2, 1, 1),
        (3, 2, 1),
    ]


def test_feather_v1() -> None:
    buf = io.BytesIO()
    table = pa.table({h: [p[i] for p in PATIENTS] for i, h in enumerate(HEADER)})
    with pytest.warns(DeprecationWarning):
        feather.write_feather(table, buf, version=1)
    tables = read_all(buf.getvalue(), "a.feather")
    assert tables[0].format == "feather"
    assert [r for t in tables for r in t.frame.rows()] == [tuple(p) for p in PATIENTS]


@pytest.mark.parametrize("cut", [0.5, 0.9, -8])
def test_truncated_parquet(cut: float) -> None:
    end = int(len(PARQUET) * cut) if cut > 0 else int(cut)
    with pytest.raises(InputError, match=r"^a\.parquet: corrupt or truncated Parquet file") as info:
        read_all(PARQUET[:end], "a.parquet")
    assert SECRET not in str(info.value)


def test_truncated_arrow() -> None:
    data = ipc_bytes()
    with pytest.raises(InputError, match="corrupt or truncated Arrow IPC file"):
        read_all(data[: len(data) // 2], "a.arrow")


def test_not_a_columnar_file() -> None:
    with pytest.raises(InputError, match="no signature"):
        list(columnar.read(Source.from_bytes("a.parquet", b"nir;nom\n"), ReadOptions()))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PARQUET[:64], 0.98),
        (ipc_bytes()[:64], 0.98),
        (ipc_stream_bytes(), 0.95),
        (b"\xff\xff\xff\xff" + b"\x00" * 60, 0.0),
        (b"PAR2", 0.0),
    ],
)
def test_sniff(head: bytes, expected: float) -> None:
    assert columnar.sniff(head, "x") == expected


def test_sniff_format_on_renamed_file() -> None:
    assert sniff_format(PARQUET[:65536], "patients.csv") == "parquet"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(PARQUET))
def test_mutated_parquet_only_raises_project_errors(data: bytes) -> None:
    consume_only_project_errors(data, "fuzz.parquet", ReadOptions(chunk_rows=2))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(ipc_bytes()))
def test_mutated_arrow_only_raises_project_errors(data: bytes) -> None:
    consume_only_project_errors(data, "fuzz.arrow", ReadOptions(chunk_rows=2))


def test_row_count_bomb_is_limited() -> None:
    """An all-null column of 50 million rows fits in a few hundred bytes."""
    buf = io.BytesIO()
    with pa.ipc.new_file(buf, pa.schema([("vide", pa.null())])) as writer:
        writer.write_batch(pa.record_batch([pa.nulls(50_000_000)], names=["vide"]))
    data = buf.getvalue()
    assert len(data) < 2000
    got = 0
    with pytest.raises(LimitExceeded, match="compression bomb"):
        for table in columnar.read(
            Source.from_bytes("b.arrow", data), ReadOptions(chunk_rows=2_000_000)
        ):
            got += table.frame.height
    assert got == columnar.MIN_CELL_BUDGET
