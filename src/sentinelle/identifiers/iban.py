"""French IBAN (and Monaco, same layout): ``FRkk`` + bank 5 + branch 5 + account 11 + RIB key 2.

A French IBAN is 27 characters (ISO 13616; Banque de France; the SWIFT IBAN registry)::

    FR kk BBBBB GGGGG CCCCCCCCCCC RR
       |  |     |     |           RIB key: 97 - ((89*B + 15*G + 3*C) mod 97)
       |  |     |     account number, 11 digits or letters; for the RIB key letters count
       |  |     |     as digits: A,J=1 B,K,S=2 C,L,T=3 D,M,U=4 E,N,V=5 F,O,W=6 G,P,X=7
       |  |     |     H,Q,Y=8 I,R,Z=9
       |  |     code guichet (branch), 5 digits
       |  code banque (bank), 5 digits
       IBAN check digits: ISO 7064 mod 97-10 over BBAN + "FR" + kk, letters A=10..Z=35

:func:`validate` wraps python-stdnum's ``stdnum.iban`` (mod 97 and the BBAN structure of
its registry copy) and adds the RIB key, which stdnum does not check for France.
Monaco (``MC``) uses the French BBAN and RIB key. The French overseas departments use
``FR`` IBANs.
"""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl
from stdnum import iban as stdnum_iban

from sentinelle.entities import Entity
from sentinelle.errors import IdentifierError, InvalidChecksum, InvalidFormat, InvalidLength
from sentinelle.identifiers._common import call_stdnum, mask_chars
from sentinelle.identifiers._series import (
    UPPER_TO_ASCII_LETTERS,
    SeriesCheck,
    char_class,
    collect_check,
    compact_expr,
    lazy_check,
)

ENTITY = Entity.IBAN

COUNTRIES = ("FR", "MC")
SEPARATORS = char_class(r"\.\-")
#: Every character a value shaped like an IBAN can hold (see ``made_of``).
_RAW = char_class(r"\.\-0-9A-Za-z" + UPPER_TO_ASCII_LETTERS)
_S = SEPARATORS + "*"
#: The cheap prefilter: what a shaped value looks like before ``compact`` (an optional
#: ``IBAN`` label, ``FR`` or ``MC``, in any case and with separators anywhere; the dotless
#: ``ı`` upper-cases to ``I``), then only characters of ``_RAW``.
_CANDIDATE = (
    rf"^{_S}(?:[Iiı]{_S}[Bb]{_S}[Aa]{_S}[Nn]{_S})?(?:[Ff]{_S}[Rr]|[Mm]{_S}[Cc]){_RAW}*$"
)
_SEPARATORS_RE = re.compile(SEPARATORS)
_SHAPE = r"^(?:FR|MC)[0-9A-Z]{25}$"
_STRUCTURE = r"^(?:FR|MC)[0-9]{2}[0-9]{10}[0-9A-Z]{11}[0-9]{2}$"

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: RIB conversion of letters in the account number (A,J=1 ... I,R,Z=9; S=2).
_RIB_DIGITS = "12345678912345678923456789"


def compact(value: str) -> str:
    """Remove whitespace, dots and hyphens; upper-case; drop a leading ``IBAN`` label."""
    number = _SEPARATORS_RE.sub("", str(value)).upper()
    return number[4:] if number.startswith("IBAN") else number


def rib_key(bank: str, branch: str, account: str) -> str:
    """The 2-digit RIB key of a French bank account (letters converted per RIB rules)."""
    digits = account.translate(str.maketrans(_LETTERS, _RIB_DIGITS))
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(digits)) % 97:02d}"


def validate(value: str) -> str:
    """Return the compact IBAN or raise: structure, IBAN mod 97 and RIB key."""
    number = compact(value)
    if len(number) != 27:
        raise InvalidLength("a French IBAN has 27 characters")
    if not re.fullmatch(_STRUCTURE, number):
        raise InvalidFormat("not shaped like a French IBAN")
    call_stdnum(stdnum_iban.validate, number, "IBAN")
    if rib_key(number[4:9], number[9:14], number[14:25]) != number[25:]:
        raise InvalidChecksum("IBAN: RIB key does not match")
    return number


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except IdentifierError:
        return False
    return True


def mask(value: str) -> str:
    """Keep the country code: ``FR** **** **** **** **** **** ***``."""
    number = compact(value)
    if not re.fullmatch(_SHAPE, number):
        return mask_chars(number)
    return number[:2] + "** **** **** **** **** **** ***"


def _mod97_expr(padded: pl.Expr) -> pl.Expr:
    """``int(padded) % 97`` for 45-digit strings, in 15-digit chunks (exact in Int64)."""
    rest = pl.lit(0, dtype=pl.Int64)
    for i in range(3):
        chunk = padded.str.slice(15 * i, 15).cast(pl.Int64, strict=False)
        rest = (rest * 10**15 + chunk) % 97
    return rest


@lru_cache(maxsize=1)
def _expressions() -> tuple[pl.Expr, pl.Expr, pl.Expr, tuple[pl.Expr, ...]]:
    """(normalised, shaped, valid, steps) expressions, built once (they are immutable)."""
    n = pl.col("n")
    numbers = [str(10 + i) for i in range(26)]
    rearranged = pl.concat_str([n.str.slice(4), n.str.slice(0, 4)])
    # computed once into columns (see finish): the IBAN as a number, the RIB account
    steps = (
        rearranged.str.replace_many(list(_LETTERS), numbers).str.zfill(45).alias("number"),
        n.str.slice(14, 11)
        .str.replace_many(list(_LETTERS), list(_RIB_DIGITS))
        .cast(pl.Int64, strict=False)
        .alias("account"),
    )
    iban_ok = _mod97_expr(pl.col("number")) == 1
    weighted = (
        89 * n.str.slice(4, 5).cast(pl.Int64, strict=False)
        + 15 * n.str.slice(9, 5).cast(pl.Int64, strict=False)
        + 3 * pl.col("account")
    )
    rib_ok = (97 - weighted % 97) == n.str.slice(25, 2).cast(pl.Int64, strict=False)
    v = pl.col("v")
    candidate = pl.when(v.str.contains(_CANDIDATE)).then(v)
    return (
        compact_expr(candidate, separators=SEPARATORS).str.replace("^IBAN", ""),
        n.str.contains(_SHAPE),
        n.str.contains(_STRUCTURE) & iban_ok & rib_ok,
        steps,
    )


def check_lazy(series: pl.Series) -> pl.LazyFrame:
    """The query of :func:`check_series`, not collected (columns ``n``, ``s``, ``ok``)."""
    normalised, shaped, valid, steps = _expressions()
    return lazy_check(series, normalised, shaped, valid, steps=steps)


def check_series(series: pl.Series) -> SeriesCheck:
    """Vectorised check: shaped = FR/MC + 25 letters or digits; valid = mod 97 and RIB key."""
    return collect_check(check_lazy(series))


__all__ = [
    "COUNTRIES",
    "ENTITY",
    "check_lazy",
    "check_series",
    "compact",
    "is_valid",
    "mask",
    "rib_key",
    "validate",
]
