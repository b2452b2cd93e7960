from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sentinelle.errors import IdentifierError, InvalidChecksum, InvalidFormat, InvalidLength
from sentinelle.identifiers import nir

from .helpers import JUNK, assert_series_agrees

# Published NIR examples (INSEE / ameli / Wikipedia "Numéro de sécurité sociale en France").
PUBLISHED_VALID = [
    "2 55 08 14 168 025 38",
    "255082A16802597",
    "253072B07300470",
    "295109912611193",
    "269054958815780",
    "178059933010817",
    "185037510002397",  # key 97: N mod 97 == 0
]
PUBLISHED_INVALID = ["255081416802539"]

# Synthetic bodies, keys computed once by hand (97 - N mod 97) and written here.
STRICT_AND_LENIENT = [
    "185307510002344",  # month 30: incomplete civil record
    "185997510002381",  # month 99
    "280019741112333",  # born in Réunion (974), commune 11
    "280019881112334",  # born in New Caledonia (988)
    "175052012345611",  # dept 20: Corsica before 1976
    "385037510002394",  # class 3
    "785037510002388",  # class 7 (temporary number)
    "185039910002331",  # 99 abroad
]
LENIENT_ONLY = [
    "185137510002363",  # month 13
    "185007510002349",  # month 00
    "185437510002358",  # month 43
    "185969612345689",  # département 96 does not exist
    "185037510000023",  # order 000
]
INVALID_ALWAYS = [
    "585037510002391",  # class 5
    "185037510002398",  # wrong key
    "18503751000239",  # 14 characters
    "1850375100023977",  # 16 characters
    "18503751000239X",
    "255082C16802597",  # 2C is not Corsica
]


@pytest.mark.parametrize("value", PUBLISHED_VALID + STRICT_AND_LENIENT)
def test_valid(value: str) -> None:
    assert nir.is_valid(value)
    assert nir.is_valid(value, strict=False)
    assert nir.validate(value) == nir.compact(value)


@pytest.mark.parametrize("value", PUBLISHED_INVALID + INVALID_ALWAYS)
def test_invalid(value: str) -> None:
    assert not nir.is_valid(value)
    assert not nir.is_valid(value, strict=False)
    with pytest.raises(IdentifierError):
        nir.validate(value)


@pytest.mark.parametrize("value", LENIENT_ONLY)
def test_structure_only_rejected_when_strict(value: str) -> None:
    assert nir.is_valid(value, strict=False)
    assert not nir.is_valid(value)
    with pytest.raises(InvalidFormat):
        nir.validate(value)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("185037510002398", InvalidChecksum),
        ("18503751000239", InvalidLength),
        ("18503751000239X", InvalidFormat),
        ("185137510002363", InvalidFormat),
    ],
)
def test_error_classes_and_messages_without_value(value: str, error: type) -> None:
    with pytest.raises(error) as info:
        nir.validate(value)
    assert value not in str(info.value)
    assert value[:8] not in str(info.value)


def test_key_97() -> None:
    assert nir.calc_key("1850375100023") == "97"
    assert nir.validate("1 85 03 75 100 023 97") == "185037510002397"


def test_corsica_key_uses_19_and_18() -> None:
    assert nir.calc_key("255082A168025") == "97"
    assert nir.calc_key("253072B073004") == "70"


@pytest.mark.parametrize(
    ("written", "compact"),
    [
        ("2 55 08 14 168 025 38", "255081416802538"),
        ("2.55.08.14.168.025.38", "255081416802538"),
        ("2-55-08-14-168-025-38", "255081416802538"),
        ("2/55/08/14/168/025/38", "255081416802538"),
        ("2\u00a055\u00a008 14 168 025 38", "255081416802538"),
        (" 2 55 08 2a 168 025 97 ", "255082A16802597"),
        ("255082a16802597", "255082A16802597"),
    ],
)
def test_compact(written: str, compact: str) -> None:
    assert nir.compact(written) == compact
    assert nir.is_valid(written)


def test_format_and_mask() -> None:
    assert nir.format("255081416802538") == "2 55 08 14 168 025 38"
    assert nir.mask("2 55 08 14 168 025 38") == "2 ** ** ** *** *** **"
    assert "1416" not in nir.mask("255081416802538")


TABLE = PUBLISHED_VALID + PUBLISHED_INVALID + STRICT_AND_LENIENT + LENIENT_ONLY + INVALID_ALWAYS


@pytest.mark.parametrize("strict", [True, False])
def test_series_agrees(strict: bool) -> None:
    assert_series_agrees(nir, TABLE + JUNK, strict=strict)


def test_series_counts() -> None:
    check = nir.check_series(pl.Series(TABLE))
    assert check.count == len(PUBLISHED_VALID) + len(STRICT_AND_LENIENT)
    # shaped but failing: the published invalid one, the strict-only ones, the wrong key
    assert check.invalid == len(PUBLISHED_INVALID) + len(LENIENT_ONLY) + 1
    assert check.distinct == check.count


def test_series_of_integers() -> None:
    check = nir.check_series(pl.Series([185037510002397, 185037510002398]))
    assert check.valid.to_list() == [True, False]


# --- property: any valid body with its computed key is valid, in every writing ----------

MONTHS = [f"{m:02d}" for m in [*range(1, 13), *range(20, 43), *range(50, 100)]]
_place = st.one_of(
    st.tuples(
        st.sampled_from([f"{d:02d}" for d in range(1, 96)] + ["2A", "2B"]),
        st.integers(0, 999).map(lambda c: f"{c:03d}"),
    ).map("".join),
    st.tuples(
        st.sampled_from(["97", "98", "99"]), st.integers(0, 999).map(lambda c: f"{c:03d}")
    ).map("".join),
)
BODIES = st.tuples(
    st.sampled_from("123478"),
    st.integers(0, 99).map(lambda y: f"{y:02d}"),
    st.sampled_from(MONTHS),
    _place,
    st.integers(1, 999).map(lambda o: f"{o:03d}"),
).map("".join)


def reference_key(body: str) -> int:
    """Independent of the module: 97 - (N mod 97), 2A -> 19, 2B -> 18."""
    number = int(body.replace("2A", "19").replace("2B", "18"))
    return 97 - number % 97


def writings(body: str, key: str) -> list[str]:
    full = body + key
    parts = [full[0], full[1:3], full[3:5], full[5:7], full[7:10], full[10:13], full[13:]]
    return [
        full,
        " ".join(parts),
        ".".join(parts),
        "-".join(parts),
        full.lower(),
        f" {body} {key} ",
    ]


@settings(max_examples=200, deadline=None)
@given(BODIES, st.integers(0, 99))
def test_property_key(body: str, other: int) -> None:
    key = reference_key(body)
    good = writings(body, f"{key:02d}")
    check = nir.check_series(pl.Series(good))
    assert all(nir.is_valid(w) for w in good)
    assert check.valid.all()
    assert set(check.normalised.to_list()) == {body + f"{key:02d}"}
    if other != key:
        bad = writings(body, f"{other:02d}")
        assert not any(nir.is_valid(w) or nir.is_valid(w, strict=False) for w in bad)
        assert not nir.check_series(pl.Series(bad)).valid.any()
