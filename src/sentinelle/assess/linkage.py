"""Record linkage: which records belong to the same person (vectorised, then union-find).

Counting NIRs does not count persons: children (ayants droit) are insured on a parent's
NIR, a NIR cell may be empty or mistyped, and a person may have a file in two labs with
a misspelt name. Records are linked by three rules, in order of confidence:

1. ``nir_dob_sex``: same valid NIR body + same date of birth + same sex (a child on a
   parent's NIR differs by date of birth); also same NIR + sex + given name when the date
   of birth is missing, if that group holds a single date of birth (two children of the
   same given name on one parent's NIR stay two persons);
2. ``name_dob``: same normalised family name (accents, case, hyphens and spaces removed;
   the birth name is tried as well) + given name + date of birth, unless that group holds
   two different valid NIRs (homonyms born the same day: frequent at 500,000 persons);
3. ``fuzzy`` (uncertain): within blocks of the same date of birth and the same first
   letter of the family name (or of the given name), ``"family given"`` strings with a
   similarity (``rapidfuzz.fuzz.ratio``, Indel distance; ``difflib`` when rapidfuzz is
   missing) of at least ``FUZZY_THRESHOLD``, when the sexes and valid NIRs do not
   contradict each other.

Each rule gives edges ``(record, first record of its group)`` from one polars
``group_by``-like window; connected components (union-find with vectorised pointer
jumping over the edges only) are the persons. A person is counted under the weakest rule
its records needed: ``single`` (one record), ``nir_dob_sex``, ``name_dob`` or ``fuzzy``;
the ``fuzzy`` persons are the uncertain ones.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np
import polars as pl

FUZZY_THRESHOLD = 0.85
RULES: tuple[str, ...] = ("single", "nir_dob_sex", "name_dob", "fuzzy")


@dataclass(frozen=True, slots=True)
class Linkage:
    """``person[i]``: person number (0..persons-1) of record ``i``."""

    person: np.ndarray
    persons: int
    by_rule: dict[str, int]  # persons per weakest rule needed (RULES)
    uncertain: int

    def to_dict(self) -> dict[str, object]:
        return {"persons": self.persons, "by_rule": dict(self.by_rule),
                "uncertain": self.uncertain, "fuzzy_threshold": FUZZY_THRESHOLD}


def _roots(parent: np.ndarray) -> np.ndarray:
    while True:
        grand = parent[parent]
        if np.array_equal(grand, parent):
            return parent
        parent = grand


def union(parent: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Union-find over the edge arrays ``a``-``b`` (vectorised rounds); new root array."""
    parent = _roots(parent.copy())
    while len(a):
        ra, rb = parent[a], parent[b]
        todo = ra != rb
        if not todo.any():
            break
        ra, rb = ra[todo], rb[todo]
        np.minimum.at(parent, np.maximum(ra, rb), np.minimum(ra, rb))
        parent = _roots(parent)
        a, b = a[todo], b[todo]
    return parent


