"""SIREN: French company identifier (9 digits, Luhn).

INSEE assigns a SIREN to every legal unit (company, association, public body; Code de
commerce art. R123-221). The last digit is a Luhn key. Validation is python-stdnum's
``stdnum.fr.siren``; :func:`check_series` is the same rule vectorised.

A SIREN identifies an organisation, not a patient: in a patient file it is context (the
lab, the employer). Luhn lets 10% of random 9-digit strings through: a SIREN column needs
a header or a keyword.
"""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl
from stdnum.fr import siren as stdnum_siren

from sentinelle.entities import Entity
from sentinelle.errors import IdentifierError, InvalidFormat, InvalidLength
from sentinelle.identifiers._common import (
    call_stdnum,
    compact_number,
    digits_only,
    mask_chars,
)
from sentinelle.identifiers._series import (
    SeriesCheck,
    collect_check,
    lazy_check,
    luhn_expr,
)

ENTITY = Entity.SIREN

_SHAPE = r"^[0-9]{9}$"


def compact(value: str) -> str:
    """Remove spaces, dots, hyphens, slashes and underscores."""
    return compact_number(value)


def validate(value: str) -> str:
    """Return the compact SIREN or raise (python-stdnum ``stdnum.fr.siren``)."""
    number = compact(value)
    # stdnum also strips other whitespace and folds full-width digits: check the shape
    # first so that this function and check_series accept exactly the same strings
    if len(number) != 9:
        raise InvalidLength("a SIREN has 9 digits")
    if not re.fullmatch(_SHAPE, number):
        raise InvalidFormat("a SIREN has only digits")
    return call_stdnum(stdnum_siren.validate, number, "SIREN")


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except IdentifierError:
        return False
    return True


def mask(value: str) -> str:
    """``*** *** ***`` shape."""
    number = compact(value)
    return "*** *** ***" if len(number) == 9 else mask_chars(number)


@lru_cache(maxsize=1)
def _expressions() -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(normalised, shaped, valid) expressions, built once (they are immutable)."""
    n = pl.col("n")
    return (
        digits_only(pl.col("v"), 9),
        n.str.contains(_SHAPE),
        luhn_expr(n, 9),
    )


def check_lazy(series: pl.Series) -> pl.LazyFrame:
    """The query of :func:`check_series`, not collected (columns ``n``, ``s``, ``ok``)."""
    return lazy_check(series, *_expressions())


def check_series(series: pl.Series) -> SeriesCheck:
    """Vectorised check: shaped = 9 digits; valid = Luhn key."""
    return collect_check(check_lazy(series))


__all__ = ["ENTITY", "check_lazy", "check_series", "compact", "is_valid", "mask", "validate"]
