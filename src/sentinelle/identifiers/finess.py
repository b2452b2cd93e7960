"""FINESS number: health or social facility identifier (9 characters, Luhn).

The FINESS (Fichier National des Établissements Sanitaires et Sociaux) number identifies
a legal entity (FINESS juridique, EJ) or a site (FINESS géographique, EG). It is managed by
the ARS and published by the ANS (industriels.esante.gouv.fr FAQ: "Identifiant
d'entités juridiques et d'établissements")::

    DD NNNNNN K     DD  département: 01-95, 2A/2B (Corsica), 97 (overseas, e.g. 970...),
                        98 (Pacific territories)
                    NNNNNN order number
                    K   Luhn key

How the key is computed for a Corsican ``2A``/``2B`` prefix is not documented in any
source we found; this module counts those prefixes as ``20``. A FINESS identifies an
establishment, not a patient, but in a patient file it points to the lab or hospital that
leaked (the "sources" of an assessment). The Luhn check is python-stdnum's ``stdnum.luhn``.
"""

from __future__ import annotations

import polars as pl

from sentinelle.entities import Entity
from sentinelle.errors import IdentifierError
from sentinelle.identifiers._common import (
    check_dept_luhn_lazy,
    compact_number,
    mask_dept9,
    validate_dept_luhn,
)
from sentinelle.identifiers._series import SeriesCheck, collect_check

ENTITY = Entity.FINESS

#: Département prefixes of a FINESS number.
DEPT = r"(?:0[1-9]|[1-8][0-9]|9[0-5]|2[AB]|9[78])"


def compact(value: str) -> str:
    """Remove spaces, dots, hyphens, slashes and underscores; upper-case (``2a`` -> ``2A``)."""
    return compact_number(value)


def validate(value: str) -> str:
    """Return the compact FINESS number or raise."""
    return validate_dept_luhn(value, dept=DEPT, label="FINESS", letters=True)


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
    return check_dept_luhn_lazy(series, dept=DEPT, letters=True)


def check_series(series: pl.Series) -> SeriesCheck:
    """Vectorised check: shaped = 9 characters; valid = département prefix and Luhn key."""
    return collect_check(check_lazy(series))


__all__ = [
    "DEPT",
    "ENTITY",
    "check_lazy",
    "check_series",
    "compact",
    "is_valid",
    "mask",
    "validate",
]
