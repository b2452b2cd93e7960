import pytest

from sentinelle.detect.headers import FREE_TEXT, NEUTRAL, NIR_KEY, OTHER_DATE, fold, header_hint


@pytest.mark.parametrize(
    ("header", "entity"),
    [
        ("N° Sécu", "NIR"),
        ("NSS", "NIR"),
        ("NUM_SECU", "NIR"),
        ("NIR", "NIR"),
        ("immatriculation", "NIR"),
        ("Numéro de sécurité sociale", "NIR"),
        ("CLE", NIR_KEY),
        ("Clé NIR", NIR_KEY),
        ("DDN", "DATE_OF_BIRTH"),
        ("Né(e) le", "DATE_OF_BIRTH"),
        ("Date de naissance", "DATE_OF_BIRTH"),
        ("DATE_NAISS", "DATE_OF_BIRTH"),
        ("GS", "BLOOD_GROUP"),
        ("Groupe sanguin", "BLOOD_GROUP"),
        ("Phénotype Rh", "BLOOD_GROUP"),
        ("PORTABLE", "PHONE"),
        ("GSM", "PHONE"),
        ("Téléphone", "PHONE"),
        ("E-mail", "EMAIL"),
        ("Courriel", "EMAIL"),
        ("MDP", "CREDENTIAL"),
        ("Mot de passe", "CREDENTIAL"),
        ("LOGIN", "CREDENTIAL"),
        ("COMMENTAIRE", FREE_TEXT),
        ("Observations", FREE_TEXT),
        ("MEDECIN_RPPS", "RPPS"),
        ("RPPS prescripteur", "RPPS"),
        ("FINESS labo", "FINESS"),
        ("Nom médecin", "PERSON_NAME"),
        ("PRENOM", "PERSON_NAME"),
        ("NOM de naissance", "PERSON_NAME"),
        ("nom_naiss", "PERSON_NAME"),
        ("Lieu de naissance", "ADDRESS"),
        ("Adresse 1", "ADDRESS"),
        ("Ville", "ADDRESS"),
        ("CP", "POSTAL_CODE"),
        ("Code postal", "POSTAL_CODE"),
        ("Nom labo", NEUTRAL),
        ("IPP", NEUTRAL),
        ("Sexe", NEUTRAL),
        ("Date prélèvement", OTHER_DATE),
    ],
)
def test_header_words(header: str, entity: str) -> None:
    hint = header_hint(header)
    assert hint is not None
    assert hint.entity == entity


@pytest.mark.parametrize("header", [None, "", "   ", "X", "col_17", "€€€"])
def test_headers_that_say_nothing(header: str | None) -> None:
    assert header_hint(header) is None


def test_fold_removes_accents_and_punctuation() -> None:
    assert fold("N° Sécu") == "n secu"
    assert fold("Né(e) le") == "ne e le"
    assert fold("ÉPILEPSIE  –  Hépatite") == "epilepsie hepatite"
