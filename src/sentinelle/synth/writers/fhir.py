"""FHIR writer: one JSON ``Bundle`` (type ``collection``) of Patient and Observation resources.

HL7 FHIR R4 (https://hl7.org/fhir/R4/) with the French conventions of the ANS (FR Core,
"Référentiel INS"). Per export row, streamed one entry per line:

- a ``Patient``: ``identifier`` the IPP (local system of the lab) and the NIR as INS
  matricule (``system`` ``urn:oid:1.2.250.1.213.1.4.8``, type ``INS-NIR``; a NIR with a
  wrong key is written there too, it is what was typed) or an NNP as a local identifier
  (not an INS); ``name`` the usual name (``family``, ``given``) and the maiden name when the
  export shows it; ``telecom`` home and mobile phones as written and the e-mail;
  ``gender``; ``birthDate`` (ISO); ``address`` (``line``, ``city``, ``postalCode``);
  ``generalPractitioner`` the treating doctor (RPPS, ``urn:oid:1.2.250.1.71.4.2.1``, and
  the name as written); ``managingOrganization`` the lab (FINESS,
  ``urn:oid:1.2.250.1.71.4.2.2``);
- one ``Observation`` per result (``valueQuantity``) and per blood group typing
  (``valueString`` as written), the first one with the comment in ``note.text``.

FHIR has no JSON ``null``: absent values are left out. Paths as the JSON reader flattens
them (:mod:`sentinelle.readers._records`): nested keys joined with ``.``, list indexes
dropped, a path repeated in one resource numbered ``path#2``...; ``value`` beside an INS
``system`` labelled ``INS-NIR identifier.value``, beside a contact ``system`` ``phone
telecom.value`` / ``email telecom.value``. UTF-8. Rows are turned into dicts in Python
(one ``json.dumps`` per resource).
"""

from __future__ import annotations

import json
from datetime import datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from sentinelle.entities import Entity
from sentinelle.synth.columns import EXAMS
from sentinelle.synth.config import SynthConfig
from sentinelle.synth.export import NIR_NNP, NIR_TYPO, NIR_VALID
from sentinelle.synth.writers._base import FieldSpec, FormatInfo, Found
from sentinelle.synth.writers._message import MessageWriter, day_text
from sentinelle.synth.writers._rows import (
    BLOOD_RESULTS,
    found_blood,
    found_cols,
    found_comment,
    found_nir,
    result_columns,
)

FORMATS = ("fhir",)
INS_NIR = "urn:oid:1.2.250.1.213.1.4.8"
RPPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
FINESS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.2"
LOCAL = "http://megabus.local"
_V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
_FR_0203 = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"
_LOINC = {"gs": ("http://loinc.org", "882-1")}

E = Entity
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("Patient INS-NIR identifier.value", E.NIR,
              "NIR as INS (system urn:oid:1.2.250.1.213.1.4.8); a wrong key counts as invalid"),
    FieldSpec("Patient identifier.value", None, "IPP (first unlabelled identifier)"),
    FieldSpec("Patient identifier.value#2", E.NNP, "NNP, local identifier (type text NNP)"),
    FieldSpec("Patient name.family", E.PERSON_NAME, "usual family name"),
    FieldSpec("Patient name.given", E.PERSON_NAME, "given name"),
    FieldSpec("Patient name.family#2", E.PERSON_NAME, "maiden name (use maiden)"),
    FieldSpec("Patient birthDate", E.DATE_OF_BIRTH, "ISO date"),
    FieldSpec("Patient gender", None, "male / female"),
    FieldSpec("Patient phone telecom.value", E.PHONE, "home and mobile numbers as written"),
    FieldSpec("Patient email telecom.value", E.EMAIL, "e-mail"),
    FieldSpec("Patient address.line", E.ADDRESS, "address lines 1 and 2"),
    FieldSpec("Patient address.city", E.ADDRESS, "town"),
    FieldSpec("Patient address.postalCode", E.POSTAL_CODE, "postal code"),
    FieldSpec("Patient generalPractitioner.identifier.value", E.RPPS, "treating doctor"),
    FieldSpec("Patient generalPractitioner.display", E.PERSON_NAME,
              "treating doctor's name as in the export"),
    FieldSpec("Patient managingOrganization.identifier.value", E.FINESS, "the lab"),
    FieldSpec("Observation valueString", E.BLOOD_GROUP, "blood group typings as written"),
    FieldSpec("Observation valueQuantity.value", None, "numeric results"),
    FieldSpec("Observation note.text", E.HEALTH, "the comment; may embed a phone number"),
)
NOTES: dict[str, str] = {
    "format": "FHIR R4 JSON Bundle (collection): one Patient per export row (records = "
              "Patient resources) and its Observations; flattened paths: nested keys "
              "joined with '.', list indexes dropped, a path repeated in one resource "
              "fills columns labelled alike, keyed '#2', '#3'... in order; an identifier "
              "value with an INS system is labelled "
              "'INS-NIR identifier.value', a telecom value 'phone telecom.value' or 'email "
              "telecom.value'; 'fields' lists resource type and path of each entity",
    "NIR": "Patient 'INS-NIR identifier.value' (system urn:oid:1.2.250.1.213.1.4.8): "
           "valid NIRs counted, NIRs with a wrong key = 'invalid'; compact 15 characters",
    "NNP": "Patient 'identifier.value#2' (a local identifier of type NNP, not an INS)",
    "PERSON_NAME": "Patient name.family, name.given and the maiden name.family#2: one "
                   "value each, as written; generalPractitioner.display: the treating "
                   "doctor's name as written in the export",
    "DATE_OF_BIRTH": "Patient birthDate (ISO)",
    "ADDRESS": "Patient address.line (lines 1 and 2) and address.city, as written",
    "POSTAL_CODE": "Patient address.postalCode",
    "PHONE": "Patient 'phone telecom.value' (home, mobile) as written, plus numbers "
             "embedded in Observation note.text; normalised = E.164",
    "EMAIL": "Patient 'email telecom.value'; normalised = lower case",
    "RPPS": "Patient generalPractitioner.identifier.value (system urn:oid:1.2.250.1.71.4.2.1)",
    "FINESS": "Patient managingOrganization.identifier.value (system "
              "urn:oid:1.2.250.1.71.4.2.2)",
    "BLOOD_GROUP": "Observation valueString (codes 882-1, PHENO, KELL), written as in the "
                   "export; normalised = canonical form",
    "HEALTH": "Observation note.text (on the first Observation of a row); 'health' counts "
              "the notes mentioning each category",
}


