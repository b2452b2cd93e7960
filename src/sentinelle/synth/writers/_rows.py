"""Per-row values shared by the message and text writers (HL7, HPRIM, FHIR, PDF, text).

``prepare`` adds to an export chunk what those formats need besides the written cells:
the NIR as one compact string (15 characters, also from the split ``NSS`` + ``CLE``
layout; NNPs keep their 13 digits) with its status, the canonical values the truth counts
(date of birth in days, phones in E.164, e-mail in lower case, blood groups), the health
bitmask, and the doctors' family and given names (the labs' pool, found from the RPPS
or, when it is missing, from the written name). ``found_*`` build the truth's ``Found``
items from what a writer wrote. Everything is polars expressions over the chunk.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from sentinelle.entities import Entity
from sentinelle.synth.clinical import EXAM_TABLE
from sentinelle.synth.columns import EXAMS
from sentinelle.synth.export import NIR_NNP, NIR_TYPO, NIR_VALID, Chunk
from sentinelle.synth.labs import Labs
from sentinelle.synth.layout import Layout, strip_accents
from sentinelle.synth.writers._base import Found

# exam code -> (French label, reference low, reference high) for the results sections
EXAM_LABELS: dict[str, tuple[str, str, str]] = {
    "GLY": ("Glycémie à jeun", "0,70", "1,10"),
    "CREA": ("Créatinine", "45", "104"),
    "HB": ("Hémoglobine", "12,0", "17,0"),
    "TSH": ("TSH ultrasensible", "0,27", "4,20"),
    "CRP": ("Protéine C réactive", "0,0", "5,0"),
    "HBA1C": ("Hémoglobine glyquée", "4,0", "6,0"),
    "FERR": ("Ferritine", "30", "400"),
    "CHOL": ("Cholestérol total", "1,50", "2,50"),
    "TG": ("Triglycérides", "0,35", "1,50"),
    "K": ("Potassium", "3,5", "5,0"),
    "NA": ("Sodium", "136", "145"),
    "VITD": ("Vitamine D 25-OH", "30", "100"),
    "PLAQ": ("Plaquettes", "150", "400"),
    "GB": ("Leucocytes", "4,0", "10,0"),
    "INR": ("INR", "0,8", "1,2"),
    "ALAT": ("ALAT (TGP)", "0", "41"),
    "ASAT": ("ASAT (TGO)", "0", "40"),
    "GGT": ("Gamma GT", "0", "55"),
    "PSA": ("PSA total", "0,00", "4,00"),
    "VS": ("Vitesse de sédimentation", "0", "20"),
}
assert set(EXAM_LABELS) == {t[0] for t in EXAM_TABLE}
# blood group results: export key -> (code, label)
BLOOD_RESULTS: tuple[tuple[str, str, str], ...] = (
    ("gs", "GSRH", "Groupe sanguin ABO RH1"),
    ("phenotype", "PHENO", "Phénotype RH-KEL1"),
    ("kell", "KELL", "Antigène Kell (KEL1)"),
)
_CANON = {"gs": "x_gs", "phenotype": "x_pheno", "kell": "x_kell"}


def doctor_table(labs: Labs, layout: Layout) -> pl.DataFrame:
    """The labs' doctors: RPPS, written display name, family (upper case) and given name."""
    from sentinelle.synth.export import _doctor_names  # the display names the export writes

    display, _ = _doctor_names(labs, layout)
    family = [n.upper() if layout.upper_accents else strip_accents(n).upper()
              for n in labs.doctor_nom]
    return pl.DataFrame({"rpps": list(labs.doctor_rpps), "display": display,
                         "family": family, "given": list(labs.doctor_prenom)})


def _doctor(frame: pl.DataFrame, doctors: pl.DataFrame, rpps: str, name: str,
            prefix: str) -> pl.DataFrame:
    by_rpps = doctors.select(pl.col("rpps").alias(rpps), pl.col("family").alias("_f1"),
                             pl.col("given").alias("_g1"))
    by_name = doctors.unique("display", keep="first", maintain_order=True).select(
        pl.col("display").alias(name), pl.col("family").alias("_f2"),
        pl.col("given").alias("_g2"))
    joined = (frame.select(rpps, name)
              .join(by_rpps, on=rpps, how="left", maintain_order="left")
              .join(by_name, on=name, how="left", maintain_order="left"))
    shown = pl.col(name).is_not_null()
    return joined.select(
        pl.when(shown).then(pl.coalesce("_f1", "_f2")).alias(f"{prefix}_family"),
        pl.when(shown).then(pl.coalesce("_g1", "_g2")).alias(f"{prefix}_given"),
    )


def prepare(chunk: Chunk, layout: Layout, doctors: pl.DataFrame) -> pl.DataFrame:
    """The chunk's export columns plus the ``x_*`` and doctor-name columns (see above)."""
    frame, meta = chunk.frame, chunk.meta
    sep = r"[\s.\-]"
    if layout.split_nir:
        nir = pl.concat_str([pl.col("nss").str.replace_all(sep, ""), pl.col("cle")],
                            ignore_nulls=True)
    else:
        nir = pl.col("nir").str.replace_all(sep, "")
    e164 = [pl.when(pl.col(c) > 0).then(pl.col(c)).cast(pl.Int64).alias(f"x_{c}")
            for c in ("tel", "mobile", "comment_phone")]
    extra = meta.select(
        pl.col("nir_status").alias("x_status"),
        pl.col("dob").cast(pl.Int64).alias("x_dob"),
        *e164,
        pl.col("email").alias("x_email"),
        pl.col("gs").alias("x_gs"),
        pl.col("pheno").alias("x_pheno"),
        pl.col("kell").alias("x_kell"),
        pl.col("health").alias("x_health"),
        pl.col("day").cast(pl.Int64).alias("x_day"),
        pl.col("lab").alias("x_lab"),
    ).rename({"x_comment_phone": "x_cphone"})
    out = frame.hstack(extra).with_columns(
        x_nir=pl.when(pl.col("x_status") != 0).then(nir),
        x_sex=pl.when(pl.col("sexe") == layout.sex_codes[0]).then(pl.lit("M"))
        .otherwise(pl.lit("F")),
    )
    return out.hstack(_doctor(out, doctors, "rpps_mt", "medecin", "mt")).hstack(
        _doctor(out, doctors, "rpps_presc", "prescripteur", "pr"))


