"""A small watched tree: one synthetic export (critical) and a few files without patient data."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from sentinelle.scanning import engine
from sentinelle.watch import incremental


@pytest.fixture
def tree(tmp_path, export_factory) -> Path:
    export, _ = export_factory(patients=40, seed=7)
    root = tmp_path / "share"
    (root / "docs").mkdir(parents=True)
    shutil.copy(export, root / "export_labo.csv")
    for i in range(3):
        (root / "docs" / f"note{i}.txt").write_text(f"Compte rendu de réunion {i}\n" * 5,
                                                     encoding="utf-8")
    return root


@pytest.fixture
def second_export(export_factory) -> Path:
    return export_factory(patients=30, seed=8)[0]


@pytest.fixture
def raw_values(export_factory) -> list[str]:
    """Identifier cells of the exports (NIR, phone, e-mail, IBAN): must never be stored."""
    values: list[str] = []
    for seed, patients in ((7, 40), (8, 30)):
        path, truth = export_factory(patients=patients, seed=seed)
        keep = {c["index"] for c in truth["columns"]
                if c["entity"] in ("NIR", "PHONE", "EMAIL", "IBAN")}
        with open(path, encoding=truth["encoding"], newline="") as handle:
            rows = list(csv.reader(handle, delimiter=truth["delimiter"]))
        values += [row[i].strip() for row in rows[1:] for i in keep
                   if i < len(row) and len(row[i].strip()) >= 8]
    assert len(values) > 50
    return values


class Counter:
    def __init__(self) -> None:
        self.calls = 0


@pytest.fixture
def reads(monkeypatch) -> Counter:
    """Counts reader invocations and content hashes during a test."""
    counter = Counter()
    real_read, real_hash = engine.read_source, incremental.content_hash

    def read_source(*args, **kwargs):
        counter.calls += 1
        return real_read(*args, **kwargs)

    def content_hash(*args, **kwargs):
        counter.calls += 1
        return real_hash(*args, **kwargs)

    monkeypatch.setattr(engine, "read_source", read_source)
    monkeypatch.setattr(incremental, "content_hash", content_hash)
    return counter
