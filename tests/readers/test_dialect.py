"""Dialect sniffing: delimiter, quote, header presence, CRLF."""

from __future__ import annotations

import pytest

from sentinelle.readers._dialect import guess_header, shape, sniff_dialect

# Synthetic rows only (digits are random, not valid identifiers).
DATA_ROWS = [
    "DUPONT;JEAN;1850375123456;06 12 34 56 78;12/03/1985",
    "MARTIN;PAUL;2690549123456;07 98 76 54 32;01/07/1969",
    "BERNARD;ANNE;2550814123456;06 55 44 33 22;30/11/1955",
    "PETIT;LUC;1780599123456;06 00 11 22 33;15/05/1978",
]


@pytest.mark.parametrize(
    ("text", "delimiter", "header"),
    [
        ("\n".join(DATA_ROWS) + "\n", ";", False),
        ("nom;prenom;nir;tel;ddn\n" + "\n".join(DATA_ROWS) + "\n", ";", True),
        ("N° Sécu;Né(e) le\n1850375123456;12/03/1985\n2690549123456;01/07/1969\n", ";", True),
        ("Nom,Prénom,Ville\nDupont,Jean,Paris\nMartin,Anne,Lyon\n", ",", True),
        ("Dupont,Jean,Paris\nMartin,Anne,Lyon\nPetit,Luc,Nantes\n", ",", False),
        ("id\tlibelle\n1\tglycémie\n2\tferritine\n", "\t", True),
        ("a|b|c\n1|2|3\n4|5|6\n", "|", True),
        ('"x;y",z,w\n"1;2",3,4\n"5;6",7,8\n', ",", True),  # ";" only inside quotes
        ("NUM_DOSSIER;CODE_ANALYSE\nA1234;GLY\nA1235;FER\n", ";", True),
    ],
)
def test_sniff_dialect(text: str, delimiter: str, header: bool) -> None:
    dialect = sniff_dialect(text)
    assert dialect is not None
    assert dialect.delimiter == delimiter
    assert dialect.has_header is header


def test_comma_prose_is_not_delimited_when_inconsistent() -> None:
    prose = (
        "Patient vu ce jour, RAS.\n"
        "Pas de fièvre.\n"
        "Traitement poursuivi, contrôle dans un mois, bilan, NFS.\n"
        "Revoir.\n"
    )
    assert sniff_dialect(prose) is None


def test_crlf_and_forced_options() -> None:
    text = "a;b\r\n1;2\r\n3;4\r\n"
    dialect = sniff_dialect(text)
    assert dialect is not None and dialect.crlf and dialect.columns == 2
    forced = sniff_dialect(text, delimiter="|", has_header=False)
    assert forced is not None and forced.delimiter == "|" and not forced.has_header


def test_single_quote_detected_only_at_field_edges() -> None:
    text = "'a';'b c';'d'\n'1';'2';'3'\n'l''x';'5';'6'\n"
    dialect = sniff_dialect(text)
    assert dialect is not None and dialect.quote == "'"
    text = "nom;note\nDUPONT;l'hôpital d'Orléans\nMARTIN;aujourd'hui\n"
    dialect = sniff_dialect(text)
    assert dialect is not None and dialect.quote == '"'


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("Dupont", "Aa"), ("DUPONT", "A"), ("06 12 34 56 78", "9 9 9 9 9"), ("12/03/1985", "9/9/9")],
)
def test_shape(cell: str, expected: str) -> None:
    assert shape(cell) == expected


def test_header_needs_rows_or_names() -> None:
    assert guess_header([["nom", "prenom"]])
    assert not guess_header([["12", "34"]])
    assert not guess_header([])
