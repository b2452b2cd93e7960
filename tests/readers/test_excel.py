"""Spreadsheet reader: xlsx / ods built in the test, every sheet, corrupt and hostile input."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import xlsxwriter
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
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table as OdsTable
from odf.table import TableCell, TableRow
from odf.text import P

from sentinelle.errors import InputError, LimitExceeded, UnsupportedFormat
from sentinelle.readers import excel, sniff_format
from sentinelle.readers.base import ReadOptions, Source


def make_xlsx() -> bytes:
    """Sheets: Patients (header + 3 rows, a NIR and a date stored typed), Vide (empty),
    Cache (hidden, headerless numbers), Medecins (starts at C3)."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet = book.add_worksheet("Patients")
    sheet.write_row(0, 0, HEADER)
    for r, (nir, nom, prenom, tel, ddn, note) in enumerate(PATIENTS, start=1):
        if r == 2:
            sheet.write_number(r, 0, int(nir))  # a NIR stored as a number
        else:
            sheet.write_string(r, 0, nir)
        sheet.write_row(r, 1, [nom, prenom])
        sheet.write_string(r, 3, tel)
        sheet.write_datetime(r, 4, dt.datetime.fromisoformat(ddn), date)
        sheet.write_string(r, 5, note)
    book.add_worksheet("Vide")
    hidden = book.add_worksheet("Cache")
    hidden.write_row(0, 0, [1, 2.5, True])
    hidden.write_row(1, 0, [3, 4, False])
    hidden.hide()
    medecins = book.add_worksheet("Medecins")
    medecins.write_row(2, 2, ["rpps", "nom"])
    medecins.write_row(3, 2, ["10003456789", "Dr Petit"])
    book.close()
    return buf.getvalue()


def make_ods() -> bytes:
    doc = OpenDocumentSpreadsheet()
    table = OdsTable(name="Patients")
    for values in [HEADER[:2], *[p[:2] for p in PATIENTS]]:
        row = TableRow()
        for value in values:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.write(buf)
    return buf.getvalue()


XLSX = make_xlsx()


def test_every_sheet_is_a_part_with_exact_cells() -> None:
    tables = read_all(XLSX, "lot/export.xlsx")
    assert [t.part for t in tables] == ["Patients", "Cache", "Medecins"]
    assert {t.format for t in tables} == {"xlsx"}
    patients, cache, medecins = tables
    assert patients.header == HEADER
    assert patients.frame.columns == HEADER
    assert patients.first_line == 2
    assert patients.frame.rows() == [tuple(p) for p in PATIENTS]
    assert cache.header is None
    assert cache.frame.columns == ["column_1", "column_2", "column_3"]
    assert cache.frame.rows() == [("1", "2.5", "true"), ("3", "4", "false")]
    assert medecins.header == ["", "", "rpps", "nom"]
    assert medecins.first_line == 4
    assert medecins.frame.rows() == [(None, None, "10003456789", "Dr Petit")]


def test_chunks_keep_row_positions() -> None:
    tables = [
        t for t in read_all(XLSX, "a.xlsx", ReadOptions(chunk_rows=2)) if t.part == "Patients"
    ]
    assert [(t.first_line, t.row_offset, t.frame.height) for t in tables] == [(2, 0, 2), (4, 2, 1)]
    assert all(t.frame.columns == HEADER for t in tables)


def test_forced_header_off() -> None:
    tables = read_all(XLSX, "a.xlsx", ReadOptions(has_header=False))
    assert tables[0].header is None
    assert tables[0].frame.row(0) == tuple(HEADER)
    assert tables[0].first_line == 1


def test_ods() -> None:
    tables = read_all(make_ods(), "a.ods")
    assert by_part(tables) == {"Patients": [p[:2] for p in PATIENTS]}
    assert tables[0].format == "ods"
    assert tables[0].header == HEADER[:2]


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (XLSX[:4096], "x.bin", 0.97),
        (make_ods()[:4096], "x", 0.97),
        (
            bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 500 + "Workbook".encode("utf-16-le"),
            "a",
            0.97,
        ),
        (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 500, "old.xls", 0.6),
        (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 500, "memo.doc", 0.3),
        (b"PK\x03\x04" + b"\0" * 26 + b"word/document.xml", "a.xlsx", 0.0),
        (b"nom;prenom\nDUPONT;JEAN\n", "a.xlsx", 0.0),
    ],
)
def test_sniff(head: bytes, name: str, expected: float) -> None:
    assert excel.sniff(head, name) == expected


def test_plain_zip_is_not_a_workbook() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("patients.csv", "nir;nom\n")
    assert excel.sniff(buf.getvalue(), "a.zip") == 0.0
    assert sniff_format(XLSX[:65536], "renamed.csv") == "xlsx"


def test_corrupt_xlsx_names_the_path_only() -> None:
    with pytest.raises(InputError, match=r"^lot/a\.xlsx: corrupt workbook") as info:
        read_all(XLSX[: len(XLSX) // 2], "lot/a.xlsx")
    assert SECRET not in str(info.value)


def test_encrypted_workbook() -> None:
    ole = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 200 + "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(InputError, match="encrypted workbook"):
        read_all(ole + b"\0" * 300, "secret.xlsx")


def test_ole2_without_workbook_is_unsupported() -> None:
    source = Source.from_bytes("memo.xls", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    with pytest.raises(UnsupportedFormat):
        list(excel.read(source, ReadOptions()))


def test_zip_bomb_member_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (4 * 1024 * 1024))
    with pytest.raises(LimitExceeded, match="zip bomb"):
        read_all(buf.getvalue(), "bomb.xlsx", ReadOptions(max_ratio=50.0))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(XLSX))
def test_mutated_xlsx_only_raises_project_errors(data: bytes) -> None:
    consume_only_project_errors(data, "fuzz.xlsx", ReadOptions(chunk_rows=2))


def test_sparse_sheet_spanning_the_whole_grid_is_refused_not_inflated(tmp_path) -> None:
    """Two cells at A1 and XFD1048576 would make calamine lay out 17 billion cells."""
    import xlsxwriter

    from sentinelle.errors import LimitExceeded
    from sentinelle.readers import read_source
    from sentinelle.readers.base import ReadOptions, Source

    path = tmp_path / "sparse.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Patients")
    sheet.write(0, 0, "NIR")
    sheet.write(1048575, 16383, "x")
    book.close()
    with pytest.raises(LimitExceeded, match=r"1,048,576 rows x 16,384 columns for 2 cells"):
        list(read_source(Source.from_path(path), ReadOptions()))
    # a lower limit refuses a dense sheet too; the default reads it
    dense = tmp_path / "dense.xlsx"
    book = xlsxwriter.Workbook(str(dense))
    sheet = book.add_worksheet()
    for r in range(30):
        for c in range(4):
            sheet.write(r, c, f"v{r}{c}")
    book.close()
    assert list(read_source(Source.from_path(dense), ReadOptions()))
    with pytest.raises(LimitExceeded):
        list(read_source(Source.from_path(dense), ReadOptions(max_sheet_cells=100)))
