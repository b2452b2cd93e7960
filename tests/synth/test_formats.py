"""Every output format of the generator: reproducible bytes, atomic writes, and the tabular
formats read back with their reference library (openpyxl, json, pyarrow, sqlite3, plain
parsing of the SQL text) hold exactly the CSV's rows, so the CSV's truth applies."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow.parquet as pq
import pytest
from stdnum.fr import nir as stdnum_nir
from synth_recount import read_export

import sentinelle.synth.generator as generate_module
from sentinelle.errors import ConfigError
from sentinelle.synth import SynthConfig, generate
from sentinelle.synth.config import FORMATS

ALL = [("xlsx", {}), ("json", {}), ("ndjson", {}), ("parquet", {}), ("sqlite", {}),
       ("sql", {"sql_dialect": "mysql"}), ("sql", {"sql_dialect": "postgres"}), ("fhir", {}),
       ("hl7", {}), ("hl7", {"hl7_mllp": True}), ("hprim", {}), ("hprim-net", {}),
       ("pdf", {}), ("txt", {})]
SMALL = {"patients": 240, "labs": 3, "chunk_size": 90}


def _id(case: tuple[str, dict[str, Any]]) -> str:
    return "-".join([case[0], *map(str, case[1].values())])


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_format_has_a_writer() -> None:
    assert {fmt for fmt, _ in ALL} | {"csv", "tsv"} == set(FORMATS)


@pytest.mark.parametrize("case", ALL, ids=_id)
def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path,
                                                     case: tuple[str, dict[str, Any]]) -> None:
    fmt, extra = case
    made = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        out = tmp_path / name / f"export.{fmt}"
        truth = generate(SynthConfig(format=fmt, seed=seed, **SMALL, **extra), out).to_dict()
        made.append((out, truth))
    (a, ta), (b, tb), (c, _) = made
    assert _sha(a) == _sha(b)
    assert ta == tb
    assert _sha(a) != _sha(c)
    assert ta["file"]["bytes"] == a.stat().st_size > 0
    assert ta["format"] == fmt
    assert sorted(p.name for p in a.parent.iterdir()) == [a.name]  # no temporary left over
    for entity in ta["entities"]:
        assert entity in ta["notes"]
    assert ("fields" in ta) != ("columns" in ta)


@pytest.mark.parametrize("fmt", ["xlsx", "sqlite", "parquet", "hl7", "pdf", "fhir"])
def test_failed_generation_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          fmt: str) -> None:
    calls = {"n": 0}
    real = generate_module.build_chunk

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("boom")
        return real(*args, **kwargs)

    monkeypatch.setattr(generate_module, "build_chunk", flaky)
    (tmp_path / f"x.{fmt}").write_bytes(b"old")
    with pytest.raises(RuntimeError):
        generate(SynthConfig(format=fmt, patients=100, chunk_size=50), tmp_path / f"x.{fmt}",
                 truth_path=tmp_path / "t.json")
    assert [p.name for p in tmp_path.iterdir()] == [f"x.{fmt}"]
    assert (tmp_path / f"x.{fmt}").read_bytes() == b"old"


def test_bad_sql_dialect() -> None:
    with pytest.raises(ConfigError):
        SynthConfig(format="sql", sql_dialect="oracle")


# -- tabular formats: the same rows as the CSV ---------------------------------------------

def read_xlsx(path: Path, header: bool) -> tuple[list[str] | None, list[list[str | None]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["Export"]
    rows = [list(r) for r in book["Export"].iter_rows(values_only=True)]
    book.close()
    for row in rows:
        assert all(v is None or isinstance(v, str) for v in row)  # strings, never numbers
    return (rows[0], rows[1:]) if header else (None, rows)


def read_json(path: Path) -> tuple[list[str], list[list[str | None]]]:
    text = path.read_text("utf-8")
    objects = json.loads(text) if path.suffix == ".json" else [
        json.loads(line) for line in text.splitlines()]
    names = list(objects[0])
    assert all(list(o) == names for o in objects)
    return names, [list(o.values()) for o in objects]


def read_parquet(path: Path) -> tuple[list[str], list[list[str | None]]]:
    table = pq.read_table(path)
    assert all(str(t) == "string" for t in table.schema.types)
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return table.column_names, [list(r) for r in zip(*columns, strict=True)]


def read_sqlite(path: Path) -> tuple[list[str], list[list[str | None]]]:
    db = sqlite3.connect(path)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert tables == ["patients"]
        cur = db.execute("SELECT * FROM patients ORDER BY rowid")
        names = [d[0] for d in cur.description]
        return names, [list(r) for r in cur.fetchall()]
    finally:
        db.close()


_MYSQL_ESCAPES = {"0": "\0", "n": "\n", "r": "\r", "Z": "\x1a"}
_MYSQL_TOKEN = re.compile(r"\(|\)|NULL|'((?:[^'\\]|\\.)*)'")


def read_mysql(text: str) -> tuple[list[str], list[list[str | None]]]:
    create = re.search(r"CREATE TABLE `patients` \((.*?)\n\) ENGINE", text, re.DOTALL)
    assert create
    names = [m.replace("``", "`") for m in re.findall(r"^  `((?:[^`]|``)*)` ", create.group(1),
                                                         re.MULTILINE)]
    rows: list[list[str | None]] = []
    for line in text.splitlines():
        if not line.startswith("INSERT INTO `patients` VALUES "):
            continue
        assert line.endswith(");")
        row: list[str | None] = []
        for m in _MYSQL_TOKEN.finditer(line, len("INSERT INTO `patients` VALUES ")):
            token = m.group(0)
            if token == "(":
                row = []
            elif token == ")":
                rows.append(row)
            elif token == "NULL":
                row.append(None)
            else:
                row.append(re.sub(r"\\(.)", lambda e: _MYSQL_ESCAPES.get(e.group(1), e.group(1)),
                                  m.group(1)))
    return names, rows


_COPY_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}


def read_postgres(text: str) -> tuple[list[str], list[list[str | None]]]:
    head = re.search(r"^COPY public\.patients \((.*)\) FROM stdin;\n", text, re.MULTILINE)
    assert head
    names = [q.replace('""', '"') if q else plain
             for q, plain in re.findall(r'"((?:[^"]|"")*)"|([a-z_][a-z0-9_]*)', head.group(1))]
    body = text[head.end():text.index("\n\\.\n", head.end()) + 1]
    rows = []
    for line in body.split("\n")[:-1]:
        rows.append([None if cell == "\\N" else
                     re.sub(r"\\(.)", lambda e: _COPY_ESCAPES[e.group(1)], cell)
                     for cell in line.split("\t")])
    return names, rows


def read_tabular(path: Path, truth: dict[str, Any]) -> tuple[list[str] | None, list[list[Any]]]:
    fmt = truth["format"]
    if fmt == "xlsx":
        return read_xlsx(path, truth["header"])
    if fmt in ("json", "ndjson"):
        return read_json(path)
    if fmt == "parquet":
        return read_parquet(path)
    if fmt == "sqlite":
        return read_sqlite(path)
    text = path.read_bytes().decode(truth["encoding"])
    if truth["config"]["sql_dialect"] == "mysql":
        return read_mysql(text)
    return read_postgres(text)


TABULAR = [
    ("xlsx", {}), ("xlsx", {"header": False, "nir_layout": "split"}), ("json", {}),
    ("ndjson", {"nir_layout": "split"}), ("parquet", {}), ("sqlite", {"nir_layout": "split"}),
    ("sql", {"sql_dialect": "mysql"}),
    ("sql", {"sql_dialect": "postgres", "encoding": "utf-8", "nir_layout": "split"}),
    ("sql", {"sql_dialect": "mysql", "encoding": "latin-1", "nir_typo_rate": 0.2}),
]


@pytest.mark.parametrize("case", TABULAR, ids=_id)
def test_tabular_formats_hold_the_csv_rows(synth_export: Any,
                                           case: tuple[str, dict[str, Any]]) -> None:
    fmt, extra = case
    base = {"patients": 1500, "seed": 31, "chunk_size": 600, "nnp_rate": 0.02,
            "nir_mixed_rate": 0.3, **extra}
    path, truth = synth_export(format=fmt, **base)
    csv_path, csv_truth = synth_export(format="csv", **{**base, "header": True})
    csv_header, csv_rows = read_export(csv_path, csv_truth)
    names, rows = read_tabular(path, truth)
    if fmt == "xlsx" and not extra.get("header", True):
        assert names is None and all(c["name"] is None for c in truth["columns"])
    else:
        assert names == csv_header == [c["name"] for c in truth["columns"]]
    assert rows == [[v or None for v in r] for r in csv_rows]
    assert len(rows) == truth["records"] == csv_truth["records"]
    for key in ("entities", "health", "persons", "by_lab", "date_range", "nir_layout"):
        assert truth[key] == csv_truth[key], key
    assert [(c["key"], c["entity"]) for c in truth["columns"]] == [
        (c["key"], c["entity"]) for c in csv_truth["columns"]]
    # NIR recount with python-stdnum on the values read back
    index = {c["key"]: c["index"] for c in truth["columns"]}
    valid = invalid = 0
    for row in rows:
        if "nir" in index:
            cell = row[index["nir"]]
            value = re.sub(r"[\s.\-]", "", cell) if cell else None
        else:
            body, key = row[index["nss"]], row[index["cle"]]
            value = re.sub(r"[\s.\-]", "", body) + key if body and key else None
        if value is None or len(value) != 15:
            continue
        if stdnum_nir.is_valid(value):
            valid += 1
        else:
            invalid += 1
    entity = "NIR" if "nir" in index else "NIR_NO_KEY"
    assert (valid, invalid) == (truth["entities"][entity]["count"],
                                truth["entities"][entity]["invalid"])
    assert valid > 0
