"""HPRIM Santé reader: delimiters from H, A| continuations, P/OBR/OBX/C records; junk; fuzz."""

from __future__ import annotations

import pytest
from _mutations import mutated
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import luhn

from sentinelle.detect.columns import classify_table
from sentinelle.errors import InputError, LimitExceeded, SentinelleError, UnsupportedFormat
from sentinelle.identifiers import nir
from sentinelle.readers import hprim_sante, read_source, sniff_format
from sentinelle.readers.base import ReadOptions, Source, Table

H = hprim_sante


def valid_nir(i: int) -> str:
    body = f"{1 + i % 2}{60 + i % 40:02d}{1 + i % 12:02d}35238{1 + i % 999:03d}"
    return body + nir.calc_key(body)


def valid_rpps(i: int) -> str:
    body = f"10{i:08d}"
    return body + luhn.calc_check_digit(body)


NIR0, RPPS0 = valid_nir(3), valid_rpps(5)


def message(i: int = 0, nir_value: str = NIR0, rpps: str = RPPS0) -> list[str]:
    """One synthetic HPRIM Santé result message; the P record is cut by A| continuations
    in the middle of the address and of the NIR."""
    return [
        "H|~^\\&|RES.HPR||LAB35~Laboratoire Test||ORU|||MED01~Dr Test||P|H2.2~C|20240101120000",
        f"P|1|DEM{i}|LAB{i}|{nir_value[:6]}",
        f"A|{nir_value[6:]}|DUPONT~JEAN~PAUL|MARTIN|19850301|F||12 RUE DES LI",
        f"A|LAS~BAT 2~RENNES~~35000~FRA||0612345678^0299000000|{rpps}~MEDECIN~PAUL"
        "|||||Diabète type 2|Insuline",
        "OBR|1||~001|GLY~Glycémie~L|R||20240101||||N||Grossesse||20240101"
        "|751234568~INTERNE~ANNE|0233000000",
        "OBX|1|NM|GLY~Glycémie~L||7.2|mmol/l|4-6|H",
        "OBX|2|ST|VIH~Sérologie VIH~L||Positif",
        "C|1|L|Patiente sourde \\S\\ suivie \\F\\ contrôle|G",
        "L|1",
    ]


def tables(data: bytes, path: str = "res.hpr", **options: object) -> list[Table]:
    items = list(read_source(Source.from_bytes(path, data), ReadOptions(**options)))  # type: ignore[arg-type]
    assert all(isinstance(i, Table) for i in items)
    return items  # type: ignore[return-value]


EXPECTED = {
    H.H_DOSSIER_DEMANDEUR: "DEM0",
    H.H_DOSSIER_LABO: "LAB0",
    H.H_NIR: NIR0,
    H.H_NOM: "DUPONT",
    H.H_PRENOM: "JEAN PAUL",
    H.H_NOM_NAISSANCE: "MARTIN",
    H.H_DDN: "19850301",
    H.H_SEXE: "F",
    H.H_ADRESSE: "12 RUE DES LILAS",
    H.H_ADRESSE2: "BAT 2",
    H.H_CP: "35000",
    H.H_VILLE: "RENNES",
    H.H_TEL: "0612345678",
    H.H_RPPS: RPPS0,
    H.H_ADELI: "751234568",
    H.H_CODE_MED: None,
    H.H_NOM_MED: "PAUL MEDECIN",
    H.H_TEL_MED: "0233000000",
    H.H_CLINIQUE: "Diabète type 2\nInsuline\nGrossesse",
    H.H_GROUPE: None,
    H.H_COMMENT: "Glycémie: 7.2 mmol/l H\nSérologie VIH: Positif\n"
    "Patiente sourde ~ suivie | contrôle",
}
#: Continuation row: the second phone and the second doctor's name (one name per cell).
SPILL = {h: None for h in EXPECTED} | {H.H_TEL: "0299000000", H.H_NOM_MED: "ANNE INTERNE"}


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize("encoding", ["cp1252", "utf-8"])
def test_one_patient_exact_row(newline: str, encoding: str) -> None:
    data = newline.join(message()).encode(encoding) + newline.encode()
    (table,) = tables(data)
    assert table.format == "hprim" and table.encoding == encoding
    assert table.header == [c.header for c in H.COLUMNS]
    assert table.frame.rows(named=True) == [EXPECTED, SPILL]
    assert table.first_line == 2 and table.warnings == []
    assert sniff_format(data, "res.txt") == "hprim"


