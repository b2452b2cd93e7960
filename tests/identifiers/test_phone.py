from __future__ import annotations

import random

import polars as pl
import pytest

from sentinelle.errors import InvalidFormat
from sentinelle.identifiers import phone

from .helpers import JUNK, assert_series_agrees

VALID = [
    ("06 12 34 56 78", "+33612345678"),
    ("07 81 23 45 67", "+33781234567"),
    ("06.12.34.56.78", "+33612345678"),
    ("06-12-34-56-78", "+33612345678"),
    ("0612345678", "+33612345678"),
    ("+33 6 12 34 56 78", "+33612345678"),
    ("+33612345678", "+33612345678"),
    ("0033 6 12 34 56 78", "+33612345678"),
    ("+33 (0)6 12 34 56 78", "+33612345678"),
    ("(+33) 6 12 34 56 78", "+33612345678"),
    ("01 23 45 67 89", "+33123456789"),
    ("02 99 12 34 56", "+33299123456"),
    ("03 20 12 34 56", "+33320123456"),
    ("04 91 12 34 56", "+33491123456"),
    ("05 56 12 34 56", "+33556123456"),
    ("09 51 23 45 67", "+33951234567"),
    ("0800 12 34 56", "+33800123456"),
    # overseas, written nationally: region retries
    ("0262 26 12 34", "+262262261234"),  # Réunion landline
    ("0692 12 34 56", "+262692123456"),  # Réunion mobile
    ("0693 12 34 56", "+262693123456"),
    ("0269 61 23 45", "+262269612345"),  # Mayotte landline
    ("0639 01 23 45", "+262639012345"),  # Mayotte mobile
    ("0590 12 34 56", "+590590123456"),  # Guadeloupe landline
    ("0690 12 34 56", "+590690123456"),  # Guadeloupe mobile
    ("0596 30 12 34", "+596596301234"),  # Martinique landline
    ("0696 12 34 56", "+596696123456"),  # Martinique mobile
    ("0594 12 34 56", "+594594123456"),  # Guyane landline
    ("0694 12 34 56", "+594694123456"),  # Guyane mobile
    # overseas, international
    ("+262 692 12 34 56", "+262692123456"),
    ("00262 262 26 12 34", "+262262261234"),
    ("+590 690 12 34 56", "+590690123456"),
    ("+596 696 12 34 56", "+596696123456"),
    ("+594 694 12 34 56", "+594694123456"),
]
INVALID = [
    "06 12 34 56 7",  # 9 digits
    "06 12 34 56 789",  # 11 digits
    "00 12 34 56 78",
    "0012345678",
    "+44 20 7946 0958",  # not French: out of scope
    "+33 0 12 34 56 78",
    "+262 612 34 56 78",  # a metropolitan mobile range under +262
    "0612345678 ext 12",
    "Tel: 0612345678",
    "06 12 34 56 78 / 07 12 34 56 78",
]


@pytest.mark.parametrize(("written", "e164"), VALID)
def test_valid(written: str, e164: str) -> None:
    assert phone.is_valid(written)
    assert phone.validate(written) == e164


@pytest.mark.parametrize("value", INVALID)
def test_invalid(value: str) -> None:
    assert not phone.is_valid(value)
    with pytest.raises(InvalidFormat) as info:
        phone.validate(value)
    assert value not in str(info.value)


def test_integer_lost_its_zero() -> None:
    assert phone.compact(612345678) == "0612345678"
    assert phone.validate(612345678) == "+33612345678"
    check = phone.check_series(pl.Series([612345678, 262261234, 12]))
    assert check.valid.to_list() == [True, True, False]
    assert check.normalised.to_list()[:2] == ["+33612345678", "+262262261234"]


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("06 12 34 56 78", "06 ** ** ** **"),
        ("+33 6 12 34 56 78", "+33 6 ** ** ** **"),
        ("0692123456", "06 ** ** ** **"),
        ("+262692123456", "+262 6 ** ** ** **"),
    ],
)
def test_mask(written: str, masked: str) -> None:
    assert phone.mask(written) == masked


def test_series_agrees_on_table() -> None:
    assert_series_agrees(phone, [w for w, _ in VALID] + INVALID + JUNK)


def test_series_agrees_on_broad_sample() -> None:
    """Every 3-digit prefix after 0, national and international, random subscriber digits."""
    rng = random.Random(20240601)
    prefixes = ["", "0"]
    international = ["+33", "0033", "+262", "00262", "+590", "+594", "+596", "00596"]
    separators = ["", " ", ".", "-"]
    values = []
    for head in range(100, 1000):
        for _ in range(6):
            nsn = f"{head}{rng.randrange(10**6):06d}"
            sep = rng.choice(separators)
            spaced = sep.join([nsn[:1], nsn[1:3], nsn[3:5], nsn[5:7], nsn[7:]])
            values.append("0" + spaced)
            values.append(rng.choice(international) + rng.choice(prefixes) + spaced)
    assert_series_agrees(phone, values)
    # the sample must exercise both outcomes in every family of prefixes
    check = phone.check_series(pl.Series(values))
    assert 0.2 < check.valid.mean() < 0.9
