"""JSON / NDJSON reader: key paths as columns, parts, FHIR INS identifiers, broken input."""

from __future__ import annotations

import json

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
from hypothesis import strategies as st

from sentinelle.errors import InputError, LimitExceeded
from sentinelle.readers import jsondoc, sniff_format
from sentinelle.readers._records import MAX_REPEAT, flatten
from sentinelle.readers.base import ReadOptions, Source

RECORDS = [dict(zip(HEADER, p, strict=True)) for p in PATIENTS]
INS = "urn:oid:1.2.250.1.213.1.4.8"


def fhir_patient(n: int) -> dict[str, object]:
    nir, nom, prenom, tel, ddn, _ = PATIENTS[n]
    return {
        "resourceType": "Patient",
        "id": f"p{n}",
        "identifier": [
            {"system": "urn:oid:1.2.250.1.71.4.2.7", "value": f"IPP{n}"},
            {"use": "official", "system": INS, "value": nir},
        ],
        "name": [{"family": nom, "given": [prenom]}],
        "telecom": [
            {"system": "phone", "value": tel},
            {"system": "email", "value": f"p{n}@example.org"},
        ],
        "birthDate": ddn,
        "address": [{"line": ["1 rue de la Paix"], "city": "Paris", "postalCode": "75002"}],
    }


PATIENT_LABELS = [
    "resourceType",
    "id",
    "identifier.system",
    "identifier.value",
    "identifier.use",
    "identifier.system",
    "INS-NIR identifier.value",
    "name.family",
    "name.given",
    "telecom.system",
    "phone telecom.value",
    "telecom.system",
    "email telecom.value",
    "birthDate",
    "address.line",
    "address.city",
    "address.postalCode",
]


def test_top_level_array_is_one_table() -> None:
    data = json.dumps(RECORDS, indent=2).encode()
    tables = read_all(data, "export.json")
    assert len(tables) == 1
    table = tables[0]
    assert (table.part, table.format, table.header) == (None, "json", HEADER)
    assert table.frame.rows() == [tuple(p) for p in PATIENTS]
    assert table.first_line == 2


def test_chunks_and_line_numbers() -> None:
    data = ("[\n" + ",\n".join(json.dumps(r) for r in RECORDS) + "\n]\n").encode()
    tables = read_all(data, "export.json", ReadOptions(chunk_rows=2))
    assert [(t.first_line, t.row_offset, t.frame.height) for t in tables] == [(2, 0, 2), (4, 2, 1)]


def test_object_with_arrays_gives_named_parts_and_leftovers() -> None:
    doc = {
        "export": {"date": "2020-10-01", "labo": "LBM Test"},
        "data": {"patients": RECORDS[:2]},
        "medecins": [{"rpps": "10003456789", "nom": "Dr Petit"}],
        "par_nir": {PATIENTS[0][0]: {"nom": "DUPONT"}, PATIENTS[1][0]: {"nom": "MARTIN"}},
    }
    parts = by_part(read_all(json.dumps(doc).encode(), "e.json"))
    assert parts == {
        "data.patients": [tuple(p) for p in PATIENTS[:2]],
        "medecins": [("10003456789", "Dr Petit")],
        "par_nir": [(PATIENTS[0][0], "DUPONT"), (PATIENTS[1][0], "MARTIN")],
        None: [("2020-10-01", "LBM Test")],
    }
    headers = {t.part: t.header for t in read_all(json.dumps(doc).encode(), "e.json")}
    assert headers["par_nir"] == ["key", "value.nom"]  # identifiers never become labels
    assert headers[None] == ["export.date", "export.labo"]


def test_fhir_bundle_grouped_by_resource_type_with_ins_column() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:1", "resource": fhir_patient(0)},
            {"resource": {"resourceType": "Observation", "id": "o1", "valueString": "VIH"}},
            {"resource": fhir_patient(1)},
        ],
    }
    tables = read_all(json.dumps(bundle).encode(), "bundle.json")
    parts = {t.part: t for t in tables}
    assert set(parts) == {"Patient", "Observation", "Bundle"}
    patient = parts["Patient"]
    assert patient.header == PATIENT_LABELS
    column = patient.frame.columns[PATIENT_LABELS.index("INS-NIR identifier.value")]
    assert column == "INS-NIR identifier.value"
    assert patient.frame[column].to_list() == [PATIENTS[0][0], PATIENTS[1][0]]
    assert patient.frame["phone telecom.value"].to_list() == [PATIENTS[0][3], PATIENTS[1][3]]
    assert patient.frame["identifier.value"].to_list() == ["IPP0", "IPP1"]
    assert parts["Bundle"].header == ["resourceType", "type", "entry.fullUrl"]
    assert parts["Bundle"].frame.rows() == [("Bundle", "collection", "urn:uuid:1")]