def test_delimiters_are_read_from_the_header() -> None:
    lines = [
        "H#!@\\$#RES.HPR",
        f"P#1#D1#L1#{NIR0}#DURAND!MARIE##19700101#F##1 RUE X!!NANTES!!44000#",
        "A##0240000000@0612000000",
        "C#1#L#note avec | et ~ et ^#G",
        "L#1",
    ]
    (table,) = tables("\r\n".join(lines).encode())
    got = table.frame.rows(named=True)
    assert got[0][H.H_NOM] == "DURAND" and got[0][H.H_PRENOM] == "MARIE"
    assert got[0][H.H_CP] == "44000" and got[0][H.H_VILLE] == "NANTES"
    assert [r[H.H_TEL] for r in got] == ["0240000000", "0612000000"]
    assert got[0][H.H_COMMENT] == "note avec | et ~ et ^"


def test_several_messages_and_patients() -> None:
    lines = message(0) + message(1, valid_nir(1))[:3] + ["P|2|DEM2|LAB2||SOLO~ANNE", "L|1"]
    got = [r for t in tables("\r\n".join(lines).encode()) for r in t.frame.iter_rows(named=True)]
    assert [r[H.H_DOSSIER_DEMANDEUR] for r in got] == ["DEM0", None, "DEM1", "DEM2"]
    assert [r[H.H_NIR] for r in got] == [NIR0, None, valid_nir(1), None]
    assert got[3][H.H_NOM] == "SOLO" and got[3][H.H_COMMENT] is None


def test_doctor_codes_routed_by_shape() -> None:
    doctors = f"LOCAL1~LOC~LUC^0751234568~ZERO~Z^{RPPS0}~DOC~A^751234568~DOC~B"
    lines = ["H|~^\\&|X", "P|1|D|L||NOM~PRENOM" + "|" * 8 + doctors, "L|1"]
    (table,) = tables("\n".join(lines).encode())
    got = table.frame.rows(named=True)
    assert got[0][H.H_CODE_MED] == "LOCAL1 ; 0751234568"  # no national prefix in HPRIM
    assert got[0][H.H_RPPS] == RPPS0 and got[0][H.H_ADELI] == "751234568"
    assert [r[H.H_NOM_MED] for r in got] == ["LUC LOC", "Z ZERO", "A DOC", "B DOC"]
    assert all(r[H.H_CODE_MED] is r[H.H_RPPS] is r[H.H_ADELI] is None for r in got[1:])
    assert table.extra == {"records": "1"}


def test_doctor_in_p14_and_obr17_counts_twice() -> None:
    """Count = occurrences: a doctor written in P.14 and again in OBR.17 gives two RPPS
    cells and two name cells; other repeated values (a phone) are kept once."""
    lines = ["H|~^\\&|X",
             f"P|1|D|L||NOM~PRENOM|||||||0612345678^0612345678|{RPPS0}~MEDECIN~PAUL",
             f"OBR|1||~001|GLY~Glycémie~L|R||20240101||||N||||20240101|{RPPS0}~MEDECIN~PAUL",
             "L|1"]
    (table,) = tables("\n".join(lines).encode())
    got = table.frame.rows(named=True)
    assert [r[H.H_RPPS] for r in got] == [RPPS0, RPPS0]
    assert [r[H.H_NOM_MED] for r in got] == ["PAUL MEDECIN", "PAUL MEDECIN"]
    assert [r[H.H_TEL] for r in got] == ["0612345678", None]
    assert [r[H.H_NOM] for r in got] == ["NOM", None]


def test_blood_typings_spill_to_the_blood_group_column() -> None:
    """OBX coded GSRH/PHENO/KELL (or labelled so) give one blood-group cell each; the
    other results stay in the comment column."""
    lines = ["H|~^\\&|X", "P|1|D|L||NOM~PRENOM",
             "OBX|1|ST|GSRH~Groupe sanguin~L||A RH:1",
             "OBX|2|ST|PHENO~Phénotype RH-KELL~L||C+ E- c+ e+ K-",
             "OBX|3|ST|KELL~Kell~L||K-",
             "OBX|4|ST|X12~Groupe sanguin ABO~L||O",  # local code, typing by its label
             "OBX|5|NM|GLY~Glycémie~L||7.2|mmol/l||H",
             "L|1"]
    (table,) = tables("\n".join(lines).encode())
    got = table.frame.rows(named=True)
    assert [r[H.H_GROUPE] for r in got] == ["A RH:1", "C+ E- c+ e+ K-", "K-", "O"]
    assert [r[H.H_COMMENT] for r in got] == ["Glycémie: 7.2 mmol/l H", None, None, None]
    assert table.extra == {"records": "1"}


def test_results_before_any_patient_are_kept_with_a_warning() -> None:
    lines = ["H|~^\\&|X", "OBX|1|ST|VIH~Sérologie VIH||Positif", "L|1"]
    (table,) = tables("\n".join(lines).encode())
    assert table.frame[H.H_COMMENT].to_list() == ["Sérologie VIH: Positif"]
    assert table.warnings == ["1 result records before any patient record"]


