"""``sentinelle.assess`` against the ground truth of generated exports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sentinelle.assess import SCHEMA, assess
from sentinelle.readers import read_source
from sentinelle.readers.base import Source, Table

KEYS = ("schema", "persons", "records", "files", "by_source", "by_departement", "categories",
        "date_range", "authenticity", "severity", "linkage")
RAW_ENTITIES = ("NIR", "NIR_NO_KEY", "PHONE", "PERSON_NAME", "EMAIL", "DATE_OF_BIRTH")

CASES = [
    pytest.param({"patients": 4000, "labs": 3, "seed": 3}, id="header"),
    pytest.param({"patients": 3000, "labs": 4, "seed": 5, "nir_layout": "split"}, id="split-nir"),
    pytest.param({"patients": 3000, "labs": 2, "seed": 7, "header": False, "delimiter": ",",
                  "encoding": "utf-8"}, id="headerless"),
]


@pytest.fixture(scope="module", params=CASES)
def assessed(request, export_factory) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    path, truth = export_factory(**request.param)
    return path, truth, assess([path]).to_dict()


def test_contract_keys(assessed) -> None:
    _, _, out = assessed
    assert out["schema"] == SCHEMA
    for key in KEYS:
        assert key in out
    json.dumps(out)  # serialisable


def test_persons_within_half_percent_records_exact(assessed) -> None:
    _, truth, out = assessed
    assert out["records"] == truth["records"]
    assert out["files"] == 1
    assert abs(out["persons"] - truth["persons"]) <= 0.005 * truth["persons"]
    rules = out["linkage"]["by_rule"]
    assert sum(rules.values()) == out["persons"]
    assert rules["nir_dob_sex"] > 0 and rules["name_dob"] > 0
    assert out["linkage"]["uncertain"] == rules["fuzzy"]


def test_per_lab_and_departement_exact(assessed) -> None:
    _, truth, out = assessed
    by_finess = {lab["finess"]: lab for lab in truth["by_lab"].values() if lab["records"]}
    assert set(out["by_source"]) == set(by_finess)
    for finess, lab in by_finess.items():
        mine = out["by_source"][finess]
        assert mine["records"] == lab["records"]
        assert abs(mine["persons"] - lab["persons"]) <= max(3, 0.005 * lab["persons"])
    dept = out["by_departement"]
    assert dept["basis"] == "lab FINESS prefix"
    assert dept["records"] == {k: v for k, v in truth["by_departement"].items() if v}


def test_health_categories_and_dates(assessed) -> None:
    _, truth, out = assessed
    for cat, cells in truth["health"].items():
        assert out["category_records"][cat] == cells
        persons = out["categories"][cat]
        assert (persons > 0) == (cells > 0)
        assert persons <= cells
    assert [out["date_range"]["min"], out["date_range"]["max"]] == truth["date_range"]
    assert sum(out["date_range"]["by_month"].values()) == truth["records"]
    assert out["categories"]["NIR"] <= out["persons"]
    assert out["severity"]["level"] == "critical"
    assert out["severity"]["reasons"]


def test_authenticity_of_a_genuine_export(assessed) -> None:
    out = assessed[2]
    auth = out["authenticity"]
    assert 0.95 < auth["nir_key_valid_share"] < 1.0  # ~1 % typos
    # children on a parent's NIR disagree; everybody else agrees
    assert 0.8 < auth["nir_dob_sex_agreement"] < 1.0
    assert auth["duplicate_record_share"] == 0.0
    assert auth["implausible_date_share"] == 0.0


def _leaves(value: Any, skip_lab_names: bool = True) -> list[str]:
    if isinstance(value, dict):
        out: list[str] = []
        for k, v in value.items():
            if not (skip_lab_names and k == "name"):
                out.append(str(k))
                out += _leaves(v)
        return out
    if isinstance(value, list):
        return [s for v in value for s in _leaves(v)]
    return [str(value)]


def test_no_raw_identifier_in_output(assessed) -> None:
    path, truth, out = assessed
    text = json.dumps(out, ensure_ascii=False)
    wanted = [c["index"] for c in truth["columns"] if c["entity"] in RAW_ENTITIES]
    tables = [t for t in read_source(Source.from_path(path)) if isinstance(t, Table)]
    raw: set[str] = set()
    for table in tables:
        for i in wanted:
            raw.update(v for v in table.frame.to_series(i).drop_nulls().to_list() if len(v) >= 4)
    assert raw
    words = set(" ".join(_leaves(out)).replace('"', " ").split())
    for value in raw:
        assert value not in words
        if sum(ch.isdigit() for ch in value) >= 8:
            assert value not in text


def test_directory_input_and_unreadable_file(export_factory, tmp_path: Path) -> None:
    path, truth = export_factory(patients=500, labs=2, seed=11)
    folder = tmp_path / "dump"
    folder.mkdir()
    (folder / "a.csv").write_bytes(path.read_bytes())
    (folder / "empty.csv").write_bytes(b"")
    out = assess([folder]).to_dict()
    assert out["files"] == 2
    assert out["records"] == truth["records"]
    assert [e["path"] for e in out["errors"]] == [str(folder / "empty.csv")]


def test_no_table_gives_zero_persons(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("rien a signaler\n", encoding="utf-8")
    out = assess([note]).to_dict()
    assert out["persons"] == 0 and out["records"] == 0
    assert out["severity"]["level"] == "none"


@pytest.mark.slow
def test_fifty_thousand_patients(export_factory) -> None:
    path, truth = export_factory(patients=50_000, labs=6, seed=21)
    out = assess([path]).to_dict()
    assert out["records"] == truth["records"]
    assert abs(out["persons"] - truth["persons"]) <= 0.005 * truth["persons"]
    for lab in truth["by_lab"].values():
        assert out["by_source"][lab["finess"]]["records"] == lab["records"]
    for cat, cells in truth["health"].items():
        assert out["category_records"][cat] == cells
