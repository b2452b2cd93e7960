from __future__ import annotations

import pytest

from sentinelle.errors import InvalidChecksum, InvalidFormat, InvalidLength
from sentinelle.identifiers import adeli

from .helpers import JUNK, assert_series_agrees

# Luhn keys computed once with stdnum.luhn.calc_check_digit and written here.
VALID = [
    "759101231",
    "136000429",
    "971123450",
    "010000016",
    "959999996",
    "75 91 0123 1",
    "2A9101237",  # Corsica: Luhn over 20...
    "2b6000424",
]
LUHN_INVALID = ["759101232", "136000420", "971123451", "010000017", "2A9101238", "2B6000425"]
BAD_DEPARTEMENT = ["961234564", "001234566"]  # Luhn-valid, 96 and 00 are not départements
MALFORMED = ["75910123", "7591012311", "2C9101237", "A29101237"]


@pytest.mark.parametrize("value", VALID)
def test_valid(value: str) -> None:
    assert adeli.is_valid(value)
    assert adeli.validate(value) == adeli.compact(value)


@pytest.mark.parametrize("value", LUHN_INVALID)
def test_luhn_invalid(value: str) -> None:
    with pytest.raises(InvalidChecksum) as info:
        adeli.validate(value)
    assert value not in str(info.value)


@pytest.mark.parametrize("value", BAD_DEPARTEMENT)
def test_bad_departement(value: str) -> None:
    with pytest.raises(InvalidFormat):
        adeli.validate(value)


def test_length() -> None:
    with pytest.raises(InvalidLength):
        adeli.validate("75910123")


def test_mask() -> None:
    assert adeli.mask("759101231") == "** *** *** *"


def test_series_agrees() -> None:
    assert_series_agrees(adeli, VALID + LUHN_INVALID + BAD_DEPARTEMENT + MALFORMED + JUNK)
