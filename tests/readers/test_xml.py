"""XML reader: records from repeated elements, FHIR XML, refused DTDs, broken input."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

import pytest
from _structured_samples import (
    HEADER,
    PATIENTS,
    SECRET,
    by_part,
    consume_only_project_errors,
    mutated,
    read_all,
)
from hypothesis import HealthCheck, given, settings

from sentinelle.errors import InputError
from sentinelle.readers import sniff_format, xmldoc
from sentinelle.readers.base import ReadOptions, Source


def patient_xml(p: tuple[str, ...], n: int) -> str:
    cells = "".join(f"<{h}>{escape(v)}</{h}>" for h, v in zip(HEADER, p, strict=True))
    return f'  <patient id="{n}">{cells}</patient>\n'


EXPORT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<export date="2020-10-01" xmlns:lab="urn:example:lab">\n'
    "  <labo>LBM Test</labo>\n"
    "  <patients>\n"
    + "".join(patient_xml(p, n) for n, p in enumerate(PATIENTS, start=1))
    + "  </patients>\n"
    '  <medecins><lab:medecin rpps="10003456789">Dr Petit</lab:medecin>'
    '<lab:medecin rpps="10001234567">Dr Grand</lab:medecin></medecins>\n'
    "</export>\n"
)


def test_repeated_elements_are_rows_with_named_parts() -> None:
    tables = read_all(EXPORT.encode(), "export.xml")
    parts = {t.part: t for t in tables}
    assert set(parts) == {"patient", "medecin", None}
    patient = parts["patient"]
    assert patient.header == ["id", *HEADER]
    assert patient.frame.rows() == [(str(n), *p) for n, p in enumerate(PATIENTS, start=1)]
    assert patient.first_line == 5
    assert parts["medecin"].header == ["rpps", "medecin"]
    assert parts["medecin"].frame.rows() == [
        ("10003456789", "Dr Petit"),
        ("10001234567", "Dr Grand"),
    ]
    assert parts[None].header == ["date", "labo"]
    assert parts[None].frame.rows() == [("2020-10-01", "LBM Test")]
    assert {t.format for t in tables} == {"xml"}


def test_single_table_document_has_no_part_and_chunks() -> None:
    doc = "<patients>" + "".join(patient_xml(p, n) for n, p in enumerate(PATIENTS)) + "</patients>"
    tables = read_all(doc.encode(), "p.xml", ReadOptions(chunk_rows=2))
    assert [(t.part, t.row_offset, t.frame.height) for t in tables] == [(None, 0, 2), (None, 2, 1)]


def test_nested_children_and_repeats() -> None:
    doc = (
        "<liste>"
        "<p><nom>DUPONT</nom><tel>0612345678</tel><tel>0698765432</tel>"
        '<adresse type="domicile"><ville>Paris</ville></adresse></p>'
        "<p><nom>MARTIN</nom></p>"
        "</liste>"
    )
    (table,) = read_all(doc.encode(), "l.xml")
    assert table.header == ["nom", "tel", "tel", "adresse@type", "adresse.ville"]
    assert table.frame.columns == ["nom", "tel", "tel_2", "adresse@type", "adresse.ville"]
    assert table.frame.rows() == [
        ("DUPONT", "0612345678", "0698765432", "domicile", "Paris"),
        ("MARTIN", None, None, None, None),
    ]


def fhir_patient(p: tuple[str, ...]) -> str:
    nir, nom, prenom, tel, ddn, _ = p
    return (
        '<Patient><identifier><system value="urn:oid:1.2.250.1.71.4.2.7"/>'
        '<value value="IPP1"/></identifier>'
        f'<identifier><system value="urn:oid:1.2.250.1.213.1.4.8"/><value value={quoteattr(nir)}/>'
        f"</identifier><name><family value={quoteattr(nom)}/>"
        f"<given value={quoteattr(prenom)}/></name>"
        f'<telecom><system value="phone"/><value value={quoteattr(tel)}/></telecom>'
        f"<birthDate value={quoteattr(ddn)}/></Patient>"
    )


FHIR_LABELS = [
    "identifier.system",
    "identifier.value",
    "identifier.system",
    "INS-NIR identifier.value",
    "name.family",
    "name.given",
    "telecom.system",
    "phone telecom.value",
    "birthDate",
]


def test_fhir_xml_patient_and_bundle() -> None:
    single = fhir_patient(PATIENTS[0]).replace("<Patient>", '<Patient xmlns="http://hl7.org/fhir">')
    (table,) = read_all(single.encode(), "p.xml")
    assert table.part == "Patient"
    assert table.header == FHIR_LABELS
    assert table.frame["INS-NIR identifier.value"].to_list() == [PATIENTS[0][0]]
    bundle = (
        '<Bundle xmlns="http://hl7.org/fhir"><type value="collection"/>'
        + "".join(f"<entry><resource>{fhir_patient(p)}</resource></entry>" for p in PATIENTS)
        + "<entry><resource><Observation>"
        + '<valueString value="VIH"/></Observation></resource></entry>'
        + "</Bundle>"
    )
    parts = by_part(read_all(bundle.encode(), "b.xml"))
    assert set(parts) == {"Patient", "Observation", "Bundle"}
    assert parts["Bundle"] == [("collection",)]
    tables = {t.part: t for t in read_all(bundle.encode(), "b.xml")}
    assert tables["Patient"].frame["INS-NIR identifier.value"].to_list() == [p[0] for p in PATIENTS]
    assert parts["Observation"] == [("VIH",)]


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        (
            (
                '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa">'
                '<!ENTITY b "&a;&a;&a;">]><l>&b;</l>'
            ),
            r"internal DTD subset refused \(line 1\)",
        ),
        (
            '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
            "internal DTD subset refused",
        ),
    ],
)
def test_entity_tricks_are_refused(doc: str, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        read_all(doc.encode(), "evil.xml")


def test_external_dtd_is_never_fetched_but_the_document_is_read() -> None:
    doc = b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/never.dtd"><r><a>1</a><a>2</a></r>'
    assert by_part(read_all(doc, "r.xml")) == {None: [("1",), ("2",)]}


def test_truncated_xml_gives_the_records_before_the_cut() -> None:
    data = EXPORT.encode()
    cut = data.index(b'<patient id="3"') + 20
    got: list[object] = []
    with pytest.raises(InputError, match=r"^t\.xml: invalid XML at line \d+ column \d+") as info:
        for table in xmldoc.read(Source.from_bytes("t.xml", data[:cut]), ReadOptions()):
            got.extend(table.frame.rows())
    assert got == [(str(n), *p) for n, p in enumerate(PATIENTS[:2], start=1)]
    assert SECRET not in str(info.value)


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_encodings(encoding: str) -> None:
    declared = "windows-1252" if encoding == "cp1252" else "UTF-16"
    doc = f'<?xml version="1.0" encoding="{declared}"?><r><nom>Hélène</nom><nom>Zoé</nom></r>'
    assert by_part(read_all(doc.encode(encoding), "e.xml")) == {None: [("Hélène",), ("Zoé",)]}
    bare = "<r><nom>Hélène</nom><nom>Zoé</nom></r>".encode("cp1252")  # no declaration
    assert by_part(read_all(bare, "e.xml")) == {None: [("Hélène",), ("Zoé",)]}


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<?xml version="1.0"?><a/>', 0.97),
        (b"<patients><patient>", 0.92),
        (b"<!DOCTYPE html><html><body>", 0.0),
        (b"<html><head>", 0.0),
        (b"a < b and c > d", 0.0),
        (b"<not xml at all & <", 0.0),
    ],
)
def test_sniff(head: bytes, expected: float) -> None:
    assert xmldoc.sniff(head, "x") == expected


def test_sniff_format_picks_xml_over_text() -> None:
    assert sniff_format(EXPORT.encode(), "export.txt") == "xml"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(EXPORT.encode()))
def test_mutated_xml_only_raises_project_errors(data: bytes) -> None:
    consume_only_project_errors(data, "fuzz.xml", ReadOptions(chunk_rows=2))
