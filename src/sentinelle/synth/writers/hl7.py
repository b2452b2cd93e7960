"""HL7 v2.5 writer: one message per export row, ORU^R01 results or ADT^A04 registrations.

Message structure (HL7 v2.5 chapters 2, 3 and 7; French extension IHE PAM FR and the ANS
"Référentiel INS" for the identity):

- ``MSH`` (``^~\\&`` delimiters; MSH-4 the lab code; MSH-7 the sampling date and time;
  MSH-9 ``ORU^R01^ORU_R01`` for about 85 % of the rows, ``ADT^A04^ADT_A01`` for the
  others; MSH-18 ``8859/1`` or ``UNICODE UTF-8`` after ``SynthConfig.encoding``);
  ``EVN`` (ADT only);
- ``PID``: PID-3 repetitions ``IPP^^^<lab>^PI`` and the NIR: a valid one as the INS
  matricule ``<NIR>^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS``, a NIR with a wrong
  key or an NNP as a plain ``<number>^^^^SS`` (type SS, no assigning authority: an INS is
  only ever a checked NIR); PID-5 ``NOM^Prénom^^^^^D`` and, when the export shows the
  birth name, ``~NOM_NAISSANCE^^^^^^L``; PID-7 ``YYYYMMDD``; PID-8 ``M``/``F``; PID-11
  the home address ``street^line 2^town^^postal code^FRA^H`` and the birth place
  ``^^^^^FRA^BDL^^<INSEE code>`` (from the NIR; abroad ``99xxx`` without country);
  PID-13 ``<number>^PRN^PH`` (home), ``<number>^PRN^CP`` (mobile), ``^NET^Internet^<e-mail>``;
- ``PV1`` (outpatient, the lab as location); ``ROL`` the treating doctor (role ``FHCP``)
  as XCN ``<RPPS>^FAMILY^Given^^^^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^RPPS``;
- ORU only: ``OBR`` (OBR-16 the prescriber as the same XCN), ``NTE`` the free-text
  comment, ``OBX`` one per result (``NM``, value with a decimal point, unit, reference
  range, flag) and one per blood group typing (``ST``: GSRH, PHENO, KELL, as written).

Segments end with CR; a message ends with CR LF (``hl7_mllp``: MLLP framing ``VT`` ...
``FS CR``, HL7 v2.5 appendix C.4). Delimiter characters inside values are escaped
(``\\F\\ \\S\\ \\T\\ \\R\\ \\E\\``, section 2.7). Every segment is a polars string expression
over the chunk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from sentinelle.entities import Entity
from sentinelle.synth.columns import EXAMS
from sentinelle.synth.config import SynthConfig
from sentinelle.synth.export import NIR_NNP, NIR_TYPO, NIR_VALID
from sentinelle.synth.writers._base import FieldSpec, Found
from sentinelle.synth.writers._message import (
    MessageWriter,
    clock,
    day_text,
    escaper,
    fields_at,
)
from sentinelle.synth.writers._output import lit
from sentinelle.synth.writers._rows import (
    BLOOD_RESULTS,
    found_blood,
    found_cols,
    found_comment,
    where,
    found_doctor,
    found_nir,
    result_columns,
)

FORMATS = ("hl7",)
INS_AUTHORITY = "ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO"
PS_AUTHORITY = "ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO"
ORU_SHARE = 0.85
_ESCAPE = escaper({"\\": "\\E\\", "|": "\\F\\", "^": "\\S\\", "&": "\\T\\", "~": "\\R\\"})
_CHARSET = {"utf-8": "UNICODE UTF-8", "utf-8-sig": "UNICODE UTF-8", "cp1252": "8859/1",
            "latin-1": "8859/1"}

E = Entity
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("PID-3 (INS, ASIP-SANTE-INS-NIR)", E.NIR, "valid NIRs, compact"),
    FieldSpec("PID-3 (type SS, 15 characters)", E.NIR, "NIRs with a wrong key: invalid"),
    FieldSpec("PID-3 (type SS, 13 digits)", E.NNP, "NNPs"),
    FieldSpec("PID-3 (type PI)", None, "IPP"),
    FieldSpec("PID-5.1 (type D)", E.PERSON_NAME, "usual family name"),
    FieldSpec("PID-5.2 (type D)", E.PERSON_NAME, "given name"),
    FieldSpec("PID-5.1 (type L)", E.PERSON_NAME, "birth name"),
    FieldSpec("PID-7", E.DATE_OF_BIRTH, "YYYYMMDD"),
    FieldSpec("PID-8", None, "sex"),
    FieldSpec("PID-11.1 (type H)", E.ADDRESS, "street"),
    FieldSpec("PID-11.2 (type H)", E.ADDRESS, "address line 2"),
    FieldSpec("PID-11.3 (type H)", E.ADDRESS, "town"),
    FieldSpec("PID-11.5 (type H)", E.POSTAL_CODE, "postal code"),
    FieldSpec("PID-11.9 (type BDL)", E.ADDRESS, "INSEE code of the birth place"),
    FieldSpec("PID-13.1", E.PHONE, "home (PH) and mobile (CP) numbers as written"),
    FieldSpec("PID-13.4", E.EMAIL, "e-mail (NET/Internet)"),
    FieldSpec("ROL-4.1 (FHCP)", E.RPPS, "treating doctor"),
    FieldSpec("ROL-4.2-3 (FHCP)", E.PERSON_NAME, "treating doctor: one value FAMILY Given"),
    FieldSpec("OBR-16.1", E.RPPS, "prescriber (ORU)"),
    FieldSpec("OBR-16.2-3", E.PERSON_NAME, "prescriber: one value FAMILY Given (ORU)"),
    FieldSpec("OBX-5 (GSRH, PHENO, KELL)", E.BLOOD_GROUP, "blood group typings (ORU)"),
    FieldSpec("OBX-5 (other codes)", None, "numeric results"),
    FieldSpec("NTE-3", E.HEALTH, "free-text comment (ORU); may embed a phone number"),
)
NOTES: dict[str, str] = {
    "format": "HL7 v2.5: one message per export row (records = messages): ORU^R01 with "
              "OBR/NTE/OBX, or ADT^A04 (about 15 %) with no OBR, NTE or OBX; segments end "
              "with CR, messages with CR LF (or MLLP framing); 'fields' lists where each "
              "entity is written",
    "NIR": "valid NIRs written compact as the INS in PID-3 (assigning authority "
           "ASIP-SANTE-INS-NIR, OID 1.2.250.1.213.1.4.8); 'invalid' = NIRs with a wrong key "
           "written in PID-3 with identifier type SS; normalised = the 15 characters",
    "NNP": "NNPs written in PID-3 with identifier type SS; normalised = the 13 digits",
    "PERSON_NAME": "PID-5.1 (type D), PID-5.2 and PID-5.1 of the type L repetition: one "
                   "value each, as written; doctors (ROL-4, OBR-16): one value 'FAMILY Given' "
                   "per XCN that has a name",
    "DATE_OF_BIRTH": "PID-7 (YYYYMMDD); normalised = ISO date",
    "ADDRESS": "PID-11 street, line 2 and town of the home (type H) repetition, as written, "
               "and the INSEE code of the birth place (type BDL)",
    "POSTAL_CODE": "PID-11.5 of the home repetition",
    "PHONE": "PID-13 numbers as written (home, mobile) plus numbers embedded in NTE "
             "comments; normalised = E.164",
    "EMAIL": "PID-13.4; normalised = lower case",
    "RPPS": "XCN.1 of ROL-4 (treating doctor) and OBR-16 (prescriber), assigning "
            "authority ASIP-SANTE-PS (OID 1.2.250.1.71.4.2.1), type RPPS",
    "BLOOD_GROUP": "OBX-5 of the GSRH, PHENO and KELL observations (written as in the "
                   "export); normalised = canonical form",
    "HEALTH": "NTE-3 comments (ORU messages only); 'health' counts the NTE segments "
              "mentioning each category",
}


def xcn(rpps: str, prefix: str) -> pl.Expr:
    """An XCN with the RPPS (when known) and the name (when written); null when neither."""
    family, given = pl.col(f"{prefix}_family"), pl.col(f"{prefix}_given")
    value = pl.concat_str([
        pl.col(rpps).fill_null(""), pl.lit("^"), _ESCAPE(family).fill_null(""), pl.lit("^"),
        _ESCAPE(given).fill_null(""),
        pl.when(pl.col(rpps).is_not_null()).then(pl.lit(f"^^^^^^{PS_AUTHORITY}^D^^^RPPS"))
        .otherwise(pl.lit("")),
    ])
    return pl.when(pl.col(rpps).is_not_null() | family.is_not_null()).then(value)


def _e(name: str) -> pl.Expr:
    return _ESCAPE(pl.col(name))


def _pid(status: pl.Expr) -> pl.Expr:
    nir = pl.col("x_nir")
    nir_rep = (pl.when(status == NIR_VALID).then(pl.concat_str([nir, pl.lit(f"^^^{INS_AUTHORITY}^INS")]))
               .when(status.is_in([NIR_TYPO, NIR_NNP])).then(pl.concat_str([nir, pl.lit("^^^^SS")])))
    pid3 = pl.concat_str([pl.concat_str([_e("ipp"), pl.lit("^^^"), _e("lab_code"), pl.lit("^PI")]),
                          nir_rep], separator="~", ignore_nulls=True)
    pid5 = pl.concat_str([
        pl.concat_str([_e("nom"), pl.lit("^"), _e("prenom").fill_null(""), pl.lit("^^^^^D")]),
        pl.when(pl.col("nom_naissance").is_not_null())
        .then(pl.concat_str([_e("nom_naissance"), pl.lit("^^^^^^L")])),
    ], separator="~", ignore_nulls=True)
    home_parts = ("adresse1", "adresse2", "ville", "cp")
    home = pl.when(pl.any_horizontal(pl.col(c).is_not_null() for c in home_parts)).then(
        pl.concat_str([_e("adresse1").fill_null(""), pl.lit("^"), _e("adresse2").fill_null(""),
                       pl.lit("^"), _e("ville").fill_null(""), pl.lit("^^"),
                       pl.col("cp").fill_null(""), pl.lit("^"),
                       pl.when(pl.col("pays").is_not_null()).then(pl.lit("FRA"))
                       .otherwise(pl.lit("")), pl.lit("^H")]))
    place = nir.str.slice(5, 5)
    bdl = pl.when(status.is_in([NIR_VALID, NIR_TYPO])).then(
        pl.when(place.str.starts_with("99")).then(pl.concat_str([pl.lit("^^^^^^BDL^^"), place]))
        .otherwise(pl.concat_str([pl.lit("^^^^^FRA^BDL^^"), place])))
    pid11 = pl.concat_str([home, bdl], separator="~", ignore_nulls=True)
    pid13 = pl.concat_str([
        pl.when(pl.col("tel").is_not_null()).then(pl.concat_str([_e("tel"), pl.lit("^PRN^PH")])),
        pl.when(pl.col("mobile").is_not_null()).then(
            pl.concat_str([_e("mobile"), pl.lit("^PRN^CP")])),
        pl.when(pl.col("email").is_not_null()).then(
            pl.concat_str([pl.lit("^NET^Internet^"), _e("email")])),
    ], separator="~", ignore_nulls=True)
    return fields_at({0: pl.lit("PID"), 1: pl.lit("1"), 3: pid3, 5: pid5,
                      7: day_text(pl.col("x_dob"), "%Y%m%d"), 8: pl.col("x_sex"), 11: pid11,
                      13: pid13}, "|")


class Hl7Writer(MessageWriter):
    FIELDS = FIELDS
    NOTES = NOTES
    DATE_FORMAT = "%Y%m%d"
    NAME = "hl7"

    def __init__(self, path: Path, cfg: SynthConfig, layout: Any, labs: Any) -> None:
        super().__init__(path, cfg, layout, labs)
        self.mllp = cfg.hl7_mllp
        self.charset = _CHARSET[cfg.codec]

    def render(self, r: pl.DataFrame, rng: np.random.Generator) -> tuple[str, list[Found]]:
        n = r.height
        oru = rng.random(n) < ORU_SHARE
        r = r.hstack(result_columns(r)).with_columns(
            x_oru=lit(oru), x_ctrl=lit(np.arange(self.rows, self.rows + n) + 1))
        is_oru = pl.col("x_oru")
        ts = pl.concat_str([day_text(pl.col("x_day"), "%Y%m%d"), clock(pl.col("heure_prel"))])
        msh = fields_at({
            0: pl.lit("MSH"), 1: pl.lit("^~\\&"), 2: pl.lit("MEGABUS"), 3: _e("lab_code"),
            4: pl.lit("SENTINELLE"), 5: pl.lit("DPO"), 6: ts,
            8: pl.when(is_oru).then(pl.lit("ORU^R01^ORU_R01"))
            .otherwise(pl.lit("ADT^A04^ADT_A01")),
            9: pl.concat_str([pl.lit("MB"), pl.col("x_ctrl").cast(pl.String).str.zfill(9)]),
            10: pl.lit("P"), 11: pl.lit("2.5"), 16: pl.lit("FRA"), 17: pl.lit(self.charset),
        }, "|")
        evn = pl.when(~is_oru).then(fields_at({0: pl.lit("EVN"), 2: ts}, "|"))
        pv1 = fields_at({0: pl.lit("PV1"), 1: pl.lit("1"), 2: pl.lit("O"), 3: _e("lab_code")},
                        "|")
        rol = pl.when(xcn("rpps_mt", "mt").is_not_null()).then(fields_at({
            0: pl.lit("ROL"), 1: pl.lit("1"), 2: pl.lit("AD"),
            3: pl.lit("FHCP^Médecin traitant^HL70443"), 4: xcn("rpps_mt", "mt")}, "|"))
        obr = pl.when(is_oru).then(fields_at({
            0: pl.lit("OBR"), 1: pl.lit("1"), 2: _e("file_number"), 3: _e("file_number"),
            4: pl.lit("BILAN^Bilan biologique^L"), 7: ts, 16: xcn("rpps_presc", "pr")}, "|"))
        nte = pl.when(is_oru & pl.col("commentaire").is_not_null()).then(
            pl.concat_str([pl.lit("NTE|1|L|"), _e("commentaire")]))
        segments = [msh, evn, _pid(pl.col("x_status")), pv1, rol, obr, nte]
        for i in range(1, EXAMS + 1):
            dot = [pl.col(f"{k}{i}").str.replace(",", ".", literal=True)
                   for k in ("res", "low", "high")]
            segments.append(pl.when(is_oru & pl.col(f"exam{i}").is_not_null()).then(fields_at({
                0: pl.lit("OBX"), 1: pl.lit(str(i)), 2: pl.lit("NM"),
                3: pl.concat_str([pl.col(f"exam{i}"), pl.lit("^"), _e(f"label{i}"),
                                  pl.lit("^L")]),
                5: dot[0], 6: _e(f"unit{i}"), 7: pl.concat_str([dot[1], pl.lit("-"), dot[2]]),
                8: pl.col(f"flag{i}"), 11: pl.lit("F")}, "|")))
        seq = pl.sum_horizontal(pl.col(f"exam{i}").is_not_null() for i in range(1, EXAMS + 1))
        for key, code, label in BLOOD_RESULTS:
            seq = seq + pl.col(key).is_not_null()
            segments.append(pl.when(is_oru & pl.col(key).is_not_null()).then(fields_at({
                0: pl.lit("OBX"), 1: seq.cast(pl.String), 2: pl.lit("ST"),
                3: pl.lit(f"{code}^{label}^L"), 5: _e(key), 11: pl.lit("F")}, "|")))
        body = pl.concat_str(segments, separator="\r", ignore_nulls=True)
        if self.mllp:
            message = pl.concat_str([pl.lit("\x0b"), body, pl.lit("\r\x1c\r")])
        else:
            message = pl.concat_str([body, pl.lit("\r\n")])
        text = "".join(r.select(message.alias("m"))["m"].to_list())
        return text, self._found(r, is_oru)

    def _found(self, r: pl.DataFrame, oru: pl.Expr) -> list[Found]:
        return [
            *found_nir(r),
            *found_cols(r, E.PERSON_NAME, "nom", "prenom", "nom_naissance"),
            found_doctor(r, "mt"),
            found_doctor(r, "pr", oru),
            *found_cols(r, E.DATE_OF_BIRTH, "x_dob"),
            *found_cols(r, E.ADDRESS, "adresse1", "adresse2", "ville"),
            Found(E.ADDRESS, where(pl.col("x_status").is_in([NIR_VALID, NIR_TYPO]),
                                   pl.col("x_nir").str.slice(5, 5), r)),
            *found_cols(r, E.POSTAL_CODE, "cp"),
            *found_cols(r, E.PHONE, "x_tel", "x_mobile"),
            *found_cols(r, E.EMAIL, "x_email"),
            *found_cols(r, E.RPPS, "rpps_mt"),
            *found_cols(r, E.RPPS, "rpps_presc", written=oru),
            *found_blood(r, oru),
            *found_comment(r, pl.col("commentaire"), oru),
        ]


def open_writer(path: Path, cfg: SynthConfig, headers: tuple[str, ...], *, layout: Any = None,
                labs: Any = None) -> Hl7Writer:
    return Hl7Writer(path, cfg, layout, labs)


__all__ = ["FIELDS", "FORMATS", "INS_AUTHORITY", "NOTES", "PS_AUTHORITY", "Hl7Writer",
           "open_writer", "xcn"]
