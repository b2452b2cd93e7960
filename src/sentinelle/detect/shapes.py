"""Cheap shape features of a column sample, computed in one polars query.

They decide which identifier checks are worth running on a column (a column of 15-character
digit strings is tested as NIR, not as e-mail) and carry the signals for the columns no
identifier check can classify: names, addresses, credentials, free text.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from sentinelle.identifiers._series import ENGINE

_STREET = (
    r"(?i)\b(?:rue|avenue|av|bd|boulevard|chemin|che|allee|allée|place|pl|impasse|imp|route|rte"
    r"|quai|cours|square|sq|lotissement|résidence|residence|hameau|lieu[- ]dit|bat|bât"
    r"|bâtiment|batiment|appt|appartement|esc|escalier|voie|faubourg|fbg|sentier|passage"
    r"|cité|cite|rond[- ]point|parvis|mail|clos|domaine|ZA|ZI|BP|cedex)\b"
)
_NAME_SHAPE = r"^[A-Za-zÀ-ÖØ-öø-ÿŒœ][A-Za-zÀ-ÖØ-öø-ÿŒœ' \-]{1,40}$"
_PASSWORD = r"^\S{6,32}$"
_DATE_LIKE = r"^(?:\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{8})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
_PHONE_LIKE = r"^(?:\+|00)?[0-9][0-9 .\-()]{7,20}$"
_LOGIN = r"^(?:[a-z][a-z]{1,30}[._\-]?[a-z]{0,30}[0-9]{1,4}|[a-z]{2,30}[._][a-z]{2,30})$"
_TITLED = r"(?i)^(?:dr|docteur|pr|professeur|ide|inf|infirmi[eè]re?|mme|mlle|m\.|mr|sf|sage[- ]femme)[ .]"


@dataclass(frozen=True, slots=True)
class Shape:
    """Features of the non-empty values of a column sample."""

    n: int  # non-empty values in the sample
    distinct: int
    mode_len: int  # most common length after removing separators
    digits: float  # share of values that are digits only (after separators; 2A/2B allowed)
    at_sign: float  # share with an '@'
    letters_only_name: float  # share shaped like a person name
    street: float  # share with a street word
    mean_len: float
    spaces: float  # share with a space
    date_like: float = 0.0  # share shaped like a date
    phone_like: float = 0.0  # share shaped like a phone number
    login_like: float = 0.0  # share shaped like a login (lower-case letters, digits at the end)
    titled: float = 0.0  # share starting with a title (Dr, IDE, Mme...)
    secret_strict: float = 0.0  # share with lower, upper and digit, no space (passwords)

    @property
    def cardinality(self) -> float:
        return self.distinct / self.n if self.n else 0.0


def non_empty(series: pl.Series) -> pl.Series:
    """Values stripped of surrounding whitespace, empty strings and nulls dropped."""
    s = series.cast(pl.String).str.strip_chars()
    return s.filter(s.is_not_null() & (s.str.len_chars() > 0))


def non_empty_columns(frame: pl.DataFrame) -> list[pl.Series]:
    """:func:`non_empty` of every column of ``frame``, in one query."""
    stripped_all = frame.select(stripped(pl.col(c)) for c in frame.columns)
    return [series.drop_nulls() for series in stripped_all.iter_columns()]


def _features(v: pl.Expr) -> dict[str, pl.Expr]:
    """Aggregations over ``v`` (stripped values, null where empty), one value each."""
    compact = v.str.replace_all(r"[\s.\-/]", "")
    lens = compact.str.len_chars()
    mode = lens.drop_nulls().mode().min()  # ties: the smallest (mode() order varies per process)
    return {
        "n": v.count(),
        "distinct": v.drop_nulls().n_unique(),
        "mode_len": mode,
        "digits": compact.str.contains(r"^(?:\d+|\d(?:\d{4}|\d{6})2[ABab]\d+)$").mean(),
        "at_sign": v.str.contains("@", literal=True).mean(),
        "letters_only_name": v.str.contains(_NAME_SHAPE).mean(),
        "street": v.str.contains(_STREET).mean(),
        "mean_len": v.str.len_chars().mean(),
        "spaces": v.str.contains(" ", literal=True).mean(),
        "date_like": v.str.contains(_DATE_LIKE).mean(),
        "phone_like": v.str.contains(_PHONE_LIKE).mean(),
        "login_like": v.str.contains(_LOGIN).mean(),
        "titled": v.str.contains(_TITLED).mean(),
        "secret_strict": (
            v.str.contains(_PASSWORD) & v.str.contains("[a-z]") & v.str.contains("[A-Z]")
            & v.str.contains("[0-9]")
        ).mean(),
    }


def stripped(expr: pl.Expr) -> pl.Expr:
    """Values stripped of surrounding whitespace; empty strings become null."""
    v = expr.cast(pl.String).str.strip_chars()
    return pl.when(v.str.len_chars() > 0).then(v)


def shapes_of(frame: pl.DataFrame) -> list[Shape]:
    """Shape features of every column of ``frame``.

    The columns are stacked into one long column and aggregated per column with
    ``group_by``: each feature's regex is compiled once, whatever the number of columns.
    """
    if frame.width == 0:
        return []
    names = frame.columns
    long = pl.concat(
        [
            pl.DataFrame({"c": pl.Series([i] * frame.height, dtype=pl.UInt32),
                          "v": frame.to_series(i).cast(pl.String)})
            for i in range(frame.width)
        ]
    )
    agg = (
        long.lazy()
        .with_columns(v=stripped(pl.col("v")))
        .group_by("c")
        .agg(**_features(pl.col("v")))
        .collect(engine=ENGINE)
    )
    by_col = {row["c"]: row for row in agg.iter_rows(named=True)}
    out = []
    for i in range(len(names)):
        feats = by_col.get(i)
        if not feats or not feats["n"]:
            out.append(_EMPTY)
            continue
        out.append(Shape(**{k: (int(v or 0) if k in _INTS else float(v or 0.0))
                            for k, v in feats.items() if k != "c"}))
    return out


_INTS = frozenset({"n", "distinct", "mode_len"})
_EMPTY = Shape(0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


__all__ = ["Shape", "non_empty", "shapes_of", "stripped"]
