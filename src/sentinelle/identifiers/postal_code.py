"""French postal codes (code postal): 5 digits, the first two (or three) the département.

La Poste's codes start with the département number: ``01``-``95`` for metropolitan France
(``20`` for both Corsican départements: ``200xx``/``201xx`` are Corse-du-Sud ``2A``, the
others Haute-Corse ``2B``), ``971``-``978`` for the overseas départements and
collectivities (``975`` Saint-Pierre-et-Miquelon, ``977`` Saint-Barthélemy, ``978``
Saint-Martin), and ``980`` (Monaco), ``984`` (TAAF), ``986``-``988`` (Wallis-et-Futuna,
Polynésie française, Nouvelle-Calédonie) for the Pacific (La Poste, "Base officielle des
codes postaux", data.gouv.fr).

Any 5 random digits look like a postal code (about 80% pass this check): a postal-code
column is recognised by its header or its neighbours (city, address), never by values
alone. Integers (a column read as numbers lost the leading ``0`` of ``01000``) are
left-padded to 5 digits by :func:`compact` and :func:`check_series`.
"""

from __future__ import annotations

import re
from functools import cache

import polars as pl

from sentinelle.entities import Entity
from sentinelle.errors import IdentifierError, InvalidFormat, InvalidLength
from sentinelle.identifiers._common import compact_number, digits_only, mask_chars
from sentinelle.identifiers._series import (
    SeriesCheck,
    collect_check,
    lazy_check,
)

ENTITY = Entity.POSTAL_CODE

_SHAPE = r"^[0-9]{5}$"
_VALID = r"^(?:(?:0[1-9]|[1-8][0-9]|9[0-5])[0-9]{3}|97[1-8][0-9]{2}|98[04678][0-9]{2})$"


def compact(value: str) -> str:
    """Remove spaces, dots and hyphens (``int`` -> zero-padded to 5 digits)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).zfill(5)
    return compact_number(value)


def validate(value: str) -> str:
    """Return the 5-digit code or raise."""
    code = compact(value)
    if len(code) != 5:
        raise InvalidLength("a postal code has 5 digits")
    if not re.fullmatch(_SHAPE, code):
        raise InvalidFormat("a postal code has only digits")
    if not re.fullmatch(_VALID, code):
        raise InvalidFormat("the postal code does not start with a département")
    return code


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except IdentifierError:
        return False
    return True


def departement(value: str) -> str:
    """The département of a postal code: ``"75"``, ``"2A"``, ``"2B"``, ``"974"``, ``"988"``.

    Raises like :func:`validate` when the code is not valid.
    """
    code = validate(value)
    if code.startswith("20"):
        return "2A" if code[2] in "01" else "2B"
    if code.startswith(("97", "98")):
        return code[:3]
    return code[:2]


def mask(value: str) -> str:
    """Keep the département: ``75***`` (a département is not identifying)."""
    code = compact(value)
    if not re.fullmatch(_VALID, code):
        return mask_chars(code)
    prefix = code[:3] if code.startswith(("97", "98")) else code[:2]
    return prefix + "*" * (5 - len(prefix))


@cache
def _expressions(integers: bool) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(normalised, shaped, valid) expressions, built once (they are immutable)."""
    v = pl.col("v")
    if integers:
        v = v.str.zfill(5)  # a column read as numbers lost the leading 0 of 01000
    n = pl.col("n")
    return (
        digits_only(v, 5),
        n.str.contains(_SHAPE),
        n.str.contains(_VALID),
    )


def check_lazy(series: pl.Series) -> pl.LazyFrame:
    """The query of :func:`check_series`, not collected (columns ``n``, ``s``, ``ok``)."""
    return lazy_check(series, *_expressions(series.dtype.is_integer()))


def check_series(series: pl.Series) -> SeriesCheck:
    """Vectorised check: shaped = 5 digits; valid = a département prefix."""
    return collect_check(check_lazy(series))


__all__ = [
    "ENTITY",
    "check_lazy",
    "check_series",
    "compact",
    "departement",
    "is_valid",
    "mask",
    "validate",
]