def _group_edges(frame: pl.DataFrame, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    edges = (frame.lazy().drop_nulls(keys)
             .select("rid", first=pl.col("rid").min().over(keys))
             .filter(pl.col("rid") != pl.col("first")).collect())
    return edges["rid"].to_numpy(), edges["first"].to_numpy()


def _apply(parent: np.ndarray, frame: pl.DataFrame, key_sets: list[list[str]]) -> np.ndarray:
    for keys in key_sets:
        a, b = _group_edges(frame, keys)
        parent = union(parent, a, b)
    return parent


def single_valued(frame: pl.LazyFrame, keys: list[str], column: str) -> pl.LazyFrame:
    """Rows of ``frame`` (non-null ``keys``) in groups holding at most one distinct
    non-null ``column`` value."""
    base = frame.drop_nulls(keys)
    mixed = (base.filter(pl.col(column).is_not_null()).group_by(keys)
             .agg(n=pl.col(column).n_unique()).filter(pl.col("n") > 1).select(keys))
    return base.join(mixed, on=keys, how="anti")


def _no_dob_edges(frame: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Same NIR + sex + given name, for records without a date of birth: only in groups
    with a single date of birth (two siblings of the same name on a parent's NIR stay apart)."""
    keys = ["nir", "sex", "given"]
    base = frame.lazy().drop_nulls(keys)
    undated = base.filter(pl.col("dob").is_null()).select(keys).unique()
    kept = single_valued(base.join(undated, on=keys, how="semi"), keys, "dob").collect()
    return _group_edges(kept, keys)


def _name_edges(frame: pl.DataFrame, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Same name + given name + date of birth, in groups with at most one valid NIR:
    homonyms born the same day with two different NIRs are two persons."""
    return _group_edges(single_valued(frame.lazy(), keys, "nir").collect(), keys)


def similarity(left: list[str], right: list[str]) -> np.ndarray:
    """Pairwise similarity in [0, 1] of two equal-length lists of strings."""
    try:
        from rapidfuzz import fuzz, process
    except ImportError:  # pragma: no cover - rapidfuzz is the fast path
        return np.array([difflib.SequenceMatcher(None, x, y).ratio()
                         for x, y in zip(left, right, strict=True)])
    return np.asarray(process.cpdist(left, right, scorer=fuzz.ratio, workers=1)) / 100.0


#: the fuzzy pass compares names of the same birth date sharing an initial (family or given)
FUZZY_BLOCKS = ("f1", "g1")


def fuzzy_keys(family: str, given: str) -> dict[str, pl.Expr]:
    """The name compared by the fuzzy pass (``text``: family then given name) and its
    blocking initials (:data:`FUZZY_BLOCKS`), from the columns ``family`` and ``given``."""
    first_name = pl.col(given).fill_null("")
    return {"text": pl.concat_str([pl.col(family), pl.lit(" "), first_name]),
            "f1": pl.col(family).str.slice(0, 1), "g1": first_name.str.slice(0, 1)}


def _fuzzy_edges(frame: pl.DataFrame, parent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs of components in the same blocks, kept when the names are similar."""
    base = (frame.with_columns(comp=pl.Series(parent))
            .filter(pl.col("dob").is_not_null() & pl.col("fam").is_not_null())
            .select("comp", "dob", "sex", "nir", **fuzzy_keys("fam", "given"))
            .unique(["comp", "text", "sex", "nir"]))
    pairs = []
    for block in FUZZY_BLOCKS:
        joined = base.join(base, on=["dob", block], suffix="_b").filter(
            (pl.col("comp") < pl.col("comp_b"))
            & (pl.col("text") != pl.col("text_b"))
            & (pl.col("sex").is_null() | pl.col("sex_b").is_null()
               | (pl.col("sex") == pl.col("sex_b")))
            & (pl.col("nir").is_null() | pl.col("nir_b").is_null()
               | (pl.col("nir") == pl.col("nir_b")))
        ).select("comp", "comp_b", "text", "text_b")
        pairs.append(joined)
    cand = pl.concat(pairs).unique(["comp", "comp_b", "text", "text_b"])
    if cand.height == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    score = similarity(cand["text"].to_list(), cand["text_b"].to_list())
    keep = score >= FUZZY_THRESHOLD
    return cand["comp"].to_numpy()[keep], cand["comp_b"].to_numpy()[keep]


def link(records: pl.DataFrame) -> Linkage:
    """Link ``records`` (columns ``nir``, ``dob``, ``sex``, ``fam``, ``birth``, ``given``)."""
    n = records.height
    frame = records.select("nir", "dob", "sex", "fam", "birth", "given").with_row_index("rid")
    frame = frame.with_columns(pl.col("rid").cast(pl.Int64))
    start = np.arange(n, dtype=np.int64)
    p1 = _apply(start, frame, [["nir", "dob", "sex"]])
    p1 = union(p1, *_no_dob_edges(frame))
    p2 = p1
    for keys in (["fam", "given", "dob"], ["birth", "given", "dob"]):
        p2 = union(p2, *_name_edges(frame, keys))
    a, b = _fuzzy_edges(frame, p2)
    p3 = union(p2, a, b)
    stats = (pl.DataFrame({"p": p3, "c1": p1, "c2": p2})
             .group_by("p").agg(n=pl.len(), c1=pl.col("c1").n_unique(),
                                c2=pl.col("c2").n_unique()))
    rule = np.select(
        [stats["n"].to_numpy() == 1, stats["c1"].to_numpy() == 1,
         stats["c2"].to_numpy() == 1],
        [0, 1, 2], 3)
    counts = np.bincount(rule, minlength=len(RULES))
    by_rule = {name: int(counts[i]) for i, name in enumerate(RULES)}
    _, person = np.unique(p3, return_inverse=True)
    return Linkage(person=person.astype(np.int64), persons=int(stats.height),
                   by_rule=by_rule, uncertain=by_rule["fuzzy"])


__all__ = ["FUZZY_BLOCKS", "FUZZY_THRESHOLD", "RULES", "Linkage", "fuzzy_keys", "link", "similarity", "single_valued",
           "union"]
