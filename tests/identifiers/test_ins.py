from __future__ import annotations

import pytest

from sentinelle.entities import Entity
from sentinelle.errors import InvalidFormat
from sentinelle.identifiers import ins

from .helpers import JUNK, assert_series_agrees

CX = "{}^^^ASIP-SANTE-INS-NIR&{}&ISO^INS"

VALID = [
    "185037510002397",
    "2 55 08 14 168 025 38",
    CX.format("185037510002397", ins.OID_NIR),
    CX.format("255082A16802597", ins.OID_NIA),
    CX.format("185037510002397", ins.OID_TEST),
    CX.format("185037510002397", ins.OID_DEMO),
    "185037510002397^^^ASIP-SANTE-INS-NIR& 1.2.250.1.213.1.4.8 &ISO",
]
INVALID = [
    "185037510002398",  # wrong key
    CX.format("185037510002398", ins.OID_NIR),  # wrong key
    CX.format("185037510002397", "1.2.250.1.213.1.4.12"),  # unknown OID
    CX.format("185037510002397", ""),
    "185037510002397^^^ASIP-SANTE-INS-NIR",  # no OID in the authority
    "185037510002397^^",
    "12345^^^HOPITAL&1.2.3&ISO^PI",  # a local patient id
]


def test_entity_is_nir() -> None:
    assert ins.ENTITY == Entity.NIR


@pytest.mark.parametrize(
    ("oid", "kind"),
    [
        ("1.2.250.1.213.1.4.8", "NIR"),
        ("1.2.250.1.213.1.4.9", "NIA"),
        ("1.2.250.1.213.1.4.10", "TEST"),
        ("1.2.250.1.213.1.4.11", "DEMO"),
        ("1.2.250.1.213.1.4.1", None),
        ("1.2.250.1.213.1.4.80", None),
        ("", None),
    ],
)
def test_oid_kind(oid: str, kind: str | None) -> None:
    assert ins.oid_kind(oid) == kind


def test_split() -> None:
    assert ins.split(CX.format("1 85 03 75 100 023 97", ins.OID_NIA)) == (
        "185037510002397",
        ins.OID_NIA,
    )
    assert ins.split("185037510002397") == ("185037510002397", None)


@pytest.mark.parametrize("value", VALID)
def test_valid(value: str) -> None:
    assert ins.is_valid(value)
    assert ins.validate(value) == ins.compact(value)


@pytest.mark.parametrize("value", INVALID)
def test_invalid(value: str) -> None:
    assert not ins.is_valid(value)


def test_unknown_oid_message() -> None:
    with pytest.raises(InvalidFormat) as info:
        ins.validate(CX.format("185037510002397", "9.9.9"))
    assert "185037510002397" not in str(info.value)


def test_mask() -> None:
    assert ins.mask(CX.format("185037510002397", ins.OID_NIR)) == "1 ** ** ** *** *** **"


def test_series_agrees() -> None:
    assert_series_agrees(ins, VALID + INVALID + JUNK)
