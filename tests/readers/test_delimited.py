"""Delimited reader: round trips over delimiters x encodings x header x newline, quoting,
chunking, lenient fallbacks."""

from __future__ import annotations

import codecs
import csv
import io

import polars as pl
import pytest

from sentinelle.readers import delimited, read_source, sniff_format
from sentinelle.readers.base import ReadOptions, Source, Table

HEADER = ["nom", "prénom", "ville", "téléphone", "commentaire"]
# Synthetic values; every cell non-empty (empty cells read back as null by design).
ROWS_CP1252 = [
    ["DUPONT", "Hélène", "Saint-Étienne", "06 12 34 56 78", "Œuvre complète, l’été"],
    ["MARTIN", "Françoise", "Orléans", "07 98 76 54 32", "coût 12 € ; « RAS »"],
    ["BERNARD", "Zoé", "Besançon", "06 55 44 33 22", 'dit "ça va" | ok'],
    ["PETIT", "Noël", "Besançon", "06 00 11 22 33", "ligne 1\nligne 2"],
    ["ROUX", "Cécile", "Nîmes", "07 11 22 33 44", "tab\there"],
]
# latin-1 has no Œ ’ € « »: same rows without them.
ROWS_LATIN1 = [[c.translate({0x152: "OE", 0x2019: "'", 0x20AC: "EUR", 0xAB: "<", 0xBB: ">"})
                for c in row] for row in ROWS_CP1252]

ENCODINGS = {
    "utf-8": ("utf-8", {"utf-8"}),
    "utf-8-sig": ("utf-8-sig", {"utf-8-sig"}),
    "cp1252": ("cp1252", {"cp1252"}),
    "latin-1": ("latin-1", {"latin-1", "cp1252"}),  # same bytes decode the same either way
    "utf-16": ("utf-16", {"utf-16-le"}),
    "utf-16-be-bom": ("utf-16-be", {"utf-16-be"}),
}


