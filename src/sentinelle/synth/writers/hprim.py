"""HPRIM Santé writer: lab results messages (association H.PR.I.M., HPRIM Santé 2.2).

One message (``H`` ... ``L``) per run of consecutive rows of the same lab; one patient
block per export row. Delimiters from the header ``H|~^\\&``: field ``|``, component
``~``, repetition ``^``, escape ``\\``, sub-component ``&`` (the opposite of HL7 for
component and repetition). Records (fields numbered from 1, the record type being field 1):

- ``H|~^\\&|<file>||<lab code>~<lab name>|||||SENTINELLE~DPO||P|H2.2~C|<date>``;
- ``P|<seq>|<IPP>|<file number>|<NIR>|NOM~Prénom|<birth name>|<YYYYMMDD>|<M/F>||
  <street>~<line 2>~<town>~~<postal code>~FRA||<home>^<mobile>|<RPPS>~FAMILY~Given``:
  P.5 the NIR (compact, valid or with a wrong key) or the NNP, P.13 the phones as
  written, P.14 the treating doctor;
- ``OBR|1|<file number>||BILAN~Bilan biologique|||<YYYYMMDDHHMM>|||||||||<RPPS>~FAMILY~Given``
  (OBR.17 the prescriber);
- ``OBX|<seq>|NM|<code>~<label>||<value>|<unit>|<low>-<high>|<flag>|||F`` per result and
  ``OBX|<seq>|ST|GSRH~...||<written group>|||||||F`` per blood group typing;
- ``C|1|L|<comment>|G`` after the OBR (C.4 the free-text comment of the export row);
  after the results of about one row in eight, ``C|2|L|<technique note>|G``, a long
  neutral note on the assay (no identifier, no health term);
- ``L|1|||<patients>``.

A record longer than 220 characters goes on in ``A|`` continuation lines (their text,
after ``A|``, is appended to the record as is). Separators inside values are escaped
(``\\F\\ \\S\\ \\R\\ \\E\\ \\T\\``). Line ends CR LF or LF (``crlf``), encoding
``SynthConfig.encoding`` (cp1252 by default, as HPRIM files usually are).
Sources: HPRIM Santé 2.2 (interopsante.org), ASTM E1394-97.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from sentinelle.entities import Entity
from sentinelle.synth.columns import EXAMS
from sentinelle.synth.config import SynthConfig
from sentinelle.synth.writers._base import FieldSpec, Found
from sentinelle.synth.writers._message import MessageWriter, clock, day_text, escaper, fields_at
from sentinelle.synth.writers._rows import (
    BLOOD_RESULTS,
    found_blood,
    found_cols,
    found_comment,
    found_doctor,
    found_nir,
    result_columns,
)

FORMATS = ("hprim",)
LINE_LIMIT = 220
NOTE_SHARE = 0.125
TECHNIQUE_NOTES: tuple[str, ...] = (
    ("Dosage réalisé sur automate Cobas e411 par électrochimiluminescence. Changement de "
     "technique en mars 2019 : les résultats ne sont pas directement comparables aux "
     "valeurs antérieures. Valeurs de référence établies sur une population adulte."),
    ("Résultat contrôlé sur un second prélèvement à la demande du biologiste. Les valeurs de "
     "référence dépendent de la technique utilisée et de l'âge ; interpréter l'évolution sur "
     "des dosages réalisés dans le même laboratoire, avec la même méthode."),
    ("Technique immunoturbidimétrique sur automate Alinity c. Un écart de plus de 20 pour "
     "cent avec le précédent dosage doit être confirmé. Les valeurs de référence figurent à "
     "titre indicatif et ne tiennent pas compte du contexte du prélèvement."),
)
_ESCAPE = escaper({"\\": "\\E\\", "|": "\\F\\", "~": "\\S\\", "^": "\\R\\", "&": "\\T\\"})

E = Entity
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("P.3", None, "IPP"),
    FieldSpec("P.4", None, "file number"),
    FieldSpec("P.5 (15 characters)", E.NIR, "NIR, compact; a wrong key counts as invalid"),
    FieldSpec("P.5 (13 digits)", E.NNP, "NNP"),
    FieldSpec("P.6.1", E.PERSON_NAME, "usual family name"),
    FieldSpec("P.6.2", E.PERSON_NAME, "given name"),
    FieldSpec("P.7", E.PERSON_NAME, "birth name"),
    FieldSpec("P.8", E.DATE_OF_BIRTH, "YYYYMMDD"),
    FieldSpec("P.9", None, "sex"),
    FieldSpec("P.11.1", E.ADDRESS, "street"),
    FieldSpec("P.11.2", E.ADDRESS, "address line 2"),
    FieldSpec("P.11.3", E.ADDRESS, "town"),
    FieldSpec("P.11.5", E.POSTAL_CODE, "postal code"),
    FieldSpec("P.13", E.PHONE, "home and mobile numbers as written (repetitions)"),
    FieldSpec("P.14.1", E.RPPS, "treating doctor"),
    FieldSpec("P.14.2-3", E.PERSON_NAME, "treating doctor: one value FAMILY Given"),
    FieldSpec("OBR.17.1", E.RPPS, "prescriber"),
    FieldSpec("OBR.17.2-3", E.PERSON_NAME, "prescriber: one value FAMILY Given"),
    FieldSpec("OBX.6 (GSRH, PHENO, KELL)", E.BLOOD_GROUP, "blood group typings"),
    FieldSpec("OBX.6 (other codes)", None, "numeric results"),
    FieldSpec("C.4 (C.2 = 1, after OBR)", E.HEALTH,
              "free-text comment; may embed a phone number"),
    FieldSpec("C.4 (C.2 = 2, after OBX)", None, "technique note, neutral"),
)
NOTES: dict[str, str] = {
    "format": "HPRIM Santé 2.2: one H...L message per run of rows of one lab, one P block "
              "(P, OBR, OBX..., C) per export row (records = P records); records longer "
              "than 220 characters continue on A| lines (join them before splitting "
              "fields); 'fields' lists where each entity is written",
    "NIR": "P.5, compact 15 characters; 'invalid' = P.5 values with a wrong key",
    "NNP": "P.5 values of 13 digits",
    "PERSON_NAME": "P.6 family and given name and P.7 birth name: one value each, as "
                   "written; doctors (P.14, OBR.17): one value 'FAMILY Given' when named",
    "DATE_OF_BIRTH": "P.8 (YYYYMMDD); normalised = ISO date",
    "ADDRESS": "P.11 street, line 2 and town, as written",
    "POSTAL_CODE": "P.11.5",
    "PHONE": "P.13 repetitions as written plus numbers embedded in C comments; "
             "normalised = E.164",
    "RPPS": "code component of P.14 (treating doctor) and OBR.17 (prescriber)",
    "BLOOD_GROUP": "OBX.6 of the GSRH, PHENO and KELL results (written as in the export); "
                   "normalised = canonical form",
    "HEALTH": "C.4 of the C records with sequence 1 (after OBR: the export's comment); "
              "'health' counts those records mentioning each category; the C records with "
              "sequence 2 (after the OBX) are neutral technique notes, not counted",
}


def wrap(series: pl.Series, eol: str) -> pl.Series:
    """Records longer than ``LINE_LIMIT`` split into ``A|`` continuation lines."""
    long = (series.str.len_chars() > LINE_LIMIT).fill_null(False)
    rows = np.flatnonzero(long.to_numpy())
    if not len(rows):
        return series
    step = LINE_LIMIT - 2
    out = []
    for text in series.gather(rows).to_list():
        pieces = [text[:LINE_LIMIT]]
        pieces += ["A|" + text[i:i + step] for i in range(LINE_LIMIT, len(text), step)]
        out.append(eol.join(pieces))
    return series.scatter(rows, pl.Series(out, dtype=pl.String))


def _e(name: str) -> pl.Expr:
    return _ESCAPE(pl.col(name))


def _doctor(rpps: str, prefix: str) -> pl.Expr:
    family, given = pl.col(f"{prefix}_family"), pl.col(f"{prefix}_given")
    return pl.when(pl.col(rpps).is_not_null() | family.is_not_null()).then(pl.concat_str(
        [pl.col(rpps).fill_null(""), _ESCAPE(family).fill_null(""),
         _ESCAPE(given).fill_null("")], separator="~"))


class HprimWriter(MessageWriter):
    FIELDS = FIELDS
    NOTES = NOTES
    DATE_FORMAT = "%Y%m%d"
    NAME = "hprim"

    def render(self, r: pl.DataFrame, rng: np.random.Generator) -> tuple[str, list[Found]]:
        r = r.hstack(result_columns(r))
        lab = pl.col("lab_code")
        r = r.with_columns(x_run=(lab != lab.shift(1)).fill_null(True).cum_sum())
        r = r.with_columns(x_seq=pl.int_range(1, pl.len() + 1).over("x_run"),
                           x_size=pl.len().over("x_run"))
        stamp = pl.concat_str([day_text(pl.col("x_day"), "%Y%m%d"), clock(pl.col("heure_prel"))])
        first = pl.col("x_seq") == 1
        header = pl.when(first).then(fields_at({
            1: pl.lit("H"), 2: pl.lit("~^\\&"),
            3: pl.concat_str([pl.lit("MB"), lab, pl.col("file_number"), pl.lit(".HPR")]),
            5: pl.concat_str([_e("lab_code"), _e("lab_name")], separator="~"),
            10: pl.lit("SENTINELLE~DPO"), 12: pl.lit("P"), 13: pl.lit("H2.2~C"),
            14: stamp}, "|"))
        home = ("adresse1", "adresse2", "ville", "cp")
        address = pl.when(pl.any_horizontal(pl.col(c).is_not_null() for c in home)).then(
            pl.concat_str([_e("adresse1").fill_null(""), _e("adresse2").fill_null(""),
                           _e("ville").fill_null(""), pl.lit(""), pl.col("cp").fill_null(""),
                           pl.when(pl.col("pays").is_not_null()).then(pl.lit("FRA"))
                           .otherwise(pl.lit(""))], separator="~"))
        patient = fields_at({
            1: pl.lit("P"), 2: pl.col("x_seq").cast(pl.String), 3: _e("ipp"),
            4: _e("file_number"), 5: pl.col("x_nir"),
            6: pl.concat_str([_e("nom"), _e("prenom")], separator="~", ignore_nulls=True),
            7: _e("nom_naissance"), 8: day_text(pl.col("x_dob"), "%Y%m%d"),
            9: pl.col("x_sex"), 11: address,
            13: pl.concat_str([_e("tel"), _e("mobile")], separator="^", ignore_nulls=True),
            14: _doctor("rpps_mt", "mt")}, "|")
        request = fields_at({
            1: pl.lit("OBR"), 2: pl.lit("1"), 3: _e("file_number"),
            5: pl.lit("BILAN~Bilan biologique"), 8: stamp,
            17: _doctor("rpps_presc", "pr")}, "|")
        comment = pl.when(pl.col("commentaire").is_not_null()).then(
            pl.concat_str([pl.lit("C|1|L|"), _e("commentaire"), pl.lit("|G")]))
        records = [header, patient, request, comment]
        for i in range(1, EXAMS + 1):
            dot = [pl.col(f"{k}{i}").str.replace(",", ".", literal=True)
                   for k in ("res", "low", "high")]
            records.append(pl.when(pl.col(f"exam{i}").is_not_null()).then(fields_at({
                1: pl.lit("OBX"), 2: pl.lit(str(i)), 3: pl.lit("NM"),
                4: pl.concat_str([pl.col(f"exam{i}"), _e(f"label{i}")], separator="~"),
                6: dot[0], 7: _e(f"unit{i}"), 8: pl.concat_str([dot[1], pl.lit("-"), dot[2]]),
                9: pl.col(f"flag{i}"), 12: pl.lit("F")}, "|")))
        seq = pl.sum_horizontal(pl.col(f"exam{i}").is_not_null() for i in range(1, EXAMS + 1))
        for key, code, label in BLOOD_RESULTS:
            seq = seq + pl.col(key).is_not_null()
            records.append(pl.when(pl.col(key).is_not_null()).then(fields_at({
                1: pl.lit("OBX"), 2: seq.cast(pl.String), 3: pl.lit("ST"),
                4: pl.lit(f"{code}~{label}"), 6: _e(key), 12: pl.lit("F")}, "|")))
        note = np.where(rng.random(r.height) < NOTE_SHARE,
                        rng.integers(0, len(TECHNIQUE_NOTES), r.height), -1)
        notes = pl.Series(TECHNIQUE_NOTES).gather(np.maximum(note, 0))
        records.append(pl.when(pl.lit(pl.Series(note >= 0))).then(
            pl.concat_str([pl.lit("C|2|L|"), _ESCAPE(pl.lit(notes)), pl.lit("|G")])))
        records.append(pl.when(pl.col("x_seq") == pl.col("x_size")).then(
            pl.concat_str([pl.lit("L|1|||"), pl.col("x_size").cast(pl.String)])))
        frame = r.select(*(rec.alias(f"rec{i}") for i, rec in enumerate(records)))
        frame = frame.with_columns(wrap(frame[c], self.eol) for c in frame.columns)
        lines = frame.select(pl.concat_str(pl.all(), separator=self.eol, ignore_nulls=True)
                             .alias("m"))["m"]
        text = self.eol.join(lines.to_list()) + self.eol if lines.len() else ""
        return text, self._found(r)

    def _found(self, r: pl.DataFrame) -> list[Found]:
        return [
            *found_nir(r),
            *found_cols(r, E.PERSON_NAME, "nom", "prenom", "nom_naissance"),
            found_doctor(r, "mt"),
            found_doctor(r, "pr"),
            *found_cols(r, E.DATE_OF_BIRTH, "x_dob"),
            *found_cols(r, E.ADDRESS, "adresse1", "adresse2", "ville"),
            *found_cols(r, E.POSTAL_CODE, "cp"),
            *found_cols(r, E.PHONE, "x_tel", "x_mobile"),
            *found_cols(r, E.RPPS, "rpps_mt", "rpps_presc"),
            *found_blood(r),
            *found_comment(r, pl.col("commentaire")),
        ]


def open_writer(path: Path, cfg: SynthConfig, headers: tuple[str, ...], *, layout: Any = None,
                labs: Any = None) -> HprimWriter:
    return HprimWriter(path, cfg, layout, labs)


__all__ = ["FIELDS", "FORMATS", "LINE_LIMIT", "NOTES", "HprimWriter", "open_writer", "wrap"]
