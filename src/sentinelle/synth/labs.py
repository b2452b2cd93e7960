"""Laboratories and their health professionals, drawn once per file from the seed.

Labs are spread over the configured départements (the six of the 2021 leak by default);
each has a code, an invented name built from its town, a FINESS number (9 characters: the
département, six digits, a Luhn check digit; FINESS nomenclature, DREES), a size weight,
a pool of doctors (name + RPPS: 11 digits starting ``10`` with a Luhn check digit; ANS)
and a pool of samplers (nurses). Names come from the common-name lists, never from
real professionals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sentinelle.synth import vocab
from sentinelle.synth.config import SynthConfig
from sentinelle.synth.numbers import luhn_check_digit

DOCTORS_PER_LAB = 25
SAMPLERS_PER_LAB = 6
_NAME_PATTERNS = (
    "Laboratoire de biologie médicale de {city}",
    "LABM {CITY} {suffix}",
    "Laboratoire {city} {suffix}",
    "Centre de biologie {city}",
    "Laboratoire d'analyses {city}",
)
_SUFFIXES = ("Centre", "Gare", "Nord", "Sud", "République", "Les Halles", "Cathédrale", "Port")


@dataclass(frozen=True, slots=True)
class Labs:
    code: tuple[str, ...]
    name: tuple[str, ...]
    finess: tuple[str, ...]
    dept: np.ndarray  # index into vocab.departements().codes
    dept_code: tuple[str, ...]
    weight: np.ndarray  # share of patients
    # doctors: DOCTORS_PER_LAB per lab, lab i owns rows i*D .. (i+1)*D-1
    doctor_nom: tuple[str, ...]
    doctor_prenom: tuple[str, ...]
    doctor_rpps: tuple[str, ...]
    sampler_nom: tuple[str, ...]
    sampler_prenom: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.code)


def _unique_ints(rng: np.random.Generator, n: int, low: int, high: int) -> np.ndarray:
    """``n`` distinct integers in ``[low, high)`` (deterministic for a given generator)."""
    values = np.unique(rng.integers(low, high, n * 2 + 16))
    while len(values) < n:
        values = np.unique(np.concatenate([values, rng.integers(low, high, n)]))
    return rng.permutation(values)[:n]


def make_labs(rng: np.random.Generator, cfg: SynthConfig) -> Labs:
    deps = vocab.departements()
    com = vocab.communes()
    order = rng.permutation(len(cfg.departements))
    dept_codes = [cfg.departements[order[i % len(order)]] for i in range(cfg.labs)]
    dept_idx = np.array([deps.index(c) for c in dept_codes], dtype=np.int32)
    codes: list[str] = []
    names: list[str] = []
    per_dept: dict[str, int] = {}
    for i, dept in enumerate(dept_codes):
        k = per_dept.get(dept, 0) + 1
        per_dept[dept] = k
        codes.append(f"L{dept}{k:02d}")
        d = int(dept_idx[i])
        town = com.name[int(com.offsets[d] + rng.integers(0, min(4, int(com.counts[d]))))]
        pattern = _NAME_PATTERNS[int(rng.integers(0, len(_NAME_PATTERNS)))]
        suffix = _SUFFIXES[int(rng.integers(0, len(_SUFFIXES)))]
        name = pattern.format(city=town, CITY=town.upper(), suffix=suffix)
        while name in names:
            name = f"{name} {len(names) + 1}"
        names.append(name)
    body = np.array([int(c) for c in dept_codes], dtype=np.int64)
    serial = _unique_ints(rng, cfg.labs, 0, 1_000_000)
    payload = body * 1_000_000 + serial
    finess = payload * 10 + luhn_check_digit(payload, 8)
    weight = rng.gamma(2.0, 1.0, cfg.labs)
    weight = weight / weight.sum()

    n_doc = cfg.labs * DOCTORS_PER_LAB
    n_smp = cfg.labs * SAMPLERS_PER_LAB
    last = vocab.last_names()
    first = vocab.first_names()
    rpps_payload = 1_000_000_000 + _unique_ints(rng, n_doc, 0, 100_000_000)
    rpps = rpps_payload * 10 + luhn_check_digit(rpps_payload, 10)
    return Labs(
        code=tuple(codes),
        name=tuple(names),
        finess=tuple(f"{int(v):09d}" for v in finess),
        dept=dept_idx,
        dept_code=tuple(dept_codes),
        weight=weight,
        doctor_nom=tuple(last[i] for i in rng.integers(0, len(last), n_doc)),
        doctor_prenom=tuple(first.names[i] for i in rng.integers(0, len(first.names), n_doc)),
        doctor_rpps=tuple(f"{int(v):011d}" for v in rpps),
        sampler_nom=tuple(last[i] for i in rng.integers(0, len(last), n_smp)),
        sampler_prenom=tuple(first.names[i] for i in rng.integers(0, len(first.names), n_smp)),
    )


__all__ = ["DOCTORS_PER_LAB", "SAMPLERS_PER_LAB", "Labs", "make_labs"]