# -- truth helpers -------------------------------------------------------------------------

def where(mask: pl.Series | pl.Expr | bool, values: pl.Series | pl.Expr, frame: pl.DataFrame
          ) -> pl.Series:
    """``values`` where ``mask`` holds, null elsewhere (evaluated over ``frame``)."""
    m = mask if isinstance(mask, pl.Expr) else pl.lit(mask)
    v = values if isinstance(values, pl.Expr) else pl.lit(values)
    return frame.select(pl.when(m).then(v).alias("v"))["v"]


def found_nir(r: pl.DataFrame, written: pl.Expr | bool = True) -> list[Found]:
    """NIR (valid), its typos (invalid) and NNPs, for the rows where the NIR is written."""
    status = pl.col("x_status")
    w = written if isinstance(written, pl.Expr) else pl.lit(written)
    typos = int(r.select(((status == NIR_TYPO) & w).sum()).item())
    return [
        Found(Entity.NIR, where((status == NIR_VALID) & w, pl.col("x_nir"), r), typos),
        Found(Entity.NNP, where((status == NIR_NNP) & w, pl.col("x_nir"), r)),
    ]


def found_cols(r: pl.DataFrame, entity: Entity, *columns: str,
               written: pl.Expr | bool = True) -> list[Found]:
    """One ``Found`` per column (the cell as written, or its canonical ``x_`` form)."""
    w = written if isinstance(written, pl.Expr) else pl.lit(written)
    return [Found(entity, where(w, pl.col(c), r)) for c in columns]


def found_doctor(r: pl.DataFrame, prefix: str, written: pl.Expr | bool = True) -> Found:
    """A doctor's name written as family and given name: one value ``FAMILY Given``."""
    w = written if isinstance(written, pl.Expr) else pl.lit(written)
    name = pl.concat_str([pl.col(f"{prefix}_family"), pl.col(f"{prefix}_given")],
                         separator=" ", ignore_nulls=True)
    return Found(Entity.PERSON_NAME,
                 where(w & pl.col(f"{prefix}_family").is_not_null(), name, r))


def found_comment(r: pl.DataFrame, text: pl.Expr, written: pl.Expr | bool = True
                  ) -> list[Found]:
    """HEALTH (the comment as written, with its category mask) and its embedded phone."""
    w = written if isinstance(written, pl.Expr) else pl.lit(written)
    has = w & pl.col("commentaire").is_not_null()
    return [
        Found(Entity.HEALTH, where(has, text, r), mask=where(has, pl.col("x_health"), r)),
        Found(Entity.PHONE, where(has, pl.col("x_cphone"), r)),
    ]


def found_blood(r: pl.DataFrame, written: pl.Expr | bool = True) -> list[Found]:
    w = written if isinstance(written, pl.Expr) else pl.lit(written)
    return [Found(Entity.BLOOD_GROUP, where(w, pl.col(_CANON[key]), r))
            for key, _, _ in BLOOD_RESULTS]


# -- results -------------------------------------------------------------------------------

def result_columns(r: pl.DataFrame) -> pl.DataFrame:
    """Per exam slot ``i``: label, reference low/high (comma decimals) and flag H/L/N."""
    codes = list(EXAM_LABELS)
    table = pl.DataFrame({
        "code": codes,
        "label": [EXAM_LABELS[c][0] for c in codes],
        "low": [EXAM_LABELS[c][1] for c in codes],
        "high": [EXAM_LABELS[c][2] for c in codes],
    })
    out = []
    for i in range(1, EXAMS + 1):
        slot = r.select(pl.col(f"exam{i}").alias("code"), pl.col(f"res{i}").alias("res")).join(
            table, on="code", how="left", maintain_order="left")
        num = pl.col("res").str.replace(",", ".").cast(pl.Float64)
        low = pl.col("low").str.replace(",", ".").cast(pl.Float64)
        high = pl.col("high").str.replace(",", ".").cast(pl.Float64)
        out.append(slot.select(
            pl.col("label").alias(f"label{i}"),
            pl.col("low").alias(f"low{i}"),
            pl.col("high").alias(f"high{i}"),
            pl.when(pl.col("res").is_null()).then(None)
            .when(num > high).then(pl.lit("H")).when(num < low).then(pl.lit("L"))
            .otherwise(pl.lit("N")).alias(f"flag{i}"),
        ))
    return pl.concat(out, how="horizontal")


def choice(rng: np.random.Generator, n: int, p: list[float]) -> np.ndarray:
    return rng.choice(len(p), n, p=np.asarray(p) / sum(p))


__all__ = ["BLOOD_RESULTS", "EXAM_LABELS", "choice", "doctor_table", "found_blood",
           "found_cols", "found_comment", "found_doctor", "found_nir", "prepare",
           "result_columns", "where"]
