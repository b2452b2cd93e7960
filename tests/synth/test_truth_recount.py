"""Read every export back and recount it independently (python-stdnum, phonenumbers,
regexes): the truth must match exactly. Plus the consistency rules of real data."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from stdnum.fr import nir as stdnum_nir
from synth_recount import HEALTH_PATTERNS, NNP, fold, read_export, recount

VARIANTS: list[dict[str, Any]] = [
    {"patients": 3000, "seed": 1},
    {"patients": 2000, "seed": 2, "nir_layout": "split", "encoding": "utf-8", "delimiter": "|",
     "crlf": False},
    {"patients": 2000, "seed": 3, "header": False, "format": "tsv", "health_note_rate": 0.4,
     "comment_phone_rate": 0.3},
    {"patients": 2500, "seed": 4, "labs": 8, "nir_typo_rate": 0.1, "nnp_rate": 0.05,
     "nir_mixed_rate": 0.5, "duplicate_person_rate": 0.2, "ayant_droit_rate": 0.2,
     "missing_rate": 0.2, "delimiter": ",", "nir_layout": "single"},
    {"patients": 1500, "seed": 5, "nir_layout": "split", "header": False, "nir_typo_rate": 0.2,
     "nnp_rate": 0.05, "nir_mixed_rate": 0.5},
    {"patients": 1000, "seed": 6, "missing_rate": 0.0, "nir_typo_rate": 0.0, "nnp_rate": 0.0,
     "health_note_rate": 0.0, "neutral_comment_rate": 0.0, "repeat_sampling_rate": 0.0,
     "duplicate_person_rate": 0.0},
]


def _id(v: dict[str, Any]) -> str:
    return f"seed{v['seed']}"


@pytest.mark.parametrize("variant", VARIANTS, ids=_id)
def test_recount_matches_truth_exactly(synth_export: Any, variant: dict[str, Any]) -> None:
    path, truth = synth_export(**variant)
    got = recount(path, truth)
    assert got["records"] == truth["records"]
    zero = {"count": 0, "distinct": 0, "invalid": 0}
    for entity, want in truth["entities"].items():
        assert got["entities"].get(entity, zero) == want, entity
    assert set(got["entities"]) <= set(truth["entities"])
    assert got["health"] == {k: v for k, v in truth["health"].items() if v}
    assert got["by_lab_records"] == {k: v["records"] for k, v in truth["by_lab"].items()}
    assert got["date_range"] == truth["date_range"]


def test_dirt_knobs_show_up(synth_export: Any) -> None:
    _, dirty = synth_export(**VARIANTS[3])
    nir = dirty["entities"]["NIR"]
    assert nir["invalid"] > 0.05 * (nir["count"] + nir["invalid"])
    assert dirty["entities"]["NNP"]["count"] > 0
    assert dirty["dirt"]["persons_in_two_labs"] > 0.1 * dirty["persons"]
    assert dirty["dirt"]["ayant_droit_persons"] > 0.1 * dirty["persons"]
    assert sum(lab["persons"] for lab in dirty["by_lab"].values()) == (
        dirty["persons"] + dirty["dirt"]["persons_in_two_labs"])
    _, clean = synth_export(**VARIANTS[5])
    assert clean["entities"]["NIR"]["invalid"] == 0
    assert clean["entities"]["NNP"]["count"] == 0
    assert clean["records"] == clean["persons"] == 1000
    assert sum(clean["health"].values()) == 0 and "HEALTH" in clean["entities"]
    assert clean["entities"]["HEALTH"]["count"] == 0


Rows = tuple[dict[str, Any], dict[str, int], list[list[str]]]


def _rows(synth_export: Any, **variant: Any) -> Rows:
    path, truth = synth_export(**variant)
    _, rows = read_export(path, truth)
    return truth, {c["key"]: c["index"] for c in truth["columns"]}, rows


@pytest.mark.parametrize("variant", VARIANTS[:4], ids=_id)
def test_nir_agrees_with_sex_and_birth_date(synth_export: Any, variant: dict[str, Any]) -> None:
    truth, key, rows = _rows(synth_export, **variant)
    fmt = truth["date_format"]
    split = truth["nir_layout"] == "split"
    codes: dict[str, str] = {}
    checked = corsica_old = corsica_new = 0
    for row in rows:
        cell = row[key["nss" if split else "nir"]]
        nir = re.sub(r"[\s.\-]", "", cell) + (row[key["cle"]] if split else "")
        if not cell or not stdnum_nir.is_valid(nir):
            continue
        # strict structure (month 01-12, a real place of birth, order 001-999)
        assert re.fullmatch(r"[12]\d\d(0[1-9]|1[0-2])(\d\d|2[AB])\d{3}\d{3}\d\d", nir)
        assert nir[5:7] not in ("00", "96") and nir[10:13] != "000"
        if row[key["rang"]] != "1" or not row[key["ddn"]]:
            continue  # ayants droit carry a parent's NIR
        born = datetime.strptime(row[key["ddn"]], fmt).date()
        assert nir[1:3] == f"{born.year % 100:02d}"
        assert nir[3:5] == f"{born.month:02d}"
        sex = row[key["sexe"]]
        assert codes.setdefault(sex, nir[0]) == nir[0], "one sex code, one NIR digit"
        if nir[5:7] == "20":
            assert born.year < 1976
            corsica_old += 1
        if nir[5:7] in ("2A", "2B"):
            assert born.year >= 1976
            corsica_new += 1
        checked += 1
    assert checked > 0.5 * len(rows)
    assert sorted(codes.values()) == ["1", "2"]
    assert corsica_old + corsica_new > 0


def test_ayants_droit_share_a_parents_nir(synth_export: Any) -> None:
    truth, key, rows = _rows(synth_export, **VARIANTS[3])
    by_nir: dict[str, list[list[str]]] = {}
    for row in rows:
        nir = re.sub(r"[\s.\-]", "", row[key["nir"]])
        if nir and stdnum_nir.is_valid(nir):
            by_nir.setdefault(nir, []).append(row)
    children = [r for r in rows if r[key["rang"]] not in ("1", "")]
    assert children
    shared = 0
    for row in children:
        nir = re.sub(r"[\s.\-]", "", row[key["nir"]])
        if nir in by_nir:
            firsts = {r[key["prenom"]] for r in by_nir[nir]}
            shared += len(firsts) > 1
    assert shared > 0.5 * len(children)


def test_birth_places_mix_mainland_overseas_abroad(synth_export: Any) -> None:
    truth, key, rows = _rows(synth_export, patients=3000, seed=1, nir_layout="single")
    places = [re.sub(r"[\s.\-]", "", r[key["nir"]])[5:7] for r in rows if r[key["nir"]]]
    kinds = {"97", "99", "2A", "2B", "20"} & set(places)
    assert {"97", "99"} <= kinds and ({"2A", "2B"} & kinds)
    assert sum(p in ("22", "27", "35", "41", "45", "56") for p in places) > 0.4 * len(places)


def test_nnp_cells_have_the_nnp_shape(synth_export: Any) -> None:
    truth, key, rows = _rows(synth_export, **VARIANTS[3])
    nnp = [r[key["nir"]] for r in rows if NNP.fullmatch(r[key["nir"]])]
    assert len(nnp) == truth["entities"]["NNP"]["count"] > 0
    assert all(not stdnum_nir.is_valid(v) for v in nnp)


def test_pregnancy_notes_only_for_women_of_childbearing_age(synth_export: Any) -> None:
    truth, key, rows = _rows(synth_export, patients=3000, seed=3, health_note_rate=0.5)
    female = {"F", "2", "Féminin"}
    seen = 0
    for row in rows:
        comment = row[key["commentaire"]]
        if comment and HEALTH_PATTERNS["PREGNANCY"].search(fold(comment)):
            assert row[key["sexe"]] in female
            if row[key["age"]]:
                assert 15 <= int(row[key["age"]]) <= 48
            seen += 1
    assert seen == truth["health"]["PREGNANCY"] > 0


def test_health_categories_all_present_at_high_rate(synth_export: Any) -> None:
    _, truth = synth_export(patients=3000, seed=3, health_note_rate=0.5)
    assert all(v > 0 for v in truth["health"].values())
    assert truth["dirt"]["comment_phones"] > 0


@pytest.mark.parametrize("chunk_size", [1, 2, 3])
def test_tiny_chunks(synth_export: Any, chunk_size: int) -> None:
    path, truth = synth_export(patients=7, chunk_size=chunk_size, seed=chunk_size,
                               health_note_rate=0.5, comment_phone_rate=0.5)
    got = recount(path, truth)
    assert truth["persons"] == 7
    zero = {"count": 0, "distinct": 0, "invalid": 0}
    for entity, want in truth["entities"].items():
        assert got["entities"].get(entity, zero) == want, entity
    assert got["health"] == {k: v for k, v in truth["health"].items() if v}
