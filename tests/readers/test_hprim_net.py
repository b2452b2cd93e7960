"""HPRIM Net reader: 12-line header (NIR on line 8), report text, RES lines; junk; fuzz."""

from __future__ import annotations

import pytest
from _mutations import mutated
from hypothesis import HealthCheck, given, settings
from stdnum import luhn

from sentinelle.detect.columns import classify_table
from sentinelle.errors import InputError, LimitExceeded, SentinelleError, UnsupportedFormat
from sentinelle.identifiers import nir
from sentinelle.readers import hprim_net, read_source, sniff_format
from sentinelle.readers.base import ReadOptions, Source, Table

N = hprim_net


def nir_parts(i: int) -> tuple[str, str]:
    body = f"{1 + i % 2}{50 + i % 45:02d}{1 + i % 12:02d}56260{1 + i % 999:03d}"
    return body, nir.calc_key(body)


def valid_rpps(i: int) -> str:
    body = f"10{i:08d}"
    return body + luhn.calc_check_digit(body)


BODY0, KEY0 = nir_parts(4)


def report(i: int = 0, name: str = "DUPONT") -> list[str]:
    body, key = nir_parts(i)
    return [
        f"P{i:05d}",
        name,
        "JEAN",
        "12 rue des Lilas",
        "Bât 2",
        "56000 VANNES",
        f"{1 + i % 28:02d}/03/19{50 + i % 45}",
        f"{body} {key}",
        f"D2024-{i:03d}",
        "15/01/2024",
        valid_rpps(i),
        "MEDECIN PAUL",
        "Compte rendu de biologie.",
        "Patiente enceinte, sérologie VIH positive.",
        "****LAB****",
        "RES|Glycémie|GLY|N|7.2|mmol/l|4.1|6.0|H|F",
        "TEX|Contrôle à prévoir",
        "****FIN****",
    ]


def tables(data: bytes, path: str = "res.hpm", **options: object) -> list[Table]:
    items = list(read_source(Source.from_bytes(path, data), ReadOptions(**options)))  # type: ignore[arg-type]
    assert all(isinstance(i, Table) for i in items)
    return items  # type: ignore[return-value]


EXPECTED = {
    N.H_CODE: "P00000",
    N.H_NOM: "DUPONT",
    N.H_PRENOM: "JEAN",
    N.H_ADRESSE: "12 rue des Lilas",
    N.H_ADRESSE2: "Bât 2",
    N.H_CP: "56000",
    N.H_VILLE: "VANNES",
    N.H_DDN: "01/03/1950",
    N.H_NIR: " ".join(nir_parts(0)),
    N.H_DOSSIER: "D2024-000",
    N.H_DATE: "15/01/2024",
    N.H_RPPS: valid_rpps(0),
    N.H_ADELI: None,
    N.H_MEDECIN: "MEDECIN PAUL",
    N.H_ETABLISSEMENT: None,
    N.H_TEXTE: "Compte rendu de biologie.\nPatiente enceinte, sérologie VIH positive.",
    N.H_GROUPE: None,
    N.H_RES: "Glycémie: 7.2 mmol/l [4.1-6.0] H\nContrôle à prévoir",
}


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
@pytest.mark.parametrize("encoding", ["cp1252", "utf-8"])
def test_several_reports_exact_rows(newline: str, encoding: str) -> None:
    lines = report(0) + [""] + report(1, "MARTIN") + ["****FINFICHIER****"]
    data = newline.join(lines).encode(encoding) + newline.encode()
    (table,) = tables(data)
    assert table.format == "hprim-net" and table.encoding == encoding
    assert table.header == [c.header for c in N.COLUMNS]
    got = table.frame.rows(named=True)
    assert got[0] == EXPECTED
    assert got[1][N.H_NOM] == "MARTIN" and got[1][N.H_NIR] == " ".join(nir_parts(1))
    assert table.first_line == 1 and table.warnings == []
    assert sniff_format(data, "res.txt") == "hprim-net"


def test_report_without_lab_section_and_short_header() -> None:
    lines = report(0)[:12] + ["Texte seul.", "****FIN****",
                              "P9", "SOLO", "ANNE", "****LAB****", "RES|Hb|HB|N|12|g/dl",
                              "****FIN****", "****FINFICHIER****"]
    (table,) = tables("\n".join(lines).encode())
    got = table.frame.rows(named=True)
    assert got[0][N.H_TEXTE] == "Texte seul." and got[0][N.H_RES] is None
    assert got[1][N.H_NOM] == "SOLO" and got[1][N.H_NIR] is None
    assert got[1][N.H_RES] == "Hb: 12 g/dl"


def test_line_6_without_postal_code_and_doctor_codes() -> None:
    lines = report(0)
    lines[5], lines[10], lines[11] = "VANNES", "751234568", "Dr Paul MEDECIN"
    (table,) = tables("\n".join(lines).encode())
    row = table.frame.rows(named=True)[0]
    assert row[N.H_CP] is None and row[N.H_VILLE] == "VANNES"
    assert row[N.H_ADELI] == "751234568" and row[N.H_MEDECIN] == "Dr Paul MEDECIN"


