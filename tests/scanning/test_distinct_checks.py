"""A column whose values repeat (identifiers, and names counted by presence) is checked on
its distinct values only: the findings (counts, invalid values, first row, distinct
values, locations) must be exactly those of checking every cell."""

from __future__ import annotations

import random

import polars as pl
import pytest

from sentinelle.detect.columns import classify_table
from sentinelle.detect.text import TextDetector
from sentinelle.readers.base import Table
from sentinelle.scanning import tables
from sentinelle.scanning.accumulate import FileAccumulator

ROWS = 5000


def _frame() -> tuple[pl.DataFrame, list[str]]:
    rng = random.Random(7)
    blood = ["A+", "O-", "B RH+", "AB NEG", "groupe Z", None, "", "O+ KEL-"]
    finess = ["750000523", "130786049", "750000524", "690781810"]  # one wrong key
    births = [f"{d:02d}/{m:02d}/19{y:02d}" for d in (1, 15, 28) for m in (2, 7) for y in (50, 81)]
    births.append("31/02/1990")  # no such day
    rows = {
        "GROUPE_SANGUIN": [rng.choice(blood) for _ in range(ROWS)],
        "FINESS": [rng.choice(finess) for _ in range(ROWS)],
        "DATE_NAISSANCE": [rng.choice(births) for _ in range(ROWS)],
        "MEDECIN_TRAITANT": [rng.choice(["Dr MARTIN", "Dr MARTIN ", "BERNARD Paul", "", None,
                                         "  ", "PETIT Anne"]) for _ in range(ROWS)],
    }
    # the first valid value comes late, so the first row is not simply row 0
    rows["FINESS"][:40] = ["750000524"] * 40
    return pl.DataFrame(rows), list(rows)


def _scan(frame: pl.DataFrame, header: list[str]) -> FileAccumulator:
    plans = classify_table(frame, header)
    assert [p.entity for p in plans] == ["BLOOD_GROUP", "FINESS", "DATE_OF_BIRTH",
                                         "PERSON_NAME"]
    acc = FileAccumulator(path="export.csv")
    table = Table(frame=frame, header=header, format="csv", first_line=2)
    tables.scan_table_chunk(table, plans, acc, TextDetector())
    return acc


def _findings(acc: FileAccumulator) -> dict:
    return {
        "counts": dict(acc.counts),
        "invalid": dict(acc.invalid),
        "locations": sorted((l.entity, l.line, l.column, l.count) for l in acc.locations),
        "distinct": {e: sorted(set(pl.concat(h).to_list())) for e, h in acc.hashes.items()},
        "columns": {i: (c.valid, c.non_empty, c.preview) for i, c in acc.columns.items()},
    }


def test_distinct_values_give_the_findings_of_every_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    frame, header = _frame()
    monkeypatch.setattr(tables, "_REPEATS", 10**9)  # never deduplicate
    every_cell = _findings(_scan(frame, header))
    monkeypatch.setattr(tables, "_REPEATS", 2)
    assert all(tables._repeats(s) for s in frame.iter_columns())
    distinct = _findings(_scan(frame, header))
    assert distinct == every_cell
    assert every_cell["invalid"]["FINESS"] > 0 and every_cell["invalid"]["DATE_OF_BIRTH"] > 0
    assert every_cell["counts"]["BLOOD_GROUP"] > 0 and every_cell["counts"]["PERSON_NAME"] > 0


def test_unique_columns_are_checked_cell_by_cell() -> None:
    nirs = pl.Series([f"{i:013d}" for i in range(ROWS)])
    assert not tables._repeats(nirs)
    assert not tables._repeats(nirs.head(100))  # too short to be worth it
