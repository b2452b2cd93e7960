"""Plain-text writer: a lab's free-text notes and log lines that mention patients.

One line per export row, in one of five phrasings drawn per row (the writer's own random
stream), with the parts whose export cell is empty left out; between them, about one
neutral line (log or desk note: no identifier, no health term) for three patient lines::

    11/11/2019 10:29 - Patient ROUSSEAU Jacques, né(e) le 14/12/1940, n° SS 1 40 12 99 351 647 46, tél 06 12 34 56 78, commentaire : DT1
    Dossier 19111100000 : Jacques ROUSSEAU (DDN 14/12/1940) - NIR 140129935164746 - remarque : bilan annuel
    Appel de ROUSSEAU Jacques au 06 12 34 56 78 au sujet du dossier 19111100000, note : ...
    ROUSSEAU Jacques ; 14/12/1940 ; sécu 1.40.12.99.351.647.46 ; 62 rue du 8 Mai 1945, 22440 Ploufragan ; obs. : ...
    [L2201] 11/11/2019 ROUSSEAU Jacques n° SS 140129935164746 tél 06 12 34 56 78 - commentaire : ...

The NIR is written compact, spaced or dotted (an NNP: its 13 digits); dates in the file's
date format; phones as in the export (the mobile, else the home number). A comment always
comes last, after ``commentaire : ``, ``remarque : ``, ``note : `` or ``obs. : ``. Line
ends CR LF or LF (``crlf``), encoding ``SynthConfig.encoding``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from sentinelle.entities import Entity
from sentinelle.synth.config import SynthConfig
from sentinelle.synth.export import NIR_NNP
from sentinelle.synth.numbers import NIR_COMPACT, NIR_DOTTED, NIR_SPACED, nir_written
from sentinelle.synth.writers._base import FieldSpec, Found
from sentinelle.synth.writers._message import MessageWriter
from sentinelle.synth.writers._output import lit
from sentinelle.synth.writers._rows import choice, found_cols, found_comment, found_nir, where

FORMATS = ("txt",)
PHRASINGS = 5
NEUTRAL_SHARE = 1 / 3
COMMENT_MARKERS: tuple[str, ...] = ("commentaire : ", "remarque : ", "note : ", "obs. : ")
NEUTRAL: tuple[str, ...] = (
    "{D} 02:10 INFO sauvegarde nocturne terminée sans erreur",
    "{D} 07:45 INFO export Mega-Bus : lot {N} transmis au serveur",
    "{D} 08:02 WARN automate XN-1000 : contrôle qualité niveau 2 à refaire",
    "Réunion qualité du service reportée à jeudi",
    "Penser à commander des tubes citratés pour le site principal",
    "{D} 12:30 INFO connexion du poste accueil 3",
    "Coursier passé à 16h, {N} boîtes de prélèvements",
    "{D} 18:15 INFO clôture de la journée, {N} dossiers validés",
    "Imprimante du secrétariat en panne, ticket ouvert",
    "{D} 09:00 WARN file d'attente HPRIM : {N} messages en attente",
)

E = Entity
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("patient name ('NOM Prénom' or 'Prénom NOM')", E.PERSON_NAME,
              "one value per mention"),
    FieldSpec("after 'né(e) le' / 'DDN' / between ';'", E.DATE_OF_BIRTH, "the file's format"),
    FieldSpec("after 'n° SS' / 'NIR' / 'sécu' (15 characters)", E.NIR,
              "compact, spaced or dotted; a wrong key counts as invalid"),
    FieldSpec("after 'n° SS' / 'NIR' / 'sécu' (13 digits)", E.NNP, "NNP"),
    FieldSpec("after 'tél' / 'au'", E.PHONE, "mobile, else home number, as written"),
    FieldSpec("address (phrasing 4)", E.ADDRESS, "line 1 and town"),
    FieldSpec("postal code (phrasing 4)", E.POSTAL_CODE, "postal code"),
    FieldSpec("after 'commentaire :' / 'remarque :' / 'note :' / 'obs. :'", E.HEALTH,
              "the comment, last on the line; may embed a phone number"),
)
NOTES: dict[str, str] = {
    "format": "plain text: one line per export row (records = patient lines) in five "
              "phrasings, plus neutral lines (no identifier, no health term); counts are "
              "per value written",
    "NIR": "after 'n° SS', 'NIR' or 'sécu', compact, spaced or dotted; normalised = "
           "compact 15 characters; 'invalid' = values with a wrong key",
    "NNP": "13-digit values in the NIR position",
    "PERSON_NAME": "one value per patient mention; normalised = 'NOM Prénom' whatever the "
                   "written order ('NOM' alone without a given name)",
    "DATE_OF_BIRTH": "see 'date_format'; normalised = ISO date",
    "ADDRESS": "address line 1 and town (phrasing 4 only), as written",
    "POSTAL_CODE": "phrasing 4 only",
    "PHONE": "the mobile (else the home number) where the phrasing has one, plus numbers "
             "embedded in comments; normalised = E.164",
    "HEALTH": "comments (last on the line, after 'commentaire :', 'remarque :', 'note :' "
              "or 'obs. :'); 'health' counts the lines mentioning each category",
}


def _part(label: str, value: pl.Expr) -> pl.Expr:
    return pl.concat_str([pl.lit(label), value])  # null with the value


class TextWriter(MessageWriter):
    FIELDS = FIELDS
    NOTES = NOTES
    NAME = "txt"

    def render(self, r: pl.DataFrame, rng: np.random.Generator) -> tuple[str, list[Found]]:
        n = r.height
        c = pl.col
        style = choice(rng, n, [0.4, 0.5, 0.1])
        style = np.array([NIR_COMPACT, NIR_SPACED, NIR_DOTTED])[style]
        nir = (pl.when(c("x_status") == NIR_NNP).then(c("x_nir"))
               .otherwise(nir_written(c("x_nir"), lit(style))))
        phone_col = pl.when(c("mobile").is_not_null()).then(c("mobile")).otherwise(c("tel"))
        phone_e164 = pl.when(c("mobile").is_not_null()).then(c("x_mobile")).otherwise(c("x_tel"))
        marker = pl.Series(COMMENT_MARKERS).gather(rng.integers(0, len(COMMENT_MARKERS), n))
        comment = pl.concat_str([lit(marker), c("commentaire")])
        nom_prenom = pl.concat_str([c("nom"), c("prenom")], separator=" ", ignore_nulls=True)
        prenom_nom = pl.concat_str([c("prenom"), c("nom")], separator=" ", ignore_nulls=True)
        ddn = c("ddn")
        phrasings = [
            pl.concat_str([
                pl.concat_str([c("date_prel"), pl.concat_str([pl.lit(" "), c("heure_prel")])
                               .fill_null(""), pl.lit(" - Patient "), nom_prenom]),
                _part("né(e) le ", ddn), _part("n° SS ", nir), _part("tél ", phone_col),
                comment], separator=", ", ignore_nulls=True),
            pl.concat_str([
                pl.concat_str([pl.lit("Dossier "), c("file_number"), pl.lit(" : "), prenom_nom,
                               _part(" (DDN ", ddn).fill_null(""),
                               pl.when(ddn.is_not_null()).then(pl.lit(")")).otherwise(pl.lit(""))]),
                _part("NIR ", nir), comment], separator=" - ", ignore_nulls=True),
            pl.concat_str([
                pl.concat_str([pl.lit("Appel de "), nom_prenom,
                               _part(" au ", phone_col).fill_null(""),
                               pl.lit(" au sujet du dossier "), c("file_number")]),
                comment], separator=", ", ignore_nulls=True),
            pl.concat_str([
                nom_prenom, ddn, _part("sécu ", nir),
                pl.concat_str([c("adresse1"), pl.concat_str([c("cp"), c("ville")], separator=" ",
                                                            ignore_nulls=True)],
                              separator=", ", ignore_nulls=True),
                comment], separator=" ; ", ignore_nulls=True),
            pl.concat_str([
                pl.concat_str([pl.lit("["), c("lab_code"), pl.lit("] "), c("date_prel"),
                               pl.lit(" "), nom_prenom]),
                _part("n° SS ", nir), _part("tél ", phone_col)], separator=" ", ignore_nulls=True)
            .pipe(lambda e: pl.concat_str([e, comment], separator=" - ", ignore_nulls=True)),
        ]
        which = lit(rng.integers(0, PHRASINGS, n))
        line = pl.coalesce([pl.when(which == k).then(p) for k, p in enumerate(phrasings)])
        neutral_idx = np.where(rng.random(n) < NEUTRAL_SHARE, rng.integers(0, len(NEUTRAL), n), -1)
        neutral = (pl.when(lit(neutral_idx >= 0))
                   .then(lit(pl.Series(NEUTRAL).gather(np.maximum(neutral_idx, 0))))
                   .str.replace("{D}", c("date_prel").fill_null(""), literal=True)
                   .str.replace("{N}", lit(rng.integers(2, 60, n)).cast(pl.String), literal=True))
        out = r.select(pl.concat_str([neutral, line], separator=self.eol, ignore_nulls=True)
                       .alias("t"), line.alias("line"), which.alias("which"))
        text = "".join(t + self.eol for t in out["t"].to_list())
        k = out["which"]
        has_phone = r.select(c("mobile").is_not_null() | c("tel").is_not_null())
        phone_written = pl.lit(k.is_in([0, 2, 4])) & pl.lit(has_phone.to_series())
        address = pl.lit(k == 3)
        return text, [
            Found(E.PERSON_NAME, where(True, nom_prenom, r)),
            *found_cols(r, E.DATE_OF_BIRTH, "x_dob", written=pl.lit(k.is_in([0, 1, 3]))),
            *found_nir(r, pl.lit(k.is_in([0, 1, 3, 4]))),
            Found(E.PHONE, where(phone_written, phone_e164, r)),
            *found_cols(r, E.ADDRESS, "adresse1", "ville", written=address),
            *found_cols(r, E.POSTAL_CODE, "cp", written=address),
            *found_comment(r, c("commentaire")),
        ]


def open_writer(path: Path, cfg: SynthConfig, headers: tuple[str, ...], *, layout: Any = None,
                labs: Any = None) -> TextWriter:
    return TextWriter(path, cfg, layout, labs)


__all__ = ["COMMENT_MARKERS", "FIELDS", "FORMATS", "NEUTRAL", "NOTES", "TextWriter",
           "open_writer"]
