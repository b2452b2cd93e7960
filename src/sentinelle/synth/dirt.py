"""Dirt: typos in NIRs and names, missing cells. Python only touches the chosen cells.

- A NIR typo either writes a wrong key (any other value 01-97) or changes one digit of the
  order number while keeping the key. A single-digit change moves N by ``d * 10^j`` with
  ``0 < |d| < 10``; 97 is prime and does not divide it, so the key never matches again:
  every typo fails ``stdnum.fr.nir.is_valid``.
- A name typo deletes, doubles, swaps or replaces a letter, or drops the accents, and is
  guaranteed to change the name.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import polars as pl

_SIMILAR = {
    "D": "T", "T": "D", "M": "N", "N": "M", "C": "K", "K": "C", "S": "Z", "Z": "S", "I": "Y",
    "Y": "I", "E": "A", "A": "E", "O": "AU", "F": "PH", "G": "J", "J": "G", "L": "LL", "R": "RR",
    "B": "P", "P": "B", "U": "OU", "V": "W", "W": "V", "H": "", "Q": "K", "X": "S",
}


def _strip(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def name_typo(word: str, r: np.ndarray) -> str:
    """A misspelling of ``word`` (different from it), driven by three uniforms in ``r``."""
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) < 3:
        return word + word[-1]
    kind = int(r[0] * 5)
    i = letters[int(r[1] * len(letters))]
    if kind == 4 and _strip(word) != word:
        return _strip(word)
    if kind == 0:
        out = word[:i] + word[i + 1:]
    elif kind == 1:
        out = word[:i] + word[i] + word[i:]
    elif kind == 2 and i + 1 < len(word) and word[i + 1].isalpha() and word[i + 1] != word[i]:
        out = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    else:
        ch = word[i]
        rep = _SIMILAR.get(_strip(ch).upper(), "E")
        rep = rep if ch.isupper() else rep.lower()
        out = word[:i] + rep + word[i + 1:]
    return out if out and out != word else word[:i] + word[i + 1:]


def names_with_typos(names: pl.Series, where: np.ndarray, rng: np.random.Generator) -> pl.Series:
    """Apply ``name_typo`` to the rows in ``where`` (boolean mask)."""
    rows = np.flatnonzero(where)
    if not len(rows):
        return names
    draws = rng.random((len(rows), 2))
    values = names.gather(rows).to_list()
    fixed = [name_typo(v, d) if v else v for v, d in zip(values, draws, strict=True)]
    return names.scatter(rows, pl.Series(fixed, dtype=pl.String))


def nir_typos(nirs: pl.Series, where: np.ndarray, rng: np.random.Generator) -> pl.Series:
    """Corrupt the 15-character NIRs at ``where``: wrong key (60 %) or one order digit."""
    rows = np.flatnonzero(where)
    if not len(rows):
        return nirs
    kind = rng.random(len(rows)) < 0.6
    shift = rng.integers(1, 97, len(rows))
    pos = rng.integers(10, 13, len(rows))
    delta = rng.integers(1, 10, len(rows))
    out = []
    for nir, k, s, p, d in zip(nirs.gather(rows).to_list(), kind, shift, pos, delta, strict=True):
        if k:
            key = (int(nir[13:]) - 1 + int(s)) % 97 + 1
            out.append(f"{nir[:13]}{key:02d}")
        else:
            digit = (int(nir[p]) + int(d)) % 10
            out.append(f"{nir[:p]}{digit}{nir[p + 1:]}")
    return nirs.scatter(rows, pl.Series(out, dtype=pl.String))


def blank(values: pl.Series, where: np.ndarray) -> pl.Series:
    """Null out the rows in ``where`` (vectorised)."""
    if not where.any():
        return values
    return pl.select(pl.when(pl.Series(where)).then(None).otherwise(values)).to_series().alias(
        values.name
    )


__all__ = ["blank", "name_typo", "names_with_typos", "nir_typos"]