def test_chunks_share_columns() -> None:
    lines = [seg for i in range(5) for seg in message(i, valid_nir(i))]
    got = tables("\r\n".join(lines).encode(), chunk_rows=3)
    assert sum(t.frame.height for t in got) == 10
    assert [t.row_offset for t in got] == [0, 4, 8]
    assert [t.extra["records"] for t in got] == ["2", "2", "1"]
    assert all(t.header == got[0].header for t in got)


def test_columns_are_classified_like_csv() -> None:
    lines = [seg for i in range(30) for seg in message(i, valid_nir(i), valid_rpps(i))]
    (table,) = tables("\r\n".join(lines).encode())
    plans = {p.name: p.entity for p in classify_table(table.frame, table.header)}
    assert plans[H.H_NIR] == "NIR"
    assert plans[H.H_RPPS] == "RPPS"
    assert plans[H.H_DDN] == "DATE_OF_BIRTH"
    assert plans[H.H_TEL] == "PHONE"
    assert plans[H.H_NOM] == "PERSON_NAME"
    assert plans[H.H_CLINIQUE] == "FREE_TEXT" and plans[H.H_COMMENT] == "FREE_TEXT"
    assert plans[H.H_ADRESSE] == "ADDRESS" and plans[H.H_ADRESSE2] == "ADDRESS"
    assert plans[H.H_NOM_MED] == "PERSON_NAME"


@pytest.mark.parametrize(
    ("head", "score"),
    [
        (b"H|~^\\&|X", 0.97),
        (b"\r\nH|~^\\&|X", 0.97),
        (b"H#!@\\$#X", 0.92),
        (b"H|||||", 0.0),  # separators must differ
        (b"H|a;b\n", 0.0),
        (b"MSH|^~\\&|", 0.0),
        (b"Hello world", 0.0),
    ],
)
def test_sniff(head: bytes, score: float) -> None:
    assert H.sniff(head, "x") == score


def test_junk_and_limits() -> None:
    with pytest.raises(UnsupportedFormat, match="no HPRIM Santé header"):
        list(H.read(Source.from_bytes("j.hpr", f"P|1|{NIR0}\n".encode())))
    with pytest.raises(InputError, match="empty file"):
        list(H.read(Source.from_bytes("j.hpr", b"")))
    endless = "H|~^\\&|X\nP|1|" + "\n".join(f"A|{NIR0}" for _ in range(200)) + "\n"
    with pytest.raises(LimitExceeded) as info:
        list(H.read(Source.from_bytes("j.hpr", endless.encode()), ReadOptions(max_line_bytes=500)))
    assert str(info.value) == "j.hpr: record at line 2 longer than 500 bytes"


SEED = "\r\n".join(message() + message(1)).encode("cp1252")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(SEED))
def test_mutated_hprim_only_raises_sentinelle_errors(data: bytes) -> None:
    sniff_format(data, "fuzz.hpr")
    try:
        for item in read_source(Source.from_bytes("fuzz.hpr", data), ReadOptions(chunk_rows=2)):
            assert item.first_line >= 1  # type: ignore[union-attr]
    except SentinelleError as exc:
        assert str(exc).startswith("fuzz.hpr: ")


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(st.text(alphabet="ab|~é ", max_size=12), min_size=1, max_size=20),
    ends=st.lists(st.sampled_from(["\r\n", "\n", "\r"]), min_size=20, max_size=20),
    last_end=st.booleans(),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]),
    piece=st.sampled_from([16, 17, 64, 4096]),
)
def test_line_layer_splits_every_line_end_alike(
    lines: list[str], ends: list[str], last_end: bool, encoding: str, piece: int
) -> None:
    """The line layer of the HPRIM/HL7 readers: any line end, any piece size, exact numbers."""
    from sentinelle.readers._lines import Lines

    lines = ["H" + lines[0], *lines[1:]]
    for k in range(1, len(lines)):  # "\r" then an empty "\n" line would read as one "\r\n"
        if ends[k - 1] == "\r" and not lines[k]:
            lines[k] = "x"
    if not last_end:
        lines[-1] = lines[-1] or "z"
    content = "".join(x + e for x, e in zip(lines, ends, strict=False))
    if not last_end:
        content = content[: len(content) - len(ends[len(lines) - 1])]
    source = Source.from_bytes("l.txt", content.encode(encoding))
    got = list(Lines(source, ReadOptions(chunk_bytes=piece), binary_reason="binary"))
    assert got == list(enumerate(lines, start=1))


def test_patient_record_size_is_bounded() -> None:
    notes = [f"C|{i}|L|note {i} {'x' * 50}|G" for i in range(100)]
    lines = ["H|~^\\&|X", "P|1|D|L||NOM~PRENOM", *notes]
    options = ReadOptions(chunk_bytes=1000, max_line_bytes=1000)
    with pytest.raises(LimitExceeded) as info:
        list(read_source(Source.from_bytes("big.hpr", "\n".join(lines).encode()), options))
    assert str(info.value) == "big.hpr: patient record at line 2 longer than 1000 bytes"
