"""The controller's patient registry (a CSV or xlsx export of its patient database).

Read with the project's readers; columns are recognised as for a dump
(``assess.records.records_and_roles``: family, birth and given names, sex, date of birth,
NIR) so the registry rows get the same normalised linkage keys as the dump records. The
mailing fields (names as written, street, postal code, town) come from the same roles and
from the ``ADDRESS`` / ``POSTAL_CODE`` columns; they are used only for the mailing list.

Each row gets an opaque id: the registry's own id column when it has one (header
``registry_id``, ``id``, ``ipp``, ``identifiant``, ``dossier``..., values unique, short, not
shaped like a NIR), else a sequential ``P0000001``. The id names the letter file, so it
never is or contains a NIR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from sentinelle.assess.records import records_and_roles
from sentinelle.assess.roles import Roles, sex_code_expr
from sentinelle.detect.columns import ColumnPlan
from sentinelle.detect.headers import fold
from sentinelle.entities import Entity
from sentinelle.errors import InputError
from sentinelle.readers import read_source
from sentinelle.readers.base import ReadOptions, Source, Table

KEYS = ("nir", "dob", "sex", "fam", "birth", "given")
MAIL = ("civilite", "nom", "prenom", "adresse", "code_postal", "ville")
_ID = re.compile(r"^(?:registry id|id|ipp|identifiant|id patient|patient id|num patient|"
                 r"numero patient|no patient|n patient|dossier|n dossier|numero dossier|"
                 r"num dossier|code patient|ref|reference)$")
_TOWN = re.compile(r"\b(?:ville|commune|localite|city|town)\b")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
_LONG_DIGITS = re.compile(r"\d{11,}")


@dataclass(frozen=True, slots=True)
class Registry:
    """``keys``: ``row``, ``id`` and the linkage keys ``KEYS`` per registry row;
    ``mail``: ``id`` and the ``MAIL`` fields as written in the registry."""

    path: Path
    keys: pl.DataFrame
    mail: pl.DataFrame

    @property
    def rows(self) -> int:
        return self.keys.height


def _id_column(table: Table, plans: list[ColumnPlan]) -> int | None:
    if table.header is None:
        return None
    for plan in plans:
        name = table.header[plan.index] if plan.index < len(table.header) else ""
        if plan.entity not in (None, "NEUTRAL") or not _ID.match(fold(name or "")):
            continue
        values = table.frame.to_series(plan.index).str.strip_chars()
        if values.null_count() or values.is_duplicated().any():
            continue
        if not values.str.contains(_SAFE_ID.pattern).all():
            continue
        if values.str.contains(_LONG_DIGITS.pattern).any():  # could hold a NIR
            continue
        return plan.index
    return None


def _text(frame: pl.DataFrame, index: int | None) -> pl.Series:
    if index is None:
        return pl.Series([None] * frame.height, dtype=pl.String)
    return frame.to_series(index).str.strip_chars()


def _mail(table: Table, plans: list[ColumnPlan], roles: Roles, ids: pl.Series) -> pl.DataFrame:
    frame = table.frame
    header = table.header or []
    address = [p.index for p in plans if p.entity == Entity.ADDRESS]
    town = next((i for i in address if i < len(header) and _TOWN.search(fold(header[i] or ""))),
                None)
    if town is None and roles.postal is not None and roles.postal + 1 in address:
        town = roles.postal + 1
    street = [i for i in address if i != town]
    sex = frame.to_series(roles.sex) if roles.sex is not None else None
    civ = pl.Series([None] * frame.height, dtype=pl.String)
    if sex is not None:
        code = pl.select(sex_code_expr(pl.lit(sex))).to_series()
        civ = pl.select(pl.when(pl.lit(code) == 1).then(pl.lit("M."))
                        .when(pl.lit(code) == 2).then(pl.lit("Mme"))).to_series()
    street_text = (pl.select(pl.concat_str([pl.lit(frame.to_series(i)).str.strip_chars()
                                            for i in street], separator=", ",
                                           ignore_nulls=True)).to_series()
                   if street else pl.Series([None] * frame.height, dtype=pl.String))
    return pl.DataFrame({
        "id": ids, "civilite": civ, "nom": _text(frame, roles.family),
        "prenom": _text(frame, roles.given), "adresse": street_text,
        "code_postal": _text(frame, roles.postal), "ville": _text(frame, town),
    }, schema={"id": pl.String, **{m: pl.String for m in MAIL}})


def read_registry(path: str | Path, options: ReadOptions | None = None) -> Registry:
    """Read a registry file; ``InputError`` when it is missing or has no patient columns."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "registry file not found")
    keys: list[pl.DataFrame] = []
    mails: list[pl.DataFrame] = []
    start = 0
    for item in read_source(Source.from_path(path), options or ReadOptions()):
        if not isinstance(item, Table) or not item.frame.height:
            continue
        records, roles, plans = records_and_roles(item, 0)
        if roles.dob is None or (roles.family is None and roles.nir is None):
            raise InputError(str(path), "no patient columns recognised (need a date of birth "
                                        "and a family name or NIR column)")
        n = item.frame.height
        id_col = _id_column(item, plans)
        ids = (item.frame.to_series(id_col).str.strip_chars() if id_col is not None else
               pl.Series([f"P{start + i + 1:07d}" for i in range(n)], dtype=pl.String))
        keys.append(records.select(*KEYS).with_columns(
            row=pl.int_range(start, start + n, dtype=pl.Int64), id=ids))
        mails.append(_mail(item, plans, roles, ids))
        start += n
    if not keys:
        raise InputError(str(path), "the registry holds no table rows")
    key_frame = pl.concat(keys).select("row", "id", *KEYS)
    if key_frame["id"].is_duplicated().any():  # ids unique per chunk but not overall
        seq = pl.Series([f"P{i + 1:07d}" for i in range(key_frame.height)], dtype=pl.String)
        key_frame = key_frame.with_columns(id=seq)
        mails = [pl.concat(mails).with_columns(id=seq)]
    return Registry(path=path, keys=key_frame, mail=pl.concat(mails))


__all__ = ["KEYS", "MAIL", "Registry", "read_registry"]
