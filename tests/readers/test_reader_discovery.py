"""Reader discovery and format sniffing."""

from __future__ import annotations

from sentinelle.readers import readers, sniff_format
from sentinelle.readers.base import ReadOptions, Source


def test_reader_modules_are_discovered() -> None:
    found = {r.format: r.module for r in readers()}
    # Discovery, not registration: every reader module of the package is found.
    assert found == {
        "7z": "sentinelle.readers.archive_7z",
        "bzip2": "sentinelle.readers.compressed_bzip2",
        "csv": "sentinelle.readers.delimited",
        "docx": "sentinelle.readers.office",
        "email": "sentinelle.readers.email",
        "gzip": "sentinelle.readers.compressed_gzip",
        "hl7": "sentinelle.readers.hl7v2",
        "hprim": "sentinelle.readers.hprim_sante",
        "hprim-net": "sentinelle.readers.hprim_net",
        "json": "sentinelle.readers.jsondoc",
        "parquet": "sentinelle.readers.columnar",
        "pdf": "sentinelle.readers.pdf",
        "sql": "sentinelle.readers.sqldump",
        "sqlite": "sentinelle.readers.sqlite",
        "tar": "sentinelle.readers.archive_tar",
        "text": "sentinelle.readers.plaintext",
        "xlsx": "sentinelle.readers.excel",
        "xml": "sentinelle.readers.xmldoc",
        "xz": "sentinelle.readers.compressed_xz",
        "zip": "sentinelle.readers.archive_zip",
        "zstd": "sentinelle.readers.compressed_zstd",
    }
    for reader in readers():
        assert callable(reader.sniff) and callable(reader.read)


def test_sniff_format_table() -> None:
    cases = {
        (b"nom;prenom\nDUPONT;JEAN\nMARTIN;ANNE\n", "a.csv"): "csv",
        (b"nom\tprenom\nDUPONT\tJEAN\nMARTIN\tANNE\n", "a.tsv"): "csv",
        ("Compte rendu : RAS.\nÀ revoir.\n".encode("cp1252"), "cr.txt"): "text",
        (b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)), "a.csv"): None,
        (b"", "a.csv"): None,
        (b"a;b\n1;2", "a.csv"): "csv",  # whole content, no final newline
    }
    for (head, name), expected in cases.items():
        assert sniff_format(head, name) == expected, name


def test_tab_delimited_chunks_say_tsv() -> None:
    from sentinelle.readers import read_source

    (table,) = read_source(Source.from_bytes("a.txt", b"a\tb\n1\t2\n3\t4\n"), ReadOptions())
    assert table.format == "tsv"
