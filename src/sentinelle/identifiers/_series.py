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
  vectorised (no Python per cell);
- ``check_lazy(series) -> pl.LazyFrame``: the query ``check_series`` runs, not collected,
  with the columns ``n`` (normalised, String), ``s`` (shaped) and ``ok`` (valid), one row
  per value. ``check_series(series)`` is ``collect_check(check_lazy(series))``.

Many checks (every column of a table against every candidate identifier) are evaluated
together with :func:`collect_checks`: one ``pl.collect_all`` hands all the queries to
polars at once instead of one ``collect`` after the other.

What a check costs is mostly per expression node (planning, then one kernel call each),
and then per string copied. So the queries follow these rules, none of which changes a
result (the agreement tests, and tests of each prefilter against every code point):

- a cheap exact prefilter first (:func:`made_of`, :func:`spelled`): one regex test per
  cell, and only the values that could be shaped are normalised (a regex replace and a
  case mapping that copy every string);
- the costly part (check digits, capture groups) is computed on the normalised value
  *nulled where it is not shaped* (``valid`` implies ``shaped``), or on the matching rows
  only, joined back (blood groups);
- a value read several times is computed once into a column (``steps``), and sums are
  flat ``sum_horizontal`` calls, not deep chains of ``+``;
- the expressions are built once per module and keyword (``functools`` caches: they are
  immutable), not on every call;
