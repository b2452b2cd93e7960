"""Plain-text reader: decoding, chunking on line boundaries, first_line, limits."""

from __future__ import annotations

import codecs

import pytest

from sentinelle.errors import LimitExceeded
from sentinelle.readers import plaintext, read_source
from sentinelle.readers.base import ReadOptions, Source, Text

NOTE = (
    "Patiente Hélène, enceinte de 12 SA.\n"
    "Contrôle glycémie à jeun ; œdème léger.\n"
    "Françoise a vu l’équipe le 12/03.\n"
)


def texts(data: bytes, **options: object) -> list[Text]:
    options_ = ReadOptions(**options)  # type: ignore[arg-type]
    chunks = list(read_source(Source.from_bytes("notes.txt", data), options_))
    assert all(isinstance(c, Text) for c in chunks)
    return chunks  # type: ignore[return-value]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_round_trip(encoding: str, newline: str) -> None:
    text = NOTE.replace("\n", newline)
    (chunk,) = texts(text.encode(encoding))
    assert chunk.text == text
    assert chunk.format == "text" and chunk.first_line == 1 and chunk.warnings == []
    assert chunk.encoding == {"utf-16": "utf-16-le"}.get(encoding, encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
@pytest.mark.parametrize("chunk_bytes", [50, 333, 4096])
def test_chunks_cut_on_lines_with_exact_first_line(encoding: str, chunk_bytes: int) -> None:
    lines = [f"ligne {i} : Hélène a un œdème {'x' * (i % 17)}\n" for i in range(500)]
    chunks = texts("".join(lines).encode(encoding), chunk_bytes=chunk_bytes)
    assert len(chunks) > 1
    assert "".join(c.text for c in chunks) == "".join(lines)
    for chunk in chunks:
        assert chunk.text.endswith("\n")
        assert chunk.text.startswith(f"ligne {chunk.first_line - 1} ")


def test_last_line_without_newline_is_kept() -> None:
    (chunk,) = texts(b"un\ndeux")
    assert chunk.text == "un\ndeux"


def test_stray_cp1252_block_in_utf8_text_is_recoded_with_warning() -> None:
    data = ("é\n" * 3000).encode() + "Noël\n".encode("cp1252")
    chunks = texts(data, chunk_bytes=1024, head_bytes=512)
    assert chunks[-1].text.endswith("Noël\n")
    assert any("cp1252" in w for w in chunks[-1].warnings)
    assert not chunks[0].warnings


def test_line_longer_than_limit() -> None:
    data = b"ok\n" * 10 + b"y" * 5000 + b"\nfin\n"
    with pytest.raises(LimitExceeded, match=r"notes\.txt: line 11 longer than 1000 bytes"):
        texts(data, max_line_bytes=1000)


def test_sniff_is_a_low_fallback_score() -> None:
    assert 0 < plaintext.sniff(NOTE.encode(), "a.txt") <= 0.15
    assert plaintext.sniff(NOTE.encode(), "a.txt") > plaintext.sniff(NOTE.encode(), "a.bin")
    assert plaintext.sniff(b"\x00\x01\x02\x03" * 64, "a.txt") == 0.0
    assert plaintext.sniff(codecs.BOM_UTF8, "a.txt") == 0.0
