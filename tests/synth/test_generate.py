"""The export file: reproducible, atomic, every dialect round-trips, consistent layout."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from synth_recount import read_export

import sentinelle.synth.generator as generate_module
from sentinelle.errors import ConfigError
from sentinelle.synth import SynthConfig, Truth, generate

SMALL = {"patients": 800, "labs": 3}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    cfg = SynthConfig(seed=11, chunk_size=300, **SMALL)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    ta = generate(cfg, a, truth_path=tmp_path / "ta.json", registry_path=tmp_path / "ra.csv")
    tb = generate(cfg, b, truth_path=tmp_path / "tb.json", registry_path=tmp_path / "rb.csv")
    assert _sha(a) == _sha(b)
    assert _sha(tmp_path / "ra.csv") == _sha(tmp_path / "rb.csv")
    da, db = ta.to_dict(), tb.to_dict()
    da["file"].pop("name"), db["file"].pop("name")
    da["registry"].pop("path"), db["registry"].pop("path")
    assert da == db


def test_different_seeds_differ(tmp_path: Path) -> None:
    generate(SynthConfig(seed=1, **SMALL), tmp_path / "a.csv")
    generate(SynthConfig(seed=2, **SMALL), tmp_path / "b.csv")
    rows_a = set((tmp_path / "a.csv").read_bytes().splitlines()[1:])
    rows_b = set((tmp_path / "b.csv").read_bytes().splitlines()[1:])
    assert not rows_a & rows_b


def test_truth_and_registry_do_not_change_the_export(tmp_path: Path) -> None:
    cfg = SynthConfig(seed=5, chunk_size=250, **SMALL)
    generate(cfg, tmp_path / "plain.csv")
    generate(cfg, tmp_path / "full.csv", truth_path=tmp_path / "t.json",
             registry_path=tmp_path / "r.csv")
    assert _sha(tmp_path / "plain.csv") == _sha(tmp_path / "full.csv")


def test_truth_file_is_the_returned_truth(tmp_path: Path) -> None:
    truth = generate(SynthConfig(seed=3, **SMALL), tmp_path / "x.csv",
                     truth_path=tmp_path / "t.json")
    assert isinstance(truth, Truth)
    data = json.loads((tmp_path / "t.json").read_text("utf-8"))
    assert data == json.loads(json.dumps(truth.to_dict()))
    assert data["schema"] == "sentinelle.truth/1"
    for key in ("config", "records", "persons", "entities", "columns", "health", "by_lab",
                "by_departement", "date_range", "format", "encoding", "delimiter", "header",
                "notes"):
        assert key in data
    assert data["persons"] == SMALL["patients"]
    assert data["file"]["bytes"] == (tmp_path / "x.csv").stat().st_size
    for entity in data["entities"]:
        assert entity in data["notes"]


def test_failed_generation_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    real = generate_module.build_chunk

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("boom")
        return real(*args, **kwargs)

    monkeypatch.setattr(generate_module, "build_chunk", flaky)
    with pytest.raises(RuntimeError):
        generate(SynthConfig(patients=400, chunk_size=200), tmp_path / "x.csv",
                 truth_path=tmp_path / "t.json", registry_path=tmp_path / "r.csv")
    assert list(tmp_path.iterdir()) == []


def test_existing_file_is_replaced_only_on_success(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "x.csv"
    out.write_text("old")
    monkeypatch.setattr(generate_module, "build_chunk", _raise)
    with pytest.raises(RuntimeError):
        generate(SynthConfig(patients=10), out)
    assert out.read_text() == "old"


def _raise(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("boom")


def test_unknown_registry_lab(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        generate(SynthConfig(patients=10, registry_lab="NOPE"), tmp_path / "x.csv",
                 registry_path=tmp_path / "r.csv")
    assert not (tmp_path / "x.csv").exists()


DIALECTS = [
    {"encoding": "cp1252", "delimiter": ";", "crlf": True, "header": True},
    {"encoding": "utf-8", "delimiter": "|", "crlf": False, "header": True},
    {"encoding": "utf-8-sig", "delimiter": ",", "crlf": True, "header": False},
    {"encoding": "latin-1", "delimiter": "\t", "crlf": False, "header": False},
    {"encoding": "cp1252", "format": "tsv", "crlf": True, "header": True},
]


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: "-".join(map(str, d.values())))
def test_dialects_round_trip(synth_export: Any, dialect: dict[str, Any]) -> None:
    path, truth = synth_export(patients=600, seed=21, **dialect)
    raw = path.read_bytes()
    sep = "\t" if dialect.get("format") == "tsv" else dialect["delimiter"]
    assert truth["delimiter"] == sep
    assert raw.startswith(b"\xef\xbb\xbf") == (dialect["encoding"] == "utf-8-sig")
    assert raw.count(b"\xef\xbb\xbf") == (1 if dialect["encoding"] == "utf-8-sig" else 0)
    if dialect["crlf"]:
        assert raw.count(b"\n") == raw.count(b"\r\n") > 0
    else:
        assert b"\r" not in raw
    if dialect["encoding"] in ("cp1252", "latin-1"):
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # accents are single bytes, not UTF-8
    header, rows = read_export(path, truth)
    assert len(rows) == truth["records"]
    assert (header is not None) == dialect["header"]
    assert all(len(r) == len(truth["columns"]) for r in rows)
    # polars reads the same table
    text = raw.decode(truth["encoding"])
    frame = pl.read_csv(io.StringIO(text), separator=sep, has_header=dialect["header"],
                        infer_schema=False, quote_char='"')
    assert frame.height == len(rows)
    assert [[v or "" for v in r] for r in frame.rows()[:50]] == rows[:50]


def test_no_header_starts_with_data(synth_export: Any) -> None:
    path, truth = synth_export(patients=300, seed=4, header=False)
    first = next(csv.reader(io.StringIO(path.read_bytes().decode("cp1252")), delimiter=";"))
    assert first[0] in truth["by_lab"]
    assert all(c["name"] is None for c in truth["columns"])


def test_headers_vary_with_the_seed(synth_export: Any) -> None:
    names = set()
    for seed in range(6):
        _, truth = synth_export(patients=50, seed=seed)
        names.add(tuple(c["name"] for c in truth["columns"]))
        assert len({c["name"] for c in truth["columns"]}) == len(truth["columns"])
    assert len(names) == 6


EXPECTED_ENTITIES = {
    "lab_finess": "FINESS", "nom": "PERSON_NAME", "nom_naissance": "PERSON_NAME",
    "prenom": "PERSON_NAME", "medecin": "PERSON_NAME", "prescripteur": "PERSON_NAME",
    "preleveur": "PERSON_NAME", "ddn": "DATE_OF_BIRTH", "nir": "NIR", "nss": "NIR_NO_KEY",
    "adresse1": "ADDRESS", "adresse2": "ADDRESS", "ville": "ADDRESS", "cp": "POSTAL_CODE",
    "tel": "PHONE", "mobile": "PHONE", "email": "EMAIL", "gs": "BLOOD_GROUP",
    "phenotype": "BLOOD_GROUP", "kell": "BLOOD_GROUP", "rpps_mt": "RPPS", "rpps_presc": "RPPS",
    "login": "CREDENTIAL", "password": "CREDENTIAL", "commentaire": "HEALTH",
}


@pytest.mark.parametrize("layout", ["single", "split"])
def test_column_entities_follow_the_convention(synth_export: Any, layout: str) -> None:
    _, truth = synth_export(patients=100, seed=8, nir_layout=layout)
    columns = truth["columns"]
    assert 58 <= len(columns) <= 64
    assert [c["index"] for c in columns] == list(range(len(columns)))
    for c in columns:
        assert c["entity"] == EXPECTED_ENTITIES.get(c["key"]), c["key"]
    keys = [c["key"] for c in columns]
    if layout == "split":
        assert "nir" not in keys and keys.index("cle") == keys.index("nss") + 1
        assert "NIR_NO_KEY" in truth["entities"] and "NIR" not in truth["entities"]
    else:
        assert "nss" not in keys and "cle" not in keys
        assert "NIR" in truth["entities"] and "NIR_NO_KEY" not in truth["entities"]


def test_labs_sit_in_the_configured_departements(synth_export: Any) -> None:
    path, truth = synth_export(patients=3000, labs=7, seed=9)
    assert {lab["departement"] for lab in truth["by_lab"].values()} == {
        "22", "27", "35", "41", "45", "56"}
    assert sum(lab["records"] for lab in truth["by_lab"].values()) == truth["records"]
    for lab in truth["by_lab"].values():
        assert lab["finess"][:2] == lab["departement"]
    assert sum(truth["by_departement"].values()) == truth["records"]
    # most patients live in their lab's département (postal code prefix)
    _, rows = read_export(path, truth)
    key = {c["key"]: c["index"] for c in truth["columns"]}
    dept = {code: lab["departement"] for code, lab in truth["by_lab"].items()}
    with_cp = [r for r in rows if r[key["cp"]]]
    local = sum(r[key["cp"]][:2] == dept[r[key["lab_code"]]] for r in with_cp)
    assert local / len(with_cp) > 0.8
    assert truth["date_range"][0] >= "2015-01-01" and truth["date_range"][1] <= "2020-10-31"


def test_custom_departements_and_dates(synth_export: Any) -> None:
    path, truth = synth_export(patients=500, labs=2, seed=2, departements=("75", "13"),
                               date_start=__import__("datetime").date(2019, 1, 1))
    assert {lab["departement"] for lab in truth["by_lab"].values()} == {"75", "13"}
    assert truth["date_range"][0] >= "2019-01-01"
