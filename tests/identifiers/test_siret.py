from __future__ import annotations

import pytest

from sentinelle.errors import InvalidChecksum
from sentinelle.identifiers import siret

from .helpers import JUNK, assert_series_agrees

# Luhn keys computed once with stdnum.luhn.calc_check_digit and written here.
VALID = [
    "73282932000074",
    "40483304800014",
    "12345678200036",
    "732 829 320 00074",
    "35600000000048",  # La Poste head office: ordinary Luhn
    "35600000011112",  # La Poste establishment: digit sum 20, not Luhn-valid
]
LUHN_INVALID = ["73282932000075", "40483304800015", "12345678200037"]
LA_POSTE_INVALID = [
    "35600000011113",  # digit sum 21
    "35600000010013",  # Luhn-valid but digit sum 19: La Poste numbers use the sum rule
    "35600000000049",
]
BAD_SIREN = ["12345678300018"]  # Luhn-valid as 14 digits, but SIREN 123456783 is not
MALFORMED = [
    "7328293200007",
    "732829320000745",
    "7328293200007X",
    "73282932000074\x1e",  # stripped by stdnum, not a separator here
    "7328293200007\uff14",  # full-width 4
]


@pytest.mark.parametrize("value", VALID)
def test_valid(value: str) -> None:
    assert siret.is_valid(value)


@pytest.mark.parametrize("value", LUHN_INVALID + LA_POSTE_INVALID)
def test_checksum_invalid(value: str) -> None:
    with pytest.raises(InvalidChecksum):
        siret.validate(value)


@pytest.mark.parametrize("value", BAD_SIREN + MALFORMED)
def test_invalid(value: str) -> None:
    assert not siret.is_valid(value)


def test_series_agrees() -> None:
    values = VALID + LUHN_INVALID + LA_POSTE_INVALID + BAD_SIREN + MALFORMED + JUNK
    assert_series_agrees(siret, values)
