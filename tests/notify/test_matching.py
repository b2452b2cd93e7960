"""Registry-to-dump matching rules on small hand-made records (synthetic values only)."""

from __future__ import annotations

from datetime import date

import polars as pl

from sentinelle.notify.matching import match

NIR_A = "2850375123456"  # 13-character bodies, synthetic
NIR_B = "1900135123789"
NIR_C = "2910635111222"
D1, D2, D3 = date(1985, 3, 2), date(2012, 6, 9), date(2014, 1, 20)
COLS = {"nir": pl.String, "dob": pl.Date, "sex": pl.Int8, "fam": pl.String,
        "birth": pl.String, "given": pl.String}


def _dump(rows: list[tuple]) -> pl.DataFrame:
    """rows: (person, nir, dob, sex, fam, birth, given)."""
    return pl.DataFrame(rows, schema={"person": pl.Int64, **COLS}, orient="row")


def _registry(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"row": pl.Int64, **COLS}, orient="row")


def _result(reg: list[tuple], dump: list[tuple]) -> list[tuple]:
    frame = match(_registry(reg), _dump(dump)).frame
    return [(r["status"], r["person"], r["rule"]) for r in frame.iter_rows(named=True)]


def test_nir_dob_sex_and_married_name() -> None:
    dump = [(0, NIR_A, D1, 2, "martin", "martin", "claire")]
    # registered under her married name, with her birth name: same NIR, same dob
    assert _result([(0, NIR_A, D1, 2, "durand", "martin", "claire")], dump) == [
        ("matched", 0, "nir_dob_sex")]
    # no NIR in the registry: the birth name matches the dump's usage name
    assert _result([(0, None, D1, 2, "durand", "martin", "claire")], dump) == [
        ("matched", 0, "name_dob")]


def test_twins_on_a_parents_nir_are_told_apart_by_given_name() -> None:
    dump = [(0, NIR_B, D2, 1, "petit", None, "hugo"), (1, NIR_B, D2, 1, "petit", None, "jules")]
    reg = [(0, NIR_B, D2, 1, "petit", "petit", "jules"), (1, NIR_B, D2, 1, "petit", "petit", "hugo")]
    assert _result(reg, dump) == [("matched", 1, "nir_dob_sex"), ("matched", 0, "nir_dob_sex")]


def test_child_on_parent_nir_does_not_match_the_parent() -> None:
    dump = [(0, NIR_B, D1, 1, "petit", None, "marc")]
    reg = [(0, NIR_B, D2, 1, "petit", "petit", "hugo")]  # the son, not in the dump
    assert _result(reg, dump) == [("unmatched", None, None)]


def test_dump_record_without_date_of_birth() -> None:
    dump = [(0, NIR_C, None, 2, "roux", None, "emma")]
    assert _result([(0, NIR_C, D3, 2, "roux", "roux", "emma")], dump) == [
        ("matched", 0, "nir_dob_sex")]
    # two registry children of the same given name on that NIR: ambiguous, no letter
    two = _result([(0, NIR_C, D3, 2, "roux", "roux", "emma"),
                   (1, NIR_C, D2, 2, "roux", "roux", "emma")], dump)
    assert [s for s, _, _ in two] == ["ambiguous", "ambiguous"]


def test_fuzzy_clear_best_and_tie() -> None:
    dump = [(0, NIR_A, D1, 2, "bernard", None, "lucie"), (1, NIR_C, D1, 2, "bernaro", None, "lucie")]
    tie = _result([(0, None, D1, 2, "bernart", "bernart", "lucie")], dump)
    assert tie == [("ambiguous", None, "fuzzy")]
    clear = _result([(0, None, D1, 2, "bernard", "bernard", "luce")], dump)
    assert clear == [("matched", 0, "fuzzy")]


def test_contradicting_nir_or_sex_blocks_fuzzy() -> None:
    dump = [(0, NIR_A, D1, 2, "bernard", None, "lucie")]
    assert _result([(0, NIR_C, D1, 2, "bernart", "bernart", "lucie")], dump)[0][0] == "unmatched"
    assert _result([(0, None, D1, 1, "bernart", "bernart", "lucie")], dump)[0][0] == "unmatched"


def test_one_dump_person_claimed_twice() -> None:
    dump = [(0, NIR_A, D1, 2, "martin", None, "claire")]
    # the same person registered twice: both rows to review
    same = _result([(0, NIR_A, D1, 2, "martin", "martin", "claire"),
                    (1, NIR_A, D1, 2, "martin", "martin", "claire")], dump)
    assert [s for s, _, _ in same] == ["ambiguous", "ambiguous"]
    # a stronger claim wins; the weaker (fuzzy) claimant goes to review
    mixed = _result([(0, NIR_A, D1, 2, "martin", "martin", "claire"),
                     (1, None, D1, 2, "martine", "martine", "claire")], dump)
    assert mixed == [("matched", 0, "nir_dob_sex"), ("ambiguous", None, "fuzzy")]


def test_homonym_with_another_nir_is_not_matched() -> None:
    dump = [(0, NIR_A, D1, 2, "martin", None, "claire")]
    assert _result([(0, NIR_C, D1, 2, "martin", "martin", "claire")], dump) == [
        ("unmatched", None, None)]
