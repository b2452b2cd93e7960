"""Match registry rows to the persons of a dump, with the linkage rules of ``assess``.

The dump's records are first linked into persons (``assess.linkage.link``). Each registry
row then looks for dump persons with the same rules, strongest first:

1. ``nir_dob_sex``: same valid NIR body + date of birth (or no date of birth in the dump
   record), sexes not contradicting, and given names compatible (equal, one a prefix of the
   other, or similar): twins on a parent's NIR share NIR, date of birth and often sex, and a
   letter must not go to the wrong twin;
2. ``name_dob``: same normalised family name + given name + date of birth, the registry's
   usage or birth name against the dump's usage or birth name (a woman registered under
   her married name is found under her birth name), sexes and valid NIRs not contradicting
   (homonyms born the same day are common among 500,000 patients);
3. ``fuzzy``: same date of birth and first letter of the family (or given) name,
   ``"family given"`` similarity >= ``assess.linkage.FUZZY_THRESHOLD``, sexes and valid NIRs
   not contradicting. Only for rows without a rule 1 or 2 candidate.

A row's candidates are those of its strongest rule. One dump person: matched. Several:
matched to the best one when it is clearly best (fuzzy scores ``MARGIN`` apart), else
*ambiguous*. A dump person claimed by several registry rows goes to the strongest claim
when it is unique; the other claimants, or all of them on a tie, are *ambiguous*. Rows
with no candidate are *unmatched*. Ambiguous rows get no letter: they are listed for a
human review.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from sentinelle.assess.linkage import FUZZY_BLOCKS, FUZZY_THRESHOLD, fuzzy_keys, similarity

MARGIN = 0.05
GIVEN_SIMILAR = 0.75
RULES = ("nir_dob_sex", "name_dob", "fuzzy")


@dataclass(frozen=True, slots=True)
class Matches:
    """One row per registry row: ``row``, ``status`` (matched / ambiguous / unmatched),
    ``person`` (dump person when matched), ``rule``, ``reason`` (for ambiguous rows),
    ``candidates`` (number of distinct dump persons considered), ``shared`` (for rows that
    lost a shared dump person: that person, to list the other claimants)."""

    frame: pl.DataFrame

    def count(self, status: str) -> int:
        return int((self.frame["status"] == status).sum())


def _sex_ok() -> pl.Expr:
    return (pl.col("sex").is_null() | pl.col("sex_d").is_null()
            | (pl.col("sex") == pl.col("sex_d")))


def _nir_ok() -> pl.Expr:
    return (pl.col("nir").is_null() | pl.col("nir_d").is_null()
            | (pl.col("nir") == pl.col("nir_d")))


def _given_ok(pairs: pl.DataFrame) -> pl.DataFrame:
    """Keep pairs whose given names are compatible."""
    if pairs.height == 0:
        return pairs
    g, gd = pl.col("given"), pl.col("given_d")
    plain = (g.is_null() | gd.is_null() | (g == gd) | g.str.starts_with(gd)
             | gd.str.starts_with(g))
    pairs = pairs.with_columns(_plain=plain)
    rest = pairs.filter(~pl.col("_plain"))
    keep = pairs.filter(pl.col("_plain"))
    if rest.height:
        score = similarity(rest["given"].to_list(), rest["given_d"].to_list())
        keep = pl.concat([keep, rest.filter(pl.Series(score >= GIVEN_SIMILAR))])
    return keep.drop("_plain")


def _dump_side(records: pl.DataFrame) -> pl.DataFrame:
    return (records.select("person", "nir", "dob", "sex", "fam", "birth", "given").unique()
            .rename({c: f"{c}_d" for c in ("nir", "sex", "fam", "birth", "given")}))


def _strong(reg: pl.DataFrame, dump: pl.DataFrame) -> pl.DataFrame:
    r1 = (reg.filter(pl.col("nir").is_not_null() & pl.col("dob").is_not_null())
          .join(dump.filter(pl.col("nir_d").is_not_null()),
                left_on=["nir", "dob"], right_on=["nir_d", "dob"], how="inner")
          .with_columns(nir_d=pl.col("nir"))
          .filter(_sex_ok()))
    # dump records without a date of birth: same NIR + sex + compatible given name
    undated = dump.filter(pl.col("nir_d").is_not_null() & pl.col("dob").is_null()).drop("dob")
    r1b = (reg.filter(pl.col("nir").is_not_null())
           .join(undated, left_on="nir", right_on="nir_d", how="inner")
           .with_columns(nir_d=pl.col("nir"))
           .filter(_sex_ok()))
    r1 = pl.concat([_given_ok(r1).select("row", "person"), _given_ok(r1b).select("row", "person")]
                   ).select("row", "person", rank=pl.lit(1), score=pl.lit(1.0))
    r2_parts = []
    for mine in ("fam", "birth"):
        for theirs in ("fam_d", "birth_d"):
            part = (reg.filter(pl.col(mine).is_not_null() & pl.col("given").is_not_null()
                               & pl.col("dob").is_not_null())
                    .join(dump.filter(pl.col(theirs).is_not_null()),
                          left_on=[mine, "given", "dob"], right_on=[theirs, "given_d", "dob"],
                          how="inner", coalesce=False)
                    .filter(_sex_ok() & _nir_ok())
                    .select("row", "person", rank=pl.lit(2), score=pl.lit(1.0)))
            r2_parts.append(part)
    return pl.concat([r1, *r2_parts]).unique(["row", "person", "rank"])


def _fuzzy(reg: pl.DataFrame, dump: pl.DataFrame) -> pl.DataFrame:
    empty = pl.DataFrame(schema={"row": pl.Int64, "person": pl.Int64, "rank": pl.Int32,
                                 "score": pl.Float64})
    texts = []
    for name in ("fam", "birth"):
        texts.append(reg.filter(pl.col(name).is_not_null() & pl.col("dob").is_not_null())
                     .select("row", "dob", "sex", "nir", "given", **fuzzy_keys(name, "given")))
    left = pl.concat(texts).unique(["row", "text"])
    right = (dump.filter(pl.col("fam_d").is_not_null() & pl.col("dob").is_not_null())
             .select("person", "dob", "sex_d", "nir_d", **fuzzy_keys("fam_d", "given_d"))
             .rename({"text": "text_d"})
             .unique(["person", "text_d", "sex_d", "nir_d"]))
    if left.height == 0 or right.height == 0:
        return empty
    cands = []
    for block in FUZZY_BLOCKS:
        cands.append(left.join(right, on=["dob", block], how="inner", suffix="_x")
                     .filter(_sex_ok() & _nir_ok())
                     .select("row", "person", "text", "text_d"))
    cand = pl.concat(cands).unique()
    if cand.height == 0:
        return empty
    score = similarity(cand["text"].to_list(), cand["text_d"].to_list())
    cand = cand.with_columns(score=pl.Series(score, dtype=pl.Float64))
    return (cand.filter(pl.col("score") >= FUZZY_THRESHOLD)
            .group_by("row", "person").agg(pl.col("score").max())
            .select("row", "person", pl.lit(3, pl.Int32).alias("rank"), "score"))


def match(registry_keys: pl.DataFrame, records: pl.DataFrame) -> Matches:
    """Match ``registry_keys`` (``row`` + linkage keys) to ``records`` (with ``person``)."""
    reg = registry_keys.select("row", "nir", "dob", "sex", "fam", "birth", "given")
    dump = _dump_side(records)
    strong = _strong(reg, dump).with_columns(pl.col("rank").cast(pl.Int32),
                                             pl.col("person").cast(pl.Int64))
    weak_rows = reg.join(strong.select("row").unique(), on="row", how="anti")
    cands = pl.concat([strong, _fuzzy(weak_rows, dump)])
    best = (cands.group_by("row", "person").agg(pl.col("rank").min(), pl.col("score").max())
            .with_columns(top=pl.col("rank").min().over("row"))
            .filter(pl.col("rank") == pl.col("top"))
            .sort(["row", "score"], descending=[False, True]))
    per_row = best.group_by("row").agg(
        n=pl.len(), rank=pl.col("rank").first(), person=pl.col("person").first(),
        s1=pl.col("score").first(), s2=pl.col("score").get(1, null_on_oob=True))
    clear = (pl.col("n") == 1) | ((pl.col("rank") == 3)
                                  & (pl.col("s1") - pl.col("s2").fill_null(0) >= MARGIN))
    per_row = per_row.with_columns(
        status=pl.when(clear).then(pl.lit("matched")).otherwise(pl.lit("ambiguous")),
        reason=pl.when(clear).then(pl.lit(None, pl.String)).otherwise(
            pl.lit("matches several dump persons with no clear best")),
    )
    # a dump person claimed by several matched rows
    claims = per_row.filter(pl.col("status") == "matched").with_columns(
        claimants=pl.len().over("person"),
        strongest=pl.col("rank").min().over("person"),
        at_strongest=(pl.col("rank") == pl.col("rank").min().over("person")).sum().over("person"),
    )
    lost = claims.filter((pl.col("claimants") > 1)
                         & ((pl.col("rank") > pl.col("strongest"))
                            | (pl.col("at_strongest") > 1)))
    per_row = per_row.join(lost.select("row", lost=pl.lit(True), shared=pl.col("person")),
                           on="row", how="left")
    per_row = per_row.with_columns(
        status=pl.when(pl.col("lost").fill_null(False)).then(pl.lit("ambiguous"))
        .otherwise(pl.col("status")),
        reason=pl.when(pl.col("lost").fill_null(False))
        .then(pl.lit("its dump person also matches other registry rows"))
        .otherwise(pl.col("reason")),
    )
    out = (reg.select("row")
           .join(per_row.select("row", "status", "person", "rank", "reason", "n", "shared"),
                 on="row", how="left")
           .with_columns(
               status=pl.col("status").fill_null("unmatched"),
               person=pl.when(pl.col("status") == "matched").then(pl.col("person")),
               rule=pl.col("rank").replace_strict(
                   {i + 1: name for i, name in enumerate(RULES)}, default=None,
                   return_dtype=pl.String),
               candidates=pl.col("n").fill_null(0).cast(pl.Int64))
           .select("row", "status", "person", "rule", "reason", "candidates", "shared")
           .sort("row"))
    return Matches(out)


__all__ = ["MARGIN", "RULES", "Matches", "match"]
