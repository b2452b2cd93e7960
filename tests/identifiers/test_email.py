from __future__ import annotations

import pytest

from sentinelle.errors import InvalidFormat, InvalidLength
from sentinelle.identifiers import email

from .helpers import JUNK, assert_series_agrees

VALID = [
    ("jean.dupont@example.fr", "jean.dupont@example.fr"),
    ("Jean.Dupont@Example.FR", "jean.dupont@example.fr"),
    (" mailto:marie+labo@sub.example-lab.com ", "marie+labo@sub.example-lab.com"),
    ("o'brien@example.ie", "o'brien@example.ie"),
    ("a_b-c@x1.example.org", "a_b-c@x1.example.org"),
    ("user@xn--caf-dma.fr", "user@xn--caf-dma.fr"),
    ("x@example.xn--p1ai", "x@example.xn--p1ai"),
]
INVALID = [
    "jean.dupont@example",  # no TLD
    "jean..dupont@example.fr",
    ".jean@example.fr",
    "jean.@example.fr",
    "jean dupont@example.fr",
    "jean@exa mple.fr",
    "jean@@example.fr",
    "jean@-example.fr",
    "jean@example-.fr",
    "jean@example.f",
    "jean@example.123",
    "hélène@example.fr",  # non-ASCII local part: not accepted
    "jean@exämple.fr",
    "@example.fr",
    "jean@",
    "a" * 65 + "@example.fr",
    "a@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + "." + "e" * 63 + ".fr",  # > 254
]


@pytest.mark.parametrize(("written", "canonical"), VALID)
def test_valid(written: str, canonical: str) -> None:
    assert email.validate(written) == canonical


@pytest.mark.parametrize("value", INVALID)
def test_invalid(value: str) -> None:
    assert not email.is_valid(value)
    with pytest.raises((InvalidFormat, InvalidLength)) as info:
        email.validate(value)
    assert value.strip() not in str(info.value)


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("jean.dupont@example.fr", "*@*.fr"),
        ("X@Y.COM", "*@*.com"),
        ("not an address", "*** ** *******"),
    ],
)
def test_mask(written: str, masked: str) -> None:
    assert email.mask(written) == masked


def test_series_agrees() -> None:
    assert_series_agrees(email, [w for w, _ in VALID] + INVALID + JUNK)
