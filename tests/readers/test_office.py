"""DOCX and ODT reader: paragraphs, tables, headers, tracked changes, limits, junk; fuzz."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from _mutations import mutated
from hypothesis import HealthCheck, given, settings
from odf.opendocument import OpenDocumentText
from odf.table import Table as OdfTable
from odf.table import TableCell, TableColumn, TableRow
from odf.text import H as OdfH
from odf.text import P, S, Span

from sentinelle.errors import LimitExceeded, SentinelleError, UnsupportedFormat
from sentinelle.readers import office, read_source, sniff_format
from sentinelle.readers.base import ReadOptions, Skip, Source, Table, Text

NIR = "185037510102367"
NOTE = "Compte rendu : patiente enceinte, sérologie VIH positive."
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def make_docx() -> bytes:
    doc = docx.Document()
    doc.add_paragraph(NOTE)
    para = doc.add_paragraph("NIR ")
    para.add_run("1 85 03 75 ").bold = True
    para.add_run("101 023 67")
    table = doc.add_table(rows=2, cols=3)
    for i, v in enumerate(["NOM", "PRENOM", "NIR"]):
        table.cell(0, i).text = v
    for i, v in enumerate(["DUPONT", "Jean", NIR]):
        table.cell(1, i).text = v
    doc.sections[0].header.paragraphs[0].text = "Dr MEDECIN Paul"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def items(data: bytes, path: str = "lettre.docx", **options: object) -> list[object]:
    return list(read_source(Source.from_bytes(path, data), ReadOptions(**options)))  # type: ignore[arg-type]


def texts(data: bytes, path: str = "lettre.docx", **options: object) -> list[Text]:
    return [t for t in items(data, path, **options) if isinstance(t, Text)]


def test_docx_paragraphs_tables_and_header() -> None:
    data = make_docx()
    assert sniff_format(data, "lettre.bin") == "docx"
    got = items(data)
    assert got[0] == Text(f"{NOTE}\nNIR 1 85 03 75 101 023 67", "docx", first_line=1,
                          extra={"part": "word/document.xml"})
    table = got[1]
    assert isinstance(table, Table)
    assert (table.part, table.format, table.header) == ("table-1", "docx", ["NOM", "PRENOM", "NIR"])
    assert table.frame.rows(named=True) == [{"NOM": "DUPONT", "PRENOM": "Jean", "NIR": NIR}]
    assert got[2:] == [
        Text("Dr MEDECIN Paul", "docx", first_line=1, extra={"part": "word/header1.xml"}),
    ]


def test_docx_tables_without_header_and_layout_tables() -> None:
    def tbl(rows: list[list[str]]) -> str:
        cells = "".join(
            "<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>" for c in r)
            + "</w:tr>" for r in rows)
        return f"<w:tbl>{cells}</w:tbl>"

    body = (tbl([["DUPONT", NIR], ["MARTIN", "285037510102345"], ["SOLO"]])
            + tbl([["Signature", "Cachet"]])
            + tbl([["a"], ["b"]]))
    got = items(docx_with(body))
    table = got[0]
    assert isinstance(table, Table) and table.header is None and table.part == "table-1"
    assert table.frame.rows() == [("DUPONT", NIR), ("MARTIN", "285037510102345"), ("SOLO", None)]
    assert got[1:] == [Text("Signature | Cachet\na\nb", "docx", first_line=1,
                            extra={"part": "word/document.xml"})]


def package(parts: dict[str, bytes | str], first: tuple[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        if first:
            z.writestr(zipfile.ZipInfo(first[0]), first[1], compress_type=zipfile.ZIP_STORED)
        for name, content in parts.items():
            z.writestr(name, content)
    return out.getvalue()


def docx_with(body: str, **extra: bytes | str) -> bytes:
    document = f'<?xml version="1.0"?><w:document {W} {MC}><w:body>{body}</w:body></w:document>'
    return package({"[Content_Types].xml": "<Types/>", "word/document.xml": document, **extra})


def test_docx_tracked_deletions_tabs_breaks_and_textbox_fallback() -> None:
    body = (
        "<w:p><w:pPr><w:tabs><w:tab w:val='left' w:pos='100'/></w:tabs></w:pPr>"
        "<w:r><w:t>NIR</w:t><w:tab/><w:t>1 85</w:t><w:br/><w:t>suite</w:t></w:r></w:p>"
        f"<w:p><w:del><w:r><w:delText>{NIR}</w:delText></w:r></w:del></w:p>"
        "<w:p><mc:AlternateContent><mc:Choice><w:p><w:r><w:t>boite</w:t></w:r></w:p></mc:Choice>"
        "<mc:Fallback><w:p><w:r><w:t>boite</w:t></w:r></w:p></mc:Fallback></mc:AlternateContent>"
        "</w:p>"
    )
    (chunk,) = texts(docx_with(body))
    assert chunk.text == f"NIR\t1 85\nsuite\n{NIR}\nboite"


def test_docx_embedded_object_is_a_nested_source() -> None:
    body = "<w:p><w:r><w:t>Voir tableau</w:t></w:r></w:p>"
    csv = "nir;nom\n" + f"{NIR};DUPONT\n" * 40
    data = docx_with(body, **{"word/embeddings/liste.csv": csv})
    got = list(read_source(Source.from_bytes("l.docx", data)))
    (nested,) = [i for i in got if isinstance(i, Source)]
    assert nested.path == "l.docx!word/embeddings/liste.csv"
    (table,) = list(read_source(nested))
    assert table.frame.rows() == [(NIR, "DUPONT")] * 40  # type: ignore[union-attr]
    small = list(read_source(Source.from_bytes("l.docx", data), ReadOptions(max_member_bytes=600)))
    assert [i.path for i in small if isinstance(i, Skip)] == ["l.docx!word/embeddings/liste.csv"]


def make_odt() -> bytes:
    doc = OpenDocumentText()
    doc.text.addElement(OdfH(outlinelevel=1, text="Compte rendu"))
    para = P(text="Patiente ")
    para.addElement(Span(text="enceinte"))
    para.addElement(S(c=3))
    para.addText("suivie.")
    doc.text.addElement(para)
    table = OdfTable(name="Patients")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for row_values in (["NOM", "NIR"], ["DUPONT", NIR]):
        row = TableRow()
        for value in row_values:
            cell = TableCell()
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    doc.text.addElement(table)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_odt_paragraphs_spaces_and_tables() -> None:
    data = make_odt()
    assert office.sniff(data[:4096], "x") == 0.97
    assert sniff_format(data, "x.bin") == "docx"  # the office reader's format name
    chunk, table = items(data, "cr.odt")
    assert isinstance(chunk, Text) and isinstance(table, Table)
    assert chunk.format == "odt" and chunk.extra == {"part": "content.xml"}
    assert chunk.text == "Compte rendu\nPatiente enceinte   suivie."
    assert (table.part, table.format, table.header) == ("table-1", "odt", ["NOM", "NIR"])
    assert table.frame.rows() == [("DUPONT", NIR)]


def test_encrypted_odt_is_refused_clearly() -> None:
    manifest = "<manifest:manifest><manifest:encryption-data/></manifest:manifest>"
    data = package({"content.xml": b"\x8f\x01garbage", "META-INF/manifest.xml": manifest},
                   first=("mimetype", b"application/vnd.oasis.opendocument.text"))
    with pytest.raises(UnsupportedFormat) as info:
        texts(data, "secret.odt")
    assert str(info.value) == "secret.odt: encrypted document (password required)"


def test_chunks_cut_between_paragraphs() -> None:
    body = "".join(f"<w:p><w:r><w:t>ligne {i}</w:t></w:r></w:p>" for i in range(100))
    got = texts(docx_with(body), chunk_bytes=100)
    assert len(got) > 5
    assert "\n".join(t.text for t in got) == "\n".join(f"ligne {i}" for i in range(100))
    lines = 1
    for chunk in got:
        assert chunk.first_line == lines
        lines += chunk.text.count("\n") + 1


@pytest.mark.parametrize(
    ("data", "options", "error", "reason"),
    [
        (make_docx()[:2000], ReadOptions(), UnsupportedFormat,
         "not a readable document (corrupt zip)"),
        (docx_with("<w:p><w:r><w:t>ouvert"), ReadOptions(), UnsupportedFormat,
         "word/document.xml is not well-formed XML"),
        (docx_with("<w:p><w:r><w:t>" + "x" * 3_000_000 + "</w:t></w:r></w:p>"),
         ReadOptions(max_ratio=50), LimitExceeded, "word/document.xml compression ratio over 50"),
        (make_docx(), ReadOptions(max_member_bytes=1000), LimitExceeded,
         "word/document.xml expands to more than 1000 bytes"),
        (package({"[Content_Types].xml": "<Types/>", "word/other.xml": "<x/>"}), ReadOptions(),
         UnsupportedFormat, "no word/document.xml or content.xml"),
    ],
    ids=["truncated", "broken-xml", "bomb-ratio", "too-big", "no-main-part"],
)
def test_broken_documents(data: bytes, options: ReadOptions, error: type, reason: str) -> None:
    with pytest.raises(error) as info:
        list(office.read(Source.from_bytes("bad.docx", data), options))
    assert str(info.value).startswith("bad.docx: ") and reason in str(info.value)
    assert NIR not in str(info.value)


@pytest.mark.parametrize(
    ("head", "name", "score"),
    [
        (make_docx()[:4096], "x", 0.96),
        (make_odt()[:4096], "x", 0.97),
        (package({"a.txt": "x"}), "lettre.docx", 0.9),
        (package({"a.txt": "x"}), "a.zip", 0.0),
        (b"%PDF-1.4", "x.docx", 0.0),
    ],
)
def test_sniff(head: bytes, name: str, score: float) -> None:
    assert office.sniff(head, name) == score


DOCUMENT_XML = zipfile.ZipFile(io.BytesIO(make_docx())).read("word/document.xml")
CONTENT_XML = zipfile.ZipFile(io.BytesIO(make_odt())).read("content.xml")


def check(data: bytes, path: str) -> None:
    sniff_format(data, path)
    try:
        for item in read_source(Source.from_bytes(path, data), ReadOptions(chunk_bytes=64)):
            assert isinstance(item, Text | Table | Source | Skip)
    except SentinelleError as exc:
        assert str(exc).startswith(path + ": ")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=mutated(make_docx()), xml=mutated(DOCUMENT_XML), odt=mutated(CONTENT_XML))
def test_mutated_office_only_raises_sentinelle_errors(raw: bytes, xml: bytes, odt: bytes) -> None:
    check(raw, "fuzz.docx")
    check(package({"[Content_Types].xml": "<Types/>", "word/document.xml": xml}), "fuzz.docx")
    check(package({"content.xml": odt}, first=("mimetype", b"application/vnd.oasis"
                                                           b".opendocument.text")), "fuzz.odt")
