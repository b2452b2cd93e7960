"""HL7 v2 reader: INS in PID-3, names, addresses, doctors, results; framing; junk; fuzz."""

from __future__ import annotations

import base64

import pytest
from _mutations import mutated
from hypothesis import HealthCheck, given, settings
from stdnum import luhn

from sentinelle.detect.columns import classify_table
from sentinelle.errors import InputError, LimitExceeded, SentinelleError, UnsupportedFormat
from sentinelle.identifiers import nir
from sentinelle.readers import hl7v2, read_source, sniff_format
from sentinelle.readers.base import ReadOptions, Skip, Source, Table

INS = "ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS"
PS = "ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO"


def valid_nir(i: int) -> str:
    body = f"{1 + i % 2}{60 + i % 40:02d}{1 + i % 12:02d}75101{1 + i % 999:03d}"
    return body + nir.calc_key(body)


def valid_rpps(i: int) -> str:
    body = f"10{i:08d}"
    return body + luhn.calc_check_digit(body)


NIR0 = valid_nir(7)
RPPS0 = valid_rpps(42)


def oru(i: int = 0, nir_value: str = NIR0, rpps: str = RPPS0) -> list[str]:
    """An ORU^R01 message as a list of segments (synthetic, IHE PAM FR style)."""
    return [
        f"MSH|^~\\&|LAB|LABO35|DPI|HOP|20240101120000||ORU^R01^ORU_R01|MSG{i}|P|2.5|||||FRA|8859/1",
        f"PID|1||IPP{i}^^^HOP&1.2.3&ISO^PI~{nir_value}^^^{INS}||DUPONT^JEAN^JEAN PAUL^^^^L"
        f"~MARTIN^JEAN^^^^^D|BERNARD|19850301|M|||1 RUE DE LA PAIX^BAT B^RENNES^^35000^FRA^H"
        f"~^^LYON^^^FRA^BDL^^69123||0612345678^PRN^CP~^NET^Internet^jean.dupont@example.fr"
        f"|0299000000^WPN^PH",
        f"ROL|1|UC|ODRP|8{rpps}^MEDECIN^PAUL^^^^^^{PS}^L^^^RPPS",
        "PV1|1|O|||||0751234568^INTERNE^ANNE^^^^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^L^^^ADELI"
        "|LOC99^LOCAL^LUC",
        "OBR|1|||VIH^Sérologie VIH|||20240101||||||Grossesse 12 SA",
        "OBX|1|CE|VIH^Sérologie VIH||POS^Positif||||||F",
        "OBX|2|NM|GLY^Glycémie||7.2|mmol/l|4.1-6.0|H|||F",
        "NTE|1||Patiente sourde \\T\\ enceinte \\F\\ suivi",
    ]


def tables(data: bytes, path: str = "feed.hl7", **options: object) -> list[Table]:
    items = list(read_source(Source.from_bytes(path, data), ReadOptions(**options)))  # type: ignore[arg-type]
    return [i for i in items if isinstance(i, Table)]


def rows(data: bytes, **options: object) -> list[dict[str, str | None]]:
    got = tables(data, "feed.hl7", **options)
    return [row for t in got for row in t.frame.iter_rows(named=True)]


EXPECTED_ROW = {
    hl7v2.H_NIR: NIR0,
    hl7v2.H_IPP: "IPP0",
    hl7v2.H_NOM: "MARTIN",
    hl7v2.H_NOM_NAISSANCE: "DUPONT",
    hl7v2.H_PRENOM: "JEAN JEAN PAUL",
    hl7v2.H_NOM_MERE: "BERNARD",
    hl7v2.H_DDN: "19850301",
    hl7v2.H_SEXE: "M",
    hl7v2.H_ADRESSE: "1 RUE DE LA PAIX",
    hl7v2.H_ADRESSE2: "BAT B",
    hl7v2.H_CP: "35000",
    hl7v2.H_VILLE: "RENNES",
    hl7v2.H_LIEU_NAISSANCE: "LYON",
    hl7v2.H_CODE_LIEU: "69123",
    hl7v2.H_TEL: "0612345678",
    hl7v2.H_EMAIL: "jean.dupont@example.fr",
    hl7v2.H_PROCHE: None,
    hl7v2.H_RPPS: RPPS0,
    hl7v2.H_ADELI: "751234568",
    hl7v2.H_CODE_MED: "LOC99",
    hl7v2.H_NOM_MED: "PAUL MEDECIN",
    hl7v2.H_GROUPE: None,
    hl7v2.H_COMMENT: "Grossesse 12 SA\nSérologie VIH: Positif\nGlycémie: 7.2 mmol/l H\n"
    "Patiente sourde & enceinte | suivi",
}
#: Continuation rows: the second phone (PID-14) and the other doctors' names spill (each
#: name is a value of its own), everything else is empty.
SPILL_ROW = {h: None for h in EXPECTED_ROW} | {hl7v2.H_TEL: "0299000000",
                                               hl7v2.H_NOM_MED: "ANNE INTERNE"}
