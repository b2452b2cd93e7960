"""Health categories mentioned by each free-text cell, vectorised (the sensitive value of a
comment column for l-diversity). One polars ``str.contains`` per category over the folded
cells, with the lexicon's boundary-consuming patterns (see :mod:`sentinelle.lexicon.health`).
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from sentinelle.lexicon.folding import fold_expr
from sentinelle.lexicon.health import load_health_lexicon


@lru_cache(maxsize=1)
def _category_patterns() -> tuple[tuple[str, str], ...]:
    bodies: dict[str, list[str]] = {}
    for entry in load_health_lexicon().entries:
        for cat in entry.categories:
            bodies.setdefault(cat, []).append(entry.body)
    return tuple(
        (cat, "(?:^|[^a-z0-9])(?:" + "|".join(f"(?:{b})" for b in sorted(set(bs))) + ")(?:[^a-z0-9]|$)")
        for cat, bs in sorted(bodies.items())
    )


def categories_series(series: pl.Series) -> pl.Series:
    """Per cell: its health categories, sorted and joined with ``+`` (``""`` when none)."""
    distinct = series.cast(pl.String).drop_nulls().unique()
    frame = pl.DataFrame({"t": distinct}).with_columns(f=fold_expr(pl.col("t")))
    parts = [
        pl.when(pl.col("f").str.contains(pattern)).then(pl.lit(cat)).otherwise(None)
        for cat, pattern in _category_patterns()
    ]
    frame = frame.with_columns(c=pl.concat_list(parts).list.drop_nulls().list.join("+"))
    return series.cast(pl.String).replace_strict(frame["t"], frame["c"], default="",
                                                 return_dtype=pl.String).alias(series.name)


__all__ = ["categories_series"]
