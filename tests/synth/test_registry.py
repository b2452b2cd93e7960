"""The controller's registry: a superset of the exported patients, some fields updated."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from stdnum.fr import nir as stdnum_nir
from synth_recount import read_export

from sentinelle.synth import SynthConfig, generate


Made = tuple[dict[str, Any], list[list[str]], list[dict[str, str]]]


def _make(tmp_path: Path, **kwargs: Any) -> Made:
    cfg = SynthConfig(nir_layout="single", **kwargs)
    truth = generate(cfg, tmp_path / "x.csv", registry_path=tmp_path / "reg.csv").to_dict()
    _, rows = read_export(tmp_path / "x.csv", truth)
    text = (tmp_path / "reg.csv").read_text("utf-8")
    registry = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    return truth, rows, registry


def _export_pairs(truth: dict[str, Any], rows: list[list[str]], lab: str | None = None
                  ) -> set[tuple[str, str]]:
    key = {c["key"]: c["index"] for c in truth["columns"]}
    out = set()
    for row in rows:
        if lab is not None and row[key["lab_code"]] != lab:
            continue
        nir = re.sub(r"[\s.\-]", "", row[key["nir"]])
        if nir and stdnum_nir.is_valid(nir) and row[key["ddn"]]:
            born = datetime.strptime(row[key["ddn"]], truth["date_format"]).date().isoformat()
            out.add((nir, born))
    return out


def test_registry_is_a_superset_of_the_export(tmp_path: Path) -> None:
    truth, rows, registry = _make(tmp_path, patients=2000, seed=3, registry_extra_rate=0.3)
    reg = truth["registry"]
    assert reg["rows"] == len(registry)
    assert reg["in_export"] == truth["persons"] == 2000
    assert reg["not_in_export"] == round(0.3 * 2000)
    pairs = {(r["nir"], r["date_naissance"]) for r in registry}
    assert _export_pairs(truth, rows) <= pairs
    ids = [r["registry_id"] for r in registry]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"RG\d{8}", i) for i in ids)
    assert set(reg["in_export_ids"]) <= set(ids)
    assert all(stdnum_nir.is_valid(r["nir"]) for r in registry)


def test_registry_extras_are_not_in_the_export(tmp_path: Path) -> None:
    truth, rows, registry = _make(tmp_path, patients=1500, seed=4)
    in_export = set(truth["registry"]["in_export_ids"])
    extra_nirs = {r["nir"] for r in registry if r["registry_id"] not in in_export}
    key = {c["key"]: c["index"] for c in truth["columns"]}
    cells = (re.sub(r"[\s.\-]", "", r[key["nir"]]) for r in rows)
    export_nirs = {n[:13] for n in cells if stdnum_nir.is_valid(n)}
    assert extra_nirs and not {n[:13] for n in extra_nirs} & export_nirs


def test_registry_for_one_lab(tmp_path: Path) -> None:
    cfg_labs = SynthConfig(patients=10, labs=4, seed=6)
    lab = next(iter(generate(cfg_labs, tmp_path / "probe.csv").by_lab))
    truth, rows, registry = _make(tmp_path, patients=2000, labs=4, seed=6, registry_lab=lab,
                                  duplicate_person_rate=0.1)
    assert truth["registry"]["lab"] == lab
    assert truth["registry"]["in_export"] == truth["by_lab"][lab]["persons"]
    pairs = {(r["nir"], r["date_naissance"]) for r in registry}
    assert _export_pairs(truth, rows, lab) <= pairs
    assert not _export_pairs(truth, rows) <= pairs  # other labs' patients are not there


@pytest.mark.parametrize("rate", [0.0, 0.5])
def test_registry_updates(tmp_path: Path, rate: float) -> None:
    truth, rows, registry = _make(tmp_path, patients=1000, seed=8, registry_update_rate=rate)
    updated = truth["registry"]["updated"]
    if rate == 0:
        assert updated == {"address": 0, "phone": 0, "name": 0}
    else:
        assert all(v > 50 for v in updated.values())
        married = [r for r in registry if r["nom"] != r["nom_naissance"]]
        assert len(married) >= updated["name"]