def _number(text: str) -> float | int:
    value = float(text.replace(",", "."))
    return int(value) if "," not in text else value


class FhirWriter(MessageWriter):
    FIELDS = FIELDS
    NOTES = NOTES
    DATE_FORMAT = "%Y-%m-%d"
    NAME = "fhir"

    def __init__(self, path: Path, cfg: SynthConfig, layout: Any, labs: Any) -> None:
        super().__init__(path, cfg, layout, labs)
        self._entries = 0

    def info(self) -> FormatInfo:
        base = super().info()
        return FormatInfo(encoding="utf-8", fields=base.fields, header=False,
                          date_format=base.date_format, nir_layout="single", notes=base.notes)

    def text(self, text: str) -> None:
        if text:
            self._emit(self._encode(text, "utf-8"))

    def _start(self) -> None:
        stamp = datetime.combine(self.cfg.date_end, time(18, 0)).isoformat()
        head = {"resourceType": "Bundle", "id": "megabus-export", "type": "collection",
                "timestamp": stamp + "+01:00"}
        self.text(json.dumps(head, ensure_ascii=False)[:-1] + ',"entry":[\n')

    def _finish(self) -> None:
        self.text("\n]}\n")

    def render(self, r: pl.DataFrame, rng: np.random.Generator) -> tuple[str, list[Found]]:
        r = r.hstack(result_columns(r)).with_columns(
            x_birth=day_text(pl.col("x_dob"), "%Y-%m-%d"),
            x_when=pl.concat_str([day_text(pl.col("x_day"), "%Y-%m-%d"), pl.lit("T"),
                                  pl.col("heure_prel").fill_null("08:00"), pl.lit(":00")]))
        entries: list[str] = []
        for k, row in enumerate(r.iter_rows(named=True)):
            pid = f"pat-{self.rows + k + 1:08d}"
            entries.append(self._entry("Patient", pid, self._patient(pid, row)))
            for j, obs in enumerate(self._observations(pid, row)):
                entries.append(self._entry("Observation", f"obs-{self.rows + k + 1:08d}-{j + 1}",
                                           obs))
        text = ",\n".join(entries)
        if text and self._entries:
            text = ",\n" + text
        self._entries += len(entries)
        return text, [
            *found_nir(r),
            *found_cols(r, E.PERSON_NAME, "nom", "prenom", "nom_naissance", "medecin"),
            *found_cols(r, E.DATE_OF_BIRTH, "x_dob"),
            *found_cols(r, E.PHONE, "x_tel", "x_mobile"),
            *found_cols(r, E.EMAIL, "x_email"),
            *found_cols(r, E.ADDRESS, "adresse1", "adresse2", "ville"),
            *found_cols(r, E.POSTAL_CODE, "cp"),
            *found_cols(r, E.RPPS, "rpps_mt"),
            *found_cols(r, E.FINESS, "lab_finess"),
            *found_blood(r),
            *found_comment(r, pl.col("commentaire")),
        ]

    @staticmethod
    def _entry(kind: str, rid: str, resource: dict[str, Any]) -> str:
        return json.dumps({"fullUrl": f"{LOCAL}/fhir/{kind}/{rid}", "resource": resource},
                          ensure_ascii=False, separators=(",", ":"))

    def _patient(self, pid: str, row: dict[str, Any]) -> dict[str, Any]:
        ids: list[dict[str, Any]] = [{
            "use": "usual", "type": {"coding": [{"system": _V2_0203, "code": "PI"}]},
            "system": f"{LOCAL}/ipp/{row['lab_code']}", "value": row["ipp"]}]
        status = row["x_status"]
        if status in (NIR_VALID, NIR_TYPO):
            ids.append({"use": "official",
                        "type": {"coding": [{"system": _FR_0203, "code": "INS-NIR"}]},
                        "system": INS_NIR, "value": row["x_nir"]})
        elif status == NIR_NNP:
            ids.append({"use": "secondary", "type": {"text": "NNP"},
                        "system": f"{LOCAL}/nnp", "value": row["x_nir"]})
        usual: dict[str, Any] = {"use": "usual", "family": row["nom"]}
        if row["prenom"] is not None:
            usual["given"] = [row["prenom"]]
        names = [usual]
        if row["nom_naissance"] is not None:
            names.append({"use": "maiden", "family": row["nom_naissance"]})
        out: dict[str, Any] = {"resourceType": "Patient", "id": pid, "identifier": ids,
                               "name": names}
        telecom = []
        if row["tel"] is not None:
            telecom.append({"system": "phone", "value": row["tel"], "use": "home"})
        if row["mobile"] is not None:
            telecom.append({"system": "phone", "value": row["mobile"], "use": "mobile"})
        if row["email"] is not None:
            telecom.append({"system": "email", "value": row["email"]})
        if telecom:
            out["telecom"] = telecom
        out["gender"] = "male" if row["x_sex"] == "M" else "female"
        if row["x_birth"] is not None:
            out["birthDate"] = row["x_birth"]
        address: dict[str, Any] = {}
        lines = [v for v in (row["adresse1"], row["adresse2"]) if v is not None]
        if lines:
            address["line"] = lines
        if row["ville"] is not None:
            address["city"] = row["ville"]
        if row["cp"] is not None:
            address["postalCode"] = row["cp"]
        if address:
            address["use"] = "home"
            if row["pays"] is not None:
                address["country"] = "FRA"
            out["address"] = [address]
        doctor: dict[str, Any] = {}
        if row["rpps_mt"] is not None:
            doctor["identifier"] = {"system": RPPS_SYSTEM, "value": row["rpps_mt"]}
        if row["medecin"] is not None:
            doctor["display"] = row["medecin"]
        if doctor:
            out["generalPractitioner"] = [doctor]
        out["managingOrganization"] = {
            "identifier": {"system": FINESS_SYSTEM, "value": row["lab_finess"]},
            "display": row["lab_name"]}
        return out

    def _observations(self, pid: str, row: dict[str, Any]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        base = {"resourceType": "Observation", "status": "final",
                "subject": {"reference": f"Patient/{pid}"},
                "effectiveDateTime": row["x_when"]}
        for i in range(1, EXAMS + 1):
            code = row[f"exam{i}"]
            if code is None:
                continue
            quantity: dict[str, Any] = {"value": _number(row[f"res{i}"])}
            if row[f"unit{i}"] is not None:
                quantity["unit"] = row[f"unit{i}"]
            out.append({**base, "code": {"coding": [{
                "system": f"{LOCAL}/exam", "code": code, "display": row[f"label{i}"]}]},
                "valueQuantity": quantity,
                "referenceRange": [{"low": {"value": _number(row[f"low{i}"])},
                                    "high": {"value": _number(row[f"high{i}"])}}],
                "interpretation": [{"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                    "code": row[f"flag{i}"]}]}]})
        for key, code, label in BLOOD_RESULTS:
            if row[key] is None:
                continue
            system, loinc = _LOINC.get(key, (f"{LOCAL}/exam", code))
            out.append({**base, "code": {"coding": [{"system": system, "code": loinc,
                                                     "display": label}]},
                        "valueString": row[key]})
        for j, obs in enumerate(out):
            out[j] = {"resourceType": "Observation", "id": f"{pid.replace('pat', 'obs')}-{j + 1}",
                      **obs}
        if row["commentaire"] is not None and out:
            out[0]["note"] = [{"text": row["commentaire"]}]
        return out


def open_writer(path: Path, cfg: SynthConfig, headers: tuple[str, ...], *, layout: Any = None,
                labs: Any = None) -> FhirWriter:
    return FhirWriter(path, cfg, layout, labs)


__all__ = ["FIELDS", "FINESS_SYSTEM", "FORMATS", "INS_NIR", "NOTES", "RPPS_SYSTEM",
           "FhirWriter", "open_writer"]
