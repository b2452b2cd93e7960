"""File-level choices drawn once from the seed: headers, NIR layout, writing styles.

A real export is internally consistent in most of its style (one date format, one way to
write the sex, one header) but mixes writings inside some columns (NIR, phones): the
``*_mix`` fields give the share of cells written in another style than the file's main one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from sentinelle.entities import Entity
from sentinelle.synth.blood import GS_STYLES, KELL_STYLES, PHENO_STYLES
from sentinelle.synth.columns import EXAM_STYLES, ColumnSpec, column_specs
from sentinelle.synth.config import SynthConfig
from sentinelle.synth.numbers import PHONE_STYLES

DATE_FORMATS: tuple[str, ...] = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
_DATE_WEIGHTS = (0.7, 0.15, 0.1, 0.05)
SEX_CODES: tuple[tuple[str, str], ...] = (
    ("M", "F"), ("H", "F"), ("1", "2"), ("Masculin", "Féminin"),
)
_SEX_WEIGHTS = (0.5, 0.2, 0.2, 0.1)
DOCTOR_STYLES = 4


@dataclass(frozen=True, slots=True)
class Layout:
    split_nir: bool
    columns: tuple[ColumnSpec, ...]
    headers: tuple[str, ...]
    date_format: str
    sex_codes: tuple[str, str]
    upper_accents: bool  # upper-case names keep their accents (LEFÈVRE) or not (LEFEVRE)
    prenom_upper: bool
    address_upper: bool
    phone_style: int
    phone_mix: float
    gs_style: int
    pheno_style: int
    kell_style: int
    blood_mix: float
    doctor_style: int

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    def entity_of(self, key: str) -> Entity | None:
        for spec in self.columns:
            if spec.key == key:
                return spec.entity
        raise KeyError(key)


def strip_accents(text: str) -> str:
    """``Né(e) le`` -> ``Ne(e) le`` (NFKD then drop combining marks; keeps ``°``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _headers(rng: np.random.Generator, columns: tuple[ColumnSpec, ...]) -> tuple[str, ...]:
    case = int(rng.choice(3, p=[0.4, 0.45, 0.15]))  # as written, UPPER, lower
    accents = bool(rng.random() < 0.5)
    seen: set[str] = set()
    out: list[str] = []
    for spec in columns:
        name = spec.synonyms[int(rng.integers(0, len(spec.synonyms)))]
        if not accents:
            name = strip_accents(name)
        if case == 1:
            name = name.upper()
        elif case == 2:
            name = name.lower()
        base, k = name, 2
        while name in seen:  # synonyms are disjoint, but keep headers unique whatever happens
            name = f"{base}_{k}"
            k += 1
        seen.add(name)
        out.append(name)
    return tuple(out)


def choose_layout(rng: np.random.Generator, cfg: SynthConfig) -> Layout:
    if cfg.nir_layout == "auto":
        split = bool(rng.random() < cfg.nir_split_rate)
    else:
        split = cfg.nir_layout == "split"
    columns = column_specs(split_nir=split, exam_style=int(rng.integers(0, EXAM_STYLES)))
    headers = _headers(rng, columns)
    return Layout(
        split_nir=split,
        columns=columns,
        headers=headers,
        date_format=DATE_FORMATS[int(rng.choice(len(DATE_FORMATS), p=_DATE_WEIGHTS))],
        sex_codes=SEX_CODES[int(rng.choice(len(SEX_CODES), p=_SEX_WEIGHTS))],
        upper_accents=bool(rng.random() < 0.3),
        prenom_upper=bool(rng.random() < 0.4),
        address_upper=bool(rng.random() < 0.5),
        phone_style=int(rng.integers(0, len(PHONE_STYLES))),
        phone_mix=float(rng.uniform(0.05, 0.3)),
        gs_style=int(rng.integers(0, GS_STYLES)),
        pheno_style=int(rng.integers(0, PHENO_STYLES)),
        kell_style=int(rng.integers(0, KELL_STYLES)),
        blood_mix=float(rng.uniform(0.0, 0.15)),
        doctor_style=int(rng.integers(0, DOCTOR_STYLES)),
    )


__all__ = ["DATE_FORMATS", "SEX_CODES", "Layout", "choose_layout", "strip_accents"]
