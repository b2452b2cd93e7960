"""Names, addresses, credentials and labelled fields in free text (detect.prose)."""

from __future__ import annotations

import pytest

from sentinelle.detect.text import TextDetector
from sentinelle.scanning.engine import ScanConfig, scan

DETECTOR = TextDetector(engine="re")


def found(text: str) -> list[tuple[str, str]]:
    return [(m.entity, text[m.start : m.end]) for m in DETECTOR.scan(text).matches]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Patient : BERTRAND VÉRONIQUE", [("PERSON_NAME", "BERTRAND VÉRONIQUE")]),
        ("Médecin traitant : Dr MOREAU Yvette (RPPS 10302088009)",
         [("PERSON_NAME", "Dr MOREAU Yvette"), ("RPPS", "10302088009")]),
        ("Prescripteur : GARCIA C.", [("PERSON_NAME", "GARCIA C.")]),
        ("Appel de LEROY au sujet du dossier", [("PERSON_NAME", "LEROY")]),
        ("Appel de KERBRAT Michel hier", [("PERSON_NAME", "KERBRAT Michel")]),
        ("Dossier 16042800286 : CHAUVIN (DDN 24-11-1935)",
         [("PERSON_NAME", "CHAUVIN"), ("DATE_OF_BIRTH", "24-11-1935")]),
        ("ROY ; 09/09/1977 ; rien", [("PERSON_NAME", "ROY"), ("DATE_OF_BIRTH", "09/09/1977")]),
        ("Adresse : 35 rue des Cerisiers", [("ADDRESS", "35 rue des Cerisiers")]),
        ("Commune : 56340 Carnac", [("POSTAL_CODE", "56340"), ("ADDRESS", "Carnac")]),
        ("Commune : 56250", [("POSTAL_CODE", "56250")]),
        ("x ; 53 BIS RUE DU CALVAIRE, 41300 SALBRIS",
         [("ADDRESS", "53 BIS RUE DU CALVAIRE"), ("POSTAL_CODE", "41300"), ("ADDRESS", "SALBRIS")]),
        ("x ; 15 chemin du 11 Novembre, 56000 Vannes ; y",
         [("ADDRESS", "15 chemin du 11 Novembre"), ("POSTAL_CODE", "56000"), ("ADDRESS", "Vannes")]),
        ("x ; 56600 Lanester ; y", [("POSTAL_CODE", "56600"), ("ADDRESS", "Lanester")]),
        ("Accès : identifiant jdupont - mot de passe Xy7kP2q",
         [("CREDENTIAL", "jdupont"), ("CREDENTIAL", "Xy7kP2q")]),
        # a password written as a date is a credential, not a birth date
        ("identifiant rouxf80 - mot de passe 21011935",
         [("CREDENTIAL", "rouxf80"), ("CREDENTIAL", "21011935")]),
        ("Groupe sanguin : O POS   Phénotype : CcDee   Kell : KEL:-1",
         [("BLOOD_GROUP", "Groupe sanguin : O POS"), ("BLOOD_GROUP", "CcDee"),
          ("BLOOD_GROUP", "KEL:-1")]),
    ],
)
def test_prose_table(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "identifiant national de santé du patient",  # a login word without a password
        "29-11-2019 07:45 INFO export Mega-Bus : lot 3 transmis au serveur",
        "INR (INR) : 1,3   [réf. 0,8 - 1,2] H",
        "Laboratoire Blois Gare - FINESS",
        "LA BAULE ET PORNIC",  # capitals without a first name
        "12 rue du Pont Neuf",  # no town after a comma or a postal code: one address line
    ],
)
def test_prose_negatives(text: str) -> None:
    kinds = [e for e, _ in found(text)]
    assert "CREDENTIAL" not in kinds and "PERSON_NAME" not in kinds
    assert kinds.count("ADDRESS") <= 1


def test_date_and_time_is_not_a_phone() -> None:
    assert found("05-01-2016 08:02 WARN automate") == []


def test_thirteen_digits_in_a_nir_field_starting_78_is_an_nnp() -> None:
    assert found("n° SS 8235102881422") == [("NNP", "8235102881422")]


@pytest.mark.parametrize("fmt", ["txt", "pdf"])
@pytest.mark.parametrize("seed", [7, 11])
def test_every_identifying_field_of_free_text_formats(export_factory, fmt: str, seed: int) -> None:
    """Generated reports and logs: every entity of the ground truth, exactly (bar HEALTH,
    which the truth counts per comment and the scanner per line, per category below)."""
    path, truth = export_factory(patients=400, seed=seed, format=fmt)
    report = scan([path], ScanConfig())
    (file,) = report.files
    got = {e: s.count for e, s in file.entities.items() if e != "HEALTH"}
    want = {e: v["count"] for e, v in truth["entities"].items() if e != "HEALTH" and v["count"]}
    assert got == want


@pytest.mark.parametrize(
    "fmt",
    ["csv", "tsv", "json", "ndjson", "fhir", "xlsx", "parquet", "sqlite", "sql", "hl7", "hprim",
     "hprim-net"],
)
def test_every_identifying_column_of_table_formats(export_factory, fmt: str) -> None:
    """Every format the generator writes, scanned: each entity's count equals the truth's
    (nested paths read by their last step, "EXAMEN4" an exam, "MT" the treating doctor,
    message formats' repeated doctors, address lines and blood typings)."""
    path, truth = export_factory(patients=400, seed=7, format=fmt)
    report = scan([path], ScanConfig())
    got: dict[str, int] = {}
    for file in report.files:
        for e, s in file.entities.items():
            got[e] = got.get(e, 0) + s.count
    got.pop("HEALTH", None)
    want = {e: v["count"] for e, v in truth["entities"].items() if e != "HEALTH" and v["count"]}
    assert got == want


def test_word_lists_are_not_names_or_addresses() -> None:
    """An inventory of supplies: lower-case words, 'lot' numbers (found by the watch
    benchmark as false alerts)."""
    import polars as pl

    from sentinelle.detect.columns import classify_table

    words = ["maintenance", "qualité", "papier", "enveloppes", "gants", "tubes", "étiquettes",
             "aiguilles", "compresses", "seringues", "cartouches", "classeurs"]
    kinds = ["stériles", "jetables", "standard", "recyclés", "couleur", "grand format"]
    supplies = [f"{w} {k}" for w in words for k in kinds]  # 72 distinct, letters only
    frame = pl.DataFrame({
        "a": [supplies[i % len(supplies)] for i in range(300)],
        "b": [f"Papier A4 80 g lot {i}" for i in range(300)],
    }).select(pl.all().cast(pl.String))
    plans = classify_table(frame, None)
    assert [p.entity for p in plans][0] is None
    assert plans[1].entity not in ("ADDRESS", "PERSON_NAME")
