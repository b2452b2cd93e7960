"""Record linkage rules on small hand-made records (synthetic values only)."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from sentinelle.assess.linkage import link, union

NIR_A = "1850375123456"  # 13-character bodies (never printed)
NIR_B = "2900135123789"


def _records(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"nir": pl.String, "dob": pl.Date, "sex": pl.Int8, "fam": pl.String,
                      "birth": pl.String, "given": pl.String}, orient="row")


D1, D2, D3 = date(1985, 3, 2), date(2012, 6, 9), date(1990, 1, 15)

CASES = [
    # same NIR + dob + sex, names differ (married name): one person, rule 1
    ([(NIR_A, D1, 1, "dupont", None, "jean"), (NIR_A, D1, 1, "durand", None, "jean")],
     1, {"nir_dob_sex": 1}),
    # a child on the parent's NIR: other dob -> two persons
    ([(NIR_A, D1, 1, "dupont", None, "jean"), (NIR_A, D2, 1, "dupont", None, "lucas")],
     2, {"single": 2}),
    # no NIR on one row: same normalised name + given + dob -> rule 2
    ([(NIR_B, D3, 2, "lefevre", None, "anne"), (None, D3, 2, "lefevre", None, "anne")],
     1, {"name_dob": 1}),
    # birth name on one side
    ([(None, D3, 2, "martin", "lefevre", "anne"), (None, D3, 2, None, "lefevre", "anne")],
     1, {"name_dob": 1}),
    # a typo, no NIR: fuzzy, uncertain
    ([(NIR_B, D3, 2, "lefevre", None, "anne"), (None, D3, 2, "lefebre", None, "anne")],
     1, {"fuzzy": 1}),
    # similar names but contradicting sexes: not linked
    ([(None, D3, 2, "lefevre", None, "anne"), (None, D3, 1, "lefebre", None, "anne")],
     2, {"single": 2}),
    # same names, other dob: two persons
    ([(None, D3, 2, "lefevre", None, "anne"), (None, D1, 2, "lefevre", None, "anne")],
     2, {"single": 2}),
    # different valid NIRs contradict a fuzzy match
    ([(NIR_A, D3, 2, "lefevre", None, "anne"), (NIR_B, D3, 2, "lefebre", None, "anne")],
     2, {"single": 2}),
    # homonyms born the same day with two valid NIRs: two persons, even by name
    ([(NIR_A, D3, 2, "martin", None, "marie"), (NIR_B, D3, 2, "martin", None, "marie")],
     2, {"single": 2}),
    # ... and a third record without NIR cannot tell which one: left apart
    ([(NIR_A, D3, 2, "martin", None, "marie"), (NIR_B, D3, 2, "martin", None, "marie"),
      (None, D3, 2, "martin", None, "marie")], 3, {"single": 3}),
    # no date of birth: linked by NIR + sex + given name when the group has one dob
    ([(NIR_A, D2, 1, "petit", None, "hugo"), (NIR_A, None, 1, "petit", None, "hugo")],
     1, {"nir_dob_sex": 1}),
    # two brothers of the same given name on a parent's NIR: the undated record stays apart
    ([(NIR_A, D2, 1, "petit", None, "hugo"), (NIR_A, D3, 1, "petit", None, "hugo"),
      (NIR_A, None, 1, "petit", None, "hugo")], 3, {"single": 3}),
]


@pytest.mark.parametrize(("rows", "persons", "rules"), CASES)
def test_rules(rows: list[tuple], persons: int, rules: dict[str, int]) -> None:
    result = link(_records(rows))
    assert result.persons == persons
    assert {k: v for k, v in result.by_rule.items() if v} == rules
    assert result.uncertain == rules.get("fuzzy", 0)
    assert len(set(result.person.tolist())) == persons


def test_union_follows_chains() -> None:
    parent = union(np.arange(6), np.array([5, 3, 1]), np.array([4, 4, 0]))
    roots = parent.tolist()
    assert roots[5] == roots[4] == roots[3]
    assert roots[1] == roots[0]
    assert roots[2] == 2 and roots[0] != roots[3]


def test_empty() -> None:
    result = link(_records([]))
    assert result.persons == 0
