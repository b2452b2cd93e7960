"""Fuzz target: mutated bytes of every input format fed to ``read_source``.

The property: whatever the bytes, reading them (and, recursively, the members of an
archive, as the scan driver does) raises nothing but :class:`sentinelle.SentinelleError`
subclasses, and finishes. Run with atheris (https://github.com/google/atheris; not a
project dependency, it may not build everywhere)::

    pip install atheris
    python fuzz/fuzz_readers.py --write-corpus fuzz/corpus   # seeds, one per format
    python fuzz/fuzz_readers.py fuzz/corpus -max_total_time=600

An input is one selector byte (which seed name, hence which file name hint) followed by
the file content. The Hypothesis test ``tests/readers/test_archives_fuzz.py`` runs the same
harness on mutated seeds in CI.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import sqlite3
import sys
import tarfile
import zipfile
from functools import lru_cache
from pathlib import Path

from sentinelle.errors import SentinelleError
from sentinelle.readers import read_source
from sentinelle.readers.base import ReadOptions, Source

#: Small limits: a mutated archive may claim anything; the harness must stay fast.
OPTIONS = ReadOptions(chunk_bytes=64 * 1024, chunk_rows=500, max_line_bytes=256 * 1024,
                      max_member_bytes=4 * 1024 * 1024, max_expanded_bytes=16 * 1024 * 1024,
                      max_members=200, max_depth=4)

CSV = (b"nom;prenom;nir;telephone;commentaire\n"
       b"DUPONT;Jeanne;185037510002397;0612345678;enceinte\n"
       b"MARTIN;Paul;292027512045690;+33 6 98 76 54 32;VIH negatif\n")
HL7 = (b"MSH|^~\\&|LAB|X|Y|Z|202001011200||ORU^R01|1|P|2.5\r"
       b"PID|1||185037510002397^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS||"
       b"DUPONT^JEANNE||19850312|F|||1 rue de la Paix^^Rennes^^35000||0612345678\r"
       b"OBX|1|TX|GLU^Glucose||5.2|mmol/L|||||F\r")
HPRIM = (b"H|~^\\&|||LAB|||||||P|H2.2|202001011200\r\n"
         b"P|1||185037510002397||DUPONT~JEANNE||19850312|F\r\n"
         b"OBX|1|NM|GLU~Glucose||5.2|mmol/L|||||F\r\nL|1\r\n")
SQL = (b"CREATE TABLE patient (nom varchar(40), nir char(15));\n"
       b"INSERT INTO patient VALUES ('DUPONT','185037510002397'),('MARTIN','292027512045690');\n"
       b"COPY patient (nom, nir) FROM stdin;\nPETIT\t169013305555506\n\\.\n")
EML = (b"From: labo@example.org\r\nTo: dr@example.org\r\nSubject: resultats\r\n"
       b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\n"
       b"Content-Type: text/plain\r\n\r\nPatiente DUPONT, NIR 185037510002397\r\n--XX\r\n"
       b"Content-Type: text/csv; name=p.csv\r\nContent-Disposition: attachment; filename=p.csv"
       b"\r\n\r\n" + CSV.replace(b"\n", b"\r\n") + b"--XX--\r\n")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _tar(members: dict[str, bytes], mode: str = "w") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _sqlite() -> bytes:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE patient (nom TEXT, nir TEXT)")
    db.execute("INSERT INTO patient VALUES ('DUPONT', '185037510002397')")
    db.commit()
    data = db.serialize()
    db.close()
    return data


def _optional_seeds() -> dict[str, bytes]:
    """Seeds that need a writer library; absent libraries just mean fewer seeds."""
    out: dict[str, bytes] = {}
    try:
        import xlsxwriter

        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = book.add_worksheet()
        for row, values in enumerate([("nom", "nir"), ("DUPONT", "185037510002397")]):
            for col, value in enumerate(values):
                sheet.write_string(row, col, value)
        book.close()
        out["book.xlsx"] = buffer.getvalue()
    except ImportError:
        pass
    try:
        import py7zr

        buffer = io.BytesIO()
        with py7zr.SevenZipFile(buffer, "w") as archive:
            archive.writestr(CSV, "p.csv")
        out["a.7z"] = buffer.getvalue()
    except ImportError:
        pass
    try:
        import zstandard

        out["p.csv.zst"] = zstandard.ZstdCompressor().compress(CSV)
    except ImportError:
        pass
    try:
        import polars as pl

        buffer = io.BytesIO()
        pl.DataFrame({"nom": ["DUPONT"], "nir": ["185037510002397"]}).write_parquet(buffer)
        out["t.parquet"] = buffer.getvalue()
    except Exception:  # polars built without parquet writing: no seed
        pass
    try:
        from pypdf import PdfWriter

        buffer = io.BytesIO()
        writer = PdfWriter()
        writer.add_blank_page(width=200, height=200)
        writer.write(buffer)
        out["r.pdf"] = buffer.getvalue()
    except ImportError:
        pass
    return out


@lru_cache(maxsize=1)
def seeds() -> tuple[tuple[str, bytes], ...]:
    """(file name, content) of one small valid file per format, sorted by name."""
    found = {
        "p.csv": CSV,
        "note.txt": "Compte rendu : patiente enceinte, suivi diabète.\n".encode(),
        "p.json": json.dumps({"resourceType": "Patient", "identifier": [
            {"system": "urn:oid:1.2.250.1.213.1.4.8", "value": "185037510002397"}],
            "name": [{"family": "DUPONT", "given": ["Jeanne"]}]}).encode(),
        "p.ndjson": b'{"nom": "DUPONT", "nir": "185037510002397"}\n{"nom": "MARTIN"}\n',
        "p.xml": b"<patients><patient><nom>DUPONT</nom><nir>185037510002397</nir></patient>"
                 b"</patients>",
        "m.hl7": HL7,
        "r.hpr": HPRIM,
        "dump.sql": SQL,
        "db.sqlite": _sqlite(),
        "mail.eml": EML,
        "a.zip": _zip({"lot/p.csv": CSV, "m.hl7": HL7}),
        "a.tar": _tar({"p.csv": CSV}),
        "a.tar.gz": _tar({"p.csv": CSV, "dump.sql": SQL}, "w:gz"),
        "a.tar.bz2": _tar({"p.csv": CSV}, "w:bz2"),
        "a.tar.xz": _tar({"p.csv": CSV}, "w:xz"),
        "p.csv.gz": gzip.compress(CSV),
        "p.csv.bz2": bz2.compress(CSV),
        "p.csv.xz": lzma.compress(CSV),
        "nested.zip": _zip({"inner.tar.gz": _tar({"p.csv": CSV, "m.hl7": HL7}, "w:gz")}),
    }
    found.update(_optional_seeds())
    return tuple(sorted(found.items()))


def consume(source: Source, options: ReadOptions = OPTIONS) -> int:
    """Read every chunk of ``source`` and, recursively, of its members; a member's error
    is caught as the scan driver catches it. Returns the number of items seen."""
    seen = 0
    for item in read_source(source, options):
        seen += 1
        if isinstance(item, Source):
            try:
                seen += consume(item, options)
            except SentinelleError:
                pass
    return seen


def check(name: str, data: bytes) -> None:
    """The fuzz property for one input: only SentinelleError may escape."""
    try:
        consume(Source.from_bytes(name, data))
    except SentinelleError:
        pass


def TestOneInput(data: bytes) -> None:
    if not data:
        return
    names = seeds()
    name = names[data[0] % len(names)][0]
    check(name, data[1:])


def write_corpus(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for index, (name, data) in enumerate(seeds()):
        (directory / f"{index:02d}_{name}").write_bytes(bytes([index]) + data)


def main(argv: list[str]) -> None:
    if len(argv) > 2 and argv[1] == "--write-corpus":
        write_corpus(Path(argv[2]))
        return
    import atheris

    atheris.Setup(argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