- queries run on the in-memory engine (:data:`ENGINE`).
"""

from __future__ import annotations

from collections.abc import Sequence
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

    @classmethod
    def from_frame(cls, frame: pl.DataFrame) -> SeriesCheck:
        """Wrap a collected :func:`check_lazy`-style frame (columns ``n``, ``s``, ``ok``)."""
        missing = {"n", "s", "ok"} - set(frame.columns)
        if missing:
            raise ValueError(f"a check frame needs the columns n, s, ok; missing {sorted(missing)}")
        return cls(frame["n"], frame["s"], frame["ok"])

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

#: The characters of :data:`WHITESPACE` one by one (for ``str.strip_chars``, which takes a
#: set of characters, not a regex: trimming with it is much faster than a regex replace).
WHITESPACE_CHARS = WHITESPACE.replace(
    "\u2000-\u200a", "".join(chr(c) for c in range(0x2000, 0x200B))
)


def char_class(extra: str = "") -> str:
    """A regex character class of :data:`WHITESPACE` plus ``extra`` (already escaped).

    The same pattern string means the same thing in Python ``re`` and in polars.
    """
    return f"[{WHITESPACE}{extra}]"


_SEPARATORS = char_class(r"\.\-/_")

#: The characters besides ``a-z`` whose upper case is made of ASCII letters only
#: (Unicode SpecialCasing: ß -> SS, dotless ı -> I, long ſ -> S and the Latin ligatures
#: ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ). No character but ``0-9`` upper-cases to a digit. Checked by a test
#: against polars' own case mapping of every code point.
UPPER_TO_ASCII_LETTERS = "ßıſﬀﬁﬂﬃﬄﬅﬆ"


def made_of(expr: pl.Expr, chars: str) -> pl.Expr:
    """``expr`` where every character is in the regex class ``chars``, null elsewhere.

    The cheap prefilter of a check: ``chars`` holds every character that can appear in a
    value shaped like the identifier (its separators, and what upper-cases to its
    alphabet), so a value with any other character is never shaped and skipping it
    changes no result. It spares the costly normalisation (a regex replace and a case
    mapping that copy every string) on columns that hold something else: about 8 times
    faster on a column of names.
    """
    return pl.when(expr.str.contains(f"^{chars}+$")).then(expr)


def spelled(expr: pl.Expr, char: str, length: int, separators: str) -> pl.Expr:
    """``expr`` where it is ``length`` characters of the class ``char`` with any number of
    ``separators`` around them, null elsewhere.

    The cheap prefilter of a fixed-length identifier (see :func:`made_of`), for ``char``
    classes whose every character upper-cases to exactly one character of the compact
    form: such a value is shaped only if it is spelled this way. One regex test, as cheap
    as :func:`made_of`'s, that also leaves out the values of the wrong length.
    """
    pattern = f"^(?:{separators}*{char}){{{length}}}{separators}*$"
    return pl.when(expr.str.contains(pattern)).then(expr)


def compact_expr(expr: pl.Expr, *, separators: str = _SEPARATORS, upper: bool = True) -> pl.Expr:
    """Strip separators, upper-case: the vectorised twin of each module's ``compact``.

    ``upper=False`` skips the case mapping (a copy of every string) where a prefilter
    already leaves only digits and separators.
    """
    out = expr.cast(pl.String).str.replace_all(separators, "")
    return out.str.to_uppercase() if upper else out


def luhn_digits_expr(digits: Sequence[pl.Expr]) -> pl.Expr:
    """Vectorised Luhn check on digit columns (integers, left to right; nulls -> false).

    Every second digit from the right is doubled, and 9 subtracted when that gives more
    than 9: ``2d - 9 [d >= 5]``. Only the total modulo 10 matters and ``-9 = 1 (mod 10)``,
    so a doubled digit may add ``2d + [d >= 5]`` instead, which is ``(11 d) // 5`` for a
    digit: one expression per digit, none repeated. One flat ``sum_horizontal`` (not a
    chain of ``+``) keeps the expression tree shallow: polars plans it much faster.
    """
    last = len(digits) - 1
    # the rightmost (check) digit is not doubled
    parts = [d * 11 // 5 if (last - i) % 2 == 1 else d for i, d in enumerate(digits)]
    return (pl.sum_horizontal(parts, ignore_nulls=False) % 10 == 0).fill_null(False)


def digit_exprs(text: pl.Expr, length: int) -> list[pl.Expr]:
    """The first ``length`` characters of ``text`` as integers (null if not a digit)."""
    return [text.str.slice(i, 1).cast(pl.Int64, strict=False) for i in range(length)]


def luhn_expr(digits: pl.Expr, length: int) -> pl.Expr:
    """Vectorised Luhn check on a column of ``length``-digit strings (nulls -> false).

    Only the first ``length`` characters are read; a shorter string or a non-digit there
    gives false. See :func:`luhn_digits_expr`.
    """
    return luhn_digits_expr(digit_exprs(digits, length))


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


def source(series: pl.Series) -> pl.LazyFrame:
    """A one-column lazy frame ``v``: the values of ``series`` as strings."""
    return pl.DataFrame({"v": series.cast(pl.String)}).lazy()


def finish(
    frame: pl.LazyFrame, valid: pl.Expr, *extra: pl.Expr, steps: Sequence[pl.Expr] = ()
) -> pl.LazyFrame:
    """The last steps of every check, given ``frame`` with columns ``n`` and ``s``.

    ``n`` is nulled where not shaped *before* ``valid`` (computed from ``pl.col("n")``) is
    evaluated, so the costly check-digit expressions only see the shaped values. ``steps``
    are intermediate columns computed next (together, from ``n``) that ``valid`` may read:
    a value needed several times is then computed once (polars' common-subexpression
    elimination does not catch every repeat, and costs planning time). ``extra`` are
    further boolean expressions that ``ok`` requires.
    """
    ok = valid.fill_null(False) & pl.col("s")
    for condition in extra:
        ok = ok & condition
    frame = frame.with_columns(n=pl.when(pl.col("s")).then(pl.col("n")))
    if steps:
        frame = frame.with_columns(*steps)
    return frame.select(n=pl.col("n").cast(pl.String), s=pl.col("s"), ok=ok)


def lazy_check(
    series: pl.Series,
    normalised: pl.Expr,
    shaped: pl.Expr,
    valid: pl.Expr,
    *,
    steps: Sequence[pl.Expr] = (),
) -> pl.LazyFrame:
    """The lazy query of a three-expression check over ``series`` (not collected).

    ``normalised`` is computed from ``pl.col("v")`` (the raw values as strings);
    ``shaped`` and ``valid`` are computed from ``pl.col("n")`` (the normalised values);
    ``valid`` may also read the columns that ``steps`` add (see :func:`finish`).
    The result has the columns ``n`` (nulled where the value is not shaped), ``s`` and
    ``ok``, one row per value of ``series``.
    """
    frame = source(series).select(n=normalised).with_columns(s=shaped.fill_null(False))
    return finish(frame, valid, steps=steps)


#: The polars engine of the checks. Polars 2 collects with its streaming engine by
#: default, which costs about twice as much per query as the in-memory one on these
#: small single-frame queries (measured with tests/identifiers/bench_collect.py); the
#: results are the same.
ENGINE = "in-memory"


def collect_check(query: pl.LazyFrame) -> SeriesCheck:
    """Evaluate one ``check_lazy`` query now (what every ``check_series`` does)."""
    return SeriesCheck.from_frame(query.collect(engine=ENGINE))


def run_check(
    series: pl.Series, normalised: pl.Expr, shaped: pl.Expr, valid: pl.Expr
) -> SeriesCheck:
    """Evaluate :func:`lazy_check` now."""
    return collect_check(lazy_check(series, normalised, shaped, valid))


def collect_checks(queries: Sequence[pl.LazyFrame]) -> list[SeriesCheck]:
    """Evaluate many ``check_lazy`` queries at once, in parallel; results in query order.

    One ``pl.collect_all`` call: polars runs the queries together on its thread pool,
    instead of one ``collect`` after the other.
    """
    if not queries:
        return []
    frames = pl.collect_all(list(queries), engine=ENGINE)
    return [SeriesCheck.from_frame(frame) for frame in frames]
