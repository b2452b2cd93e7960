"""ADELI number: health professional identifier (9 characters, département first, Luhn).

ADELI ("Automatisation DEs LIstes") registers the health professions that are not (or
not yet) in the RPPS: auxiliaires médicaux, psychologues, ostéopathes, etc. (arrêté du
12 juillet 2012, JORF n°0220). The number is departmental::

    DD PP OOOO K     DD  département of registration: 01-95, 2A/2B (Corsica), 97 (overseas)
                     PP  profession code (e.g. 91 orthophoniste)
                     OOOO order number
                     K   Luhn key over the 9 characters

The Luhn key was checked against a number published in the ANS directory (annuaire.sante.fr).
How the key is computed for a Corsican ``2A``/``2B`` prefix is not documented in any
source we found; this module counts those prefixes as ``20`` (the pre-1976 Corsican
code). Luhn lets about 10% of random strings through: an ADELI column needs context.
The Luhn check is python-stdnum's ``stdnum.luhn``.
"""

from __future__ import annotations

import polars as pl

from sentinelle.entities import Entity
from sentinelle.errors import IdentifierError
from sentinelle.identifiers._common import (
    DEPT_WITH_CORSICA,
    check_dept_luhn_lazy,
    compact_number,
    mask_dept9,
    validate_dept_luhn,
)
from sentinelle.identifiers._series import SeriesCheck, collect_check

ENTITY = Entity.ADELI


def compact(value: str) -> str:
    """Remove spaces, dots, hyphens, slashes and underscores; upper-case (``2a`` -> ``2A``)."""
    return compact_number(value)


def validate(value: str) -> str:
    """Return the compact ADELI number or raise."""
    return validate_dept_luhn(value, dept=DEPT_WITH_CORSICA, label="ADELI", letters=True)


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
    return check_dept_luhn_lazy(series, dept=DEPT_WITH_CORSICA, letters=True)


def check_series(series: pl.Series) -> SeriesCheck:
    """Vectorised check: shaped = 9 characters; valid = département prefix and Luhn key."""
    return collect_check(check_lazy(series))


__all__ = ["ENTITY", "check_lazy", "check_series", "compact", "is_valid", "mask", "validate"]
