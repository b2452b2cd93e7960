"""``sentinelle notify`` on a generated registry: one letter per exported patient, none for
the others, ambiguous matches listed for review, mailing list from the registry only."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from sentinelle.cli import app
from sentinelle.errors import InputError, OutputError
from sentinelle.notify import LetterInfo, NotifyResult, notify


@pytest.fixture(scope="module")
def notified(notify_case, tmp_path_factory) -> tuple[NotifyResult, Path]:
    out = tmp_path_factory.mktemp("notify-out")
    info = LetterInfo(controller="Laboratoire Test", contact="accueil du laboratoire")
    return notify([notify_case.export, notify_case.dump2], notify_case.registry, out,
                  info=info), out


def _csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def _letter_ids(out: Path) -> set[str]:
    return {p.stem for p in (out / "letters").glob("*.pdf")}


def test_every_dumped_registry_patient_gets_exactly_one_letter(notify_case, notified) -> None:
    result, out = notified
    letters = _letter_ids(out)
    expected = notify_case.in_dump - notify_case.ambiguous
    assert letters == expected
    assert len(list((out / "letters").iterdir())) == len(letters)  # one file per id
    assert result.matched == len(letters) == len(result.letters)


def test_no_letter_for_registry_patients_absent_from_the_dump(notify_case, notified) -> None:
    _, out = notified
    absent = {r["registry_id"] for r in notify_case.rows} - notify_case.in_dump
    assert absent  # the generated registry holds persons who are not in the export
    assert not (_letter_ids(out) & absent)


def test_ambiguous_matches_are_listed_for_review(notify_case, notified) -> None:
    result, out = notified
    review = _csv(out / "review.csv")
    assert {r["registry_id"] for r in review} == notify_case.ambiguous
    assert result.ambiguous == len(notify_case.ambiguous)
    by_id = {r["registry_id"]: r for r in review}
    dup = "RG99999999"
    source = by_id[dup]["autres_registry_ids"]
    assert by_id[source]["autres_registry_ids"] == dup  # the two rows point at each other
    (fuzzy,) = notify_case.ambiguous - {dup, source}
    assert by_id[fuzzy]["regle"] == "fuzzy" and by_id[fuzzy]["personnes_candidates"] == "2"
    assert not (_letter_ids(out) & notify_case.ambiguous)
    text = (out / "review.csv").read_text(encoding="utf-8-sig")
    for row in notify_case.rows:
        if row["nir"]:
            assert row["nir"] not in text
        assert f";{row['nom']};" not in text


def test_counts_in_notify_json(notify_case, notified) -> None:
    result, out = notified
    data = json.loads((out / "notify.json").read_text(encoding="utf-8"))
    assert data["schema"] == "sentinelle.notify/1"
    assert data["registry_rows"] == len(notify_case.rows)
    assert data["matched"] == result.matched
    assert data["ambiguous"] == len(notify_case.ambiguous)
    assert data["matched"] + data["ambiguous"] + data["unmatched"] == data["registry_rows"]
    assert sum(data["by_rule"].values()) == data["matched"]
    assert data["dump"]["persons"] == notify_case.truth["persons"] + len(
        notify_case.in_dump - set(notify_case.truth["registry"]["in_export_ids"])) + 2


def test_mailing_list_comes_from_the_registry(notify_case, notified) -> None:
    _, out = notified
    mailing = _csv(out / "mailing_list.csv")
    registry = {r["registry_id"]: r for r in notify_case.rows}
    assert {m["registry_id"] for m in mailing} == _letter_ids(out)
    for m in mailing:
        row = registry[m["registry_id"]]
        assert (m["nom"], m["prenom"], m["adresse"], m["code_postal"], m["ville"]) == (
            row["nom"], row["prenom"], row["adresse"], row["code_postal"], row["ville"])
        assert m["civilite"] == ("M." if row["sexe"] == "M" else "Mme")
        assert m["lettre"] == f"letters/{m['registry_id']}.pdf"
        assert m["rapprochement"] in ("nir_dob_sex", "name_dob", "fuzzy")
        assert (out / m["lettre"]).is_file()
    # the registry has updated addresses the dump does not know: the mailing list uses them
    assert notify_case.truth["registry"]["updated"]["address"] > 0


def _text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_letters_list_only_the_persons_own_categories(notify_case, notified) -> None:
    _, out = notified
    hiv = _text(out / "letters" / f"{notify_case.hiv}.pdf")
    plain = _text(out / "letters" / f"{notify_case.no_health}.pdf")
    assert "VIH" in hiv and "VIH" not in plain
    assert "secret médical" in hiv and "secret médical" not in plain
    for text, ref in ((hiv, notify_case.hiv), (plain, notify_case.no_health)):
        assert f"Référence : {ref}" in text
        assert "Laboratoire Test" in text and "accueil du laboratoire" in text
        assert "FICOBA" in text and "plainte" in text and "cybermalveillance.gouv.fr" in text
        assert "numéro de sécurité sociale" in text
        assert "[À COMPLÉTER : coordonnées du DPO]" in text  # not given: a placeholder
    # no credentials in the second dump file: no password advice in its letters
    assert "mot de passe" not in plain


def test_out_directory_with_letters_is_refused(notify_case, notified) -> None:
    _, out = notified
    with pytest.raises(OutputError, match="already holds letters"):
        notify([notify_case.export], notify_case.registry, out)


def test_missing_or_unusable_registry(notify_case, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="registry file not found"):
        notify([notify_case.export], tmp_path / "nope.csv", tmp_path / "o1")
    bad = tmp_path / "bad.csv"
    bad.write_text("a;b\n1;2\n3;4\n", encoding="utf-8")
    with pytest.raises(InputError, match="no patient columns"):
        notify([notify_case.export], bad, tmp_path / "o2")


def test_cli_prints_counts_only(notify_case, tmp_path: Path) -> None:
    out = tmp_path / "cli"
    result = CliRunner().invoke(app, ["notify", str(notify_case.dump2), "--registry",
                                      str(notify_case.registry), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "matched" in result.output and "ambiguous" in result.output
    data = json.loads((out / "notify.json").read_text(encoding="utf-8"))
    assert data["matched"] == 12  # the extras of the second file (e1 is ambiguous)
    for row in notify_case.rows:
        if len(row["nom"]) >= 4:
            assert row["nom"] not in result.output
        if row["nir"]:
            assert row["nir"] not in result.output
    bad = CliRunner().invoke(app, ["notify", str(notify_case.dump2), "--registry",
                                   str(tmp_path / "missing.csv"), "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2
    assert "registry file not found" in bad.output


def test_xlsx_registry_gives_the_same_letters(notify_case, notified, tmp_path: Path) -> None:
    import xlsxwriter

    _, csv_out = notified
    book_path = tmp_path / "registry.xlsx"
    book = xlsxwriter.Workbook(str(book_path))
    sheet = book.add_worksheet("patients")
    fields = list(notify_case.rows[0])
    sheet.write_row(0, 0, fields)
    for i, row in enumerate(notify_case.rows, 1):
        sheet.write_row(i, 0, [row[f] for f in fields])  # all text, as exported
    book.close()
    result = notify([notify_case.export, notify_case.dump2], book_path, tmp_path / "out")
    assert _letter_ids(tmp_path / "out") == _letter_ids(csv_out)
    assert result.ambiguous == len(notify_case.ambiguous)
