"""HPRIM Net writer: lab reports to GPs ("H.PR.I.M. Médecins" v3.0, 1997), one per row.

Each report is a 12-line header, one value per line (an empty line when the export cell
is empty), then the report text and the structured results:

====  =====================================  ====  =====================================
line  value                                  line  value
====  =====================================  ====  =====================================
1     patient code (IPP)                     7     date of birth ``dd/mm/yyyy``
2     family name (usual)                    8     NIR ``1234567890123 75`` (body space
3     given name                                   key; an NNP: its 13 digits)
4     address line 1                         9     file (exam) number
5     address line 2                         10    sampling date ``dd/mm/yyyy``
6     postal code and town                   11    prescriber's RPPS
                                             12    the lab's name
====  =====================================  ====  =====================================

then ``Prélevé le <date> à <time>``, ``Prescripteur : <name as in the export>``,
``Commentaire : <comment>`` (when there is one), ``****LAB****``, one
``RES|label|code|type|value|unit|low|high|flag|status`` line per result (type ``N``,
decimal comma) and per blood group typing (type ``A``, the value as written), and
``****FIN****``. The file ends with ``****FINFICHIER****``. Layout as documented by GP
software vendors (bluegyn.com "Norme HPRIM" and "Entête HPRIM"). Line ends CR LF or LF
(``crlf``), encoding ``SynthConfig.encoding``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from sentinelle.entities import Entity
from sentinelle.synth.columns import EXAMS
from sentinelle.synth.config import SynthConfig
from sentinelle.synth.export import NIR_NNP
from sentinelle.synth.writers._base import FieldSpec, Found
from sentinelle.synth.writers._message import MessageWriter, day_text
from sentinelle.synth.writers._rows import (
    BLOOD_RESULTS,
    found_blood,
    found_cols,
    found_comment,
    found_nir,
    result_columns,
)

FORMATS = ("hprim-net",)
HEADER_LINES = 12

E = Entity
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("line 1", None, "IPP"),
    FieldSpec("line 2", E.PERSON_NAME, "family name"),
    FieldSpec("line 3", E.PERSON_NAME, "given name"),
    FieldSpec("line 4", E.ADDRESS, "address line 1"),
    FieldSpec("line 5", E.ADDRESS, "address line 2"),
    FieldSpec("line 6 (5 digits)", E.POSTAL_CODE, "postal code"),
    FieldSpec("line 6 (after the postal code)", E.ADDRESS, "town"),
    FieldSpec("line 7", E.DATE_OF_BIRTH, "dd/mm/yyyy"),
    FieldSpec("line 8 (body space key)", E.NIR, "NIR; a wrong key counts as invalid"),
    FieldSpec("line 8 (13 digits)", E.NNP, "NNP"),
    FieldSpec("line 9", None, "file number"),
    FieldSpec("line 10", None, "sampling date"),
    FieldSpec("line 11", E.RPPS, "prescriber's RPPS"),
    FieldSpec("line 12", None, "lab name"),
    FieldSpec("text 'Prescripteur :'", E.PERSON_NAME, "prescriber's name as in the export"),
    FieldSpec("text 'Commentaire :'", E.HEALTH, "the comment"),
    FieldSpec("text 'Commentaire :' (numbers in it)", E.PHONE, "phone numbers in comments"),
    FieldSpec("RES value (codes GSRH, PHENO, KELL)", E.BLOOD_GROUP, "blood group typings"),
    FieldSpec("RES value (other codes)", None, "numeric results"),
)
NOTES: dict[str, str] = {
    "format": "HPRIM Net: one report per export row (records = reports): 12 header "
              "lines, report text, ****LAB****, RES lines, ****FIN****; the file ends with "
              "****FINFICHIER****; 'fields' lists where each entity is written",
    "NIR": "header line 8 written '1234567890123 75' (body, space, key); normalised = the "
           "15 characters; 'invalid' = line 8 values with a wrong key",
    "NNP": "header line 8 values of 13 digits (no key)",
    "PERSON_NAME": "header lines 2 (family name) and 3 (given name), and the prescriber's "
                   "name on the 'Prescripteur :' line: one value each, as written",
    "DATE_OF_BIRTH": "header line 7 (dd/mm/yyyy); normalised = ISO date",
    "ADDRESS": "header lines 4 and 5 and the town of line 6, as written",
    "POSTAL_CODE": "the 5 digits that start header line 6",
    "PHONE": "numbers embedded in the comments only; normalised = E.164",
    "RPPS": "header line 11",
    "BLOOD_GROUP": "value of the RES lines with codes GSRH, PHENO, KELL (written as in the "
                   "export); normalised = canonical form",
    "HEALTH": "'Commentaire :' lines; 'health' counts those lines mentioning each category",
}


class HprimNetWriter(MessageWriter):
    FIELDS = FIELDS
    NOTES = NOTES
    DATE_FORMAT = "%d/%m/%Y"
    NAME = "hprim-net"

    def _finish(self) -> None:
        self.text("****FINFICHIER****" + self.eol)

    def render(self, r: pl.DataFrame, rng: np.random.Generator) -> tuple[str, list[Found]]:
        r = r.hstack(result_columns(r))
        nir = pl.col("x_nir")
        line8 = (pl.when(pl.col("x_status") == NIR_NNP).then(nir)
                 .otherwise(pl.concat_str([nir.str.slice(0, 13), pl.lit(" "), nir.str.slice(13)])))
        header = [
            pl.col("ipp"), pl.col("nom"), pl.col("prenom"), pl.col("adresse1"),
            pl.col("adresse2"),
            pl.concat_str([pl.col("cp"), pl.col("ville")], separator=" ", ignore_nulls=True),
            day_text(pl.col("x_dob"), "%d/%m/%Y"), line8, pl.col("file_number"),
            day_text(pl.col("x_day"), "%d/%m/%Y"), pl.col("rpps_presc"), pl.col("lab_name"),
        ]
        assert len(header) == HEADER_LINES
        lines = [h.fill_null("") for h in header]
        lines.append(pl.concat_str([pl.lit("Prélevé le "), day_text(pl.col("x_day"), "%d/%m/%Y"),
                                    pl.lit(" à "), pl.col("heure_prel").fill_null("08:00")]))
        lines.append(pl.concat_str([pl.lit("Prescripteur : "), pl.col("prescripteur")]))
        lines.append(pl.concat_str([pl.lit("Commentaire : "), pl.col("commentaire")]))
        lines.append(pl.lit("****LAB****"))
        for i in range(1, EXAMS + 1):
            lines.append(pl.concat_str([
                pl.lit("RES"), pl.col(f"label{i}"), pl.col(f"exam{i}"), pl.lit("N"),
                pl.col(f"res{i}"), pl.col(f"unit{i}").fill_null(""), pl.col(f"low{i}"),
                pl.col(f"high{i}"), pl.col(f"flag{i}"), pl.lit("F")], separator="|"))
        for key, code, label in BLOOD_RESULTS:
            lines.append(pl.concat_str([
                pl.lit(f"RES|{label}|{code}|A|"), pl.col(key), pl.lit("|||||F")]))
        lines.append(pl.lit("****FIN****"))
        report = pl.concat_str(lines, separator=self.eol, ignore_nulls=True)
        text = "".join(m + self.eol for m in r.select(report.alias("m"))["m"].to_list())
        return text, [
            *found_nir(r),
            *found_cols(r, E.PERSON_NAME, "nom", "prenom", "prescripteur"),
            *found_cols(r, E.ADDRESS, "adresse1", "adresse2", "ville"),
            *found_cols(r, E.POSTAL_CODE, "cp"),
            *found_cols(r, E.DATE_OF_BIRTH, "x_dob"),
            *found_cols(r, E.RPPS, "rpps_presc"),
            *found_blood(r),
            *found_comment(r, pl.col("commentaire")),
        ]


def open_writer(path: Path, cfg: SynthConfig, headers: tuple[str, ...], *, layout: Any = None,
                labs: Any = None) -> HprimNetWriter:
    return HprimNetWriter(path, cfg, layout, labs)


__all__ = ["FIELDS", "FORMATS", "HEADER_LINES", "NOTES", "HprimNetWriter", "open_writer"]
