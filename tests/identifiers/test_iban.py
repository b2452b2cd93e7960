from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban

from sentinelle.errors import InvalidChecksum, InvalidFormat, InvalidLength
from sentinelle.identifiers import iban
from sentinelle.identifiers._series import compact_expr

from .helpers import JUNK, assert_series_agrees

# Synthetic accounts; RIB keys and IBAN check digits computed once and written here.
VALID = [
    "FR7630006000011234567890189",
    "FR76 3000 6000 0112 3456 7890 189",
    "fr76-3000-6000-0112-3456-7890-189",
    "IBAN FR76 3000 6000 0112 3456 7890 189",
    "FR8510278060010002034140A18",  # a letter in the account number
    "FR951234567890ABCDEFGHIJK68",
    "MC5830006000011234567890189",  # Monaco: French BBAN
]
IBAN_KEY_INVALID = ["FR7730006000011234567890189", "FR8610278060010002034140A18"]
# IBAN check digits recomputed for a wrong RIB key, so only the RIB key fails:
RIB_KEY_INVALID = ["FR0630006000011234567890188"]
MALFORMED = [
    "FR763000600001123456789018",  # 26 characters
    "FR76300060000112345678901890",  # 28
    "DE89370400440532013000",  # German IBAN: out of scope
    "FR76A0006000011234567890189",  # letter in the bank code
    "GB7630006000011234567890189",
]


@pytest.mark.parametrize("value", VALID)
def test_valid(value: str) -> None:
    assert iban.is_valid(value)
    assert iban.validate(value) == iban.compact(value)
    assert len(iban.validate(value)) == 27


@pytest.mark.parametrize("value", IBAN_KEY_INVALID + RIB_KEY_INVALID)
def test_checksum(value: str) -> None:
    with pytest.raises(InvalidChecksum) as info:
        iban.validate(value)
    assert value not in str(info.value)
    assert value[4:14] not in str(info.value)


@pytest.mark.parametrize("value", RIB_KEY_INVALID)
def test_rib_key_checked_beyond_stdnum(value: str) -> None:
    assert stdnum_iban.is_valid(value)  # mod 97 and structure are fine
    assert not iban.is_valid(value)


def test_rib_key() -> None:
    assert iban.rib_key("30006", "00001", "12345678901") == "89"
    # letters count as digits: A=1, so the same key as account ...0001
    assert iban.rib_key("10278", "06001", "0002034140A") == iban.rib_key(
        "10278", "06001", "00020341401"
    )


@pytest.mark.parametrize("value", MALFORMED)
def test_malformed(value: str) -> None:
    assert not iban.is_valid(value)
    with pytest.raises((InvalidFormat, InvalidLength)):
        iban.validate(value)


def test_mask() -> None:
    assert iban.mask("FR76 3000 6000 0112 3456 7890 189") == "FR** **** **** **** **** **** ***"


def test_series_agrees() -> None:
    values = VALID + IBAN_KEY_INVALID + RIB_KEY_INVALID + MALFORMED + JUNK
    assert_series_agrees(iban, values)


# --- the cheap prefilter of check_series never drops a shaped value -----------------------

_TRICKY = st.sampled_from(
    ["FR", "fr", "Fr", "MC", "mc", "IBAN", "iban", "ıban", "IBAN:", "F", "R", "M", "C", "I",
     "B", "A", "N", " ", "  ", "-", ".", "\u00a0", "\u2003", "ß", "ı", "ſ", "ﬀ", "ﬁ", "ﬆ",
     "76", "3000", "6000", "0112", "3456", "7890", "189", "A18", "x", "é", "/"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_TRICKY, min_size=1, max_size=14).map("".join), max_size=30))
def test_prefilter_keeps_every_shaped_value(values: list[str]) -> None:
    labelled = [f"{label}{v}" for v in VALID for label in ("IBAN ", "ıban", " i.b-a n ", "Mc")]
    values = values + VALID + labelled + [v.lower() for v in VALID]
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    unfiltered = frame.select(
        compact_expr(pl.col("v"), separators=iban.SEPARATORS)
        .str.replace("^IBAN", "")
        .str.contains(iban._SHAPE)
    )["v"]
    candidate = frame.select(pl.col("v").str.contains(iban._CANDIDATE))["v"]
    missed = [v for v, s, c in zip(values, unfiltered, candidate, strict=True) if s and not c]
    assert not missed
    assert unfiltered.sum() >= len(VALID) * 4  # the labelled ones are shaped (not "Mc...")
    assert iban.check_series(frame["v"]).shaped.to_list() == unfiltered.to_list()
