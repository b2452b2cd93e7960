from __future__ import annotations

import pytest

from sentinelle.errors import InvalidChecksum, InvalidFormat, InvalidLength
from sentinelle.identifiers import finess

from .helpers import JUNK, assert_series_agrees

# Luhn keys computed once with stdnum.luhn.calc_check_digit and written here.
VALID = ["750001232", "130789019", "971000120", "973000557", "980000012", "2A0000016",
         "75 000 123 2"]  # fmt: skip
LUHN_INVALID = ["750001233", "130789010", "971000121", "980000013", "2A0000017"]
BAD_DEPARTEMENT = ["961234564", "001234566"]
MALFORMED = ["75000123", "7500012322", "2C0000016"]


@pytest.mark.parametrize("value", VALID)
def test_valid(value: str) -> None:
    assert finess.is_valid(value)


@pytest.mark.parametrize("value", LUHN_INVALID)
def test_luhn_invalid(value: str) -> None:
    with pytest.raises(InvalidChecksum):
        finess.validate(value)


@pytest.mark.parametrize("value", BAD_DEPARTEMENT + MALFORMED)
def test_malformed(value: str) -> None:
    assert not finess.is_valid(value)
    with pytest.raises((InvalidFormat, InvalidLength)):
        finess.validate(value)


def test_series_agrees() -> None:
    assert_series_agrees(finess, VALID + LUHN_INVALID + BAD_DEPARTEMENT + MALFORMED + JUNK)
