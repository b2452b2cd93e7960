from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sentinelle.errors import InvalidFormat
from sentinelle.identifiers import dates

from .helpers import JUNK, assert_series_agrees

VALID = [
    ("12/05/1980", "1980-05-12"),
    ("12-05-1980", "1980-05-12"),
    ("12.05.1980", "1980-05-12"),
    ("1/5/1980", "1980-05-01"),
    ("12.05.80", "1980-05-12"),
    ("12/05/80", "1980-05-12"),
    ("03.02.01", "2001-02-03"),  # two-digit year not after this year: 20yy
    ("1980-05-12", "1980-05-12"),
    ("1980/05/12", "1980-05-12"),
    ("19800512", "1980-05-12"),
    ("12051980", "1980-05-12"),
    ("20200115", "2020-01-15"),  # yyyymmdd
    ("01022020", "2020-02-01"),  # not a yyyymmdd date: ddmmyyyy
    ("29/02/2000", "2000-02-29"),
    ("12/05/1980 14:30", "1980-05-12"),
    ("12/05/1980 14h30", "1980-05-12"),
    ("12/05/1980 14:30:59", "1980-05-12"),
    ("1980-05-12T14:30:00Z", "1980-05-12"),
    ("1980-05-12 00:00:00.000", "1980-05-12"),
    ("1980-05-12T00:00:00+02:00", "1980-05-12"),
    (" 12/05/1980 ", "1980-05-12"),
]
IMPOSSIBLE = ["30/02/1980", "29/02/1900", "31/04/1980", "12/13/1980", "00/05/1980", "01/01/1800",
              "01/01/2101", "19801312"]  # fmt: skip
NOT_DATES = ["1980", "12/05", "12/05/1980 25:00", "May 12, 1980", "12 mai 1980", "1980-05-12-",
             "123456789", "12:30"]  # fmt: skip


@pytest.mark.parametrize(("written", "iso"), VALID)
def test_valid(written: str, iso: str) -> None:
    assert dates.validate(written) == iso
    assert dates.parse(written) == dt.date.fromisoformat(iso)


@pytest.mark.parametrize("value", IMPOSSIBLE + NOT_DATES)
def test_invalid(value: str) -> None:
    assert not dates.is_valid(value)
    with pytest.raises(InvalidFormat) as info:
        dates.parse(value)
    assert value not in str(info.value)


def test_two_digit_year_pivot() -> None:
    this_year = dt.date.today().year % 100
    assert dates.parse(f"01.01.{this_year:02d}").year == 2000 + this_year
    if this_year < 99:
        assert dates.parse(f"01.01.{this_year + 1:02d}").year == 1901 + this_year


def test_mask() -> None:
    assert dates.mask("12/05/1980") == "**/**/****"


def test_series_agrees() -> None:
    assert_series_agrees(dates, [w for w, _ in VALID] + IMPOSSIBLE + NOT_DATES + JUNK)


def test_shaped_counts_impossible_dates() -> None:
    check = dates.check_series(pl.Series(IMPOSSIBLE + NOT_DATES))
    assert check.shaped.to_list() == [True] * len(IMPOSSIBLE) + [False] * len(NOT_DATES)
    assert check.count == 0


def test_parse_series() -> None:
    values = [w for w, _ in VALID] + ["30/02/1980", None, "junk"]
    out = dates.parse_series(pl.Series("dob", values))
    assert out.dtype == pl.Date
    assert out.name == "dob"
    expected = [dt.date.fromisoformat(iso) for _, iso in VALID] + [None, None, None]
    assert out.to_list() == expected


@settings(max_examples=150, deadline=None)
@given(
    st.dates(min_value=dt.date(1850, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y%m%d", "%d%m%Y",
                     "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S"]),  # fmt: skip
)
def test_round_trip(day: dt.date, fmt: str) -> None:
    written = dt.datetime.combine(day, dt.time(13, 45, 10)).strftime(fmt)
    parsed = dates.parse(written)
    if fmt == "%Y%m%d" or fmt == "%d%m%Y":
        # 8 digits are ambiguous only when both readings exist; yyyymmdd wins then
        assert parsed == day or dates.validate(written) == parsed.isoformat()
    else:
        assert parsed == day
    assert dates.parse_series(pl.Series([written])).to_list() == [parsed]
