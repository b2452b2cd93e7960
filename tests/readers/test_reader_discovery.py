"""Reader discovery and format sniffing."""

from __future__ import annotations

from sentinelle.readers import readers, sniff_format
from sentinelle.readers.base import ReadOptions, Source


def test_reader_modules_are_discovered() -> None:
    found = {r.format: r.module for r in readers()}
    assert found == {
        "csv": "sentinelle.readers.delimited",
        "text": "sentinelle.readers.plaintext",
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