SPILL_ROW_2 = {h: None for h in EXPECTED_ROW} | {hl7v2.H_NOM_MED: "LUC LOCAL"}


def test_one_message_exact_row() -> None:
    data = "\r".join(oru()).encode("utf-8") + b"\r"
    (table,) = tables(data)
    assert table.format == "hl7" and table.encoding == "utf-8"
    assert table.header == [c.header for c in hl7v2.COLUMNS]
    assert list(table.frame.columns) == table.header
    assert table.frame.rows(named=True) == [EXPECTED_ROW, SPILL_ROW, SPILL_ROW_2]
    assert table.first_line == 1 and table.row_offset == 0 and table.warnings == []
    assert table.extra == {"records": "1"}  # two rows, one message


@pytest.mark.parametrize(
    "frame",
    [
        lambda m: "\r".join(m) + "\r",
        lambda m: "\n".join(m) + "\n",
        lambda m: "\r\n".join(m) + "\r\n",
        lambda m: "\x0b" + "\r".join(m) + "\r\x1c\r",  # MLLP framing
        lambda m: "\x0b" + "\r".join(m) + "\x1c",  # MLLP without the final CR
    ],
    ids=["cr", "lf", "crlf", "mllp", "mllp-bare"],
)
def test_separators_and_several_messages(frame: object) -> None:
    messages = [oru(i, valid_nir(i)) for i in range(3)]
    data = "".join(frame(m) for m in messages).encode()  # type: ignore[operator]
    got = rows(data)
    assert [r[hl7v2.H_NIR] for r in got] == [valid_nir(0), None, None, valid_nir(1), None,
                                           None, valid_nir(2), None, None]
    assert [r[hl7v2.H_IPP] for r in got if r[hl7v2.H_IPP]] == ["IPP0", "IPP1", "IPP2"]
    assert sniff_format(data, "feed.txt") == "hl7"


def test_batch_wrappers_are_skipped_and_first_line_is_the_msh_line() -> None:
    body = "\r\n".join(["FHS|^~\\&|LAB", "BHS|^~\\&|LAB", *oru(), *oru(1), "BTS|2", "FTS|1"])
    (table,) = tables(body.encode())
    assert table.frame.height == 6  # two messages, each a row and two continuation rows
    assert table.first_line == 3
    assert table.warnings == []


@pytest.mark.parametrize(
    ("cx", "column"),
    [
        (f"{NIR0}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS", hl7v2.H_NIR),
        (f"{NIR0}^^^ASIP-SANTE-INS-NIA&1.2.250.1.213.1.4.9&ISO^INS", hl7v2.H_NIR),
        (f"{NIR0}^^^ASIP-SANTE-INS-NIR-TEST&1.2.250.1.213.1.4.10&ISO^INS", hl7v2.H_NIR),
        (f"{NIR0}^^^ASIP-SANTE-INS-NIR-DEMO&1.2.250.1.213.1.4.11&ISO^INS", hl7v2.H_NIR),
        (f"{NIR0}^^^&1.2.250.1.213.1.4.8&ISO", hl7v2.H_NIR),  # OID only
        (f"{NIR0}^^^CPAM^SS", hl7v2.H_NIR),  # identifier type SS
        ("ABCDEFGHIJKLMNOPQRSTUV^^^ASIP-SANTE-INS-C&1.2.250.1.213.1.4.2&ISO^INS-C", hl7v2.H_IPP),
        ("12345^^^HOP&1.2.3&ISO^PI", hl7v2.H_IPP),
        ("12345", hl7v2.H_IPP),
    ],
)
def test_pid3_routing_by_assigning_authority(cx: str, column: str) -> None:
    msg = ["MSH|^~\\&|A|B|C|D|20240101||ADT^A28|1|P|2.5", f"PID|1||{cx}||NOM^PRENOM"]
    (row,) = rows("\r".join(msg).encode())
    value = cx.split("^")[0]
    assert row[column] == value
    other = hl7v2.H_IPP if column == hl7v2.H_NIR else hl7v2.H_NIR
    assert row[other] is None


