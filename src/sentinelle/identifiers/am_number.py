"""AM number: Assurance Maladie identifier of a health professional's practice (9 digits).

The "numéro AM" (numéro d'identification Assurance Maladie, also "numéro de facturation")
is issued by the CNAM to each liberal activity of a health professional: a professional
has as many AM numbers as practices, it appears on prescriptions and care sheets, and
the ANS does not publish it (industriels.esante.gouv.fr FAQ, "Différences entre les
identifiants RPPS, AM et FINESS": "9 caractères numériques").

Verified: 9 numeric characters. NOT verified: the internal layout. No public source we
could find documents it; this module assumes the layout of the ADELI number it derives
from (a 2-digit département first: 01-95 or 97, then a Luhn key over the 9 digits).
Treat a failed key as "probably not an AM number", not as proof. An AM number column is
indistinguishable from an ADELI column by value: use the header.
The Luhn check is python-stdnum's ``stdnum.luhn``.
"""

from __future__ import annotations

import polars as pl

from sentinelle.entities import Entity
from sentinelle.errors import IdentifierError
from sentinelle.identifiers._common import (
    DEPT_DIGITS,
    check_dept_luhn_lazy,
    compact_number,
    mask_dept9,
    validate_dept_luhn,
)
from sentinelle.identifiers._series import SeriesCheck, collect_check

ENTITY = Entity.AM_NUMBER


def compact(value: str) -> str:
    """Remove spaces, dots, hyphens, slashes and underscores."""
    return compact_number(value)


def validate(value: str) -> str:
    """Return the compact AM number or raise (9 digits, département prefix, Luhn)."""
    return validate_dept_luhn(value, dept=DEPT_DIGITS, label="AM number", letters=False)


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except IdentifierError:
        return False
    return True


def mask(value: str) -> str:
    """``** *** *** *`` shape."""
    return mask_dept9(value)


def check_lazy(series: pl.Series) -> pl.LazyFrame:
    """The query of :func:`check_series`, not collected (columns ``n``, ``s``, ``ok``)."""
    return check_dept_luhn_lazy(series, dept=DEPT_DIGITS, letters=False)


def check_series(series: pl.Series) -> SeriesCheck:
    """Vectorised check: shaped = 9 digits; valid = département prefix and Luhn key."""
    return collect_check(check_lazy(series))


__all__ = ["ENTITY", "check_lazy", "check_series", "compact", "is_valid", "mask", "validate"]
