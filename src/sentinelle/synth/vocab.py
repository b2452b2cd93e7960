"""Packaged word lists for the generator (read once, cached; never mutated).

The lists live in ``sentinelle/synth/data``: common French surnames and first names (public
frequency statistics, not persons), generic street names, communes with their postal codes
(public geography), the départements with their landline zone (ARCEP numbering plan: 01
Île-de-France, 02 north-west, 03 north-east, 04 south-east, 05 south-west) and neighbours,
INSEE country codes for births abroad (INSEE "code officiel géographique", pays: 99xxx),
and comment templates. Every string is in Latin-1 so every supported encoding can write it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from sentinelle.entities import HealthCategory


def _lines(name: str) -> list[list[str]]:
    text = resources.files("sentinelle.synth").joinpath("data").joinpath(name).read_text("utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


@lru_cache(maxsize=1)
def last_names() -> tuple[str, ...]:
    return _unique([r[0] for r in _lines("last_names.txt")])


@dataclass(frozen=True, slots=True)
class FirstNames:
    names: tuple[str, ...]
    sex: np.ndarray  # int8: 1 man, 2 woman
    era: np.ndarray  # int8: 0 old (< 1960), 1 mid (1960-1989), 2 young (>= 1990), 3 any


_ERAS = {"old": 0, "mid": 1, "young": 2, "any": 3}


@lru_cache(maxsize=1)
def first_names() -> FirstNames:
    rows = _lines("first_names.tsv")
    return FirstNames(
        names=tuple(r[0] for r in rows),
        sex=np.array([1 if r[1] == "M" else 2 for r in rows], dtype=np.int8),
        era=np.array([_ERAS[r[2]] for r in rows], dtype=np.int8),
    )


@lru_cache(maxsize=1)
def streets() -> tuple[str, ...]:
    return _unique([r[0] for r in _lines("streets.txt")])


@dataclass(frozen=True, slots=True)
class Departements:
    codes: tuple[str, ...]
    names: tuple[str, ...]
    zone: np.ndarray  # int8 first digit of landlines
    neighbours: tuple[tuple[int, ...], ...]  # indices into codes

    def index(self, code: str) -> int:
        return self.codes.index(code)


@lru_cache(maxsize=1)
def departements() -> Departements:
    rows = _lines("departements.tsv")
    codes = tuple(r[0] for r in rows)
    pos = {c: i for i, c in enumerate(codes)}
    return Departements(
        codes=codes,
        names=tuple(r[1] for r in rows),
        zone=np.array([int(r[2]) for r in rows], dtype=np.int8),
        neighbours=tuple(tuple(pos[c] for c in r[3].split(",") if c in pos) for r in rows),
    )


@dataclass(frozen=True, slots=True)
class Communes:
    """Communes grouped by département (``offsets[d]`` .. ``offsets[d] + counts[d]``)."""

    dept: np.ndarray  # int32 index into Departements.codes
    cp: tuple[str, ...]
    name: tuple[str, ...]
    offsets: np.ndarray
    counts: np.ndarray


@lru_cache(maxsize=1)
def communes() -> Communes:
    deps = departements()
    pos = {c: i for i, c in enumerate(deps.codes)}
    rows = [r for r in _lines("communes.tsv") if r[0] in pos]
    # stable sort by département, keeping the file order (largest towns first) inside one
    rows.sort(key=lambda r: pos[r[0]])
    dept = np.array([pos[r[0]] for r in rows], dtype=np.int32)
    counts = np.bincount(dept, minlength=len(deps.codes)).astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return Communes(
        dept=dept,
        cp=tuple(r[1] for r in rows),
        name=tuple(r[2] for r in rows),
        offsets=offsets,
        counts=counts,
    )


@lru_cache(maxsize=1)
def countries() -> tuple[tuple[int, str], ...]:
    """(INSEE code 99xxx, name) for births abroad."""
    return tuple((int(r[0]), r[1]) for r in _lines("countries.tsv"))


@dataclass(frozen=True, slots=True)
class Templates:
    """Comment templates of one kind; ``mask`` is the bitmask of health categories (bit i =
    ``CATEGORIES[i]``), ``primary`` the first listed category (-1 for neutral / phone)."""

    text: tuple[str, ...]
    mask: np.ndarray  # int16
    primary: np.ndarray  # int8


@lru_cache(maxsize=1)
def comment_templates() -> dict[str, Templates]:
    """Templates by kind: ``health``, ``neutral``, ``phone``."""
    out: dict[str, tuple[list[str], list[int], list[int]]] = {}
    for kind, cats, text in _lines("comments.tsv"):
        names = [c for c in cats.split(",") if c]
        mask = 0
        for cat in names:
            mask |= 1 << CATEGORIES.index(cat)
        texts, masks, primary = out.setdefault(kind, ([], [], []))
        texts.append(text)
        masks.append(mask)
        primary.append(CATEGORIES.index(names[0]) if names else -1)
    return {
        k: Templates(tuple(t), np.array(m, dtype=np.int16), np.array(p, dtype=np.int8))
        for k, (t, m, p) in out.items()
    }


CATEGORIES: tuple[str, ...] = tuple(c.value for c in HealthCategory)

__all__ = [
    "CATEGORIES",
    "Communes",
    "Departements",
    "FirstNames",
    "Templates",
    "comment_templates",
    "communes",
    "countries",
    "departements",
    "first_names",
    "last_names",
    "streets",
]