def write_delimited(rows: list[list[str]], header: list[str] | None, delimiter: str,
                    newline: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(ENCODINGS[encoding][0])


def read_all(data: bytes, name: str = "export.csv", **options: object) -> list[Table]:
    options_ = ReadOptions(**options)  # type: ignore[arg-type]
    chunks = list(read_source(Source.from_bytes(name, data), options_))
    assert all(isinstance(c, Table) for c in chunks)
    return chunks  # type: ignore[return-value]


def rows_of(chunks: list[Table]) -> list[list[str | None]]:
    return [list(r) for c in chunks for r in c.frame.rows()]


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("with_header", [True, False])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_round_trip(delimiter: str, encoding: str, with_header: bool, newline: str) -> None:
    rows = ROWS_LATIN1 if encoding == "latin-1" else ROWS_CP1252
    text = write_delimited(rows, HEADER if with_header else None, delimiter, newline)
    chunks = read_all(encode(text, encoding))
    assert len(chunks) == 1
    table = chunks[0]
    assert rows_of(chunks) == rows
    assert table.header == (HEADER if with_header else None)
    assert table.encoding in ENCODINGS[encoding][1]
    assert table.format == ("tsv" if delimiter == "\t" else "csv")
    assert table.first_line == (2 if with_header else 1)
    assert table.row_offset == 0
    assert table.warnings == []
    assert table.extra["newline"] == ("crlf" if newline == "\r\n" else "lf")
    expected_cols = HEADER if with_header else [f"column_{i}" for i in range(1, 6)]
    assert table.frame.columns == expected_cols
    assert all(dtype == pl.String for dtype in table.frame.dtypes)


def test_headerless_export_first_row_is_data() -> None:
    text = (
        "DUPONT;JEAN;1850375123456;06 12 34 56 78\n"
        "MARTIN;PAUL;2690549123456;07 98 76 54 32\n"
        "PETIT;ANNE;2550814123456;06 55 44 33 22\n"
    )
    (table,) = read_all(text.encode())
    assert table.header is None
    assert table.frame.height == 3
    assert table.frame.row(0)[0] == "DUPONT"


def test_forced_header_and_delimiter() -> None:
    text = "a|b\n1|2\n"
    (table,) = read_all(text.encode(), has_header=False, delimiter="|")
    assert table.header is None and table.frame.rows() == [("a", "b"), ("1", "2")]


def test_leading_zeros_and_all_strings_kept() -> None:
    text = "cp;tel;dept\n01000;0612345678;2A\n"
    (table,) = read_all(text.encode())
    assert table.frame.rows() == [("01000", "0612345678", "2A")]


def test_header_only_file_gives_one_empty_chunk_with_header() -> None:
    (table,) = read_all(b"nom;prenom;ddn\n")
    assert table.header == ["nom", "prenom", "ddn"] and table.frame.height == 0


def test_trailing_empty_header_cells_are_not_ragged() -> None:
    (table,) = read_all(b"nom;ville;;\nA;B;;\nC;D;;\n", has_header=True)
    assert table.header == ["nom", "ville"]
    assert table.frame.columns == ["nom", "ville", "column_3", "column_4"]
    assert table.warnings == []


def test_duplicate_and_empty_header_names_are_made_unique() -> None:
    (table,) = read_all(b"nom;nom;;x\nA;B;C;D\nE;F;G;H\n", has_header=True)
    assert table.header == ["nom", "nom", "", "x"]
    assert table.frame.columns == ["nom", "nom_2", "column_3", "x"]


@pytest.mark.parametrize("chunk_bytes", [64, 100, 257, 1000])
def test_quoted_newlines_survive_chunk_boundaries(chunk_bytes: int) -> None:
    rows = [[f"ID{i:04d}", f"note {i};\nsuite \"{i}\"\r\nfin", f"{i}"] for i in range(200)]
    text = write_delimited(rows, ["id", "note", "n"], ";", "\n")
    chunks = read_all(text.encode(), chunk_bytes=chunk_bytes)
    assert len(chunks) > 1
    assert rows_of(chunks) == rows
    offset = 0
    for chunk in chunks:
        assert chunk.row_offset == offset
        assert chunk.header == ["id", "note", "n"]
        # each record spans 3 physical lines; header is line 1
        assert chunk.first_line == 2 + 3 * chunk.row_offset
        offset += chunk.frame.height


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
def test_chunk_rows_bounds_every_chunk(encoding: str) -> None:
    rows = [[f"Hélène{i}", f"{i:05d}"] for i in range(1000)]
    text = write_delimited(rows, ["prénom", "code"], ";", "\r\n")
    chunks = read_all(text.encode(encoding), chunk_rows=128)
    assert len(chunks) >= 8
    assert all(c.frame.height <= 128 for c in chunks)
    assert rows_of(chunks) == rows
    # the header line counts against the first chunk's line budget
    assert [c.row_offset for c in chunks] == [0] + [127 + 128 * i for i in range(len(chunks) - 1)]
    assert [c.first_line for c in chunks] == [2 + c.row_offset for c in chunks]


def test_ragged_rows_are_kept_with_a_warning() -> None:
    text = "a;b\n1;2\n3;4;5;6\n7\n8;9\n10;11\n"
    (table,) = read_all(text.encode(), has_header=True)
    assert table.frame.rows() == [("1", "2", None, None), ("3", "4", "5", "6"),
                                  ("7", None, None, None), ("8", "9", None, None),
                                  ("10", "11", None, None)]
    assert table.frame.columns == ["a", "b", "column_3", "column_4"]
    assert any("ragged" in w for w in table.warnings)


def test_ragged_rows_after_the_sniffed_sample_widen_the_chunk() -> None:
    lines = ["nom;ville"] + [f"N{i};Nantes" for i in range(400)]
    lines[300] = "N299;Nantes;extra;encore"
    chunks = read_all(("\n".join(lines) + "\n").encode(), head_bytes=512, chunk_bytes=1024)
    got = rows_of(chunks)
    assert len(got) == 400
    assert ["N299", "Nantes", "extra", "encore"] in got
    wide = [c for c in chunks if c.frame.width == 4]
    assert len(wide) == 1 and any("ragged" in w for w in wide[0].warnings)
    assert wide[0].frame.columns == ["nom", "ville", "column_3", "column_4"]
    assert all(c.header == ["nom", "ville"] for c in chunks)


def test_unbalanced_quote_does_not_kill_the_file() -> None:
    text = 'nom;taille\nDUPONT;5" pouces\nMARTIN;6\nPETIT;7\n'
    chunks = read_all(text.encode())
    assert rows_of(chunks) == [["DUPONT", '5" pouces'], ["MARTIN", "6"], ["PETIT", "7"]]
    assert any("quot" in w for c in chunks for w in c.warnings)


def test_unbalanced_quote_in_a_big_stream_is_contained() -> None:
    rows = [[f"N{i}", "x"] for i in range(3000)]
    rows[10][1] = 'un "guillemet seul'
    text = write_delimited(rows, ["nom", "note"], ";", "\n")
    text = text.replace('"un ""guillemet seul"', 'un "guillemet seul')
    chunks = read_all(text.encode(), chunk_bytes=4096)
    got = rows_of(chunks)
    assert len(got) == 3000
    assert got[-1] == ["N2999", "x"]
    assert any("quot" in w for c in chunks for w in c.warnings)


def test_mixed_encoding_block_is_recoded_with_warning() -> None:
    good = "nom;ville\n" + "".join(f"N{i};Orléans\n" for i in range(2000))
    bad = "".join(f"M{i};Besançon\n" for i in range(10))
    data = good.encode("utf-8") + bad.encode("cp1252")
    chunks = read_all(data, chunk_bytes=2048)
    got = rows_of(chunks)
    assert got[-1] == ["M9", "Besançon"] and len(got) == 2010
    assert got[0] == ["N0", "Orléans"]
    assert any("utf-8" in w for c in chunks for w in c.warnings)


def test_utf8_head_then_cp1252_tail_is_recoded_with_warning() -> None:
    good = "nom;ville\n" + "".join(f"N{i};Orléans\n" for i in range(5000))
    bad = "".join(f"M{i};Besançon\n" for i in range(10))
    data = good.encode("utf-8") + bad.encode("cp1252")
    chunks = read_all(data, chunk_bytes=4096, head_bytes=1024)
    got = rows_of(chunks)
    assert got[0] == ["N0", "Orléans"] and got[-1] == ["M9", "Besançon"] and len(got) == 5010
    assert chunks[0].encoding == "utf-8"
    assert any("decoded as cp1252" in w for w in chunks[-1].warnings)


def test_sniff_scores() -> None:
    data = write_delimited(ROWS_CP1252, HEADER, ";", "\n").encode()
    assert 0.5 <= delimited.sniff(data, "x.csv") <= 0.95
    assert delimited.sniff(data, "x.csv") > delimited.sniff(data, "x.bin")
    assert delimited.sniff(b"\x00\x01\x02" * 100, "x.csv") == 0.0
    assert sniff_format(data, "export.txt") == "csv"
    assert sniff_format(b"Bonjour.\nCeci est une note.\n", "x.csv") == "text"


def _numbered(rows: int) -> bytes:
    lines = ["NOM;NSS;VILLE"] + [f"nom{i};{i:015d};ville{i % 7}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_first_chunk_is_a_sample_then_blocks_are_joined() -> None:
    chunks = read_all(_numbered(20_000), chunk_bytes=64 * 1024)
    heights = [c.frame.height for c in chunks]
    assert heights[0] >= delimited.SAMPLE_ROWS and heights[0] < 20_000
    assert sum(heights) == 20_000 and len(chunks) < 20  # 8 KB blocks, joined per 64 KB
    assert [c.row_offset for c in chunks] == [sum(heights[:k]) for k in range(len(heights))]
    assert rows_of(chunks) == [[f"nom{i}", f"{i:015d}", f"ville{i % 7}"] for i in range(20_000)]


def test_skipped_columns_are_nulls_in_the_chunks_that_follow() -> None:
    source = Source.from_bytes("export.csv", _numbered(20_000))
    stream = read_source(source, ReadOptions(chunk_bytes=64 * 1024))
    first = next(stream)
    assert isinstance(first, Table) and first.skip_columns is not None
    first.skip_columns(frozenset({0, 2}))
    rest = list(stream)
    assert first.frame.null_count().row(0) == (0, 0, 0)
    for chunk in rest:
        assert isinstance(chunk, Table)
        assert chunk.frame.columns == first.frame.columns
        assert chunk.frame.null_count().row(0) == (chunk.frame.height, 0, chunk.frame.height)
    nss = [v for c in [first, *rest] for v in c.frame.get_column("NSS").to_list()]
    assert nss == [f"{i:015d}" for i in range(20_000)]
