"""k-anonymity, uniques, prosecutor risk and l-diversity against brute force; --min-k."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sentinelle.errors import ConfigError
from sentinelle.protect.risk import (
    LADDERS,
    RiskAccumulator,
    apply_levels,
    combinations,
    figures,
    merge,
    reach_k,
)

AS_OF = dt.date(2026, 1, 1)

rows = st.lists(
    st.tuples(
        st.sampled_from(["M", "F", None]),
        st.sampled_from(["1950", "1951", "1960", "1975", "1990"]),
        st.sampled_from(["35000", "35200", "56100", "22000", "75001", None]),
        st.sampled_from(["A POS", "O NEG", "B POS", None]),
    ),
    min_size=1, max_size=60,
)


def brute(table: list[tuple], qi_idx: list[int], s_idx: int) -> dict:
    classes: dict[tuple, list[tuple]] = defaultdict(list)
    for r in table:
        classes[tuple("" if r[i] is None else r[i] for i in qi_idx)].append(r)
    sizes = [len(v) for v in classes.values()]
    n = len(table)
    per_record = [1 / len(classes[tuple("" if r[i] is None else r[i] for i in qi_idx)]) for r in table]
    ls = [len({r[s_idx] for r in members if r[s_idx] is not None}) for members in classes.values()]
    ls = [x for x in ls if x > 0]
    return {
        "k": min(sizes), "classes": len(classes), "uniques": sum(1 for s in sizes if s == 1),
        "prosecutor_max": max(per_record), "prosecutor_mean": sum(per_record) / n,
        "l": min(ls) if ls else 0,
    }


def frame(table: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(table, schema=["sex", "dob", "cp", "gs"], orient="row")


@settings(max_examples=150, deadline=None)
@given(rows, st.sampled_from([[0], [1], [0, 1], [0, 1, 2], [2]]))
def test_figures_match_brute_force(table: list[tuple], qi_idx: list[int]) -> None:
    names = ["sex", "dob", "cp", "gs"]
    qis = [names[i] for i in qi_idx]
    f = frame(table)
    # accumulate in two chunks, as the pipeline does
    acc = RiskAccumulator(qis + ["gs"])
    half = len(table) // 2
    acc.add(f.head(half))
    acc.add(f.slice(half))
    got = figures(acc.table(), qis, ["gs"])
    want = brute(table, qi_idx, 3)
    assert got.records == len(table)
    assert got.k == want["k"]
    assert got.classes == want["classes"]
    assert got.uniques == want["uniques"]
    assert got.unique_share == pytest.approx(want["uniques"] / len(table))
    assert got.prosecutor_max == pytest.approx(want["prosecutor_max"])
    assert got.prosecutor_mean == pytest.approx(want["prosecutor_mean"])
    assert got.l_diversity["gs"] == want["l"]


@settings(max_examples=60, deadline=None)
@given(rows, st.integers(min_value=2, max_value=6))
def test_min_k_reaches_k_with_least_suppression_at_its_levels(table: list[tuple], k: int) -> None:
    f = frame(table)
    combos = combinations(f, ["sex", "dob", "cp"])
    roles = {"sex": "sex", "dob": "dob", "cp": "postal"}
    try:
        plan = reach_k(combos, roles, k, max_suppress=0.3, as_of=AS_OF)
    except ConfigError as exc:
        assert "cannot reach" in str(exc)
        # refused: even the coarsest levels leave more than 30% in classes < k
        coarse = apply_levels(f, {"dob": "age10", "cp": None}, as_of=AS_OF)
        sizes = Counter(tuple("" if v is None else v for v in r) for r in coarse.select("sex", "dob").rows())
        assert sum(n for n in sizes.values() if n < k) / len(table) > 0.3
        return
    out, removed = plan.apply(f, as_of=AS_OF)
    assert removed == plan.suppressed
    assert removed / len(table) <= 0.3
    qis = list(plan.qis)
    if out.height:
        sizes = Counter(tuple("" if v is None else v for v in r) for r in out.select(qis).rows())
        assert min(sizes.values()) >= k  # k-anonymity holds on what is written
    # least suppression at these levels: exactly the records of classes smaller than k
    gen = apply_levels(f, plan.levels, as_of=AS_OF)
    sizes = Counter(tuple("" if v is None else v for v in r) for r in gen.select(qis).rows()) if qis \
        else Counter({(): len(table)})
    assert removed == sum(n for n in sizes.values() if n < k)


def test_no_quasi_identifier_is_one_class() -> None:
    f = pl.DataFrame({"x": ["a", "b", "c"]})
    got = figures(combinations(f, []), [])
    assert (got.k, got.classes, got.prosecutor_max) == (3, 1, pytest.approx(1 / 3))


def test_merge_adds_counts() -> None:
    a = combinations(pl.DataFrame({"s": ["M", "F", "M"]}), ["s"])
    b = combinations(pl.DataFrame({"s": ["M", None]}), ["s"])
    m = dict(merge(a, b).rows())
    assert m == {"M": 3, "F": 1, "": 1}


def test_refuses_clearly_when_impossible() -> None:
    f = pl.DataFrame({"sex": ["M", "F", "X", "Y"], "dob": ["1950"] * 4})
    with pytest.raises(ConfigError, match=r"cannot reach k=3.*--max-suppress"):
        reach_k(combinations(f, ["sex", "dob"]), {"sex": "sex", "dob": "dob"}, 3,
                max_suppress=0.1, as_of=AS_OF)


def test_min_k_never_replays_the_level_a_column_is_already_at() -> None:
    """Region codes (a policy's 'region') read again as départements would move 53
    (Bretagne) to 52: a column starts at its own level and only climbs from there."""
    f = pl.DataFrame({"sex": ["1", "2"] * 6,
                      "cp": ["53"] * 6 + ["52"] * 6}).with_row_index("i")
    combos = combinations(f, ["sex", "cp"])
    plan = reach_k(combos, {"sex": "sex", "cp": "postal"}, 3, max_suppress=0.3, as_of=AS_OF,
                   start={"cp": LADDERS["postal"].index("region") + 1})
    assert "cp" not in plan.levels  # k=3 already holds: nothing re-applied to region codes
    out, _ = plan.apply(combos, as_of=AS_OF)
    assert sorted(set(out["cp"].to_list())) == ["52", "53"]
