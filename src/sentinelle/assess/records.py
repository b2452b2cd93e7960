"""One normalised record per table row: what linkage and the assessment figures need.

Readers give ``Table`` chunks (all cells strings); ``classify_table`` and
:func:`sentinelle.assess.roles.find_roles` say which column plays which role. Each row
becomes a record with normalised, comparable values, computed with the identifier
modules' vectorised checks (no Python per cell):

- ``nir``: the 13-character NIR body of a *valid* NIR (strict structure + key,
  ``identifiers.nir`` / ``identifiers.nir_no_key.check_pair_series``), else null;
  ``nir_shaped`` / ``nir_valid`` for the authenticity figures;
- ``dob`` and ``sampling``: ``pl.Date`` (``identifiers.dates.parse_series``);
- ``sex``: 1 / 2 / null; ``fam``, ``birth``, ``given``: names folded (accents and case,
  ``lexicon.folding.fold_expr``) with everything but letters removed (hyphens, spaces,
  apostrophes), null when empty;
- presence flags per data category and ``health``, a bit mask over
  ``HEALTH_CATEGORIES`` from the packaged lexicon (``lexicon.load_health_lexicon``), run
  in Python on the *distinct* non-empty comment cells only;
- ``row_hash``: a hash of the whole row, for the duplicate share.

Raw values never leave this module except as these normalised columns, which stay in
memory and are never written out.
"""

from __future__ import annotations

import polars as pl

from sentinelle.assess.roles import Roles, find_roles, sex_code_expr
from sentinelle.detect.columns import ColumnPlan, classify_table
from sentinelle.entities import HealthCategory
from sentinelle.identifiers import dates, nir, nir_no_key
from sentinelle.lexicon import load_health_lexicon
from sentinelle.lexicon.folding import fold_expr
from sentinelle.readers.base import Table

HEALTH_CATEGORIES: tuple[str, ...] = tuple(str(c) for c in HealthCategory)
SCHEMA: dict[str, pl.DataType] = {
    "file": pl.Int32(), "finess": pl.String(), "lab_name": pl.String(), "nir": pl.String(),
    "nir_shaped": pl.Boolean(), "nir_valid": pl.Boolean(), "dob": pl.Date(), "sex": pl.Int8(),
    "fam": pl.String(), "birth": pl.String(), "given": pl.String(), "sampling": pl.Date(),
    "postal": pl.String(), "identity": pl.Boolean(), "contact": pl.Boolean(),
    "credentials": pl.Boolean(), "blood": pl.Boolean(), "health": pl.Int32(),
    "row_hash": pl.UInt64(),
}


def _name(frame: pl.DataFrame, index: int | None) -> pl.Series:
    if index is None:
        return pl.Series([None] * frame.height, dtype=pl.String)
    out = pl.select(
        fold_expr(pl.lit(frame.to_series(index))).str.replace_all(r"[^a-z]", "")
    ).to_series()
    return pl.select(pl.when(out != "").then(out)).to_series()


def _any_present(frame: pl.DataFrame, columns: tuple[int, ...]) -> pl.Series:
    if not columns:
        return pl.Series([False] * frame.height, dtype=pl.Boolean)
    cells = [frame.to_series(i).str.strip_chars().fill_null("") != "" for i in columns]
    return pl.select(pl.any_horizontal(cells)).to_series()


def _nir(frame: pl.DataFrame, roles: Roles) -> tuple[pl.Series, pl.Series, pl.Series]:
    """(13-char body of valid NIRs, shaped, valid)."""
    if roles.nir is None:
        false = pl.Series([False] * frame.height, dtype=pl.Boolean)
        return pl.Series([None] * frame.height, dtype=pl.String), false, false
    column = frame.to_series(roles.nir)
    if roles.nir_key is not None:
        check = nir_no_key.check_pair_series(column, frame.to_series(roles.nir_key))
    elif roles.nir_body_only:
        check = nir_no_key.check_series(column)
    else:
        check = nir.check_series(column)
    valid = check.valid.fill_null(False)
    body = pl.select(pl.when(valid).then(check.normalised.str.slice(0, 13))).to_series()
    return body, check.shaped.fill_null(False), valid


def _health(frame: pl.DataFrame, columns: tuple[int, ...]) -> pl.Series:
    """Bit mask of the health categories mentioned in the row's free-text cells."""
    mask = pl.Series([0] * frame.height, dtype=pl.Int32)
    if not columns:
        return mask
    lexicon = load_health_lexicon()
    bit = {c: 1 << i for i, c in enumerate(HEALTH_CATEGORIES)}
    for i in columns:
        cells = frame.to_series(i)
        distinct = cells.drop_nulls().unique()
        bits = [sum(bit.get(c, 0) for c in lexicon.categories(text)) for text in distinct]
        table = pl.DataFrame({"v": distinct, "b": pl.Series(bits, dtype=pl.Int32)})
        found = (pl.DataFrame({"v": cells}).join(table, on="v", how="left",
                                                 maintain_order="left")["b"].fill_null(0))
        mask = mask | found
    return mask


def records_of(table: Table, file: int) -> pl.DataFrame:
    """The records (one per row) of one table chunk, in the ``SCHEMA`` columns."""
    return records_and_roles(table, file)[0]


def records_and_roles(table: Table, file: int) -> tuple[pl.DataFrame, Roles, list[ColumnPlan]]:
    """``records_of`` plus the column roles and plans it used (for the notify registry)."""
    frame = table.frame
    plans = classify_table(frame, table.header)
    roles = find_roles(frame, table.header, plans)
    body, shaped, valid = _nir(frame, roles)
    n = frame.height

    def column(index: int | None) -> pl.Series:
        if index is None:
            return pl.Series([None] * n, dtype=pl.String)
        return frame.to_series(index).str.strip_chars()

    def date(index: int | None) -> pl.Series:
        if index is None:
            return pl.Series([None] * n, dtype=pl.Date)
        return dates.parse_series(frame.to_series(index))

    sex = (pl.select(sex_code_expr(pl.lit(frame.to_series(roles.sex)))).to_series()
           if roles.sex is not None else pl.Series([None] * n, dtype=pl.Int8))
    out = pl.DataFrame({
        "file": pl.Series([file] * n, dtype=pl.Int32),
        "finess": column(roles.finess).str.replace_all(r"\D", ""),
        "lab_name": column(roles.lab_name),
        "nir": body, "nir_shaped": shaped, "nir_valid": valid,
        "dob": date(roles.dob), "sex": sex.cast(pl.Int8),
        "fam": _name(frame, roles.family), "birth": _name(frame, roles.birth),
        "given": _name(frame, roles.given),
        "sampling": date(roles.sampling),
        "postal": column(roles.postal).str.replace_all(r"\s", ""),
        "identity": _any_present(frame, roles.identity),
        "contact": _any_present(frame, roles.contact),
        "credentials": _any_present(frame, roles.credentials),
        "blood": _any_present(frame, roles.blood),
        "health": _health(frame, roles.free_text),
        "row_hash": frame.hash_rows(seed=0),
    })
    return out.cast(SCHEMA), roles, plans  # type: ignore[arg-type]


def empty_records() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


__all__ = ["HEALTH_CATEGORIES", "SCHEMA", "empty_records", "records_and_roles", "records_of"]
