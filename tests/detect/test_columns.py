"""Column classification on small hand-made tables (header words x value votes)."""

from __future__ import annotations

import polars as pl
import pytest

from sentinelle.detect.columns import classify_table
from sentinelle.identifiers import nir

BODIES = ["1850375100023", "2690549588157", "2951099126111", "1780599330108", "2550814168025",
          "1630275114025", "2710169123456", "1920733555123"]
NIRS = [b + nir.calc_key(b) for b in BODIES]
N = 200


def _col(values: list[str]) -> list[str]:
    return [values[i % len(values)] for i in range(N)]


def _frame(columns: dict[str, list[str]]) -> pl.DataFrame:
    return pl.DataFrame({k: _col(v) for k, v in columns.items()})


PHONES = ["06 12 34 56 78", "0712345679", "+33 6 98 76 54 32", "01.45.67.89.10", "02-99-12-34-56"]
EMAILS = ["marie.dupont@example.fr", "jp.martin@exemple.com", "x.y@laposte.net"]
DATES = ["12/03/1954", "01/01/1987", "30/11/1969", "15/07/2001", "02/02/1938", "28/09/1975"]
RECENT = ["12/03/2019", "01/01/2018", "30/11/2017", "15/07/2016", "02/02/2020", "28/09/2015"]
FIRST = ["Jean", "Marie", "Nathalie", "Pierre", "Isabelle", "Sylvie", "Philippe", "Michel",
         "Catherine", "Alain", "Christine", "Éric", "Hélène", "Françoise", "Luc", "Anne"]
CITIES_CP = ["35000", "35400", "22000", "56100", "45000", "41000", "27000", "35700"]
GROUPS = ["A+", "O-", "B Rh+", "AB positif", "0 RH:-1", "A RH1"]
NOTES = ["patiente enceinte de 12 SA, contrôle", "sérologie VIH négative le 12/03",
         "prélèvement difficile, patient vu ce jour", "diabète de type 2 sous insuline",
         "rappeler le médecin traitant demain matin", "patient malentendant, prévenir par SMS"]


@pytest.mark.parametrize(
    ("header", "values", "entity"),
    [
        ("N° Sécu", NIRS, "NIR"),
        ("NSS", NIRS, "NIR"),
        ("code", NIRS, "NIR"),  # values beat a neutral header
        ("PORTABLE", PHONES, "PHONE"),
        ("Courriel", EMAILS, "EMAIL"),
        ("DDN", DATES, "DATE_OF_BIRTH"),
        ("Date prélèvement", RECENT, None),
        ("Prénom", FIRST, "PERSON_NAME"),
        ("CP", CITIES_CP, "POSTAL_CODE"),
        ("GS", GROUPS, "BLOOD_GROUP"),
        ("MDP", ["x7Gh2kLp", "Q9wertyU", "aZ3bn8Pq"], "CREDENTIAL"),
        ("COMMENTAIRE", NOTES, "FREE_TEXT"),
        ("Quantité", ["1", "2", "3", "12"], None),
    ],
)
def test_with_header(header: str, values: list[str], entity: str | None) -> None:
    plan = classify_table(_frame({header: values}), [header])[0]
    assert plan.entity == entity, plan.reasons


@pytest.mark.parametrize(
    ("values", "entity"),
    [
        (NIRS, "NIR"),
        ([nir.format(n) for n in NIRS], "NIR"),
        (PHONES, "PHONE"),
        (EMAILS, "EMAIL"),
        (DATES, "DATE_OF_BIRTH"),
        (RECENT, None),
        (GROUPS, "BLOOD_GROUP"),
        ([f"{note} (dossier {i})" for i, note in enumerate(NOTES * 8)], "FREE_TEXT"),
        (["Dr MARTIN", "Dr BERNARD", "IDE DURAND", "Dr PETIT"], "PERSON_NAME"),
        (["12 rue de la Paix", "3 avenue Foch", "7 bis allée des Chênes", "1 place du Marché"], "ADDRESS"),
        (["1", "2", "3", "12"], None),
        (["M", "F"], None),
    ],
)
def test_headerless(values: list[str], entity: str | None) -> None:
    plan = classify_table(_frame({"column_1": values}), None)[0]
    assert plan.entity == entity, plan.reasons


def test_split_nir_pairs_body_and_key() -> None:
    frame = _frame({"NSS": BODIES, "CLE": [n[13:] for n in NIRS], "RANG": ["1", "2"]})
    plans = classify_table(frame, ["NSS", "CLE", "RANG"])
    assert plans[0].entity == "NIR_NO_KEY"
    assert plans[0].key_index == 1
    assert plans[1].entity == "NIR_KEY"
    assert plans[2].entity is None


def test_split_nir_headerless_pairs_the_neighbour_key() -> None:
    frame = _frame({"a": BODIES, "b": [n[13:] for n in NIRS]})
    plans = classify_table(frame, None)
    assert plans[0].entity == "NIR_NO_KEY"
    assert plans[0].key_index == 1


def test_a_header_claim_that_values_contradict_is_dropped() -> None:
    plan = classify_table(_frame({"NIR": ["abc", "def", "ghi"]}), ["NIR"])[0]
    assert plan.entity != "NIR"


def test_empty_column() -> None:
    frame = pl.DataFrame({"x": [None] * 10, "y": [""] * 10}, schema={"x": pl.String, "y": pl.String})
    plans = classify_table(frame, ["NIR", "DDN"])
    assert [p.entity for p in plans] == [None, None]
