"""E-mail addresses (ASCII, as found in patient records).

The check is a practical subset of RFC 5321/5322 "addr-spec", the one mail providers
actually issue: a dot-atom local part (letters, digits and ``!#$%&'*+/=?^_`{|}~-``, dots
not first, last or doubled; at most 64 characters), ``@``, then a domain of LDH labels
(letters, digits, inner hyphens, 1-63 characters) ending with an alphabetic TLD of 2-63
letters or a punycode ``xn--`` TLD; at most 254 characters in all (RFC 3696 errata 1690).
Quoted local parts, IP-literal domains and internationalised (UTF-8) addresses are not
accepted: they are vanishingly rare in French lab exports.

:func:`compact` trims whitespace, drops a ``mailto:`` prefix and lower-cases (domains are
case-insensitive; local parts are in practice). Shaped = ``something@something.something``
without whitespace; valid = the grammar above.
"""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl

from sentinelle.entities import Entity
from sentinelle.errors import IdentifierError, InvalidFormat, InvalidLength
from sentinelle.identifiers._common import mask_chars
from sentinelle.identifiers._series import (
    WHITESPACE,
    WHITESPACE_CHARS,
    SeriesCheck,
    char_class,
    collect_check,
    lazy_check,
)

ENTITY = Entity.EMAIL

_WS = char_class()
_TRIM = rf"^{_WS}+|{_WS}+$"
_MAILTO = r"^[Mm][Aa][Ii][Ll][Tt][Oo]:"
_SHAPE = rf"^[^@{WHITESPACE}]+@[^@{WHITESPACE}]+\.[^@{WHITESPACE}]+$"
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TLD = r"(?:[A-Za-z]{2,63}|[Xx][Nn]--[A-Za-z0-9-]{1,59})"
_VALID = rf"^{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+{_TLD}$"
MAX_LENGTH = 254
MAX_LOCAL = 64


def compact(value: str) -> str:
    """Trim whitespace, drop ``mailto:``, lower-case."""
    text = re.sub(_TRIM, "", str(value))
    return re.sub(_MAILTO, "", text).lower()


def validate(value: str) -> str:
    """Return the compact address or raise."""
    address = compact(value)
    if len(address) > MAX_LENGTH:
        raise InvalidLength("an e-mail address has at most 254 characters")
    if not re.fullmatch(_VALID, address):
        raise InvalidFormat("not an e-mail address")
    if len(address.split("@", 1)[0]) > MAX_LOCAL:
        raise InvalidLength("the local part of an e-mail address has at most 64 characters")
    return address


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except IdentifierError:
        return False
    return True


def mask(value: str) -> str:
    """Keep only the top-level domain: ``*@*.fr``."""
    address = compact(value)
    if not re.fullmatch(_SHAPE, address):
        return mask_chars(address)
    return "*@*." + address.rsplit(".", 1)[1][:16]


@lru_cache(maxsize=1)
def _expressions() -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(normalised, shaped, valid) expressions, built once (they are immutable)."""
    n = pl.col("n")
    local = n.str.split("@").list.first()
    valid = (
        n.str.contains(_VALID)
        & (n.str.len_chars() <= MAX_LENGTH)
        & (local.str.len_chars() <= MAX_LOCAL)
    )
    # strip_chars(WHITESPACE_CHARS) is the regex _TRIM of compact(), without a regex
    # cheap prefilter (see made_of): a shaped address has an "@" (and only "@" lower-cases
    # to "@"), so the other values are not normalised
    v = pl.col("v")
    candidate = pl.when(v.str.contains("@", literal=True)).then(v)
    normalised = (
        candidate.str.strip_chars(WHITESPACE_CHARS).str.replace(_MAILTO, "").str.to_lowercase()
    )
    return normalised, n.str.contains(_SHAPE), valid


def check_lazy(series: pl.Series) -> pl.LazyFrame:
    """The query of :func:`check_series`, not collected (columns ``n``, ``s``, ``ok``)."""
    return lazy_check(series, *_expressions())


def check_series(series: pl.Series) -> SeriesCheck:
    """Vectorised check: shaped = ``x@y.z`` without whitespace; valid = the grammar."""
    return collect_check(check_lazy(series))


__all__ = [
    "ENTITY",
    "MAX_LENGTH",
    "MAX_LOCAL",
    "check_lazy",
    "check_series",
    "compact",
    "is_valid",
    "mask",
    "validate",
]
