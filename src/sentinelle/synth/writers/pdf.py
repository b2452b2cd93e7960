"""PDF writer: lab reports ("comptes rendus d'analyses"), a few patients per A4 page.

One report per export row, drawn with fpdf2 (https://py-pdf.github.io/fpdf2/) in the core
font Helvetica, one text line per ``FPDF.text`` call so that the text layer (what a PDF
reader extracts) holds exactly these lines, in this order:

    <lab name> - FINESS <finess>
    Compte rendu d'analyses - Dossier n° <file number> - IPP <ipp>
    Patient : <NOM> <Prénom>
    Nom de naissance : <NOM>                          (when the export shows it)
    Né(e) le : <date of birth>   Sexe : <sex>          (the file's date format)
    N° SS : 1 85 03 75 123 456 41                      (an NNP: its 13 digits)
    Adresse : <line 1> / Complément : <line 2> / Commune : <postal code> <town>  (3 lines)
    Tél. : <home>   Portable : <mobile>
    E-mail : <e-mail>
    Médecin traitant : <name> (RPPS <rpps>)
    Prescripteur : <name> (RPPS <rpps>)
    Prélevé le <date> à <time>
    <label> (<code>) : <value> <unit>   [réf. <low> - <high>] <flag>   (one per result)
    Groupe sanguin : <group>   Phénotype : <phenotype>   Kell : <kell>
    Commentaire : <comment>                             (font shrunk to fit one line)
    Accès résultats en ligne : identifiant <login> - mot de passe <password>

Lines whose values are all empty are left out (a label never stands alone). Core fonts
are Latin-1 (WinAnsi): characters outside it (``œ``, ``’``, ``€``...) are written with
Latin-1 equivalents, in the text and in the truth alike. Reproducible: the creation date
is fixed (the configuration's ``date_end``) and fpdf2 derives the file ``/ID`` from the
content and that date. The document is built in memory (about 1 MB per 1,000 reports)
and written atomically at the end.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from fpdf import FPDF

from sentinelle.entities import Entity
from sentinelle.synth.columns import EXAMS
from sentinelle.synth.config import SynthConfig
from sentinelle.synth.export import NIR_NNP
from sentinelle.synth.numbers import NIR_SPACED, nir_written
from sentinelle.synth.writers._base import FieldSpec, FormatInfo, Found
from sentinelle.synth.writers._message import MessageWriter
from sentinelle.synth.writers._rows import (
    found_blood,
    found_cols,
    found_comment,
    found_nir,
    result_columns,
    where,
)

FORMATS = ("pdf",)
PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 12.0
LINE_H = 3.6
FONT, SIZE, MIN_SIZE = "helvetica", 8.0, 4.0
COMMENT = "Commentaire : "
LATIN1: dict[str, str] = {"œ": "oe", "Œ": "OE", "’": "'", "‘": "'", "“": '"', "”": '"',
                          "…": "...", "–": "-", "—": "-", "€": "EUR", "\u202f": " "}

E = Entity
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("line '<lab> - FINESS'", E.FINESS, "the lab's FINESS"),
    FieldSpec("line 'Patient :'", E.PERSON_NAME, "one value 'NOM Prénom'"),
    FieldSpec("line 'Nom de naissance :'", E.PERSON_NAME, "birth name"),
    FieldSpec("line 'Né(e) le :'", E.DATE_OF_BIRTH, "the file's date format"),
    FieldSpec("line 'N° SS :' (spaced, 15 digits)", E.NIR, "a wrong key counts as invalid"),
    FieldSpec("line 'N° SS :' (13 digits)", E.NNP, "NNP"),
    FieldSpec("lines 'Adresse :', 'Complément :' and 'Commune :'", E.ADDRESS,
              "line 1, line 2, town"),
    FieldSpec("line 'Commune :'", E.POSTAL_CODE, "postal code (before the town)"),
    FieldSpec("line 'Tél. : ... Portable :'", E.PHONE, "home and mobile as written"),
    FieldSpec("line 'E-mail :'", E.EMAIL, "e-mail"),
    FieldSpec("lines 'Médecin traitant :' and 'Prescripteur :'", E.PERSON_NAME,
              "doctors' names as written in the export"),
    FieldSpec("lines 'Médecin traitant :' and 'Prescripteur :' (RPPS ...)", E.RPPS, "RPPS"),
    FieldSpec("line 'Groupe sanguin :'", E.BLOOD_GROUP, "group, phenotype, Kell as written"),
    FieldSpec("line 'Commentaire :'", E.HEALTH, "the comment; may embed a phone number"),
    FieldSpec("line 'Accès résultats en ligne :'", E.CREDENTIAL, "login and password"),
)
NOTES: dict[str, str] = {
    "format": "PDF lab reports (one per export row, records = reports), text layer one "
              "line per report line (see the writer's docstring for the line layout); "
              "counts are per value written on those lines",
    "NIR": "'N° SS :' line, written spaced '1 85 03 75 123 456 41'; normalised = compact 15 "
           "characters; 'invalid' = values with a wrong key",
    "NNP": "'N° SS :' line values of 13 digits",
    "PERSON_NAME": "'Patient :' (one value 'NOM Prénom', or 'NOM' without a given name), "
                   "'Nom de naissance :', and the doctors' names as written on the "
                   "'Médecin traitant :' and 'Prescripteur :' lines",
    "DATE_OF_BIRTH": "'Né(e) le :' line (see 'date_format'); normalised = ISO date",
    "ADDRESS": "'Adresse :' and 'Complément :' lines and the town on the 'Commune :' line",
    "POSTAL_CODE": "the postal code on the 'Commune :' line",
    "PHONE": "'Tél. :' and 'Portable :' values as written plus numbers embedded in the "
             "comments; normalised = E.164",
    "EMAIL": "'E-mail :' line; normalised = lower case",
    "RPPS": "'(RPPS ...)' after the doctors' names",
    "FINESS": "first line of each report",
    "BLOOD_GROUP": "'Groupe sanguin :', 'Phénotype :' and 'Kell :' values; normalised = "
                   "canonical form",
    "CREDENTIAL": "login and password of the results website (two values per line)",
    "HEALTH": "'Commentaire :' lines; 'health' counts the comment lines mentioning each "
              "category (one line per comment)",
}


def _labelled(label: str, value: pl.Expr, suffix: pl.Expr | None = None) -> pl.Expr:
    parts = [pl.lit(label), value] + ([suffix] if suffix is not None else [])
    return pl.concat_str(parts)  # null when the value is null


def _join(*parts: pl.Expr) -> pl.Expr:
    return pl.concat_str(list(parts), separator="   ", ignore_nulls=True)


class PdfWriter(MessageWriter):
    FIELDS = FIELDS
    NOTES = NOTES
    NAME = "pdf"

    def __init__(self, path: Path, cfg: SynthConfig, layout: Any, labs: Any) -> None:
        super().__init__(path, cfg, layout, labs)
        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_creation_date(datetime.combine(cfg.date_end, time(18, 0), tzinfo=UTC))
        pdf.set_title("Comptes rendus d'analyses")
        pdf.set_author("Mega-Bus")
        pdf.set_auto_page_break(False)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf = pdf
        self.y = PAGE_H  # forces a first page

    def info(self) -> FormatInfo:
        base = super().info()
        return FormatInfo(encoding="cp1252", fields=base.fields, header=False,
                          nir_layout="single", notes=base.notes)

    def _finish(self) -> None:
        if self.pdf.page_no() == 0:
            self.pdf.add_page()
        self._emit(bytes(self.pdf.output()))

    def render(self, r: pl.DataFrame, rng: np.random.Generator) -> tuple[str, list[Found]]:
        r = r.with_columns(pl.col(pl.String).str.replace_many(list(LATIN1), list(LATIN1.values())))
        r = r.hstack(result_columns(r))
        c = pl.col
        spaced = nir_written(c("x_nir"), pl.lit(NIR_SPACED))
        nir_text = pl.when(c("x_status") == NIR_NNP).then(c("x_nir")).otherwise(spaced)
        results = [
            pl.when(c(f"exam{i}").is_not_null()).then(pl.concat_str([
                c(f"label{i}"), pl.lit(" ("), c(f"exam{i}"), pl.lit(") : "), c(f"res{i}"),
                pl.concat_str([pl.lit(" "), c(f"unit{i}")]).fill_null(""),
                pl.lit("   [réf. "), c(f"low{i}"), pl.lit(" - "), c(f"high{i}"), pl.lit("] "),
                c(f"flag{i}")])) for i in range(1, EXAMS + 1)]
        lines = [
            pl.concat_str([c("lab_name"), pl.lit(" - FINESS "), c("lab_finess")]),
            pl.concat_str([pl.lit("Compte rendu d'analyses - Dossier n° "), c("file_number"),
                           pl.lit(" - IPP "), c("ipp")]),
            _labelled("Patient : ", self._patient_name()),
            _labelled("Nom de naissance : ", c("nom_naissance")),
            _join(_labelled("Né(e) le : ", c("ddn")), _labelled("Sexe : ", c("sexe"))),
            _labelled("N° SS : ", nir_text),
            _labelled("Adresse : ", c("adresse1")),
            _labelled("Complément : ", c("adresse2")),
            _labelled("Commune : ", pl.concat_str([c("cp"), c("ville")], separator=" ",
                                                  ignore_nulls=True)),
            _join(_labelled("Tél. : ", c("tel")), _labelled("Portable : ", c("mobile"))),
            _labelled("E-mail : ", c("email")),
            _doctor_line("Médecin traitant : ", "medecin", "rpps_mt"),
            _doctor_line("Prescripteur : ", "prescripteur", "rpps_presc"),
            pl.concat_str([pl.lit("Prélevé le "), c("date_prel"),
                           pl.concat_str([pl.lit(" à "), c("heure_prel")]).fill_null("")]),
            *results,
            _join(_labelled("Groupe sanguin : ", c("gs")),
                  _labelled("Phénotype : ", c("phenotype")), _labelled("Kell : ", c("kell"))),
            _labelled(COMMENT, c("commentaire")),
            _labelled("Accès résultats en ligne : identifiant ", c("login"),
                      pl.concat_str([pl.lit(" - mot de passe "), c("password")])),
        ]
        reports = r.select(pl.concat_str(lines, separator="\n", ignore_nulls=True).alias("t"))
        for text in reports["t"].to_list():
            self._draw(text.split("\n"))
        login_line = c("login").is_not_null() & c("password").is_not_null()
        return "", [
            *found_cols(r, E.FINESS, "lab_finess"),
            Found(E.PERSON_NAME, where(True, self._patient_name(), r)),
            *found_cols(r, E.PERSON_NAME, "nom_naissance", "medecin", "prescripteur"),
            *found_cols(r, E.DATE_OF_BIRTH, "x_dob"),
            *found_nir(r),
            *found_cols(r, E.ADDRESS, "adresse1", "adresse2", "ville"),
            *found_cols(r, E.POSTAL_CODE, "cp"),
            *found_cols(r, E.PHONE, "x_tel", "x_mobile"),
            *found_cols(r, E.EMAIL, "x_email"),
            *found_cols(r, E.RPPS, "rpps_mt", "rpps_presc"),
            *found_blood(r),
            *found_comment(r, c("commentaire")),
            *found_cols(r, E.CREDENTIAL, "login", "password", written=login_line),
        ]

    @staticmethod
    def _patient_name() -> pl.Expr:
        return pl.concat_str([pl.col("nom"), pl.col("prenom")], separator=" ",
                             ignore_nulls=True)

    def _draw(self, lines: list[str]) -> None:
        pdf = self.pdf
        height = (len(lines) + 1) * LINE_H
        if self.y + height > PAGE_H - MARGIN:
            pdf.add_page()
            self.y = MARGIN + LINE_H
        width = PAGE_W - 2 * MARGIN
        pdf.set_font(FONT, style="B", size=SIZE + 1)
        for k, line in enumerate(lines):
            if k == 1:
                pdf.set_font(FONT, style="", size=SIZE)
            if line.startswith(COMMENT):
                size = SIZE
                while size > MIN_SIZE and pdf.get_string_width(line) > width:
                    size -= 0.5
                    pdf.set_font_size(size)
            pdf.text(MARGIN, self.y, line)
            if line.startswith(COMMENT):
                pdf.set_font_size(SIZE)
            self.y += LINE_H
        pdf.line(MARGIN, self.y - LINE_H / 2, PAGE_W - MARGIN, self.y - LINE_H / 2)
        self.y += LINE_H


def _doctor_line(label: str, name: str, rpps: str) -> pl.Expr:
    code = pl.concat_str([pl.lit("(RPPS "), pl.col(rpps), pl.lit(")")])
    return pl.when(pl.col(name).is_not_null() | pl.col(rpps).is_not_null()).then(
        pl.concat_str([pl.lit(label), pl.concat_str([pl.col(name), code], separator=" ",
                                                     ignore_nulls=True)]))


def open_writer(path: Path, cfg: SynthConfig, headers: tuple[str, ...], *, layout: Any = None,
                labs: Any = None) -> PdfWriter:
    return PdfWriter(path, cfg, layout, labs)


__all__ = ["FIELDS", "FORMATS", "LATIN1", "NOTES", "PdfWriter", "open_writer"]
