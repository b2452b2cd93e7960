"""No raw NIR, phone, e-mail or patient name in anything assess or notify writes for sharing:
assessment.json, report.html, art33.md, art33.pdf and every letter PDF (letters are
addressed "Madame, Monsieur"; names and addresses go to the mailing list only)."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from sentinelle.assess import assess
from sentinelle.assess.outputs import write_outputs
from sentinelle.notify import notify
from sentinelle.readers import read_source
from sentinelle.readers.base import Source, Table
from sentinelle.synth import SynthConfig, generate

PATIENTS = 250
_RUN = re.compile(r"\d(?:[\d .\-\u00a0\u202f]*\d)?")


def _fold(text: str) -> str:
    bare = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in bare if not unicodedata.combining(ch))
    return re.sub(r"[^A-Z0-9@.]+", " ", bare.upper())


def _pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture(scope="module")
def leak(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("privacy")
    export, registry = base / "export.csv", base / "registry.csv"
    generate(SynthConfig(patients=PATIENTS, labs=3, seed=41), export,
             truth_path=base / "truth.json", registry_path=registry)
    truth = json.loads((base / "truth.json").read_text())
    entity = {c["index"]: c["entity"] for c in truth["columns"]}
    numbers: set[str] = set()
    emails: set[str] = set()
    names: set[str] = set()
    for table in read_source(Source.from_path(export)):
        assert isinstance(table, Table)
        header = table.header or []
        for i, kind in entity.items():
            values = [v.strip() for v in table.frame.to_series(i).drop_nulls().to_list()]
            if kind in ("NIR", "NIR_NO_KEY", "PHONE"):
                numbers.update(re.sub(r"\D", "", v) for v in values)
            elif kind == "EMAIL":
                emails.update(v.lower() for v in values)
            elif kind == "PERSON_NAME" and "PRENOM" not in header[i].upper():
                names.update(v for v in values if len(v) >= 4)
    with registry.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            numbers.update(re.sub(r"\D", "", row[k]) for k in ("nir", "telephone") if row[k])
            if row["email"]:
                emails.add(row["email"].lower())
            names.update(n for n in (row["nom"], row["nom_naissance"]) if len(n) >= 4)
    numbers = {n for n in numbers if len(n) >= 9}
    # establishment names are public and may be written out; their words are not leaks
    lab_words = set(_fold(" ".join(lab["name"] for lab in truth["by_lab"].values())).split())
    names = {n for n in names if set(_fold(n).split()) - lab_words}
    assert len(numbers) > 500 and len(emails) > 50 and len(names) > 150
    out = base / "out"
    write_outputs(assess([export]), out)
    result = notify([export], registry, base / "letters-out")
    assert result.matched == truth["persons"]
    texts = {name: (out / name).read_text(encoding="utf-8")
             for name in ("assessment.json", "report.html", "art33.md")}
    texts["art33.pdf"] = _pdf_text(out / "art33.pdf")
    for letter in result.letters:
        texts[f"letters/{letter.name}"] = _pdf_text(letter)
    return {"numbers": numbers, "emails": emails, "names": names, "texts": texts}


def _found(text: str, leak: dict) -> list[str]:
    """Which kinds of raw value appear in ``text``."""
    kinds = []
    runs = {re.sub(r"\D", "", m) for m in _RUN.findall(text)}
    runs = {r for r in runs if len(r) >= 9}
    for number in leak["numbers"]:
        # NIR (15 digits, or the 13-digit body) and phones (national or +33 form)
        probes = {number, number[:13]} if len(number) == 15 else {number, number[-9:]}
        if any(p in r for p in probes for r in runs):
            kinds.append("number")
            break
    lowered = text.lower()
    if any(email in lowered for email in leak["emails"]):
        kinds.append("email")
    folded = _fold(text)
    words = set(folded.split())
    padded = f" {' '.join(folded.split())} "
    for person in leak["names"]:
        key = " ".join(_fold(person).split())
        if (key in words) if " " not in key else (f" {key} " in padded):
            kinds.append("name")
            break
    return kinds


def test_outputs_were_written(leak) -> None:
    texts = leak["texts"]
    assert len([k for k in texts if k.startswith("letters/")]) == PATIENTS
    assert all(len(t) > 500 for t in texts.values())


def test_the_check_catches_a_planted_value(leak) -> None:
    nir = min(n for n in leak["numbers"] if len(n) == 15)
    spaced = f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"
    name = min(leak["names"])
    # an address whose local part does not also spell a patient's surname ("martin_l@...")
    surnames = {" ".join(_fold(n).split()) for n in leak["names"]}
    email = min(e for e in leak["emails"] if not set(_fold(e).split()) & surnames)
    clean = leak["texts"]["art33.md"]
    assert _found(clean, leak) == []
    assert _found(clean + f" NIR {spaced}.", leak) == ["number"]
    assert _found(clean + f"<td>{name.title()}</td>", leak) == ["name"]
    assert _found(clean + f" ({email.upper()})", leak) == ["email"]


def test_no_raw_nir_phone_email_or_name(leak) -> None:
    for name, text in leak["texts"].items():
        assert _found(text, leak) == [], name
