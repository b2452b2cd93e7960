"""Dates as written in French exports (dates of birth, sampling dates).

Accepted writings, each optionally followed by a time (``14:30``, ``14h30``,
``14:30:00``, ``14:30:00.000``, ``T14:30:00Z``, ``14:30:00+02:00``)::

    dd/mm/yyyy  dd-mm-yyyy  dd.mm.yyyy    day and month may have one digit
    dd/mm/yy    dd-mm-yy    dd.mm.yy      two-digit year: see below
    yyyy-mm-dd  yyyy/mm/dd                ISO 8601 (calendar date)
    yyyymmdd    ddmmyyyy                  8 digits: yyyymmdd is tried first

Day-first is the French convention; month-first (US) dates are not accepted. A two-digit
year ``yy`` is 20yy when that is not after the current year, else 19yy (a date of birth is
in the past). Years must be in 1850-2100, and the date must exist (no 30 February).

ENTITY is ``DATE_OF_BIRTH``: a date column is one when its header says so; other date
columns (sampling dates) are context for an assessment (time span), not identifiers.
:func:`check_series` returns ISO ``yyyy-mm-dd`` strings; :func:`parse_series` returns a
``pl.Date`` column. Both are vectorised: each writing is a regex that extracts
year/month/day, the ISO string is parsed with ``str.to_date(strict=False)`` (null when
the date does not exist) and the writings are coalesced in order.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import polars as pl

from sentinelle.entities import Entity
from sentinelle.errors import IdentifierError, InvalidFormat
from sentinelle.identifiers._common import mask_chars
from sentinelle.identifiers._series import (
    ENGINE,
    WHITESPACE_CHARS,
    SeriesCheck,
    char_class,
    collect_check,
    made_of,
    source,
)

ENTITY = Entity.DATE_OF_BIRTH

MIN_YEAR = 1850
MAX_YEAR = 2100

_WS = char_class()
_TRIM = rf"^{_WS}+|{_WS}+$"
_TIME = (
    r"(?:(?:[ \t]+|T)(?:[01]?[0-9]|2[0-3])[:hH][0-5][0-9]"
    r"(?::[0-5][0-9](?:[.,][0-9]{1,9})?)?"
    r"(?:Z|[ \t]?[+-][0-9]{2}:?[0-9]{2})?)?"
)
_SEP = r"[/.\-]"
#: Every character a supported writing can hold, surrounding whitespace included.
_RAW = char_class(r"0-9/.\-:hHTZ+,")
#: (name, regex with groups d, m and y or yy), tried in this order.
FORMATS: tuple[tuple[str, str], ...] = (
    ("dd/mm/yyyy", rf"(?P<d>[0-9]{{1,2}}){_SEP}(?P<m>[0-9]{{1,2}}){_SEP}(?P<y>[0-9]{{4}})"),
    ("dd/mm/yy", rf"(?P<d>[0-9]{{1,2}}){_SEP}(?P<m>[0-9]{{1,2}}){_SEP}(?P<yy>[0-9]{{2}})"),
    ("yyyy-mm-dd", r"(?P<y>[0-9]{4})[/\-](?P<m>[0-9]{1,2})[/\-](?P<d>[0-9]{1,2})"),
    ("yyyymmdd", r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
    ("ddmmyyyy", r"(?P<d>[0-9]{2})(?P<m>[0-9]{2})(?P<y>[0-9]{4})"),
)
_COMPILED = tuple((name, re.compile(f"^{rx}{_TIME}$")) for name, rx in FORMATS)


def _pivot() -> int:
    """Two-digit years up to this one are 20yy, later ones 19yy."""
    return dt.date.today().year % 100


def _full_year(match: re.Match[str], pivot: int) -> int:
    if match.groupdict().get("y") is not None:
        return int(match["y"])
    yy = int(match["yy"])
    return (2000 if yy <= pivot else 1900) + yy


def compact(value: str) -> str:
    """Trim surrounding whitespace."""
    return re.sub(_TRIM, "", str(value))


def parse(value: str) -> dt.date:
    """The date written in ``value``, or raise :class:`~sentinelle.errors.InvalidFormat`."""
    text = compact(value)
    pivot = _pivot()
    shaped = False
    for _name, pattern in _COMPILED:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        shaped = True
        year = _full_year(match, pivot)
        if not MIN_YEAR <= year <= MAX_YEAR:
            continue
        try:
            return dt.date(year, int(match["m"]), int(match["d"]))
        except ValueError:
            continue
    if shaped:
        raise InvalidFormat("the date does not exist or its year is out of range")
    raise InvalidFormat("not a date in a supported writing")


def validate(value: str) -> str:
    """The ISO form ``yyyy-mm-dd``, or raise."""
    return parse(value).isoformat()


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except IdentifierError:
        return False
    return True


def mask(value: str) -> str:
    """Keep the writing only: ``**/**/****``."""
    return mask_chars(compact(value))


# --- vectorised -------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _expressions(pivot: int) -> tuple[tuple[pl.Expr, ...], tuple[pl.Expr, ...], pl.Expr, pl.Expr]:
    """(capture groups, ISO spellings, date, first ISO) expressions for a two-digit-year
    pivot, built once (they are immutable)."""
    isos, found, groups = [], [], []
    t = pl.col("t")
    for k, (_name, pattern) in enumerate(_COMPILED):
        # capture groups are costly: extract them only where the match test says so
        groups.append(
            pl.when(t.str.contains(pattern.pattern))
            .then(t)
            .str.extract_groups(pattern.pattern)
            .alias(f"g{k}")
        )
        field = pl.col(f"g{k}").struct.field
        if "yy" in pattern.groupindex:
            yy = field("yy")
            century = pl.when(yy.cast(pl.Int32) <= pivot).then(pl.lit("20")).otherwise(
                pl.lit("19")
            )
            year = pl.concat_str([century, yy])
        else:
            year = field("y")
        iso = pl.concat_str(
            [year, pl.lit("-"), field("m").str.zfill(2), pl.lit("-"), field("d").str.zfill(2)]
        )
        isos.append(iso.alias(f"iso{k}"))
        in_range = year.cast(pl.Int32).is_between(MIN_YEAR, MAX_YEAR)
        date = pl.col(f"iso{k}").str.to_date("%Y-%m-%d", strict=False)
        found.append(pl.when(in_range).then(date))
    return tuple(groups), tuple(isos), pl.coalesce(found), pl.coalesce(pl.col(r"^iso\d+$"))


def _dates_frame(series: pl.Series) -> pl.LazyFrame:
    """Columns ``date`` (first writing that gives an existing date in range) and ``first``
    (ISO spelling of the first writing that matches, possible or not)."""
    groups, isos, date, first = _expressions(_pivot())
    return (
        source(series)
        # strip_chars(WHITESPACE_CHARS) is the regex _TRIM of compact(), without a regex
        .select(t=made_of(pl.col("v"), _RAW).str.strip_chars(WHITESPACE_CHARS))
        .select(groups)
        .with_columns(isos)
        .select(date=date, first=first)
    )


def parse_series(series: pl.Series) -> pl.Series:
    """Vectorised :func:`parse`: a ``pl.Date`` column, null where not a valid date."""
    return _dates_frame(series).collect(engine=ENGINE)["date"].alias(series.name)


def check_lazy(series: pl.Series) -> pl.LazyFrame:
    """The query of :func:`check_series`, not collected (columns ``n``, ``s``, ``ok``)."""
    return _dates_frame(series).select(
        n=pl.coalesce(pl.col("date").dt.strftime("%Y-%m-%d"), pl.col("first")),
        s=pl.col("first").is_not_null(),
        ok=pl.col("date").is_not_null(),
    )


def check_series(series: pl.Series) -> SeriesCheck:
    """Vectorised check: shaped = a supported writing; valid = an existing date in range.

    ``normalised`` is the ISO ``yyyy-mm-dd`` string (for shaped but impossible dates, the
    ISO spelling of the first matching writing).
    """
    return collect_check(check_lazy(series))


__all__ = [
    "ENTITY",
    "FORMATS",
    "MAX_YEAR",
    "MIN_YEAR",
    "check_lazy",
    "check_series",
    "compact",
    "is_valid",
    "mask",
    "parse",
    "parse_series",
    "validate",
]
