from __future__ import annotations

import pytest

from sentinelle.entities import Entity
from sentinelle.errors import InvalidChecksum
from sentinelle.identifiers import am_number

from .helpers import JUNK, assert_series_agrees

# Luhn keys computed once with stdnum.luhn.calc_check_digit and written here.
VALID = ["751123456", "132123456", "972123459", "201123452", "75 1 12345 6"]
LUHN_INVALID = ["751123457", "132123450", "972123450"]
MALFORMED = ["2A1123452", "961234564", "75112345", "7511234566"]


def test_entity() -> None:
    assert am_number.ENTITY == Entity.AM_NUMBER


@pytest.mark.parametrize("value", VALID)
def test_valid(value: str) -> None:
    assert am_number.is_valid(value)


@pytest.mark.parametrize("value", LUHN_INVALID)
def test_luhn_invalid(value: str) -> None:
    with pytest.raises(InvalidChecksum):
        am_number.validate(value)


@pytest.mark.parametrize("value", MALFORMED)
def test_malformed(value: str) -> None:
    assert not am_number.is_valid(value)


def test_series_agrees() -> None:
    assert_series_agrees(am_number, VALID + LUHN_INVALID + MALFORMED + JUNK)
