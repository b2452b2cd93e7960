from __future__ import annotations

import pytest

from sentinelle.errors import InvalidChecksum, InvalidFormat, InvalidLength
from sentinelle.identifiers import rpps

from .helpers import JUNK, assert_series_agrees

# Luhn keys computed once with stdnum.luhn.calc_check_digit and written here.
VALID = ["10000000017", "10123456781", "10999999997", "10001234565", "10 123 456 781"]
LUHN_INVALID = ["10000000018", "10123456782", "10999999998", "10001234566"]
NOT_10 = ["20123456780"]  # Luhn-valid but no "10" prefix
MALFORMED = ["1012345678", "101234567812", "1012345678X"]


@pytest.mark.parametrize("value", VALID)
def test_valid(value: str) -> None:
    assert rpps.is_valid(value)
    assert rpps.validate(value) == rpps.compact(value)


@pytest.mark.parametrize("value", LUHN_INVALID)
def test_luhn_invalid(value: str) -> None:
    assert not rpps.is_valid(value)
    assert not rpps.is_valid(value, strict=False)
    with pytest.raises(InvalidChecksum) as info:
        rpps.validate(value)
    assert value not in str(info.value)


@pytest.mark.parametrize("value", NOT_10)
def test_prefix_strict(value: str) -> None:
    assert not rpps.is_valid(value)
    assert rpps.is_valid(value, strict=False)


def test_errors() -> None:
    with pytest.raises(InvalidLength):
        rpps.validate("1012345678")
    with pytest.raises(InvalidFormat):
        rpps.validate("1012345678X")


def test_mask() -> None:
    assert rpps.mask("10123456781") == "10 *** *** ***"


@pytest.mark.parametrize("strict", [True, False])
def test_series_agrees(strict: bool) -> None:
    values = VALID + LUHN_INVALID + NOT_10 + MALFORMED + JUNK
    assert_series_agrees(rpps, values, strict=strict)