@pytest.mark.parametrize(
    ("xcn", "column", "value"),
    [
        (f"8{RPPS0}^DOC^A^^^^^^{PS}^L^^^RPPS", hl7v2.H_RPPS, RPPS0),
        (f"{RPPS0}^DOC^A^^^^^^^L^^^RPPS", hl7v2.H_RPPS, RPPS0),
        (f"8{RPPS0}^DOC^A^^^^^^{PS}", hl7v2.H_RPPS, RPPS0),
        (f"0751234568^DOC^A^^^^^^{PS}^L^^^ADELI", hl7v2.H_ADELI, "751234568"),
        ("0751234568^DOC^A", hl7v2.H_CODE_MED, "0751234568"),  # no authority: not stripped
        ("DR12^DOC^A", hl7v2.H_CODE_MED, "DR12"),
    ],
)
@pytest.mark.parametrize("where", ["ROL|1|UC|ODRP|{}", "PV1|1|O|||||{}", "PV1|1|O||||||{}",
                                   "OBR|1" + "|" * 15 + "{}", "ORC|NW|||||||||||{}",
                                   "PD1||||{}"])
def test_doctors_by_assigning_authority(xcn: str, column: str, value: str, where: str) -> None:
    msg = ["MSH|^~\\&|A|B|C|D|20240101||ORU^R01|1|P|2.5", "PID|1||1", where.format(xcn)]
    (row,) = rows("\r".join(msg).encode())
    assert row[column] == value
    assert row[hl7v2.H_NOM_MED] == "A DOC"


def test_kin_phones_and_long_timestamps() -> None:
    msg = ["MSH|^~\\&|A|B|C|D|20240101||ADT^A04|1|P|2.5",
           "PID|1||1||NOM^PRENOM||198503011230|F|||||^PRN^PH^^33^6^12345678",
           "NK1|1|DURAND^MARIE|MTH|2 RUE X^^NANTES^^44000|0240000000"]
    got = rows("\r".join(msg).encode())
    assert got[0][hl7v2.H_DDN] == "19850301"
    assert got[0][hl7v2.H_PROCHE] == "MARIE DURAND"
    assert got[0][hl7v2.H_VILLE] == "NANTES"
    assert [r[hl7v2.H_TEL] for r in got] == ["+33612345678", "0240000000"]


def test_doctor_in_rol4_and_obr16_counts_twice() -> None:
    """Count = occurrences: the same doctor in ROL-4 and OBR-16 gives two RPPS cells and
    two name cells; other repeated values (a phone written twice) are kept once."""
    xcn = f"8{RPPS0}^MEDECIN^PAUL^^^^^^{PS}^L^^^RPPS"
    msg = ["MSH|^~\\&|A|B|C|D|20240101||ORU^R01|1|P|2.5",
           "PID|1||1||NOM^PRENOM" + "|" * 8 + "0612345678^PRN^PH~0612345678^PRN^CP",
           f"ROL|1|UC|ODRP|{xcn}", "OBR|1" + "|" * 15 + xcn]
    got = rows("\r".join(msg).encode())
    assert [r[hl7v2.H_RPPS] for r in got] == [RPPS0, RPPS0]
    assert [r[hl7v2.H_NOM_MED] for r in got] == ["PAUL MEDECIN", "PAUL MEDECIN"]
    assert [r[hl7v2.H_TEL] for r in got] == ["0612345678", None]
    assert [r[hl7v2.H_NOM] for r in got] == ["NOM", None]


def test_blood_typings_spill_to_the_blood_group_column() -> None:
    """OBX coded GSRH/PHENO/KELL/ABO (or labelled so) give one blood-group cell per value;
    the other results stay in the comment column."""
    msg = ["MSH|^~\\&|A|B|C|D|20240101||ORU^R01|1|P|2.5", "PID|1||1||NOM^PRENOM",
           "OBX|1|ST|GSRH^Groupe sanguin^L||A RH:1||||||F",
           "OBX|2|ST|PHENO^Phénotype RH-KELL^L||C+ E- c+ e+ K-||||||F",
           "OBX|3|CE|882-1^ABO+Rh group^LN||O+^O Rh positif||||||F",
           "OBX|4|ST|X12^Kell^L||K-||||||F",  # local code, typing by its label
           "OBX|5|NM|GLY^Glycémie||7.2|mmol/l|4.1-6.0|H|||F"]
    got = rows("\r".join(msg).encode())
    assert [r[hl7v2.H_GROUPE] for r in got] == ["A RH:1", "C+ E- c+ e+ K-", "O Rh positif",
                                              "K-"]
    assert [r[hl7v2.H_COMMENT] for r in got] == ["Glycémie: 7.2 mmol/l H", None, None, None]


