"""Shared types and vectorised helpers for the identifier modules.

Every identifier module exposes the same functions (the python-stdnum style):

- ``ENTITY``: the stable entity id it detects (``sentinelle.entities.Entity``);
- ``compact(value) -> str``: strip separators and normalise case;
- ``validate(value) -> str``: the canonical compact form, or raise
  :class:`~sentinelle.errors.InvalidFormat`, :class:`~sentinelle.errors.InvalidLength`
  or :class:`~sentinelle.errors.InvalidChecksum` (messages never hold the value);
- ``is_valid(value) -> bool``: never raises;
- ``mask(value) -> str``: a non-identifying preview that keeps only the shape;
- ``check_series(series) -> SeriesCheck``: the same check over a whole polars column,
  vectorised (no Python per cell).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True, slots=True)
class SeriesCheck:
    """Result of checking one column against one identifier.

    ``normalised`` holds the compact form where the value is shaped like the identifier
    (null elsewhere); ``shaped`` marks values that look like it; ``valid`` marks values that
    also pass its check digits / structure (``valid`` implies ``shaped``).
    """

    normalised: pl.Series
    shaped: pl.Series
    valid: pl.Series

    @property
    def count(self) -> int:
        return int(self.valid.sum() or 0)

    @property
    def invalid(self) -> int:
        return int((self.shaped & ~self.valid).sum() or 0)

    @property
    def distinct(self) -> int:
        return int(self.normalised.filter(self.valid).n_unique())


#: Whitespace spelled out: the Unicode White_Space set, which is what the polars (Rust)
#: regex engine means by ``\s``. Python's ``re`` also counts U+001C..U+001F as ``\s``, so
#: ``\s`` would make ``compact`` and ``compact_expr`` disagree on those characters.
WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)


def char_class(extra: str = "") -> str:
    """A regex character class of :data:`WHITESPACE` plus ``extra`` (already escaped).

    The same pattern string means the same thing in Python ``re`` and in polars.
    """
    return f"[{WHITESPACE}{extra}]"


_SEPARATORS = char_class(r"\.\-/_")


def compact_expr(expr: pl.Expr, *, separators: str = _SEPARATORS) -> pl.Expr:
    """Strip separators, upper-case: the vectorised twin of each module's ``compact``."""
    return expr.cast(pl.String).str.replace_all(separators, "").str.to_uppercase()


def luhn_expr(digits: pl.Expr, length: int) -> pl.Expr:
    """Vectorised Luhn check on a column of ``length``-digit strings (nulls -> false)."""
    total = pl.lit(0, dtype=pl.Int64)
    for i in range(length):
        d = digits.str.slice(i, 1).cast(pl.Int64, strict=False)
        # double every second digit counting from the right (rightmost is the check digit)
        if (length - 1 - i) % 2 == 1:
            d = d * 2
            d = pl.when(d > 9).then(d - 9).otherwise(d)
        total = total + d
    return (total % 10 == 0).fill_null(False)


def luhn_ok(digits: str) -> bool:
    """Luhn check on a string of digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def run_check(
    series: pl.Series, normalised: pl.Expr, shaped: pl.Expr, valid: pl.Expr
) -> SeriesCheck:
    """Evaluate the three expressions over ``series`` in one lazy query.

    ``normalised`` is computed from ``pl.col("v")`` (the raw values as strings);
    ``shaped`` and ``valid`` are computed from ``pl.col("n")`` (the normalised values).
    ``normalised`` is nulled where the value is not shaped.
    """
    frame = (
        pl.DataFrame({"v": series.cast(pl.String)})
        .lazy()
        .select(n=normalised)
        .with_columns(s=shaped.fill_null(False))
        .with_columns(ok=valid.fill_null(False) & pl.col("s"))
        .with_columns(n=pl.when(pl.col("s")).then(pl.col("n")))
        .collect()
    )
    return SeriesCheck(frame["n"], frame["s"], frame["ok"])
