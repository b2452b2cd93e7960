"""Vectorised check digits and number writings, checked against python-stdnum and
phonenumbers."""

from __future__ import annotations

import numpy as np
import phonenumbers
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.fr import nir as stdnum_nir

from sentinelle.synth.numbers import (
    PHONE_STYLES,
    landline_nsn,
    luhn_check_digit,
    mobile_nsn,
    nir_key,
    nir_written,
    phone_written,
    reunion_mobile_nsn,
)


@given(st.lists(st.integers(min_value=0, max_value=10**13 - 1), min_size=1, max_size=50))
def test_nir_key_matches_stdnum(bodies: list[int]) -> None:
    keys = nir_key(np.array(bodies, dtype=np.int64))
    for body, key in zip(bodies, keys, strict=True):
        assert f"{key:02d}" == stdnum_nir.calc_check_digits(f"{body:013d}")


def test_nir_key_corsica_mapping() -> None:
    # 2A -> 19, 2B -> 18 before the mod 97 (stdnum's documented examples)
    for nir in ("253072B07300470", "253072A07300443"):
        body = int(nir[:13].replace("2A", "19").replace("2B", "18"))
        assert f"{nir_key(np.array([body]))[0]:02d}" == nir[13:]


@given(st.lists(st.integers(min_value=0, max_value=10**10 - 1), min_size=1, max_size=50),
       st.sampled_from([8, 10]))
def test_luhn_check_digit(payloads: list[int], width: int) -> None:
    payloads = [p % 10**width for p in payloads]
    digits = luhn_check_digit(np.array(payloads, dtype=np.int64), width)
    for p, d in zip(payloads, digits, strict=True):
        assert luhn.is_valid(f"{p:0{width}d}{d}")


def test_nir_writings_compact_back() -> None:
    nirs = ["185037512345641", "253072B07300470"]
    frame = pl.DataFrame({"nir": nirs * 4, "style": [0, 0, 1, 1, 2, 2, 3, 3]})
    out = frame.select(nir_written(pl.col("nir"), pl.col("style"))).to_series().to_list()
    assert out[2] == "1 85 03 75 123 456 41"
    assert out[5] == "2.53.07.2B.073.004.70"
    assert out[6] == "1-85-03-75-123-456-41"
    for written, nir in zip(out, nirs * 4, strict=True):
        assert written.replace(" ", "").replace(".", "").replace("-", "") == nir


@settings(max_examples=25, deadline=None)  # no timing in unit tests (shared CPU)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_every_phone_writing_parses_to_the_same_number(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 40
    nsn = np.concatenate([mobile_nsn(rng, n), landline_nsn(rng, rng.integers(1, 6, n)),
                          reunion_mobile_nsn(rng, n)])
    cc = np.array([33] * (2 * n) + [262] * n)
    for style in range(len(PHONE_STYLES)):
        frame = pl.DataFrame({"nsn": nsn, "cc": cc, "style": [style] * len(nsn)})
        written = frame.select(
            phone_written(pl.col("nsn"), pl.col("cc"), pl.col("style"))
        ).to_series().to_list()
        for text, number, code in zip(written, nsn, cc, strict=True):
            region = "FR" if code == 33 else "RE"
            parsed = phonenumbers.parse(text, region)
            assert phonenumbers.is_valid_number(parsed), style
            assert parsed.country_code == code
            assert parsed.national_number == number


def test_reunion_mobiles_need_the_re_region() -> None:
    rng = np.random.default_rng(0)
    text = f"0{reunion_mobile_nsn(rng, 1)[0]}"
    assert not phonenumbers.is_valid_number(phonenumbers.parse(text, "FR"))
    assert phonenumbers.is_valid_number(phonenumbers.parse(text, "RE"))