def test_encapsulated_pdf_is_a_nested_source() -> None:
    pdf = b"%PDF-1.4\n% synthetic\n"
    obx = f"OBX|1|ED|CR^Compte rendu||LAB^Application^PDF^Base64^{base64.b64encode(pdf).decode()}"
    msg = ["MSH|^~\\&|A|B|C|D|20240101||ORU^R01|1|P|2.5", "PID|1||1", obx]
    items = list(read_source(Source.from_bytes("cr.hl7", "\r".join(msg).encode())))
    (nested,) = [i for i in items if isinstance(i, Source)]
    assert nested.path == "cr.hl7!message-1/OBX-1.pdf"
    with nested.open() as stream:
        assert stream.read() == pdf
    (table,) = [i for i in items if isinstance(i, Table)]
    assert table.frame[hl7v2.H_COMMENT].to_list() == ["Compte rendu: [document]"]
    small = ReadOptions(max_member_bytes=4)
    items = list(read_source(Source.from_bytes("cr.hl7", "\r".join(msg).encode()), small))
    assert [i.path for i in items if isinstance(i, Skip)] == ["cr.hl7!message-1/OBX-1.pdf"]


def test_raw_line_break_inside_a_field_continues_the_segment() -> None:
    msg = "MSH|^~\\&|A|B|C|D|20240101||ORU^R01|1|P|2.5\rPID|1||1\rNTE|1||ligne un\nligne deux\r"
    (row,) = rows(msg.encode())
    assert row[hl7v2.H_COMMENT] == "ligne un\nligne deux"


def test_cp1252_message() -> None:
    msg = ["MSH|^~\\&|A|B|C|D|20240101||ADT^A28|1|P|2.5|||||FRA|8859/1",
           "PID|1||1||HÉLÈNE^FRANÇOISE||19850301"]
    (table,) = tables("\r".join(msg).encode("cp1252"))
    assert table.encoding in ("cp1252", "latin-1")
    assert table.frame[hl7v2.H_NOM].to_list() == ["HÉLÈNE"]


def test_chunks_have_the_same_columns_and_offsets() -> None:
    data = "\r".join(seg for i in range(5) for seg in oru(i, valid_nir(i))).encode()
    got = tables(data, chunk_rows=3)
    assert [t.frame.height for t in got] == [3, 3, 3, 3, 3]  # a message never splits
    assert [t.row_offset for t in got] == [0, 3, 6, 9, 12]
    assert [t.first_line for t in got] == [1, 9, 17, 25, 33]
    assert all(t.header == got[0].header for t in got)


def test_columns_are_classified_like_csv() -> None:
    data = "\r".join(seg for i in range(30) for seg in oru(i, valid_nir(i), valid_rpps(i)))
    (table,) = tables(data.encode())
    plans = {p.name: p.entity for p in classify_table(table.frame, table.header)}
    assert plans[hl7v2.H_NIR] == "NIR"
    assert plans[hl7v2.H_RPPS] == "RPPS"
    assert plans[hl7v2.H_DDN] == "DATE_OF_BIRTH"
    assert plans[hl7v2.H_TEL] == "PHONE"
    assert plans[hl7v2.H_EMAIL] == "EMAIL"
    assert plans[hl7v2.H_NOM] == "PERSON_NAME"
    assert plans[hl7v2.H_COMMENT] == "FREE_TEXT"
    assert plans[hl7v2.H_IPP] is None
    assert plans[hl7v2.H_ADRESSE] == "ADDRESS" and plans[hl7v2.H_ADRESSE2] == "ADDRESS"
    assert plans[hl7v2.H_NOM_MED] == "PERSON_NAME"


