"""Per-sampling columns: exam codes, results with French decimal commas, units, logistics.

Exam codes are short lab mnemonics (NABM-style abbreviations) with plausible adult values
(normal distributions around usual reference ranges); none of these columns is an
identifier and their entity is null in the truth.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from sentinelle.synth.columns import EXAMS

# code, unit, mean, standard deviation, decimals
EXAM_TABLE: tuple[tuple[str, str, float, float, int], ...] = (
    ("GLY", "g/L", 0.95, 0.15, 2),
    ("CREA", "µmol/L", 80, 20, 0),
    ("HB", "g/dL", 13.5, 1.5, 1),
    ("TSH", "mUI/L", 2.0, 1.0, 2),
    ("CRP", "mg/L", 4, 6, 1),
    ("HBA1C", "%", 6.0, 0.9, 1),
    ("FERR", "µg/L", 110, 70, 0),
    ("CHOL", "g/L", 2.0, 0.4, 2),
    ("TG", "g/L", 1.2, 0.5, 2),
    ("K", "mmol/L", 4.2, 0.4, 1),
    ("NA", "mmol/L", 140, 3, 0),
    ("VITD", "ng/mL", 25, 10, 0),
    ("PLAQ", "G/L", 250, 60, 0),
    ("GB", "G/L", 7, 2, 1),
    ("INR", "", 1.1, 0.6, 1),
    ("ALAT", "UI/L", 25, 12, 0),
    ("ASAT", "UI/L", 24, 10, 0),
    ("GGT", "UI/L", 35, 25, 0),
    ("PSA", "ng/mL", 1.5, 1.5, 2),
    ("VS", "mm", 12, 8, 0),
)
_PLACES = ("LABO", "DOMICILE", "EHPAD", "CLINIQUE", "CABINET IDE")
_PLACES_P = np.array([0.68, 0.15, 0.05, 0.07, 0.05])
_STATUS = ("VALIDE", "EN COURS", "TRANSMIS", "IMPRIME")
_STATUS_P = np.array([0.8, 0.05, 0.1, 0.05])
_MUTUELLES = ("MGEN", "Harmonie Mutuelle", "MAAF Santé", "AG2R La Mondiale", "Malakoff Humanis",
              "MACIF", "Groupama", "Mutuelle Générale", "AXA", "Swiss Life", "CMU-C", "Aesio",
              "Mutuelle de Bretagne", "SMATIS", "Apivia")


def decimal_comma(values: np.ndarray, decimals: np.ndarray) -> pl.Expr:
    """Non-negative numbers written with ``decimals`` digits after a comma (``5,20``)."""
    scale = 10 ** decimals.astype(np.int64)
    scaled = np.rint(values * scale).astype(np.int64)
    whole = pl.Series(scaled // scale).cast(pl.String)
    frac = pl.Series(scaled % scale).cast(pl.String).str.zfill(3)
    dec = pl.Series(decimals)
    return (
        pl.when(dec == 0).then(pl.lit(whole))
        .otherwise(pl.concat_str([pl.lit(whole), pl.lit(","), pl.lit(frac).str.slice(3 - dec)]))
    )


def exam_columns(rng: np.random.Generator, n: int) -> dict[str, pl.Series]:
    """``exam1..N``, ``res1..N``, ``unit1..N`` (null after the row's last exam)."""
    table = EXAM_TABLE
    count = 1 + rng.binomial(EXAMS - 1, 0.45, n)
    chosen = np.argsort(rng.random((n, len(table))), axis=1)[:, :EXAMS]
    codes = pl.Series([t[0] for t in table])
    units = pl.Series([t[1] or None for t in table], dtype=pl.String)
    mean = np.array([t[2] for t in table])
    sd = np.array([t[3] for t in table])
    dec = np.array([t[4] for t in table])
    exprs: dict[str, pl.Expr] = {}
    for j in range(EXAMS):
        idx = chosen[:, j]
        present = pl.lit(pl.Series(count > j))
        value = np.abs(rng.normal(mean[idx], sd[idx]))
        exprs[f"exam{j + 1}"] = pl.when(present).then(pl.lit(codes.gather(idx)))
        exprs[f"res{j + 1}"] = pl.when(present).then(decimal_comma(value, dec[idx]))
        exprs[f"unit{j + 1}"] = pl.when(present).then(pl.lit(units.gather(idx)))
    frame = pl.select(**exprs)
    return {name: frame[name] for name in frame.columns}


def logistics(rng: np.random.Generator, n: int) -> dict[str, pl.Series]:
    """Place, urgency, fasting, tubes, status, third-party payment, amount."""
    def pick(values: tuple[str, ...], p: np.ndarray | None = None) -> pl.Series:
        return pl.Series(values).gather(rng.choice(len(values), n, p=p))

    amount = rng.gamma(2.0, 12.0, n) + 3.0
    dec = np.full(n, 2)
    frame = pl.select(montant=decimal_comma(amount, dec))
    return {
        "lieu_prel": pick(_PLACES, _PLACES_P),
        "urgent": pl.Series(np.where(rng.random(n) < 0.1, "O", "N")),
        "a_jeun": pl.Series(np.where(rng.random(n) < 0.55, "O", "N")),
        "nb_tubes": pl.Series(rng.integers(1, 6, n)).cast(pl.String),
        "statut": pick(_STATUS, _STATUS_P),
        "tiers_payant": pl.Series(np.where(rng.random(n) < 0.7, "O", "N")),
        "montant": frame["montant"],
    }


def mutuelles(rng: np.random.Generator, n: int) -> pl.Series:
    """Complementary insurer names (a fifth of patients have none: null)."""
    names = pl.Series(_MUTUELLES).gather(rng.integers(0, len(_MUTUELLES), n))
    none = pl.Series(rng.random(n) < 0.2)
    return pl.select(pl.when(none).then(None).otherwise(names)).to_series()


__all__ = ["EXAM_TABLE", "decimal_comma", "exam_columns", "logistics", "mutuelles"]
