from __future__ import annotations

import pytest

from sentinelle.errors import InvalidChecksum, InvalidFormat, InvalidLength
from sentinelle.identifiers import siren

from .helpers import JUNK, assert_series_agrees

# Luhn keys computed once with stdnum.luhn.calc_check_digit and written here.
VALID = ["123456782", "732829320", "552 008 443", "404.833.048"]
LUHN_INVALID = ["123456783", "732829321", "552008444"]
MALFORMED = [
    "12345678",
    "1234567820",
    "12345678X",
    "123456782\x1c",  # Python's str.strip() (used by stdnum) removes U+001C
    "12345678\uff12",  # full-width 2: stdnum folds it to ASCII
]


@pytest.mark.parametrize("value", VALID)
def test_valid(value: str) -> None:
    assert siren.is_valid(value)
    assert siren.validate(value) == siren.compact(value)


@pytest.mark.parametrize("value", LUHN_INVALID)
def test_luhn_invalid(value: str) -> None:
    with pytest.raises(InvalidChecksum) as info:
        siren.validate(value)
    assert value not in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_errors() -> None:
    with pytest.raises(InvalidLength):
        siren.validate("12345678")
    with pytest.raises(InvalidFormat):
        siren.validate("12345678X")


def test_series_agrees() -> None:
    assert_series_agrees(siren, VALID + LUHN_INVALID + MALFORMED + JUNK)