def test_unparseable_message_is_read_as_text_with_a_warning() -> None:
    # an MSH without encoding characters makes the library fail; nothing is lost
    data = f"MSH|\rPID|1||{NIR0}\r".encode()
    (table,) = tables(data)
    assert table.frame[hl7v2.H_COMMENT].to_list() == [f"MSH|\nPID|1||{NIR0}"]
    assert table.warnings == ["message 1 (line 1) could not be parsed, read as text"]


@pytest.mark.parametrize(
    ("head", "score"),
    [
        (b"MSH|^~\\&|A", 0.97),
        (b"\xef\xbb\xbfMSH|^~\\&|A", 0.97),
        (b"\r\n\x0bMSH|^~\\&|A", 0.97),
        (b"FHS|^~\\&|A", 0.97),
        (b"MSH", 0.0),
        (b"MSHX|", 0.0),
        (b"nom;prenom\nMSH|a;b\n", 0.0),
        (b"H|~^\\&|", 0.0),
    ],
)
def test_sniff(head: bytes, score: float) -> None:
    assert hl7v2.sniff(head, "x") == score


@pytest.mark.parametrize(
    ("data", "error", "reason"),
    [
        (b"no message here\n" + NIR0.encode(), UnsupportedFormat, "no HL7 v2 message"),
        (bytes(range(256)) * 10, UnsupportedFormat, "binary content"),
        (b"", InputError, "empty file"),
    ],
)
def test_junk_read_directly(data: bytes, error: type[InputError], reason: str) -> None:
    with pytest.raises(error) as info:
        list(hl7v2.read(Source.from_bytes("junk.hl7", data)))
    assert str(info.value).startswith("junk.hl7: ") and reason in str(info.value)
    assert NIR0 not in str(info.value)


def consume(source: Source, depth: int = 0) -> None:
    try:
        for item in read_source(source, ReadOptions(chunk_rows=2, chunk_bytes=256)):
            if isinstance(item, Source) and depth < 2:
                consume(item, depth + 1)
    except SentinelleError as exc:
        assert str(exc).startswith(source.path + ": ")


SEED = ("\x0b" + "\r".join(oru()) + "\x1c\r" + "\r\n".join(oru(1))).encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(SEED))
def test_mutated_hl7_only_raises_sentinelle_errors(data: bytes) -> None:
    sniff_format(data, "fuzz.hl7")
    consume(Source.from_bytes("fuzz.hl7", data))


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f", "a|b^c&d~e\\f"),
        ("ligne\\.br\\suite", "ligne\nsuite"),
        ("\\H\\gras\\N\\ \\X4869\\", "gras Hi"),
        ("vide \\\\ et \\Xzz\\ fin", "vide  et  fin"),
        ("sans séquence", "sans séquence"),
    ],
)
def test_unescape(raw: str, text: str) -> None:
    assert hl7v2.unescape(raw, "\r|~^&", "\\") == text


def test_malformed_escapes_log_nothing(caplog: pytest.LogCaptureFixture) -> None:
    msg = f"MSH|^~\\&|A|B|C|D|20240101||ADT^A28|1|P|2.5\rPID|1||{NIR0}\\\\^^^{INS}||A\\\\B"
    with caplog.at_level("DEBUG"):
        (row,) = rows(msg.encode())
    assert row[hl7v2.H_NOM] == "AB"
    assert caplog.records == []


def test_message_size_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hl7v2, "_SEGMENT_LIMIT", 100_000)
    body = "\r".join(["MSH|^~\\&|A", "PID|1||1"] + ["NTE|1||" + "x" * 1000] * 200)
    options = ReadOptions(chunk_bytes=1000, max_line_bytes=1000)
    with pytest.raises(LimitExceeded) as info:
        list(read_source(Source.from_bytes("big.hl7", body.encode()), options))
    assert str(info.value) == "big.hl7: message at line 1 longer than 100000 bytes"


@pytest.mark.parametrize(
    ("code", "label", "typing"),
    [
        ("GSRH", "Groupe sanguin ABO RH1", True),
        ("X1", "Phénotype RH-KEL1", True),
        ("X2", "Antigène Kell (KEL1)", True),
        ("RAI", "Anticorps anti-Kell", False),
        ("X3", "Phénotype lymphocytaire", False),
        ("GLY", "Glycémie", False),
    ],
)
def test_blood_typing_codes_and_labels(code: str, label: str, typing: bool) -> None:
    from sentinelle.readers._blood import is_blood_typing

    assert is_blood_typing(code, label) is typing