@pytest.mark.parametrize(
    ("oid", "label"),
    [
        ("urn:oid:1.2.250.1.213.1.4.8", "INS-NIR"),
        ("1.2.250.1.213.1.4.9", "INS-NIA"),
        ("urn:oid:1.2.250.1.213.1.4.10", "INS-NIR-TEST"),
        ("urn:oid:1.2.250.1.213.1.4.11", "INS-NIR-DEMO"),
        ("urn:oid:1.2.250.1.213.1.4.1", None),
    ],
)
def test_ins_oids(oid: str, label: str | None) -> None:
    record = flatten({"identifier": [{"system": oid, "value": SECRET}]})
    expected = f"{label} identifier.value" if label else "identifier.value"
    assert record.values[expected] == SECRET


def test_single_resource_and_repeats_over_the_cap() -> None:
    tables = read_all(json.dumps(fhir_patient(2)).encode(), "p.json")
    assert [t.part for t in tables] == ["Patient"]
    record = flatten({"tel": [str(i) for i in range(MAX_REPEAT + 3)]})
    assert record.overflow
    assert (
        record.values[f"tel#{MAX_REPEAT}"]
        == f"{MAX_REPEAT - 1} {MAX_REPEAT} {MAX_REPEAT + 1} {MAX_REPEAT + 2}"
    )


def test_ndjson_streams_and_groups_fhir() -> None:
    lines = [json.dumps(fhir_patient(i)) for i in range(3)] + [json.dumps({"note": "x"})]
    tables = read_all(
        ("\n".join(lines) + "\n").encode(), "export.ndjson", ReadOptions(chunk_rows=2)
    )
    assert [(t.part, t.format, t.first_line, t.row_offset) for t in tables] == [
        ("Patient", "ndjson", 1, 0),
        ("Patient", "ndjson", 3, 2),
        (None, "ndjson", 4, 0),
    ]
    assert [r for t in tables[:2] for r in t.frame["INS-NIR identifier.value"]] == [
        p[0] for p in PATIENTS
    ]


def test_ndjson_bad_line_read_around_then_reported() -> None:
    data = b'{"nir": "185037510002397"}\n{"nir": \n{"nir": "269054958815780"}\n'
    got: list[object] = []
    with pytest.raises(InputError, match=r"1 lines are not valid JSON \(first at line 2\)") as info:
        for table in jsondoc.read(Source.from_bytes("a.ndjson", data), ReadOptions()):
            got.extend(table.frame["nir"].to_list())
    assert got == [PATIENTS[0][0], PATIENTS[1][0]]
    assert SECRET not in str(info.value)


def test_ndjson_line_limit() -> None:
    data = b'{"a": 1}\n{"b": "' + b"x" * 5000 + b'"}\n'
    with pytest.raises(LimitExceeded, match="line 2 longer than 1024 bytes"):
        read_all(data, "a.ndjson", ReadOptions(max_line_bytes=1024))


def test_syntax_error_after_good_records() -> None:
    data = ('[{"nir": "' + SECRET + '"}, {"nir": "x" oops}]').encode()
    got: list[object] = []
    with pytest.raises(InputError, match=r"^bad\.json: invalid JSON at line 1 column \d+") as info:
        for table in jsondoc.read(Source.from_bytes("bad.json", data), ReadOptions()):
            got.extend(table.frame["nir"].to_list())
    assert got == [SECRET]  # the record before the error is still read
    assert SECRET not in str(info.value)


def test_object_syntax_error_and_deep_nesting() -> None:
    with pytest.raises(InputError, match="invalid JSON at line 2 column"):
        read_all(b'{"nir":\n "185037510002397",}', "o.json")
    with pytest.raises(InputError, match="nested too deeply"):
        read_all(b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "deep.json")


def test_cp1252_json_is_read_with_a_warning() -> None:
    data = json.dumps([{"nom": "Hélène"}], ensure_ascii=False).encode("cp1252")
    (table,) = read_all(data, "a.json")
    assert table.frame.rows() == [("Hélène",)]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'[{"a": 1}]', "json"),
        (b'  {\n  "a": 1', "json"),
        (b"[1, 2, 3]", "json"),
        (b'{"a":1}\n{"a":2}\n', "json"),
        (b"[2021-01-01 12:00:00] ERROR disk full\n", "text"),
        (b"[INFO] started\n", "text"),
    ],
)
def test_sniff(head: bytes, expected: str) -> None:
    assert sniff_format(head, "x.log") == expected


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        mutated(
            json.dumps(
                {"resourceType": "Bundle", "entry": [{"resource": fhir_patient(0)}]}
            ).encode()
        ),
        mutated(json.dumps(RECORDS).encode()),
        mutated(("\n".join(json.dumps(r) for r in RECORDS)).encode()),
    )
)
def test_mutated_json_only_raises_project_errors(data: bytes) -> None:
    consume_only_project_errors(data, "fuzz.json", ReadOptions(chunk_rows=2, max_line_bytes=4096))
