"""Blood groups: frequencies, canonical forms and the ways French lab files write them.

- ABO + RhD, frequencies in France (EFS, "Les groupes sanguins"): O+ 36 %, A+ 37 %, B+ 9 %,
  AB+ 3 %, O- 6 %, A- 7 %, B- 1 %, AB- 1 %. Canonical form ``A+`` (``O`` never ``0``).
  Written ``A+``, ``A POS``, ``A Rh+``, ``A positif``, ``0 RH:1``...
- Rh phenotype (C, c, D, E, e; ISBT RH1 = D, RH2 = C, RH3 = E, RH4 = c, RH5 = e).
  Canonical form Fisher-Race ``CcDee`` (d for RhD negative). Written ``CcDee``,
  ``RH:1,2,-3,4,5`` or ``D+ C+ E- c+ e+``.
- Kell (KEL1). Canonical ``K+`` / ``K-``; written ``K-``, ``KEL:-1``, ``KEL1-``, ``Kell négatif``.

Tables are indexed ``canonical * STYLES + style`` so a whole column is written with one gather.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import polars as pl

ABO_RH: tuple[str, ...] = ("O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-")
ABO_RH_P = np.array([36, 37, 9, 3, 6, 7, 1, 1], dtype=float) / 100
GS_STYLES = 5

# phenotypes (Fisher-Race) with their frequency among RhD+ / RhD- persons (approximate)
PHENO_POS: tuple[str, ...] = ("CcDee", "CCDee", "CcDEe", "ccDEe", "ccDee", "ccDEE", "CCDEe")
PHENO_POS_P = np.array([34, 18, 13, 12, 2, 2, 1], dtype=float)
PHENO_NEG: tuple[str, ...] = ("ccdee", "Ccdee", "ccdEe")
PHENO_NEG_P = np.array([95, 3, 2], dtype=float)
PHENOTYPES: tuple[str, ...] = PHENO_POS + PHENO_NEG
PHENO_STYLES = 3

KELL: tuple[str, ...] = ("K-", "K+")
KELL_P = np.array([0.91, 0.09])
KELL_STYLES = 4


def _gs(canon: str, style: int) -> str:
    abo, sign = canon[:-1], canon[-1]
    pos = sign == "+"
    if style == 0:
        return canon
    if style == 1:
        return f"{abo} {'POS' if pos else 'NEG'}"
    if style == 2:
        return f"{abo} Rh{sign}"
    if style == 3:
        return f"{abo} {'positif' if pos else 'négatif'}"
    return f"{'0' if abo == 'O' else abo} RH:{'1' if pos else '-1'}"


def _pheno(canon: str, style: int) -> str:
    if style == 0:
        return canon
    c_part, d, e_part = canon[:2], canon[2], canon[3:]
    present = {
        "D": d == "D",
        "C": "C" in c_part,
        "E": "E" in e_part,
        "c": "c" in c_part,
        "e": "e" in e_part,
    }
    if style == 1:
        nums = [("1", "D"), ("2", "C"), ("3", "E"), ("4", "c"), ("5", "e")]
        return "RH:" + ",".join(n if present[a] else f"-{n}" for n, a in nums)
    return " ".join(f"{a}{'+' if present[a] else '-'}" for a in ("D", "C", "E", "c", "e"))


def _kell(canon: str, style: int) -> str:
    pos = canon == "K+"
    if style == 0:
        return canon
    if style == 1:
        return "KEL:1" if pos else "KEL:-1"
    if style == 2:
        return "KEL1+" if pos else "KEL1-"
    return "Kell positif" if pos else "Kell négatif"


@lru_cache(maxsize=1)
def tables() -> dict[str, pl.Series]:
    """Written forms: ``gs``, ``pheno``, ``kell`` indexed ``canonical * STYLES + style``."""
    return {
        "gs": pl.Series([_gs(c, s) for c in ABO_RH for s in range(GS_STYLES)]),
        "pheno": pl.Series([_pheno(c, s) for c in PHENOTYPES for s in range(PHENO_STYLES)]),
        "kell": pl.Series([_kell(c, s) for c in KELL for s in range(KELL_STYLES)]),
    }


def draw(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Canonical indices (ABO_RH, PHENOTYPES, KELL) for ``n`` persons, all typed."""
    gs = rng.choice(len(ABO_RH), n, p=ABO_RH_P)
    rh_pos = gs < 4
    pos = rng.choice(len(PHENO_POS), n, p=PHENO_POS_P / PHENO_POS_P.sum())
    neg = len(PHENO_POS) + rng.choice(len(PHENO_NEG), n, p=PHENO_NEG_P / PHENO_NEG_P.sum())
    pheno = np.where(rh_pos, pos, neg)
    kell = rng.choice(2, n, p=KELL_P)
    return gs, pheno, kell


__all__ = [
    "ABO_RH",
    "GS_STYLES",
    "KELL",
    "KELL_STYLES",
    "PHENOTYPES",
    "PHENO_STYLES",
    "draw",
    "tables",
]
