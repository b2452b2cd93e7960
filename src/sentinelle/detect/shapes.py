"""Cheap shape features of a column sample, computed in one polars query.

They decide which identifier checks are worth running on a column (a column of 15-character
digit strings is tested as NIR, not as e-mail) and carry the signals for the columns no
identifier check can classify: names, addresses, credentials, free text.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

_STREET = (
    r"(?i)\b(?:rue|avenue|av|bd|boulevard|chemin|che|allee|allée|place|pl|impasse|imp|route|rte"
    r"|quai|cours|square|sq|lotissement|lot|résidence|residence|hameau|lieu[- ]dit|bat|bât"
    r"|bâtiment|batiment|appt|appartement|esc|escalier|voie|faubourg|fbg|sentier|passage"
    r"|cité|cite|rond[- ]point|parvis|mail|clos|domaine|ZA|ZI|BP|cedex)\b"
)
_NAME_SHAPE = r"^[A-Za-zÀ-ÖØ-öø-ÿŒœ][A-Za-zÀ-ÖØ-öø-ÿŒœ' \-]{1,40}$"
_PASSWORD = r"^\S{6,32}$"


@dataclass(frozen=True, slots=True)
class Shape:
    """Features of the non-empty values of a column sample."""

    n: int  # non-empty values in the sample
    distinct: int
    mode_len: int  # most common length after removing separators
    len_share: float  # share of values with that length
    digits: float  # share of values that are digits only (after separators; 2A/2B allowed)
    at_sign: float  # share with an '@'
    letters_only_name: float  # share shaped like a person name
    street: float  # share with a street word
    mean_len: float
    spaces: float  # share with a space
    mixed_secret: float  # share shaped like a password: no space, letters and digits mixed
    upper_first: float  # share starting with an upper-case letter

    @property
    def cardinality(self) -> float:
        return self.distinct / self.n if self.n else 0.0


def non_empty(series: pl.Series) -> pl.Series:
    """Values stripped of surrounding whitespace, empty strings and nulls dropped."""
    s = series.cast(pl.String).str.strip_chars()
    return s.filter(s.is_not_null() & (s.str.len_chars() > 0))


def shape_of(values: pl.Series) -> Shape:
    """Shape features of already non-empty values (see :func:`non_empty`)."""
    n = values.len()
    if n == 0:
        return Shape(0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    v = pl.col("v")
    compact = v.str.replace_all(r"[\s.\-/]", "")
    row = (
        pl.DataFrame({"v": values})
        .select(
            distinct=v.n_unique(),
            lens=compact.str.len_chars(),
            digits=compact.str.contains(r"^(?:\d+|\d(?:\d{4}|\d{6})2[ABab]\d+)$").mean(),
            at_sign=v.str.contains("@", literal=True).mean(),
            name=v.str.contains(_NAME_SHAPE).mean(),
            street=v.str.contains(_STREET).mean(),
            mean_len=v.str.len_chars().mean(),
            spaces=v.str.contains(" ", literal=True).mean(),
            secret=(
                v.str.contains(_PASSWORD)
                & v.str.contains(r"\d")
                & v.str.contains(r"[A-Za-z]")
                & ~v.str.contains(r"^\d")
            ).mean(),
            upper=v.str.contains(r"^[A-ZÀ-Ö]").mean(),
        )
        .select(
            "distinct",
            "digits",
            "at_sign",
            "name",
            "street",
            "mean_len",
            "spaces",
            "secret",
            "upper",
            mode_len=pl.col("lens").mode().first(),
            len_share=(pl.col("lens") == pl.col("lens").mode().first()).mean(),
        )
        .row(0, named=True)
    )
    return Shape(
        n=n,
        distinct=int(row["distinct"]),
        mode_len=int(row["mode_len"] or 0),
        len_share=float(row["len_share"] or 0.0),
        digits=float(row["digits"] or 0.0),
        at_sign=float(row["at_sign"] or 0.0),
        letters_only_name=float(row["name"] or 0.0),
        street=float(row["street"] or 0.0),
        mean_len=float(row["mean_len"] or 0.0),
        spaces=float(row["spaces"] or 0.0),
        mixed_secret=float(row["secret"] or 0.0),
        upper_first=float(row["upper"] or 0.0),
    )


__all__ = ["Shape", "non_empty", "shape_of"]
