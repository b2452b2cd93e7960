"""Independent recount of a generated export: read the bytes back and count with
python-stdnum, phonenumbers and plain regexes, never with the generator's own code."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import phonenumbers
from stdnum import luhn
from stdnum.fr import nir as stdnum_nir

NNP = re.compile(r"[78][12]\d{11}")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}")
OVERSEAS_REGIONS = ("RE", "GP", "MQ", "GF", "YT")
HEALTH_PATTERNS: dict[str, re.Pattern[str]] = {
    "HIV": re.compile(r"vih|hiv"),
    "PREGNANCY": re.compile(r"enceinte|grossesse|ddr le|\d+ sa\b|gestationnel"),
    "DEAFNESS": re.compile(r"sourd|malentendant|surdite|\blsf\b"),
    "HEPATITIS": re.compile(r"hepatite|ag hbs|\bvhc\b"),
    "CANCER": re.compile(r"chimio|cancer|oncolog|neo prostate|leucemie|lymphome|radiotherapie|"
                         r"tumeur"),
    "DIABETES": re.compile(r"diabet|\bdt1\b"),
    "MENTAL_HEALTH": re.compile(r"psychiatr|depress|bipolaire|schizophren|anorexie|lithium"),
    "TREATMENT": re.compile(r"\bsous |traitement |chimio j|radiotherapie"),
    "OTHER_HEALTH": re.compile(r"allergi|insuffisance|epilepsie|asthme|hypertension|greffe|"
                               r"dialyse|drepanocytose|crohn|hemophile|toxoplasm"),
}


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def read_export(path: Path, truth: dict[str, Any]) -> tuple[list[str] | None, list[list[str]]]:
    text = path.read_bytes().decode(truth["encoding"])  # strict: fails on a wrong encoding
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=truth["delimiter"]))
    if truth["header"]:
        return rows[0], rows[1:]
    return None, rows


def parse_phone(text: str) -> str | None:
    """E.164 of a valid number, trying the overseas regions when FR fails."""
    for region in ("FR", *OVERSEAS_REGIONS):
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def phones_in_text(text: str) -> list[str]:
    return [
        phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
        for m in phonenumbers.PhoneNumberMatcher(text, "FR")
    ]


def _rh_parts(present: dict[str, bool]) -> str:
    c = "C" * present["C"] + "c" * present["c"]
    c = c if len(c) == 2 else c * 2
    e = "E" * present["E"] + "e" * present["e"]
    e = e if len(e) == 2 else e * 2
    return f"{c}{'D' if present['D'] else 'd'}{e}"


def blood_canonical(text: str) -> str | None:
    """Independent parser of the written blood group / phenotype / Kell forms."""
    t = text.strip()
    m = re.fullmatch(r"(AB|A|B|O|0)\s*(\+|-|POS|NEG|Rh\+|Rh-|positif|négatif|RH:1|RH:-1)", t)
    if m:
        abo = "O" if m.group(1) == "0" else m.group(1)
        sign = "+" if m.group(2) in ("+", "POS", "Rh+", "positif", "RH:1") else "-"
        return abo + sign
    if re.fullmatch(r"(CC|Cc|cc)[Dd](EE|Ee|ee)", t):
        return t
    m = re.fullmatch(r"RH:(-?1),(-?2),(-?3),(-?4),(-?5)", t)
    if m:
        names = ("D", "C", "E", "c", "e")
        return _rh_parts({a: not g.startswith("-") for a, g in zip(names, m.groups(), strict=True)})
    m = re.fullmatch(r"D([+-]) C([+-]) E([+-]) c([+-]) e([+-])", t)
    if m:
        return _rh_parts({a: g == "+" for a, g in zip("DCEce", m.groups(), strict=True)})
    kell = {"K-": "K-", "K+": "K+", "KEL:-1": "K-", "KEL:1": "K+", "KEL1-": "K-", "KEL1+": "K+",
            "Kell négatif": "K-", "Kell positif": "K+"}
    return kell.get(t)


def recount(path: Path, truth: dict[str, Any]) -> dict[str, Any]:
    """Entities, health, records, per-lab records and date range, counted from the file."""
    header, rows = read_export(path, truth)
    columns = truth["columns"]
    width = len(columns)
    assert all(len(r) == width for r in rows), "ragged rows"
    if header is not None:
        assert header == [c["name"] for c in columns]
    by_key = {c["key"]: c["index"] for c in columns}
    by_entity: dict[str, list[int]] = {}
    for c in columns:
        if c["entity"]:
            by_entity.setdefault(c["entity"], []).append(c["index"])

    counts: dict[str, Counter[str]] = {}
    distinct: dict[str, set[str]] = {}

    def seen(entity: str, value: str | None, kind: str = "count") -> None:
        counts.setdefault(entity, Counter())[kind] += 1
        if kind == "count" and value is not None:
            distinct.setdefault(entity, set()).add(value)

    health = Counter[str]()
    date_fmt = truth["date_format"]
    for row in rows:
        for entity, idxs in by_entity.items():
            for i in idxs:
                cell = row[i]
                if not cell:
                    continue
                _count_cell(entity, cell, row, i, by_key, date_fmt, seen)
        comment = row[by_entity["HEALTH"][0]]
        if comment:
            for number in phones_in_text(comment):
                seen("PHONE", number)
            folded = fold(comment)
            for cat, pattern in HEALTH_PATTERNS.items():
                if pattern.search(folded):
                    health[cat] += 1
    entities = {
        e: {"count": c["count"], "distinct": len(distinct.get(e, ())), "invalid": c["invalid"]}
        for e, c in counts.items()
    }
    labs = Counter(row[by_key["lab_code"]] for row in rows)
    days = [datetime.strptime(row[by_key["date_prel"]], date_fmt).date() for row in rows]
    return {
        "records": len(rows),
        "entities": entities,
        "health": dict(health),
        "by_lab_records": dict(labs),
        "date_range": [min(days).isoformat(), max(days).isoformat()],
    }


def _count_cell(entity: str, cell: str, row: list[str], i: int, by_key: dict[str, int],
                date_fmt: str, seen: Any) -> None:
    if entity == "NIR":
        compact = re.sub(r"[\s.\-]", "", cell).upper()
        if NNP.fullmatch(compact):
            seen("NNP", compact)
        elif len(compact) == 15:
            if stdnum_nir.is_valid(compact):
                seen("NIR", compact)
            else:
                seen("NIR", None, "invalid")
        else:
            raise AssertionError("NIR cell of unexpected shape")
    elif entity == "NIR_NO_KEY":
        body = re.sub(r"[\s.\-]", "", cell).upper()
        key = row[by_key["cle"]]
        if not key and NNP.fullmatch(body):
            seen("NNP", body)
        elif len(body) == 13 and re.fullmatch(r"\d\d", key):
            if stdnum_nir.is_valid(body + key):
                seen("NIR_NO_KEY", body)
            else:
                seen("NIR_NO_KEY", None, "invalid")
        else:
            raise AssertionError("NSS cell of unexpected shape")
    elif entity == "PHONE":
        e164 = parse_phone(cell)
        seen("PHONE", e164, "count" if e164 else "invalid")
    elif entity == "EMAIL":
        assert EMAIL.fullmatch(cell), "malformed e-mail"
        seen("EMAIL", cell.lower())
    elif entity == "DATE_OF_BIRTH":
        seen(entity, datetime.strptime(cell, date_fmt).date().isoformat())
    elif entity == "POSTAL_CODE":
        assert re.fullmatch(r"\d{5}", cell)
        seen(entity, cell)
    elif entity == "FINESS":
        ok = len(cell) == 9 and luhn.is_valid(cell)
        seen(entity, cell, "count" if ok else "invalid")
    elif entity == "RPPS":
        ok = len(cell) == 11 and cell.startswith("10") and luhn.is_valid(cell)
        seen(entity, cell, "count" if ok else "invalid")
    elif entity == "BLOOD_GROUP":
        canon = blood_canonical(cell)
        seen(entity, canon, "count" if canon else "invalid")
    else:  # PERSON_NAME, ADDRESS, CREDENTIAL, HEALTH: non-empty cells
        seen(entity, cell)
