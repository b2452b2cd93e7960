from __future__ import annotations

import polars as pl
import pytest

from sentinelle.errors import InvalidFormat, InvalidLength
from sentinelle.identifiers import nir_no_key

from .helpers import JUNK, assert_series_agrees

VALID = [
    "1 85 03 75 100 023",
    "2550814168025",
    "255082A168025",
    "2 55 08 2b 168 025",
    "2951099126111",  # abroad
    "2800197411123",  # Réunion
]
STRICT_ONLY = ["1851375100023", "1850375100000", "1859696123456"]  # month 13, order 000, dept 96
INVALID = ["185037510002", "18503751000239", "5850375100023", "18503751000XX", "255082C168025"]


@pytest.mark.parametrize("value", VALID)
def test_valid(value: str) -> None:
    assert nir_no_key.is_valid(value)
    assert len(nir_no_key.validate(value)) == 13


@pytest.mark.parametrize("value", STRICT_ONLY)
def test_strict_only(value: str) -> None:
    assert nir_no_key.is_valid(value, strict=False)
    with pytest.raises(InvalidFormat):
        nir_no_key.validate(value)


@pytest.mark.parametrize("value", INVALID)
def test_invalid(value: str) -> None:
    assert not nir_no_key.is_valid(value, strict=False)


def test_length_error_without_value() -> None:
    with pytest.raises(InvalidLength) as info:
        nir_no_key.validate("185037510002")
    assert "185037510002" not in str(info.value)


@pytest.mark.parametrize("strict", [True, False])
def test_series_agrees(strict: bool) -> None:
    assert_series_agrees(nir_no_key, VALID + STRICT_ONLY + INVALID + JUNK, strict=strict)


def test_mask() -> None:
    assert nir_no_key.mask("2 55 08 14 168 025") == "2 ** ** ** *** ***"


def test_pair_series() -> None:
    body = pl.Series(["1850375100023", "2 55 08 14 168 025", "2550814168025", "255082A168025",
                      "1851375100023", "1851375100023", None, "junk"])  # fmt: skip
    key = pl.Series(["97", "38", "39", "97", "63", "63", "97", "12"])
    check = nir_no_key.check_pair_series(body, key)
    assert check.valid.to_list() == [True, True, False, True, False, False, False, False]
    assert check.shaped.to_list() == [True, True, True, True, True, True, False, False]
    assert check.normalised[0] == "185037510002397"
    lenient = nir_no_key.check_pair_series(body, key, strict=False)
    assert lenient.valid.to_list()[4] is True  # month 13, right key


def test_pair_series_integer_key_is_zero_padded() -> None:
    # a key column read as integers: 5 means "05"
    check = nir_no_key.check_pair_series(pl.Series(["2550814168025"]), pl.Series([5]))
    assert check.normalised.to_list() == ["255081416802505"]
    assert check.valid.to_list() == [False]


def test_pair_series_length_mismatch() -> None:
    with pytest.raises(ValueError):
        nir_no_key.check_pair_series(pl.Series(["1"]), pl.Series(["1", "2"]))
