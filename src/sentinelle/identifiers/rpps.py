"""RPPS: Répertoire Partagé des Professionnels de Santé number (11 digits, Luhn).

The RPPS number identifies a health professional for life; it is issued by the ANS
(Agence du Numérique en Santé) through the professional orders. Format (ANS, "Différences
entre les identifiants RPPS, AM et FINESS", industriels.esante.gouv.fr FAQ)::

    10 XXXXXXXX K     11 numeric characters, not meaningful, the last one a Luhn key;
                      the numbers issued so far all start with ``10``

In HL7 v2 and FHIR the RPPS often appears prefixed with ``8`` as the "identifiant
national" (IDNPS, 12 characters): strip that prefix before calling this module.

A Luhn key lets about 10% of random 11-digit strings through, so an RPPS column needs
context (a header, a keyword, the HL7 assigning authority ``ASIP-SANTE-PS``).
``strict=True`` (the default) also requires the ``10`` prefix, which cuts random matches
by another factor 100. The Luhn check is python-stdnum's ``stdnum.luhn``.
"""

from __future__ import annotations

import re
from functools import cache

import polars as pl
from stdnum import luhn

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

ENTITY = Entity.RPPS

_SHAPE = r"^[0-9]{11}$"
_LABEL = "RPPS"


def compact(value: str) -> str:
    """Remove spaces, dots, hyphens, slashes and underscores."""
    return compact_number(value)


def validate(value: str, *, strict: bool = True) -> str:
    """Return the compact RPPS number or raise. ``strict`` also requires the ``10`` prefix."""
    number = compact(value)
    if len(number) != 11:
        raise InvalidLength("an RPPS number has 11 digits")
    if not re.fullmatch(_SHAPE, number):
        raise InvalidFormat("an RPPS number has only digits")
    if strict and not number.startswith("10"):
        raise InvalidFormat("issued RPPS numbers start with 10")
    call_stdnum(luhn.validate, number, _LABEL)
    return number


def is_valid(value: str, *, strict: bool = True) -> bool:
    try:
        validate(value, strict=strict)
    except IdentifierError:
        return False
    return True


def mask(value: str) -> str:
    """``10 *** *** ***`` shape (the ``10`` prefix is not identifying)."""
    number = compact(value)
    if len(number) != 11:
        return mask_chars(number)
    return f"{number[:2]} *** *** ***" if number.startswith("10") else "** *** *** ***"


@cache
def _expressions(strict: bool) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(normalised, shaped, valid) expressions, built once (they are immutable)."""
    n = pl.col("n")
    valid = luhn_expr(n, 11)
    if strict:
        valid = valid & n.str.starts_with("10")
    return (
        digits_only(pl.col("v"), 11),
        n.str.contains(_SHAPE),
        valid,
    )


def check_lazy(series: pl.Series, *, strict: bool = True) -> pl.LazyFrame:
    """The query of :func:`check_series`, not collected (columns ``n``, ``s``, ``ok``)."""
    return lazy_check(series, *_expressions(strict))


def check_series(series: pl.Series, *, strict: bool = True) -> SeriesCheck:
    """Vectorised check: shaped = 11 digits; valid = Luhn (and the ``10`` prefix if strict)."""
    return collect_check(check_lazy(series, strict=strict))


__all__ = ["ENTITY", "check_lazy", "check_series", "compact", "is_valid", "mask", "validate"]
