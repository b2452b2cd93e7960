from __future__ import annotations

import pytest

from sentinelle.errors import InvalidFormat, InvalidLength
from sentinelle.identifiers import nnp

from .helpers import JUNK, assert_series_agrees

VALID = ["7112312345678", "8 2 456 00000001", "81.001.12345678", "7299999999999"]
INVALID = [
    "7312312345678",  # second digit must be 1 or 2
    "1112312345678",  # first digit must be 7 or 8
    "711231234567",  # 12 digits
    "71123123456789",  # 14 digits
    "711231234567X",
]


@pytest.mark.parametrize("value", VALID)
def test_valid(value: str) -> None:
    assert nnp.is_valid(value)
    assert nnp.validate(value) == nnp.compact(value)


@pytest.mark.parametrize("value", INVALID)
def test_invalid(value: str) -> None:
    assert not nnp.is_valid(value)


def test_errors() -> None:
    with pytest.raises(InvalidLength):
        nnp.validate("711231234567")
    with pytest.raises(InvalidFormat) as info:
        nnp.validate("7312312345678")
    assert "7312312345678" not in str(info.value)


def test_mask() -> None:
    assert nnp.mask("8 2 456 00000001") == "8 * *** ********"


def test_series_agrees() -> None:
    assert_series_agrees(nnp, VALID + INVALID + JUNK)
