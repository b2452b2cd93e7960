"""NIR body without its key (13 characters), as written when the key sits in another field.

Lab and hospital exports often split the NIR: a 13-character "matricule" column and a
2-digit "clé" column (HPRIM Net line 8 writes them space-separated). This module checks the
body alone with the same structure as :mod:`sentinelle.identifiers.nir` (sex, year, month
01-12 / 20-42 / 50-99, place of birth, order 001-999) and, with
:func:`check_pair_series` (lazily: :func:`check_pair_lazy`), a body column against a key
column.

Without a key the structure is the only check, so a lone 13-digit column needs context
(header, neighbouring key column): roughly 1 random 13-digit string in 50 passes it.
"""

from __future__ import annotations

import polars as pl

from sentinelle.entities import Entity
from sentinelle.errors import IdentifierError, InvalidFormat, InvalidLength
from sentinelle.identifiers import nir
from sentinelle.identifiers._series import (
    SeriesCheck,
    collect_check,
    compact_expr,
    lazy_check,
    spelled,
)

ENTITY = Entity.NIR_NO_KEY


def compact(value: str) -> str:
    """Remove spaces, dots, hyphens and slashes; upper-case (for ``2a``/``2b``)."""
    return nir.compact(value)


def validate(value: str, *, strict: bool = True) -> str:
    """Return the compact 13-character body or raise. ``strict`` checks the structure."""
    body = compact(value)
    if len(body) != 13:
        raise InvalidLength("a NIR body has 13 characters")
    if not nir.body_shaped(body):
        raise InvalidFormat("not shaped like a NIR body")
    if strict and not nir.body_structure_ok(body):
        raise InvalidFormat("NIR structure (month, place of birth or order) is impossible")
    return body


def is_valid(value: str, *, strict: bool = True) -> bool:
    try:
        validate(value, strict=strict)
    except IdentifierError:
        return False
    return True


def mask(value: str) -> str:
    """Keep only the sex digit and the shape: ``1 ** ** ** *** ***``."""
    body = compact(value)
    if len(body) != 13:
        return "*" * min(len(body), 64)
    return f"{body[0]} ** ** ** *** ***"


def check_lazy(series: pl.Series, *, strict: bool = True) -> pl.LazyFrame:
    """The query of :func:`check_series`, not collected (columns ``n``, ``s``, ``ok``)."""
    n = pl.col("n")
    shaped = n.str.contains(f"^{nir.BODY_LENIENT}$")
    return lazy_check(
        series,
        compact_expr(spelled(pl.col("v"), nir.CHAR, 13, nir.SEPARATORS), separators=nir.SEPARATORS),
        shaped,
        nir.body_structure_expr(n) if strict else shaped,
    )


def check_series(series: pl.Series, *, strict: bool = True) -> SeriesCheck:
    """Vectorised check: shaped = 13-character body; valid = possible structure."""
    return collect_check(check_lazy(series, strict=strict))


def check_pair_lazy(body: pl.Series, key: pl.Series, *, strict: bool = True) -> pl.LazyFrame:
    """The query of :func:`check_pair_series`, not collected (columns ``n``, ``s``, ``ok``).

    Raises ``ValueError`` at once (not at collect time) when the lengths differ.
    """
    if len(body) != len(key):
        raise ValueError("body and key columns must have the same length")
    b, k, s = pl.col("b"), pl.col("k"), pl.col("s")
    shaped = b.str.contains(f"^{nir.BODY_LENIENT}$") & k.str.contains("^[0-9]{1,2}$")
    frame = (
        pl.DataFrame({"b": body.cast(pl.String), "k": key.cast(pl.String)})
        .lazy()
        .select(
            b=compact_expr(b, separators=nir.SEPARATORS),
            k=compact_expr(k, separators=nir.SEPARATORS),
        )
        .with_columns(s=shaped.fill_null(False))
        # the key check only runs where both fields are shaped
        .with_columns(b=pl.when(s).then(b), k=pl.when(s).then(k.str.zfill(2)))
    )
    key_ok = nir.key_matches_expr(b, k)
    valid = (nir.body_structure_expr(b) & key_ok) if strict else key_ok
    return frame.select(n=pl.concat_str([b, k]).cast(pl.String), s=s, ok=valid.fill_null(False) & s)


def check_pair_series(body: pl.Series, key: pl.Series, *, strict: bool = True) -> SeriesCheck:
    """Check a body column against a key column, row by row (vectorised).

    ``normalised`` is the full 15-character NIR (body + zero-padded key); ``shaped`` means
    the body is shaped like a NIR body and the key is 1 or 2 digits; ``valid`` means the
    structure is possible (if ``strict``) and the key matches. Both series must have the
    same length.
    """
    return collect_check(check_pair_lazy(body, key, strict=strict))


__all__ = [
    "ENTITY",
    "check_lazy",
    "check_pair_lazy",
    "check_pair_series",
    "check_series",
    "compact",
    "is_valid",
    "mask",
    "validate",
]
