"""Person names: a French first-name lexicon and name-likeness ratios for columns.

See :mod:`sentinelle.names.firstnames` and ``PROVENANCE.md`` (where the lexicon comes from).
"""

from __future__ import annotations

from sentinelle.names.firstnames import (
    first_name_ratio,
    fold,
    fold_expr,
    is_first_name,
    load_first_names,
    name_shape_ratio,
)

__all__ = [
    "first_name_ratio",
    "fold",
    "fold_expr",
    "is_first_name",
    "load_first_names",
    "name_shape_ratio",
]
