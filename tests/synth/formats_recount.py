"""Independent recount of the message and text formats of the generator (FHIR, HL7 v2,
HPRIM Santé, HPRIM Net, PDF, text): each file is read back with a minimal parser of its
own (json, the ``hl7`` library, plain splitting, pypdf, regexes), never with the
generator's or the readers' code, and every value is checked with python-stdnum and
phonenumbers; ``Tally.check`` compares the result with the truth."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import hl7
from pypdf import PdfReader
from stdnum import luhn
from stdnum.fr import nir as stdnum_nir
from synth_recount import (
    EMAIL,
    HEALTH_PATTERNS,
    NNP,
    blood_canonical,
    fold,
    parse_phone,
    phones_in_text,
)

BLOOD_CODES = {"GSRH", "PHENO", "KELL", "882-1"}
INS_OID = "1.2.250.1.213.1.4.8"


class Tally:
    """Occurrences, distinct values and invalid counts per entity, plus health lines."""

    def __init__(self) -> None:
        self.count: Counter[str] = Counter()
        self.invalid: Counter[str] = Counter()
        self.values: dict[str, set[str]] = defaultdict(set)
        self.health: Counter[str] = Counter()
        self.records = 0

    def add(self, entity: str, value: str) -> None:
        assert value, entity
        self.count[entity] += 1
        self.values[entity].add(value)

    def nir(self, text: str) -> None:
        compact = re.sub(r"[\s.\-]", "", text).upper()
        if NNP.fullmatch(compact):
            self.add("NNP", compact)
        elif len(compact) == 15:
            if stdnum_nir.is_valid(compact):
                self.add("NIR", compact)
            else:
                self.invalid["NIR"] += 1
        else:
            raise AssertionError("NIR-shaped value of unexpected length")

    def phone(self, text: str) -> None:
        number = parse_phone(text)
        assert number, "phone number not valid for libphonenumber"
        self.add("PHONE", number)

    def email(self, text: str) -> None:
        assert EMAIL.fullmatch(text)
        self.add("EMAIL", text.lower())

    def dob(self, text: str, fmt: str) -> None:
        self.add("DATE_OF_BIRTH", datetime.strptime(text, fmt).date().isoformat())

    def rpps(self, text: str) -> None:
        assert len(text) == 11 and text.startswith("10") and luhn.is_valid(text)
        self.add("RPPS", text)

    def finess(self, text: str) -> None:
        assert len(text) == 9 and luhn.is_valid(text)
        self.add("FINESS", text)

    def blood(self, text: str) -> None:
        canon = blood_canonical(text)
        assert canon, "unknown blood group writing"
        self.add("BLOOD_GROUP", canon)

    def comment(self, text: str) -> None:
        self.add("HEALTH", text)
        for number in phones_in_text(text):
            self.add("PHONE", number)
        folded = fold(text)
        for category, pattern in HEALTH_PATTERNS.items():
            if pattern.search(folded):
                self.health[category] += 1

    def check(self, truth: dict[str, Any]) -> None:
        got = {e: {"count": self.count[e], "distinct": len(self.values[e]),
                   "invalid": self.invalid[e]} for e in set(self.count) | set(self.invalid)}
        zero = {"count": 0, "distinct": 0, "invalid": 0}
        for entity, want in truth["entities"].items():
            assert got.get(entity, zero) == want, entity
        assert set(got) <= set(truth["entities"])
        assert dict(self.health) == {k: v for k, v in truth["health"].items() if v}
        assert self.records == truth["records"]
        declared = {f["entity"] for f in truth["fields"] if f["entity"]}
        assert declared == set(truth["entities"])


# -- HL7 v2 -------------------------------------------------------------------------------

def _field(segment: Any, i: int) -> str:
    return str(segment[i]) if i < len(segment) else ""


def _xcn(t: Tally, message: Any, value: str) -> None:
    if not value:
        return
    c = [message.unescape(x) for x in value.split("^")] + [""] * 13
    if c[0]:
        assert c[8].startswith("ASIP-SANTE-PS&1.2.250.1.71.4.2.1&") and c[12] == "RPPS"
        t.rpps(c[0])
    if c[1]:
        t.add("PERSON_NAME", f"{c[1]} {c[2]}")


def recount_hl7(path: Path, truth: dict[str, Any]) -> Tally:
    raw = path.read_bytes().decode(truth["encoding"])
    if truth["config"]["hl7_mllp"]:
        messages = re.findall(r"\x0b(.*?)\r\x1c\r", raw, re.DOTALL)
        assert sum(len(m) + 4 for m in messages) == len(raw)
    else:
        assert raw.endswith("\r\n")
        messages = raw[:-2].split("\r\n")
    t = Tally()
    for text in messages:
        m = hl7.parse(text)
        t.records += 1
        kind = str(m.segment("MSH")[9])
        assert kind in ("ORU^R01^ORU_R01", "ADT^A04^ADT_A01")
        pid = m.segment("PID")
        for rep in _field(pid, 3).split("~"):
            c = rep.split("^")
            if c[4] == "INS":
                assert c[3].split("&")[1] == INS_OID and stdnum_nir.is_valid(c[0])
                t.nir(c[0])
            elif c[4] == "SS":
                assert not stdnum_nir.is_valid(c[0])
                t.nir(c[0])
            else:
                assert c[4] == "PI"
        for rep in _field(pid, 5).split("~"):
            c = [m.unescape(x) for x in rep.split("^")]
            if c[6] == "D":
                t.add("PERSON_NAME", c[0])
                if c[1]:
                    t.add("PERSON_NAME", c[1])
            else:
                assert c[6] == "L"
                t.add("PERSON_NAME", c[0])
        if _field(pid, 7):
            t.dob(_field(pid, 7), "%Y%m%d")
        for rep in filter(None, _field(pid, 11).split("~")):
            c = [m.unescape(x) for x in rep.split("^")]
            if c[6] == "H":
                for part in c[:3]:
                    if part:
                        t.add("ADDRESS", part)
                if c[4]:
                    t.add("POSTAL_CODE", c[4])
            else:  # the birth place: its INSEE code counts as an ADDRESS (truth notes)
                assert c[6] == "BDL" and re.fullmatch(r"\d[\dAB]\d{3}", c[8])
                assert c[5] == ("" if c[8].startswith("99") else "FRA") and not any(c[:5])
                t.add("ADDRESS", c[8])
        for rep in filter(None, _field(pid, 13).split("~")):
            c = [m.unescape(x) for x in rep.split("^")]
            if c[2] == "Internet":
                t.email(c[3])
            else:
                t.phone(c[0])
        for seg in m:
            name = str(seg[0])
            if name == "ROL":
                _xcn(t, m, _field(seg, 4))
            elif name == "OBR":
                _xcn(t, m, _field(seg, 16))
            elif name == "OBX" and str(seg[3]).split("^")[0] in BLOOD_CODES:
                t.blood(m.unescape(_field(seg, 5)))
            elif name == "NTE":
                t.comment(m.unescape(_field(seg, 3)))
    return t


# -- HPRIM Santé --------------------------------------------------------------------------

_HPRIM_ESCAPES = {"F": "|", "S": "~", "R": "^", "E": "\\", "T": "&"}


def _hprim(value: str) -> str:
    return re.sub(r"\\([FSRET])\\", lambda e: _HPRIM_ESCAPES[e.group(1)], value)


def _hprim_doctor(t: Tally, value: str) -> None:
    if not value:
        return
    code, family, given = ([_hprim(x) for x in value.split("~")] + ["", "", ""])[:3]
    if code:
        t.rpps(code)
    if family:
        t.add("PERSON_NAME", f"{family} {given}")


def recount_hprim(path: Path, truth: dict[str, Any]) -> Tally:
    eol = "\r\n" if truth["config"]["crlf"] else "\n"
    text = path.read_bytes().decode(truth["encoding"])
    assert text.endswith(eol)
    records: list[str] = []
    for line in text[:-len(eol)].split(eol):
        assert len(line) <= 220
        if line.startswith("A|"):
            records[-1] += line[2:]
        else:
            records.append(line)
    assert records[0].startswith("H|~^\\&|") and records[-1].startswith("L|")
    t = Tally()
    for record in records:
        f = [""] + record.split("|")  # f[i] = field i, f[1] = record type
        kind = f[1]
        if kind == "P":
            t.records += 1
            if f[5]:
                t.nir(f[5])
            for part in f[6].split("~")[:2]:
                if part:
                    t.add("PERSON_NAME", _hprim(part))
            if f[7]:
                t.add("PERSON_NAME", _hprim(f[7]))
            if f[8]:
                t.dob(f[8], "%Y%m%d")
            if f[11]:
                address = [_hprim(x) for x in f[11].split("~")]
                for part in address[:3]:
                    if part:
                        t.add("ADDRESS", part)
                if address[4]:
                    t.add("POSTAL_CODE", address[4])
            for number in filter(None, f[13].split("^")):
                t.phone(_hprim(number))
            _hprim_doctor(t, f[14])
        elif kind == "OBR":
            _hprim_doctor(t, f[17] if len(f) > 17 else "")
        elif kind == "OBX" and f[4].split("~")[0] in BLOOD_CODES:
            t.blood(_hprim(f[6]))
        elif kind == "C" and f[2] == "1":
            t.comment(_hprim(f[4]))
    return t


# -- HPRIM Net -------------------------------------------------------------------------------

def recount_hprim_net(path: Path, truth: dict[str, Any]) -> Tally:
    eol = "\r\n" if truth["config"]["crlf"] else "\n"
    lines = path.read_bytes().decode(truth["encoding"]).split(eol)
    assert lines[-2:] == ["****FINFICHIER****", ""]
    t = Tally()
    i = 0
    while lines[i] != "****FINFICHIER****":
        head = lines[i:i + 12]
        i += 12
        t.records += 1
        for value in (head[1], head[2]):
            if value:
                t.add("PERSON_NAME", value)
        for value in (head[3], head[4]):
            if value:
                t.add("ADDRESS", value)
        m = re.fullmatch(r"(\d{5})? ?(.*)", head[5])
        assert m
        if m.group(1):
            t.add("POSTAL_CODE", m.group(1))
        if m.group(2):
            t.add("ADDRESS", m.group(2))
        if head[6]:
            t.dob(head[6], "%d/%m/%Y")
        if head[7]:
            assert re.fullmatch(r"\d{13}|[\dAB]{13} \d{2}", head[7])
            t.nir(head[7])
        if head[10]:
            t.rpps(head[10])
        while lines[i] != "****FIN****":
            line = lines[i]
            if line.startswith("Prescripteur : "):
                t.add("PERSON_NAME", line[len("Prescripteur : "):])
            elif line.startswith("Commentaire : "):
                t.comment(line[len("Commentaire : "):])
            elif line.startswith("RES|"):
                f = line.split("|")
                assert len(f) == 10
                if f[2] in BLOOD_CODES:
                    t.blood(f[4])
            i += 1
        i += 1
    return t


# -- FHIR -------------------------------------------------------------------------------------

def flatten(node: Any, path: str = "", out: list[tuple[str, Any]] | None = None
            ) -> list[tuple[str, Any]]:
    """(path, scalar) pairs: keys joined with '.', list indexes dropped."""
    out = [] if out is None else out
    if isinstance(node, dict):
        for key, value in node.items():
            flatten(value, f"{path}.{key}" if path else key, out)
    elif isinstance(node, list):
        for value in node:
            flatten(value, path, out)
    else:
        out.append((path, node))
    return out


def recount_fhir(path: Path, truth: dict[str, Any]) -> Tally:
    bundle = json.loads(path.read_text("utf-8"))
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    t = Tally()
    paths: set[str] = set()
    for entry in bundle["entry"]:
        res = entry["resource"]
        kind = res["resourceType"]
        flat = flatten(res)
        assert all(v is not None for _, v in flat)  # FHIR has no JSON null
        paths.update(f"{kind} {p}" for p, _ in flat)
        if kind == "Patient":
            t.records += 1
            for ident in res["identifier"]:
                if ident["system"] == f"urn:oid:{INS_OID}":
                    t.nir(ident["value"])
                elif ident.get("type", {}).get("text") == "NNP":
                    assert NNP.fullmatch(ident["value"])
                    t.nir(ident["value"])
            for name in res["name"]:
                t.add("PERSON_NAME", name["family"])
                for given in name.get("given", []):
                    t.add("PERSON_NAME", given)
            if "birthDate" in res:
                t.dob(res["birthDate"], "%Y-%m-%d")
            for tel in res.get("telecom", []):
                if tel["system"] == "phone":
                    t.phone(tel["value"])
                else:
                    t.email(tel["value"])
            for address in res.get("address", []):
                for part in [*address.get("line", []), address.get("city")]:
                    if part:
                        t.add("ADDRESS", part)
                if "postalCode" in address:
                    t.add("POSTAL_CODE", address["postalCode"])
            for doctor in res.get("generalPractitioner", []):
                if "identifier" in doctor:
                    assert doctor["identifier"]["system"] == "urn:oid:1.2.250.1.71.4.2.1"
                    t.rpps(doctor["identifier"]["value"])
                if "display" in doctor:
                    t.add("PERSON_NAME", doctor["display"])
            t.finess(res["managingOrganization"]["identifier"]["value"])
        else:
            assert kind == "Observation"
            if "valueString" in res:
                assert res["code"]["coding"][0]["code"] in BLOOD_CODES
                t.blood(res["valueString"])
            for note in res.get("note", []):
                t.comment(note["text"])
    for f in truth["fields"]:  # every declared path is one the flattening produces
        plain = re.sub(r"^(\w+) (?:INS-NIR |phone |email )?", r"\1 ", f["field"])
        assert plain.split("#")[0] in paths, f["field"]
    return t


# -- PDF --------------------------------------------------------------------------------------

_DOCTOR = re.compile(r"(?:Médecin traitant|Prescripteur) : (.*?) ?(?:\(RPPS (\d+)\))?")


def recount_pdf(path: Path, truth: dict[str, Any]) -> Tally:
    reader = PdfReader(path)
    assert reader.metadata.creation_date.year == int(truth["config"]["date_end"][:4])
    t = Tally()
    fmt = truth["date_format"]
    for page in reader.pages:
        for line in page.extract_text().split("\n"):
            label, _, value = line.partition(" : ")
            if " - FINESS " in line:
                t.records += 1
                t.finess(line.rsplit(" ", 1)[1])
            elif label in ("Patient", "Nom de naissance"):
                t.add("PERSON_NAME", value)
            elif line.startswith(("Né(e) le : ", "Sexe : ")):
                for part in line.split("   "):
                    if part.startswith("Né(e) le : "):
                        t.dob(part[len("Né(e) le : "):], fmt)
            elif label == "N° SS":
                t.nir(value)
            elif label in ("Adresse", "Complément"):
                t.add("ADDRESS", value)
            elif label == "Commune":
                m = re.fullmatch(r"(\d{5})? ?(.*)", value)
                assert m
                if m.group(1):
                    t.add("POSTAL_CODE", m.group(1))
                if m.group(2):
                    t.add("ADDRESS", m.group(2))
            elif line.startswith(("Tél. : ", "Portable : ")):
                for part in line.split("   "):
                    t.phone(part.partition(" : ")[2])
            elif label == "E-mail":
                t.email(value)
            elif label in ("Médecin traitant", "Prescripteur"):
                m = _DOCTOR.fullmatch(line)
                assert m
                if m.group(1):
                    t.add("PERSON_NAME", m.group(1))
                if m.group(2):
                    t.rpps(m.group(2))
            elif line.startswith(("Groupe sanguin : ", "Phénotype : ", "Kell : ")):
                for part in line.split("   "):
                    t.blood(part.partition(" : ")[2])
            elif label == "Commentaire":
                t.comment(value)
            elif line.startswith("Accès résultats en ligne : identifiant "):
                m = re.fullmatch(r".* identifiant (\S+) - mot de passe (\S+)", line)
                assert m
                t.add("CREDENTIAL", m.group(1))
                t.add("CREDENTIAL", m.group(2))
    return t


# -- text -------------------------------------------------------------------------------------

_MARK = r"(?:commentaire|remarque|note|obs\.) : (.*)"
_NIR = r"(\d[\d .AB]{11,20}\d)"
_TXT = [
    re.compile(rf"\S+(?: \d\d:\d\d)? - Patient (.+?)(?:, né\(e\) le (\S+))?(?:, n° SS {_NIR})?"
               rf"(?:, tél (.+?))?(?:, {_MARK})?"),
    re.compile(rf"Dossier \d+ : (.+?)(?: \(DDN (\S+)\))?(?: - NIR {_NIR})?(?: - {_MARK})?"),
    re.compile(rf"Appel de (.+?)(?: au (.+?))? au sujet du dossier \d+(?:, {_MARK})?"),
    re.compile(rf"\[L\d+\] \S+ (.+?)(?: n° SS {_NIR})?(?: tél (.+?))?(?: - {_MARK})?"),
]
_NEUTRAL = re.compile(r"(?:\S+ \d\d:\d\d (?:INFO|WARN) .*|Réunion qualité.*|Penser à .*|"
                      r"Coursier passé.*|Imprimante du secrétariat.*)")


def _name_key(name: str) -> str:
    return " ".join(sorted(name.split()))


def recount_text(path: Path, truth: dict[str, Any]) -> Tally:
    eol = "\r\n" if truth["config"]["crlf"] else "\n"
    text = path.read_bytes().decode(truth["encoding"])
    fmt = truth["date_format"]
    t = Tally()
    for line in text[:-len(eol)].split(eol):
        if _NEUTRAL.fullmatch(line):
            assert not re.search(r"\d{5}", line)
            continue
        t.records += 1
        if " ; " in line and not line.startswith(("Dossier", "Appel", "[")) and \
                " - Patient " not in line:
            parts = line.split(" ; ")
            t.add("PERSON_NAME", _name_key(parts[0]))
            for part in parts[1:]:
                m = re.fullmatch(_MARK, part)
                if m:
                    t.comment(m.group(1))
                elif part.startswith("sécu "):
                    t.nir(part[5:])
                elif re.fullmatch(r"[\d./-]{8,10}", part):
                    t.dob(part, fmt)
                else:
                    address, _, place = part.rpartition(", ")
                    if address:
                        t.add("ADDRESS", address)
                    m = re.fullmatch(r"(\d{5})? ?(.*)", place)
                    assert m
                    if m.group(1):
                        t.add("POSTAL_CODE", m.group(1))
                    if m.group(2):
                        t.add("ADDRESS", m.group(2))
            continue
        for k, pattern in enumerate(_TXT):
            m = pattern.fullmatch(line)
            if m:
                break
        else:  # the ';' phrasing with nothing but the name
            assert re.fullmatch(r"[^\d;:,]+", line), "line in no known phrasing"
            t.add("PERSON_NAME", _name_key(line))
            continue
        groups = m.groups()
        t.add("PERSON_NAME", _name_key(groups[0]))
        if k == 0:
            dob, nir, phone, comment = groups[1:]
        elif k == 1:
            (dob, nir, comment), phone = groups[1:], None
        elif k == 2:
            (phone, comment), dob, nir = groups[1:], None, None
        else:
            (nir, phone, comment), dob = groups[1:], None
        if dob:
            t.dob(dob, fmt)
        if nir:
            t.nir(nir)
        if phone:
            t.phone(phone)
        if comment:
            t.comment(comment)
    return t


RECOUNT = {"hl7": recount_hl7, "hprim": recount_hprim, "hprim-net": recount_hprim_net,
           "fhir": recount_fhir, "pdf": recount_pdf, "txt": recount_text}
