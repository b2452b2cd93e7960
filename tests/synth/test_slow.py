"""One larger export (50,000 patients, several chunks), recounted independently."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from stdnum.fr import nir as stdnum_nir
from synth_recount import read_export, recount

from sentinelle.synth import SynthConfig, generate


@pytest.mark.slow
def test_50k_patients_recount_matches_truth(tmp_path: Path) -> None:
    cfg = SynthConfig(patients=50_000, labs=28, seed=2021, chunk_size=20_000)
    path = tmp_path / "export.csv"
    truth = generate(cfg, path, registry_path=tmp_path / "registry.csv").to_dict()
    assert truth["persons"] == 50_000
    assert truth["registry"]["in_export"] == 50_000
    got = recount(path, truth)
    assert got["records"] == truth["records"]
    zero = {"count": 0, "distinct": 0, "invalid": 0}
    for entity, want in truth["entities"].items():
        assert got["entities"].get(entity, zero) == want, entity
    assert got["health"] == {k: v for k, v in truth["health"].items() if v}
    assert got["by_lab_records"] == {k: v["records"] for k, v in truth["by_lab"].items()}
    assert got["date_range"] == truth["date_range"]
    # NIRs are unique per person across chunks: one insured date of birth per NIR
    key = {c["key"]: c["index"] for c in truth["columns"]}
    _, rows = read_export(path, truth)
    born: dict[str, set[str]] = {}
    for row in rows:
        if "nir" in key:
            nir = re.sub(r"[\s.\-]", "", row[key["nir"]])
        else:
            nir = re.sub(r"[\s.\-]", "", row[key["nss"]]) + row[key["cle"]]
        if row[key["rang"]] == "1" and row[key["ddn"]] and stdnum_nir.is_valid(nir):
            born.setdefault(nir, set()).add(row[key["ddn"]])
    assert len(born) > 0.8 * truth["persons"]
    assert all(len(dates) == 1 for dates in born.values())
