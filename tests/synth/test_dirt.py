"""Dirt: every typo changes the value; every NIR typo fails the key check."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given
from hypothesis import strategies as st
from stdnum.fr import nir as stdnum_nir

from sentinelle.synth.dirt import blank, name_typo, names_with_typos, nir_typos
from sentinelle.synth.numbers import nir_key
from sentinelle.synth.vocab import first_names, last_names

NAMES = list(last_names()) + list(first_names().names)


@given(st.sampled_from(NAMES), st.floats(0, 0.999), st.floats(0, 0.999))
def test_name_typo_changes_a_known_name(name: str, a: float, b: float) -> None:
    out = name_typo(name, np.array([a, b]))
    assert out and out != name


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZéèÉ -'", min_size=1, max_size=20),
       st.floats(0, 0.999), st.floats(0, 0.999))
def test_name_typo_changes_any_name(name: str, a: float, b: float) -> None:
    assert name_typo(name, np.array([a, b])) != name


_BODY = st.tuples(
    st.sampled_from([1, 2]), st.integers(0, 99), st.integers(1, 12),
    st.sampled_from(["35", "22", "2A", "2B", "20", "97", "99"]), st.integers(1, 999),
    st.integers(1, 999),
)


def _valid_nir(parts: tuple[int, int, int, str, int, int]) -> str:
    sex, yy, mm, dept, commune, order = parts
    if dept in ("97",):
        place = f"974{commune % 25 + 1:02d}"
    else:
        place = f"{dept}{commune:03d}"
    body = f"{sex}{yy:02d}{mm:02d}{place}{order:03d}"
    number = int(body.replace("2A", "19").replace("2B", "18"))
    return f"{body}{nir_key(np.array([number]))[0]:02d}"


@given(st.lists(_BODY, min_size=1, max_size=30), st.integers(0, 2**32 - 1))
def test_nir_typos_always_fail_stdnum(bodies: list[tuple[int, int, int, str, int, int]],
                                      seed: int) -> None:
    nirs = [_valid_nir(b) for b in bodies]
    assert all(stdnum_nir.is_valid(n) for n in nirs)
    where = np.ones(len(nirs), dtype=bool)
    where[::3] = False
    out = nir_typos(pl.Series(nirs), where, np.random.default_rng(seed)).to_list()
    for before, after, hit in zip(nirs, out, where, strict=True):
        if hit:
            assert len(after) == 15 and after[:5] == before[:5]
            assert not stdnum_nir.is_valid(after)
        else:
            assert after == before


def test_names_with_typos_only_touches_the_chosen_rows() -> None:
    names = pl.Series(["MARTIN", "DUPONT", "LE GALL", "Hélène"])
    where = np.array([True, False, True, False])
    out = names_with_typos(names, where, np.random.default_rng(1)).to_list()
    assert out[1] == "DUPONT" and out[3] == "Hélène"
    assert out[0] != "MARTIN" and out[2] != "LE GALL"


def test_blank() -> None:
    s = pl.Series("x", ["a", "b", "c"])
    assert blank(s, np.array([False, True, False])).to_list() == ["a", None, "c"]
    assert blank(s, np.zeros(3, dtype=bool)).to_list() == ["a", "b", "c"]
