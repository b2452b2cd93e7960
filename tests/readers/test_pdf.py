"""PDF reader: text layer per page, embedded files, encrypted and broken PDFs; fuzz."""

from __future__ import annotations

import pytest
from _mutations import mutated
from fpdf import FPDF
from hypothesis import HealthCheck, example, given, settings

from sentinelle.errors import InputError, SentinelleError, UnsupportedFormat
from sentinelle.readers import pdf, read_source, sniff_format
from sentinelle.readers.base import ReadOptions, Skip, Source, Table, Text

NIR_SPACED = "1 85 03 75 101 023 67"
PAGE1 = [f"Patient : DUPONT Jean, NIR {NIR_SPACED}", "Sérologie VIH positive. Grossesse en cours."]
PAGE2 = ["Dr MEDECIN Paul, RPPS 10001234565"]


def make_pdf(pages: list[list[str]], **encryption: str) -> bytes:
    doc = FPDF()
    if encryption:
        doc.set_encryption(**encryption)  # type: ignore[arg-type]
    doc.set_font("helvetica", size=12)
    for lines in pages:
        doc.add_page()
        for line in lines:
            doc.cell(text=line)
            doc.ln()
    return bytes(doc.output())


def items(data: bytes, path: str = "cr.pdf") -> list[object]:
    return list(read_source(Source.from_bytes(path, data)))


def test_text_layer_page_by_page() -> None:
    got = items(make_pdf([PAGE1, PAGE2]))
    assert got == [
        Text("\n".join(PAGE1), "pdf", first_line=1, extra={"page": "1"}),
        Text("\n".join(PAGE2), "pdf", first_line=3, extra={"page": "2"}),
    ]


def test_embedded_file_is_a_nested_source_read_as_csv() -> None:
    doc = FPDF()
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.cell(text="Liste jointe")
    doc.embed_file(basename="liste!1.csv", bytes=b"nir;nom\n185037510102367;DUPONT\n")
    got = items(bytes(doc.output()))
    assert isinstance(got[0], Text) and got[0].text == "Liste jointe"
    (nested,) = [i for i in got if isinstance(i, Source)]
    assert nested.path == "cr.pdf!liste_1.csv"
    (table,) = list(read_source(nested))
    assert isinstance(table, Table) and table.header == ["nir", "nom"]
    assert table.frame.rows() == [("185037510102367", "DUPONT")]


def test_owner_password_only_is_readable() -> None:
    got = items(make_pdf([PAGE2], owner_password="proprietaire"))
    assert [t.text for t in got if isinstance(t, Text)] == ["\n".join(PAGE2)]


def test_user_password_is_a_clear_error() -> None:
    data = make_pdf([PAGE1], owner_password="o", user_password="secret")
    with pytest.raises(UnsupportedFormat) as info:
        items(data, "locked.pdf")
    assert str(info.value) == "locked.pdf: encrypted PDF (password required), text not read"


def test_pdf_without_text_says_so() -> None:
    doc = FPDF()
    doc.add_page()
    doc.rect(10, 10, 50, 50)
    (chunk,) = items(bytes(doc.output()))
    assert isinstance(chunk, Text) and chunk.text == ""
    assert chunk.warnings == ["no text layer found (scanned images are not read)"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.7\n" + bytes(range(256)) * 8, "not a readable PDF"),
        (make_pdf([PAGE1])[:400], "not a readable PDF"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF",
         "not a readable PDF"),
    ],
    ids=["garbage-after-header", "truncated", "no-xref-no-pages"],
)
def test_broken_pdf_is_a_clear_error(data: bytes, reason: str) -> None:
    with pytest.raises(UnsupportedFormat) as info:
        items(data, "broken.pdf")
    message = str(info.value)
    assert message.startswith("broken.pdf: ") and reason in message
    assert "DUPONT" not in message and NIR_SPACED not in message


def test_not_a_pdf_named_pdf() -> None:
    with pytest.raises(UnsupportedFormat, match="binary content"):
        items(bytes(range(256)) * 4, "fake.pdf")
    with pytest.raises(UnsupportedFormat, match="no %PDF- header"):
        list(pdf.read(Source.from_bytes("fake.pdf", b"hello, not a pdf")))
    with pytest.raises(InputError, match="empty file"):
        list(pdf.read(Source.from_bytes("fake.pdf", b"")))


@pytest.mark.parametrize(
    ("head", "score"),
    [(b"%PDF-1.7\n", 0.98), (b"\r\n  %PDF-1.4", 0.95), (b"x" * 2000 + b"%PDF-", 0.0),
     (b"nom;prenom\n", 0.0)],
)
def test_sniff(head: bytes, score: float) -> None:
    assert pdf.sniff(head, "x.pdf") == score


def test_sniff_format_prefers_pdf() -> None:
    assert sniff_format(make_pdf([PAGE1]), "export.csv") == "pdf"


SEED = make_pdf([PAGE1, PAGE2])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(SEED))
@example(data=b"[ 8")
def test_mutated_pdf_only_raises_sentinelle_errors(data: bytes) -> None:
    sniff_format(data, "fuzz.pdf")
    try:
        for item in read_source(Source.from_bytes("fuzz.pdf", data), ReadOptions()):
            # a mutation can turn the bytes into another format ("[ 8" is JSON)
            assert isinstance(item, Text | Table | Source | Skip)
    except SentinelleError as exc:
        assert str(exc).startswith("fuzz.pdf: ")
