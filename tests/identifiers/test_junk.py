"""Junk through every discovered module: nothing but identifier errors, ever."""

from __future__ import annotations

import inspect
from types import ModuleType

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sentinelle.errors import IdentifierError
from sentinelle.identifiers import _common, _series, modules

from .helpers import JUNK, assert_series_agrees

ALL = [m for found in modules().values() for m in found]
IDS = [m.__name__.rsplit(".", 1)[1] for m in ALL]


_MESSAGE_SOURCES = "".join(
    inspect.getsource(m) for m in (*ALL, _common, _series)
)


def _scalar_contract(module: ModuleType, value: object) -> None:
    assert isinstance(module.compact(value), str)
    assert isinstance(module.is_valid(value), bool)
    masked = module.mask(value)
    assert isinstance(masked, str)
    assert len(masked) <= 64
    try:
        module.validate(value)
    except IdentifierError as error:
        text = str(error)
        # a value that is itself a word of a fixed message ("digits") is no leak
        if isinstance(value, str) and len(value) >= 6 and value not in _MESSAGE_SOURCES:
            assert value not in text
    # any other exception fails the test


@pytest.mark.parametrize("module", ALL, ids=IDS)
@pytest.mark.parametrize("value", JUNK, ids=range(len(JUNK)))
def test_junk_scalar(module: ModuleType, value: str | None) -> None:
    _scalar_contract(module, value)


@pytest.mark.parametrize("module", ALL, ids=IDS)
def test_junk_series(module: ModuleType) -> None:
    check = module.check_series(pl.Series(JUNK, dtype=pl.String))
    assert len(check.valid) == len(check.shaped) == len(check.normalised) == len(JUNK)
    assert_series_agrees(module, JUNK)  # (all zeros is a Luhn-valid SIREN/SIRET)


@pytest.mark.parametrize("module", ALL, ids=IDS)
@pytest.mark.parametrize(
    "series",
    [
        pl.Series([], dtype=pl.String),
        pl.Series([None, None], dtype=pl.String),
        pl.Series([None, None]),  # dtype Null
        pl.Series([0, -1, 2**62]),
        pl.Series([1.5, float("nan")]),
        pl.Series([True, False]),
    ],
    ids=["empty", "nulls", "null-dtype", "ints", "floats", "bools"],
)
def test_odd_columns(module: ModuleType, series: pl.Series) -> None:
    check = module.check_series(series)
    assert len(check.valid) == len(series)
    assert check.count == 0


@pytest.mark.parametrize("module", ALL, ids=IDS)
@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=20))
def test_random_text(module: ModuleType, values: list[str]) -> None:
    for value in values:
        _scalar_contract(module, value)
    assert_series_agrees(module, values)
