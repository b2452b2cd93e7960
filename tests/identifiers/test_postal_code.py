from __future__ import annotations

import polars as pl
import pytest

from sentinelle.errors import InvalidFormat, InvalidLength
from sentinelle.identifiers import postal_code

from .helpers import JUNK, assert_series_agrees

VALID = [
    ("75001", "75"),
    ("01000", "01"),
    ("95880", "95"),
    ("20000", "2A"),  # Ajaccio
    ("20167", "2A"),
    ("20200", "2B"),  # Bastia
    ("20600", "2B"),
    ("97400", "974"),
    ("97133", "971"),  # Saint-Barthélemy
    ("97500", "975"),
    ("97600", "976"),
    ("98000", "980"),  # Monaco
    ("98800", "988"),
    ("75 001", "75"),
]
INVALID = ["00100", "96000", "97000", "97900", "98100", "98500", "99000", "7500", "750011", "75A01"]


@pytest.mark.parametrize(("code", "dept"), VALID)
def test_valid_and_departement(code: str, dept: str) -> None:
    assert postal_code.is_valid(code)
    assert postal_code.departement(code) == dept


@pytest.mark.parametrize("code", INVALID)
def test_invalid(code: str) -> None:
    assert not postal_code.is_valid(code)
    with pytest.raises((InvalidFormat, InvalidLength)):
        postal_code.departement(code)


def test_integers_are_padded() -> None:
    assert postal_code.compact(1000) == "01000"
    assert postal_code.departement(1000) == "01"
    check = postal_code.check_series(pl.Series([1000, 75001, 123]))
    assert check.valid.to_list() == [True, True, False]
    assert check.normalised.to_list()[:2] == ["01000", "75001"]


def test_strings_are_not_padded() -> None:
    assert not postal_code.is_valid("1000")


def test_mask() -> None:
    assert postal_code.mask("75001") == "75***"
    assert postal_code.mask("97400") == "974**"


def test_series_agrees() -> None:
    assert_series_agrees(postal_code, [c for c, _ in VALID] + INVALID + JUNK)
