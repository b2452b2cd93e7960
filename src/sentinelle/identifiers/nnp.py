"""NNP: numéro provisoire (provisional social security number), 13 characters, no key.

Before a person has a NIR (or while it is being certified), the Assurance Maladie used a
provisional number, the NNP: 13 characters starting with ``7`` or ``8`` then ``1`` or ``2``
(sex), a 3-digit caisse (fund) code and an 8-digit order number. It has no key. NNPs were
abolished at the end of 2022 but fill lab data of 2015-2020 (Sentinelle DESIGN.md)::

    [78] [12] CCC OOOOOOOO

Without a key, 13 digits starting ``71``/``72``/``81``/``82`` is the whole check: an NNP
column needs context (header, or a NIR column next to it). A NIA (numéro d'identification
d'attente) has the NIR layout and key and is checked by :mod:`~sentinelle.identifiers.nir`.
"""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl

from sentinelle.entities import Entity
from sentinelle.errors import IdentifierError, InvalidFormat, InvalidLength
from sentinelle.identifiers._common import compact_number, digits_only, mask_chars
from sentinelle.identifiers._series import (
    SeriesCheck,
    collect_check,
    lazy_check,
)

ENTITY = Entity.NNP

_SHAPE = r"^[0-9]{13}$"
_VALID = r"^[78][12][0-9]{3}[0-9]{8}$"


def compact(value: str) -> str:
    """Remove spaces, dots, hyphens, slashes and underscores."""
    return compact_number(value)


def validate(value: str) -> str:
    """Return the compact NNP or raise."""
    number = compact(value)
    if len(number) != 13:
        raise InvalidLength("an NNP has 13 digits")
    if not re.fullmatch(_SHAPE, number):
        raise InvalidFormat("an NNP has only digits")
    if not re.fullmatch(_VALID, number):
        raise InvalidFormat("an NNP starts with 7 or 8, then 1 or 2")
    return number


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except IdentifierError:
        return False
    return True


def mask(value: str) -> str:
    """Keep the first character and the shape: ``8 * *** ********``."""
    number = compact(value)
    if len(number) != 13:
        return mask_chars(number)
    return f"{number[0]} * *** ********" if number[0] in "78" else "* * *** ********"


@lru_cache(maxsize=1)
def _expressions() -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(normalised, shaped, valid) expressions, built once (they are immutable)."""
    n = pl.col("n")
    return (
        digits_only(pl.col("v"), 13),
        n.str.contains(_SHAPE),
        n.str.contains(_VALID),
    )


def check_lazy(series: pl.Series) -> pl.LazyFrame:
    """The query of :func:`check_series`, not collected (columns ``n``, ``s``, ``ok``)."""
    return lazy_check(series, *_expressions())


def check_series(series: pl.Series) -> SeriesCheck:
    """Vectorised check: shaped = 13 digits; valid = ``[78][12]`` prefix."""
    return collect_check(check_lazy(series))


__all__ = ["ENTITY", "check_lazy", "check_series", "compact", "is_valid", "mask", "validate"]
