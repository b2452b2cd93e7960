"""``assess``: how bad is a leaked dump? Persons, records, sources, départements, dates,
data categories, authenticity and severity (the figures GDPR Art. 33(3) asks for).

Inputs are read with the scanner's readers (``sentinelle.readers.read_source``) and each
table row becomes a normalised record (``assess.records``); records are linked into
persons (``assess.linkage``). Every figure is a count or a share: no raw identifier ever
reaches :meth:`Assessment.to_dict` (lab FINESS numbers and names are public identifiers
of establishments, not of persons).

Départements (``by_departement``) come from the first basis available: the lab FINESS
(its first two characters are the département, three for overseas ``97x``), else the
patient's postal code (``20xxx`` -> ``2A`` below 20200, ``2B`` above), else the NIR birth
département (characters 6-7, three for ``97``/``98``; ``99`` = born abroad).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from sentinelle.assess.linkage import Linkage, link
from sentinelle.assess.records import HEALTH_CATEGORIES, empty_records, records_of
from sentinelle.entities import RiskLevel
from sentinelle.errors import InputError
from sentinelle.readers import read_source
from sentinelle.readers.base import ReadOptions, Source, Table

SCHEMA = "sentinelle.assess/1"
BASE_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("identity", "identity"), ("NIR", "nir_shaped"), ("contact", "contact"),
    ("credentials", "credentials"), ("blood_group", "blood"),
)
_LEVELS = (RiskLevel.NONE, RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL)
_SENSITIVE = ("HIV", "MENTAL_HEALTH", "HEPATITIS", "CANCER", "PREGNANCY")
LARGE = 10_000  # persons: a breach this large raises the severity one level


@dataclass(frozen=True, slots=True)
class AssessConfig:
    """Options of an assessment (immutable)."""

    read_options: ReadOptions = field(default_factory=ReadOptions)


@dataclass(frozen=True, slots=True)
class Assessment:
    """The figures of one assessment; ``to_dict`` is the ``assessment.json`` contract."""

    persons: int
    records: int
    files: int
    by_source: dict[str, dict[str, Any]]
    by_departement: dict[str, Any]
    categories: dict[str, int]
    category_records: dict[str, int]
    date_range: dict[str, Any]
    authenticity: dict[str, Any]
    severity: dict[str, Any]
    linkage: Linkage
    errors: tuple[dict[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA, "persons": self.persons, "records": self.records,
            "files": self.files, "by_source": self.by_source,
            "by_departement": self.by_departement, "categories": self.categories,
            "category_records": self.category_records, "date_range": self.date_range,
            "authenticity": self.authenticity, "severity": self.severity,
            "linkage": self.linkage.to_dict(), "errors": list(self.errors),
        }


def _files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        else:
            yield path


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 6) if whole else None


def _by_source(rec: pl.DataFrame, names: list[str]) -> dict[str, dict[str, Any]]:
    if rec["finess"].is_not_null().any():
        rows = (rec.filter(pl.col("finess").is_not_null()).group_by("finess")
                .agg(records=pl.len(), persons=pl.col("person").n_unique(),
                     name=pl.col("lab_name").drop_nulls().mode().min())
                .sort("finess"))
        return {r["finess"]: {"kind": "lab", "finess": r["finess"], "name": r["name"],
                              "records": r["records"], "persons": r["persons"]}
                for r in rows.iter_rows(named=True)}
    rows = (rec.group_by("file").agg(records=pl.len(), persons=pl.col("person").n_unique())
            .sort("file"))
    return {names[r["file"]]: {"kind": "file", "records": r["records"], "persons": r["persons"]}
            for r in rows.iter_rows(named=True)}


def _two_or_three(code: pl.Expr) -> pl.Expr:
    return pl.when(code.str.starts_with("97") | code.str.starts_with("98")).then(
        code.str.slice(0, 3)).otherwise(code.str.slice(0, 2))


def _by_departement(rec: pl.DataFrame) -> dict[str, Any]:
    if rec["finess"].is_not_null().any():
        basis, dept = "lab FINESS prefix", _two_or_three(pl.col("finess"))
    elif rec["postal"].str.contains(r"^\d{5}$").any():
        cp = pl.when(pl.col("postal").str.contains(r"^\d{5}$")).then(pl.col("postal"))
        corsica = pl.when(cp.str.slice(0, 3) < "202").then(pl.lit("2A")).otherwise(pl.lit("2B"))
        basis = "patient postal code"
        dept = pl.when(cp.str.starts_with("20")).then(corsica).otherwise(_two_or_three(cp))
    else:
        place = pl.col("nir").str.slice(5, 3)
        basis = "NIR birth département"
        dept = pl.when(place.str.starts_with("99")).then(pl.lit("abroad")).otherwise(
            _two_or_three(place))
    rows = (rec.with_columns(dept=dept).filter(pl.col("dept").is_not_null())
            .group_by("dept").agg(records=pl.len(), persons=pl.col("person").n_unique())
            .sort("dept"))
    return {"basis": basis,
            "persons": dict(zip(rows["dept"].to_list(), rows["persons"].to_list(), strict=True)),
            "records": dict(zip(rows["dept"].to_list(), rows["records"].to_list(), strict=True))}


def _categories(rec: pl.DataFrame) -> tuple[dict[str, int], dict[str, int]]:
    persons: dict[str, int] = {}
    records: dict[str, int] = {}
    exprs = {name: pl.col(flag) for name, flag in BASE_CATEGORIES}
    for i, cat in enumerate(HEALTH_CATEGORIES):
        exprs[cat] = (pl.col("health") & (1 << i)) != 0
    found = rec.select(
        *[pl.col("person").filter(e).n_unique().alias(f"p_{k}") for k, e in exprs.items()],
        *[e.sum().alias(f"r_{k}") for k, e in exprs.items()],
    ).row(0, named=True)
    for key in exprs:
        persons[key] = int(found[f"p_{key}"])
        records[key] = int(found[f"r_{key}"])
    return persons, records


def _date_range(rec: pl.DataFrame) -> dict[str, Any]:
    days = rec["sampling"].drop_nulls()
    if days.len() == 0:
        return {"basis": None, "min": None, "max": None, "by_month": {}}
    months = days.dt.strftime("%Y-%m").value_counts().sort(days.name)
    return {"basis": "sampling date", "min": str(days.min()), "max": str(days.max()),
            "by_month": dict(zip(months[days.name].to_list(), months["count"].to_list(),
                                 strict=True))}


def _authenticity(rec: pl.DataFrame) -> dict[str, Any]:
    shaped = int(rec["nir_shaped"].sum())
    valid = int(rec["nir_valid"].sum())
    nir_sex = pl.col("nir").str.slice(0, 1).cast(pl.Int8, strict=False)
    checked = rec.filter(pl.col("nir").is_not_null() & pl.col("dob").is_not_null()
                         & pl.col("sex").is_not_null())
    nir_month = pl.col("nir").str.slice(3, 2).cast(pl.Int32, strict=False)
    agree = checked.select(
        ((((nir_sex - 1) % 2 + 1) == pl.col("sex"))
         & (pl.col("nir").str.slice(1, 2).cast(pl.Int32, strict=False)
            == pl.col("dob").dt.year() % 100)
         & ((nir_month == pl.col("dob").dt.month().cast(pl.Int32)) | (nir_month > 12)))
        .sum()).item()
    today = date.today()
    with_dob = rec.filter(pl.col("dob").is_not_null())
    implausible = with_dob.select(
        ((pl.col("dob") > pl.lit(today)) | (pl.col("dob").dt.year() < 1890)
         | (pl.col("sampling").is_not_null() & (pl.col("dob") > pl.col("sampling")))).sum()
    ).item()
    duplicates = rec.height - rec["row_hash"].n_unique()
    return {
        "nir_cells": shaped,
        "nir_key_valid_share": _share(valid, shaped),
        "nir_dob_sex_rows": checked.height,
        "nir_dob_sex_agreement": _share(int(agree or 0), checked.height),
        "duplicate_record_share": _share(duplicates, rec.height),
        "implausible_date_share": _share(int(implausible or 0), with_dob.height),
    }


def _severity(persons: int, categories: dict[str, int]) -> dict[str, Any]:
    """Level and reasons; ``factors`` holds the same reasons as data (for translations)."""
    reasons: list[str] = []
    factors: list[dict[str, Any]] = []

    def factor(name: str, n: int) -> None:
        factors.append({"factor": name, "persons": n})
    health = {c: categories[c] for c in HEALTH_CATEGORIES if categories.get(c)}
    identified = categories.get("identity", 0) > 0 or categories.get("NIR", 0) > 0
    level = 1 if persons else 0
    if categories.get("contact"):
        level = max(level, 2)
        reasons.append(f"contact details of {categories['contact']} persons")
        factor("contact", categories["contact"])
    if categories.get("NIR"):
        level = max(level, 3)
        reasons.append(f"NIR of {categories['NIR']} persons (identity theft)")
        factor("NIR", categories["NIR"])
    if categories.get("credentials"):
        level = max(level, 3)
        reasons.append(f"login/password of {categories['credentials']} persons")
        factor("credentials", categories["credentials"])
    if identified and (health or categories.get("blood_group")):
        level = max(level, 3)
        for cat, n in health.items():
            reasons.append(f"{cat} data of {n} persons (GDPR Art. 9)")
            factor(cat, n)
        if categories.get("blood_group"):
            reasons.append(f"blood group of {categories['blood_group']} persons (health data)")
            factor("blood_group", categories["blood_group"])
        if categories.get("NIR") and (any(c in health for c in _SENSITIVE)):
            level = 4
            reasons.append("NIR together with sensitive health data")
            factor("nir_with_sensitive_health", categories["NIR"])
    if persons >= LARGE and level:
        level = min(level + 1, 4)
        reasons.append(f"{persons} persons affected")
        factor("large", persons)
    return {"level": str(_LEVELS[level]), "reasons": reasons, "factors": factors}


@dataclass(frozen=True, slots=True)
class Collected:
    """The records of a dump (one per table row, ``records.SCHEMA``), before linkage."""

    records: pl.DataFrame
    names: tuple[str, ...]  # file paths; ``records["file"]`` indexes this
    errors: tuple[dict[str, str], ...]


def collect(paths: Iterable[str | Path], config: AssessConfig | None = None, *,
            on_file: Callable[[int, str], None] | None = None) -> Collected:
    """Read every table of ``paths`` into normalised records.

    ``on_file(index, path)`` is called before each file (progress). A path that does not
    exist raises ``InputError``; unreadable files are listed in ``errors`` (path and
    reason, never content).
    """
    config = config or AssessConfig()
    inputs = [Path(p) for p in paths]
    for path in inputs:
        if not path.exists():
            raise InputError(str(path), "no such file or directory")
    parts: list[pl.DataFrame] = []
    names: list[str] = []
    errors: list[dict[str, str]] = []
    for file in _files(inputs):
        index = len(names)
        names.append(str(file))
        if on_file is not None:
            on_file(index, str(file))
        try:
            for item in read_source(Source.from_path(file), config.read_options):
                if isinstance(item, Table) and item.frame.height:
                    parts.append(records_of(item, index))
        except (InputError, OSError) as exc:
            errors.append({"path": str(file), "reason": type(exc).__name__ + ": " + str(exc)})
    rec = pl.concat(parts) if parts else empty_records()
    return Collected(records=rec, names=tuple(names), errors=tuple(errors))


def assess_collected(collected: Collected, linkage: Linkage | None = None) -> Assessment:
    """The figures of already collected records (``linkage`` computed when not given)."""
    rec = collected.records
    linkage = linkage or link(rec)
    rec = rec.with_columns(person=pl.Series(linkage.person, dtype=pl.Int64))
    categories, category_records = _categories(rec)
    names = list(collected.names)
    return Assessment(
        persons=linkage.persons, records=rec.height, files=len(names),
        by_source=_by_source(rec, names), by_departement=_by_departement(rec),
        categories=categories, category_records=category_records,
        date_range=_date_range(rec), authenticity=_authenticity(rec),
        severity=_severity(linkage.persons, categories), linkage=linkage,
        errors=collected.errors,
    )


def assess(paths: Iterable[str | Path], config: AssessConfig | None = None, *,
           on_file: Callable[[int, str], None] | None = None) -> Assessment:
    """Assess files and directories (any format the readers know).

    Unreadable inputs are listed in ``errors`` (path and reason, never content); tables are
    assessed, text-only inputs are counted as files without records. A missing path raises
    ``InputError``.
    """
    return assess_collected(collect(paths, config, on_file=on_file))


__all__ = ["SCHEMA", "AssessConfig", "Assessment", "Collected", "assess", "assess_collected",
           "collect"]
