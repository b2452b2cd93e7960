"""Vectorised check digits and number writings for the generator (numpy / polars, no loops).

- NIR key: ``97 - (N mod 97)``, N the 13-character body as an integer with ``2A`` -> ``19``
  and ``2B`` -> ``18`` (INSEE; ameli.fr "Le numéro de sécurité sociale"). Written compact,
  spaced ``1 85 03 75 123 456 41``, dotted or hyphenated.
- Luhn check digit (ISO/IEC 7812-1 annex B), used by RPPS (11 digits, issued ones start
  ``10``; ANS "Répertoire partagé des professionnels de santé") and FINESS (9 characters,
  the first two are the département; FINESS nomenclature, DREES).
- Phone numbers are kept as national significant numbers (9 digits) with a country calling
  code (33 mainland, 262 Réunion) and written in the usual French ways: ``06 12 34 56 78``,
  ``0612345678``, ``06.12.34.56.78``, ``+33 6 12 34 56 78``, ``+33612345678``,
  ``0033 6 12 34 56 78``, ``06-12-34-56-78`` (ARCEP numbering plan; E.164).
"""

from __future__ import annotations

import numpy as np
import polars as pl


def nir_key(body: np.ndarray) -> np.ndarray:
    """Key of NIR bodies given as integers (Corsica already mapped to 19/18)."""
    return (97 - np.mod(body.astype(np.int64), 97)).astype(np.int64)


def luhn_check_digit(payload: np.ndarray, width: int) -> np.ndarray:
    """The digit to append to each ``width``-digit integer so that the result passes Luhn."""
    values = payload.astype(np.int64).copy()
    total = np.zeros(len(values), dtype=np.int64)
    for i in range(width):  # from the rightmost payload digit, which gets doubled
        d = values % 10
        values //= 10
        if i % 2 == 0:
            d = d * 2
            d = np.where(d > 9, d - 9, d)
        total += d
    return (10 - total % 10) % 10


def zfill(values: np.ndarray | pl.Series, width: int) -> pl.Series:
    """Integers as zero-padded strings (polars, vectorised)."""
    series = values if isinstance(values, pl.Series) else pl.Series(values)
    return series.cast(pl.Int64).cast(pl.String).str.zfill(width)


# NIR writings
NIR_COMPACT, NIR_SPACED, NIR_DOTTED, NIR_HYPHEN = 0, 1, 2, 3


def nir_written(nir: pl.Expr, style: pl.Expr, *, with_key: bool = True) -> pl.Expr:
    """Write 15-character NIRs (or 13-character bodies) in one of the four styles."""
    parts = [nir.str.slice(0, 1), nir.str.slice(1, 2), nir.str.slice(3, 2),
             nir.str.slice(5, 2), nir.str.slice(7, 3), nir.str.slice(10, 3)]
    if with_key:
        parts.append(nir.str.slice(13, 2))

    def joined(sep: str) -> pl.Expr:
        return pl.concat_str(parts, separator=sep)

    return (
        pl.when(style == NIR_SPACED).then(joined(" "))
        .when(style == NIR_DOTTED).then(joined("."))
        .when(style == NIR_HYPHEN).then(joined("-"))
        .otherwise(nir)
    )


# Phone writings
PHONE_STYLES: tuple[str, ...] = (
    "06 12 34 56 78",
    "0612345678",
    "06.12.34.56.78",
    "+33 6 12 34 56 78",
    "+33612345678",
    "0033 6 12 34 56 78",
    "06-12-34-56-78",
)


def phone_written(nsn: pl.Expr, cc: pl.Expr, style: pl.Expr) -> pl.Expr:
    """Write phones from the 9-digit national number, the calling code and a style index."""
    digits = nsn.cast(pl.Int64).cast(pl.String).str.zfill(9)
    national = pl.concat_str([pl.lit("0"), digits])
    pairs = [national.str.slice(i, 2) for i in range(0, 10, 2)]
    tail = [digits.str.slice(i, 2) for i in range(1, 9, 2)]
    code = cc.cast(pl.String)
    return (
        pl.when(style == 0).then(pl.concat_str(pairs, separator=" "))
        .when(style == 1).then(national)
        .when(style == 2).then(pl.concat_str(pairs, separator="."))
        .when(style == 3).then(
            pl.concat_str([pl.lit("+"), code, pl.lit(" "), digits.str.slice(0, 1), pl.lit(" "),
                           pl.concat_str(tail, separator=" ")]))
        .when(style == 4).then(pl.concat_str([pl.lit("+"), code, digits]))
        .when(style == 5).then(
            pl.concat_str([pl.lit("00"), code, pl.lit(" "), digits.str.slice(0, 1), pl.lit(" "),
                           pl.concat_str(tail, separator=" ")]))
        .otherwise(pl.concat_str(pairs, separator="-"))
    )


def e164(nsn: np.ndarray, cc: np.ndarray) -> np.ndarray:
    """E.164 numbers as integers (``+33612345678`` -> 33612345678)."""
    return cc.astype(np.int64) * 1_000_000_000 + nsn.astype(np.int64)


def mobile_nsn(rng: np.random.Generator, n: int) -> np.ndarray:
    """Mainland mobile numbers valid for libphonenumber: 6[0-24-8]x or 7[3-9]x + 7 digits."""
    six = np.array([0, 1, 2, 4, 5, 6, 7, 8])
    seven = np.array([3, 4, 5, 6, 7, 8, 9])
    is_six = rng.random(n) < 0.72
    second = np.where(is_six, six[rng.integers(0, len(six), n)],
                      seven[rng.integers(0, len(seven), n)])
    first = np.where(is_six, 6, 7)
    return first * 100_000_000 + second * 10_000_000 + rng.integers(0, 10_000_000, n)


def landline_nsn(rng: np.random.Generator, zone: np.ndarray) -> np.ndarray:
    """Geographic numbers of the given zone (1-5), some 09 boxes; all valid for libphonenumber.

    libphonenumber's French fixed-line pattern excludes 026x, 040x and 059x (overseas
    ranges or unassigned), so the second digit is drawn from the allowed ones.
    """
    n = len(zone)
    second = rng.integers(0, 10, n)
    second = np.where((zone == 2) & (second == 6), 7, second)
    second = np.where((zone == 4) & (second == 0), 1, second)
    second = np.where((zone == 5) & (second == 9), 8, second)
    box = rng.random(n) < 0.15
    first = np.where(box, 9, zone.astype(np.int64))
    return first * 100_000_000 + second * 10_000_000 + rng.integers(0, 10_000_000, n)


def reunion_mobile_nsn(rng: np.random.Generator, n: int) -> np.ndarray:
    """Réunion mobiles 0692 xx xx xx (valid only with region RE, calling code 262)."""
    return 692_000_000 + rng.integers(0, 1_000_000, n)


__all__ = [
    "NIR_COMPACT",
    "NIR_DOTTED",
    "NIR_HYPHEN",
    "NIR_SPACED",
    "PHONE_STYLES",
    "e164",
    "landline_nsn",
    "luhn_check_digit",
    "mobile_nsn",
    "nir_key",
    "nir_written",
    "phone_written",
    "reunion_mobile_nsn",
    "zfill",
]
