"""SIRET: French establishment identifier (14 digits: SIREN + NIC, Luhn).

INSEE assigns a SIRET to each establishment: the 9-digit SIREN of its legal unit, then a
5-digit NIC (4-digit order + 1 key digit). The whole 14 digits pass the Luhn check, and so
does the SIREN part. Exception: La Poste (SIREN ``356 000 000``) has too many
establishments for Luhn; its SIRET numbers (except the head office ``356 000 000 00048``)
only need a digit sum that is a multiple of 5 (INSEE; Wikipedia "Système d'identification
du répertoire des établissements"). python-stdnum's ``stdnum.fr.siret`` implements both
rules and is what :func:`validate` calls; :func:`check_series` is the same rule vectorised.
"""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl
from stdnum.fr import siret as stdnum_siret

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
    digit_exprs,
    lazy_check,
    luhn_digits_expr,
)

ENTITY = Entity.SIRET

_SHAPE = r"^[0-9]{14}$"
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"


def compact(value: str) -> str:
    """Remove spaces, dots, hyphens, slashes and underscores."""
    return compact_number(value)


def validate(value: str) -> str:
    """Return the compact SIRET or raise (python-stdnum ``stdnum.fr.siret``)."""
    number = compact(value)
    # stdnum also strips other whitespace and folds full-width digits: check the shape
    # first so that this function and check_series accept exactly the same strings
    if len(number) != 14:
        raise InvalidLength("a SIRET has 14 digits")
    if not re.fullmatch(_SHAPE, number):
        raise InvalidFormat("a SIRET has only digits")
    return call_stdnum(stdnum_siret.validate, number, "SIRET")


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except IdentifierError:
        return False
    return True


def mask(value: str) -> str:
    """``*** *** *** *****`` shape."""
    number = compact(value)
    return "*** *** *** *****" if len(number) == 14 else mask_chars(number)


@lru_cache(maxsize=1)
def _expressions() -> tuple[pl.Expr, pl.Expr, pl.Expr, tuple[pl.Expr, ...]]:
    """(normalised, shaped, valid, steps) expressions, built once (they are immutable)."""
    n = pl.col("n")
    # the 14 digits, computed once into columns d0..d13 (see finish): three sums read them
    steps = tuple(d.alias(f"d{i}") for i, d in enumerate(digit_exprs(n, 14)))
    digits = [pl.col(f"d{i}") for i in range(14)]
    la_poste = n.str.starts_with(LA_POSTE_SIREN) & (n != LA_POSTE_HEAD_OFFICE)
    key_ok = (
        pl.when(la_poste)
        .then((pl.sum_horizontal(digits, ignore_nulls=False) % 5 == 0).fill_null(False))
        .otherwise(luhn_digits_expr(digits))
    )
    return (
        digits_only(pl.col("v"), 14),
        n.str.contains(_SHAPE),
        key_ok & luhn_digits_expr(digits[:9]),  # the SIREN part
        steps,
    )


def check_lazy(series: pl.Series) -> pl.LazyFrame:
    """The query of :func:`check_series`, not collected (columns ``n``, ``s``, ``ok``)."""
    normalised, shaped, valid, steps = _expressions()
    return lazy_check(series, normalised, shaped, valid, steps=steps)


def check_series(series: pl.Series) -> SeriesCheck:
    """Vectorised check: shaped = 14 digits; valid = Luhn (La Poste: digit sum % 5)."""
    return collect_check(check_lazy(series))


__all__ = [
    "ENTITY",
    "LA_POSTE_HEAD_OFFICE",
    "LA_POSTE_SIREN",
    "check_lazy",
    "check_series",
    "compact",
    "is_valid",
    "mask",
    "validate",
]
