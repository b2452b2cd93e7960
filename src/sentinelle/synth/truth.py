"""Exact ground truth of a generated export (schema ``sentinelle.truth/1``).

The truth is computed from what the generator wrote (the export columns) and what it knows
about each cell (the ``meta`` frame of ``export.Chunk``), chunk by chunk; distinct values
are kept as de-duplicated polars Series so memory grows with distinct values only.
``NOTES`` spells out how every figure is counted; a scanner's report is compared with it.

Tabular formats count the export columns (``columns``). Message and text formats (FHIR,
HL7 v2, HPRIM, PDF, text) write values in places of their own: their writer returns the
normalised values it wrote (``writers._base.Found``) and the truth lists those places in
``fields`` instead of ``columns``; the writer's notes (``notes``) say what is counted
where, and override the general ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from sentinelle.atomic import write_text
from sentinelle.entities import Entity
from sentinelle.synth import vocab
from sentinelle.synth.config import SynthConfig
from sentinelle.synth.export import NIR_NNP, NIR_TYPO, NIR_VALID, Chunk
from sentinelle.synth.labs import Labs
from sentinelle.synth.layout import Layout
from sentinelle.synth.writers._base import INT_VALUED, FormatInfo, Found

SCHEMA = "sentinelle.truth/1"
NOTES: dict[str, str] = {
    "count": "valid occurrences: non-empty cells of the entity's columns (for PHONE also the "
             "numbers embedded in comments); for NIR / NIR_NO_KEY / NNP only cells whose value "
             "passes the check (see below)",
    "distinct": "distinct normalised values over all columns of the entity (and, for PHONE, "
                "the comments)",
    "invalid": "cells shaped like the entity that fail its check digits (NIR typos); 0 for "
               "the other entities: the generator writes no malformed values",
    "NIR": "normalised = compact 15 characters (spaces, dots and hyphens removed, upper "
           "case); valid = strict structure and key 97 - (N mod 97), 2A->19, 2B->18 (passes "
           "stdnum.fr.nir.is_valid); NNP values in the NIR column count under NNP, the column "
           "entity stays NIR; empty cells are not counted",
    "NIR_NO_KEY": "split layout: the body column (13 characters, separators removed) with "
                  "the key in the next column (entity null); count = bodies whose key "
                  "matches, invalid = bodies whose key does not; NNP bodies (empty key) count "
                  "under NNP",
    "NNP": "13 digits [78][12] + caisse + order, no key; normalised = the digits",
    "FINESS": "the lab's FINESS, 9 digits, Luhn-valid; normalised = the digits",
    "RPPS": "11 digits starting 10, Luhn-valid; normalised = the digits",
    "PERSON_NAME": "NOM, NOM de naissance, PRENOM, treating doctor, prescriber and sampler "
                   "cells; normalised = the cell as written (no case folding)",
    "DATE_OF_BIRTH": "normalised = ISO date (the file writes one date format, see "
                     "'date_format')",
    "ADDRESS": "address line 1, line 2 and town cells; normalised = the cell as written",
    "POSTAL_CODE": "5 digits; normalised = the cell",
    "PHONE": "fixed and mobile columns plus numbers embedded in comments; normalised = "
             "E.164 (+33..., +262... for Reunion mobiles written 0692..., which parse only "
             "with region RE); every number is valid for libphonenumber",
    "EMAIL": "normalised = lower case",
    "BLOOD_GROUP": "group (canonical 'A+', O never 0), Rh phenotype (canonical Fisher-Race "
                   "'CcDee') and Kell (canonical 'K+'/'K-') columns; distinct over the "
                   "canonical forms of the three",
    "CREDENTIAL": "login and password cells; normalised = the cell as written",
    "HEALTH": "comment cells (health notes and neutral remarks); normalised = the cell as "
              "written; 'health' counts the comment cells mentioning each category",
    "rang": "ayants droit (children) carry a parent's NIR (rang 2+): their NIR does not "
            "match their own sex and date of birth; rang 1 rows always match",
    "persons": "distinct real persons (a person in two labs counts once; each child counts)",
    "by_departement": "records per département of the lab; by_residence_departement: records "
                      "per département of the patient's postal code",
    "date_range": "first and last sampling date in the file",
}


@dataclass(frozen=True, slots=True)
class Truth:
    """Everything a scanner (or an assessment) should find in one generated file."""

    config: dict[str, Any]
    records: int
    persons: int
    entities: dict[str, dict[str, int]]
    columns: list[dict[str, Any]] | None
    health: dict[str, int]
    by_lab: dict[str, dict[str, Any]]
    by_departement: dict[str, int]
    by_residence_departement: dict[str, int]
    date_range: tuple[str, str]
    format: str
    encoding: str | None
    delimiter: str | None
    header: bool
    date_format: str
    nir_layout: str
    dirt: dict[str, int]
    file: dict[str, Any]
    registry: dict[str, Any] | None = None
    notes: dict[str, str] = field(default_factory=lambda: dict(NOTES))
    fields: list[dict[str, Any]] | None = None  # message / text formats, instead of columns

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"schema": SCHEMA}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None and f.name in ("columns", "fields"):
                continue  # a file has columns or fields
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    def write(self, path: str | Path) -> None:
        write_text(path, json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n")


class _Distinct:
    """Distinct values of one entity across chunks (kept de-duplicated)."""

    def __init__(self, dtype: pl.DataType) -> None:
        self.values = pl.Series([], dtype=dtype)

    def add(self, *series: pl.Series) -> None:
        parts = [self.values, *(s.drop_nulls().cast(self.values.dtype) for s in series)]
        self.values = pl.concat(parts).unique()

    def __len__(self) -> int:
        return self.values.len()


def _iso(day: int) -> str:
    return (date(1970, 1, 1) + timedelta(days=int(day))).isoformat()


class TruthBuilder:
    """Accumulates the truth chunk by chunk."""

    def __init__(self, cfg: SynthConfig, layout: Layout, labs: Labs) -> None:
        self.cfg, self.layout, self.labs = cfg, layout, labs
        self.by_entity: dict[Entity, list[str]] = {}
        for spec in layout.columns:
            if spec.entity is not None:
                self.by_entity.setdefault(spec.entity, []).append(spec.key)
        nir_entity = Entity.NIR_NO_KEY if layout.split_nir else Entity.NIR
        self.nir_entity = nir_entity
        self.counts: dict[Entity, list[int]] = {}  # count, invalid
        self.distinct: dict[Entity, _Distinct] = {}
        for entity in [*self.by_entity, Entity.NNP]:
            int_valued = entity in (Entity.DATE_OF_BIRTH, Entity.PHONE)
            self.counts[entity] = [0, 0]
            self.distinct[entity] = _Distinct(pl.Int64() if int_valued else pl.String())
        self.records = 0
        self.persons = 0
        self.health = np.zeros(len(vocab.CATEGORIES), dtype=np.int64)
        self.lab_records = np.zeros(len(labs), dtype=np.int64)
        self.lab_persons = np.zeros(len(labs), dtype=np.int64)
        self.res_records = np.zeros(len(vocab.departements().codes), dtype=np.int64)
        self.day_min: int | None = None
        self.day_max: int | None = None
        self.dirt = {"nir_typos": 0, "nnp_cells": 0, "ayant_droit_persons": 0,
                     "persons_in_two_labs": 0, "comment_phones": 0, "name_typo_rows": 0}

    def add(self, chunk: Chunk, found: list[Found] | None = None) -> None:
        """Count one chunk: from its columns, or from the values a writer ``found``."""
        frame, meta = chunk.frame, chunk.meta
        self.records += frame.height
        persons = meta.select("person", "child").unique()
        self.persons += persons.height
        self.dirt["ayant_droit_persons"] += int(persons["child"].sum())
        pairs = meta.select("person", "lab").unique()
        self.dirt["persons_in_two_labs"] += int(pairs["person"].is_duplicated().sum()) // 2
        self.dirt["name_typo_rows"] += chunk.name_typos
        status = meta["nir_status"]
        typos = int((status == NIR_TYPO).sum())
        if found is None:
            for entity, keys in self.by_entity.items():
                self._add_entity(entity, keys, frame, meta)
            self._bump(self.nir_entity, int((status == NIR_VALID).sum()), typos)
            self.distinct[self.nir_entity].add(meta["nir_norm"])
            self._bump(Entity.NNP, int((status == NIR_NNP).sum()), 0)
            self.distinct[Entity.NNP].add(meta["nnp_norm"])
        else:
            self._add_found(found)
        self.dirt["nir_typos"] += typos
        self.dirt["nnp_cells"] += int((status == NIR_NNP).sum())
        self.dirt["comment_phones"] += int((meta["comment_phone"] > 0).sum())
        if found is None:
            mask = meta["health"].to_numpy()
        else:  # the comments the writer wrote
            masks = [f.mask.drop_nulls() for f in found if f.mask is not None]
            mask = pl.concat(masks).to_numpy() if masks else np.zeros(0, dtype=np.int16)
        for i in range(len(self.health)):
            self.health[i] += int(((mask >> i) & 1).sum())
        labs = meta["lab"].to_numpy()
        self.lab_records += np.bincount(labs, minlength=len(self.lab_records))
        self.lab_persons += np.bincount(pairs["lab"].to_numpy(), minlength=len(self.lab_persons))
        homes = meta["res_dept"].to_numpy()
        self.res_records += np.bincount(homes, minlength=len(self.res_records))
        days = meta["day"]
        lo, hi = int(days.min()), int(days.max())  # type: ignore[arg-type]
        self.day_min = lo if self.day_min is None else min(self.day_min, lo)
        self.day_max = hi if self.day_max is None else max(self.day_max, hi)

    def use_fields(self, entities: list[Entity]) -> None:
        """Count what a message / text writer reports instead of the columns."""
        self.counts, self.distinct = {}, {}
        for entity in entities:
            self._ensure(entity)

    def _ensure(self, entity: Entity) -> None:
        if entity not in self.counts:
            self.counts[entity] = [0, 0]
            self.distinct[entity] = _Distinct(pl.Int64() if entity in INT_VALUED else pl.String())

    def _add_found(self, found: list[Found]) -> None:
        for item in found:
            self._ensure(item.entity)
            self._bump(item.entity, int(item.values.is_not_null().sum()), item.invalid)
            self.distinct[item.entity].add(item.values)

    def _bump(self, entity: Entity, count: int, invalid: int) -> None:
        self.counts[entity][0] += count
        self.counts[entity][1] += invalid

    def _add_entity(self, entity: Entity, keys: list[str], frame: pl.DataFrame,
                    meta: pl.DataFrame) -> None:
        if entity in (Entity.NIR, Entity.NIR_NO_KEY):
            return  # counted from the NIR status
        if entity == Entity.DATE_OF_BIRTH:
            values = [meta["dob"]]
        elif entity == Entity.PHONE:
            values = [meta["tel"], meta["mobile"],
                      meta["comment_phone"].filter(meta["comment_phone"] > 0)]
        elif entity == Entity.EMAIL:
            values = [meta["email"]]
        elif entity == Entity.BLOOD_GROUP:
            values = [meta["gs"], meta["pheno"], meta["kell"]]
        else:
            values = [frame[k] for k in keys]
        self._bump(entity, sum(int(v.is_not_null().sum()) for v in values), 0)
        self.distinct[entity].add(*values)

    def finish(self, *, file: dict[str, Any], registry: dict[str, Any] | None,
               info: FormatInfo | None = None) -> Truth:
        cfg, labs, layout = self.cfg, self.labs, self.layout
        entities = {
            str(e): {"count": c[0], "distinct": len(self.distinct[e]), "invalid": c[1]}
            for e, c in self.counts.items()
        }
        if info is None:
            info = FormatInfo(encoding=cfg.codec, delimiter=cfg.effective_delimiter,
                              header=cfg.header,
                              column_names=layout.headers if cfg.header else None)
        columns: list[dict[str, Any]] | None = None
        if info.fields is None:
            names = info.column_names
            columns = [
                {"index": i, "name": names[i] if names is not None else None,
                 "entity": str(spec.entity) if spec.entity else None, "key": spec.key}
                for i, spec in enumerate(layout.columns)
            ]
        by_lab = {
            labs.code[i]: {"records": int(self.lab_records[i]), "persons": int(self.lab_persons[i]),
                           "finess": labs.finess[i], "name": labs.name[i],
                           "departement": labs.dept_code[i]}
            for i in range(len(labs))
        }
        by_dept: dict[str, int] = {}
        for i in range(len(labs)):
            dept = labs.dept_code[i]
            by_dept[dept] = by_dept.get(dept, 0) + int(self.lab_records[i])
        codes = vocab.departements().codes
        by_res = {codes[i]: int(v) for i, v in enumerate(self.res_records) if v}
        return Truth(
            config=cfg.to_dict(),
            records=self.records,
            persons=self.persons,
            entities=entities,
            columns=columns,
            health={c: int(v) for c, v in zip(vocab.CATEGORIES, self.health, strict=True)},
            by_lab=by_lab,
            by_departement=dict(sorted(by_dept.items())),
            by_residence_departement=by_res,
            date_range=(_iso(self.day_min or 0), _iso(self.day_max or 0)),
            format=cfg.format,
            encoding=info.encoding,
            delimiter=info.delimiter,
            header=info.header,
            date_format=info.date_format or layout.date_format,
            nir_layout=info.nir_layout or ("split" if layout.split_nir else "single"),
            dirt=dict(self.dirt),
            file=file,
            registry=registry,
            notes={**NOTES, **info.notes},
            fields=[f.to_dict() for f in info.fields] if info.fields is not None else None,
        )


__all__ = ["NOTES", "SCHEMA", "Truth", "TruthBuilder"]