def test_blood_typings_spill_to_the_blood_group_column() -> None:
    """RES lines coded GSRH/PHENO/KELL (or labelled so) give one blood-group cell each,
    in continuation rows; the other results stay in the notes."""
    lines = report(0)
    lines[15:15] = ["RES|Groupe sanguin|GSRH|A|A RH:1|||||F",
                    "RES|Phénotype RH-KELL|PHENO|A|C+ E- c+ e+ K-|||||F",
                    "RES|Kell|KELL|A|K-|||||F",
                    "RES|Rhésus D|RHX|A|RH:1|||||F",  # local code, typing by its label
                    "RES|Groupe sanguin|GSRH|A||||||F"]  # no value: nothing
    (table,) = tables("\n".join(lines).encode())
    got = table.frame.rows(named=True)
    assert got[0] == EXPECTED | {N.H_GROUPE: "A RH:1"}
    assert got[1:] == [{h: None for h in EXPECTED} | {N.H_GROUPE: v}
                       for v in ("C+ E- c+ e+ K-", "K-", "RH:1")]
    assert table.extra == {"records": "1"}
    many = [x for i in range(30) for x in report(i)[:15] + [
        f"RES|Groupe sanguin|GSRH|A|{('A+', 'O-', 'B RH+1', 'AB+')[i % 4]}|||||F", "****FIN****"]]
    (table,) = tables("\n".join(many).encode())
    plans = {p.name: p.entity for p in classify_table(table.frame, table.header)}
    assert plans[N.H_GROUPE] == "BLOOD_GROUP"


def test_columns_are_classified_like_csv() -> None:
    lines = [x for i in range(30) for x in report(i, f"NOM{chr(65 + i % 26)}")]
    (table,) = tables("\n".join(lines).encode())
    plans = {p.name: p.entity for p in classify_table(table.frame, table.header)}
    assert plans[N.H_NIR] == "NIR"
    assert plans[N.H_DDN] == "DATE_OF_BIRTH"
    assert plans[N.H_RPPS] == "RPPS"
    assert plans[N.H_NOM] == "PERSON_NAME"
    assert plans[N.H_TEXTE] == "FREE_TEXT" and plans[N.H_RES] == "FREE_TEXT"
    assert plans[N.H_ADRESSE] == "ADDRESS" and plans[N.H_ADRESSE2] == "ADDRESS"


def test_chunks() -> None:
    lines = [x for i in range(5) for x in report(i)]
    got = tables("\n".join(lines).encode(), chunk_rows=2)
    assert [t.frame.height for t in got] == [2, 2, 1]
    assert [t.row_offset for t in got] == [0, 2, 4]


@pytest.mark.parametrize(
    ("head", "score"),
    [
        ("\n".join(report(0)).encode(), 0.95),
        ("\n".join(report(0)[:14] + ["****FIN****"]).encode(), 0.93),
        (b"titre\n***  fin ***\n", 0.0),  # a marker after 1 line is not a report
        (b"a\nb\nc\n****FIN****\n", 0.0),  # FIN alone needs a 12-line header
        (b"H|~^\\&|\n****LAB****", 0.0),
        (b"nom;prenom\nDUPONT;JEAN\n", 0.0),
    ],
)
def test_sniff(head: bytes, score: float) -> None:
    assert N.sniff(head, "x") == score


def test_junk() -> None:
    with pytest.raises(UnsupportedFormat, match="no HPRIM Net marker"):
        list(N.read(Source.from_bytes("j.hpm", f"{BODY0} {KEY0}\n".encode())))
    with pytest.raises(InputError, match="empty file"):
        list(N.read(Source.from_bytes("j.hpm", b"")))


SEED = "\r\n".join(report(0) + report(1) + ["****FINFICHIER****"]).encode("cp1252")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(SEED))
def test_mutated_hprim_net_only_raises_sentinelle_errors(data: bytes) -> None:
    sniff_format(data, "fuzz.hpm")
    try:
        for item in read_source(Source.from_bytes("fuzz.hpm", data), ReadOptions(chunk_rows=1)):
            assert item.first_line >= 1  # type: ignore[union-attr]
    except SentinelleError as exc:
        assert str(exc).startswith("fuzz.hpm: ")


def test_long_line_and_mixed_encoding() -> None:
    lines = report(0)
    lines[12] = "x" * 2000
    with pytest.raises(LimitExceeded) as info:
        list(read_source(Source.from_bytes("l.hpm", "\n".join(lines).encode()),
                         ReadOptions(max_line_bytes=500)))
    assert str(info.value) == "l.hpm: line 13 longer than 500 bytes"
    utf8 = "\n".join(report(0)).encode("utf-8")
    cp1252 = "\n".join(report(1, "HÉLÈNE")).encode("cp1252")
    (table,) = tables(utf8 + b"\n" + cp1252)  # the head is not UTF-8: sniffed cp1252
    assert table.encoding == "cp1252"
    assert table.frame[N.H_ADRESSE].to_list() == ["12 rue des Lilas"] * 2
    assert table.frame[N.H_ADRESSE2].to_list() == ["Bât 2"] * 2
    assert table.frame[N.H_NOM].to_list() == ["DUPONT", "HÉLÈNE"]
    assert table.warnings == ["4 lines from line 5 read as utf-8 (mixed encodings)"]
    padding = ("\n".join(report(2)) + "\n").encode("utf-8") * 300  # > 64 KiB of UTF-8 head
    (table,) = tables(padding + cp1252)
    assert table.encoding == "utf-8"
    assert table.frame[N.H_NOM].to_list()[-1] == "HÉLÈNE"
    assert table.warnings == [f"5 lines from line {300 * 18 + 2} not valid utf-8, read as cp1252"]


def test_an_establishment_on_line_12_is_not_a_doctor_and_text_names_the_prescriber() -> None:
    lines = report(0)
    lines[11] = "LABM RENNES Nord"
    lines.insert(12, "Prescripteur : LEBLANC R.")
    (table,) = tables("\r\n".join(lines).encode("utf-8"))
    got = table.frame.rows(named=True)
    assert [r[N.H_ETABLISSEMENT] for r in got] == ["LABM RENNES Nord"]
    assert [r[N.H_MEDECIN] for r in got] == ["LEBLANC R."]
