"""Junk input: clear per-file errors that name the path and never quote the content."""

from __future__ import annotations

import codecs
import os

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sentinelle.errors import (
    DecodeError,
    InputError,
    LimitExceeded,
    SentinelleError,
    UnsupportedFormat,
)
from sentinelle.readers import delimited, plaintext, read_source
from sentinelle.readers.base import ReadOptions, Skip, Source

SECRET = "SECRET1850375123456"  # a marker that must never appear in an error message
PATH = "dump.zip!lot2/patients.csv"


def consume(data: bytes, options: ReadOptions = ReadOptions(), path: str = PATH) -> int:
    return sum(1 for _ in read_source(Source.from_bytes(path, data), options))


def binary_garbage() -> bytes:
    rng = __import__("random").Random(7)
    return bytes(rng.randrange(256) for _ in range(50_000)) + SECRET.encode()


@pytest.mark.parametrize(
    ("name", "data", "options", "error", "reason"),
    [
        ("binary garbage named .csv", binary_garbage(), ReadOptions(), UnsupportedFormat,
         "binary content"),
        ("zip bytes named .csv", b"PK\x03\x04\x14\x00\x00\x00" + SECRET.encode() + b"\x00" * 99,
         ReadOptions(), InputError, "corrupt zip"),
        ("empty file", b"", ReadOptions(), InputError, "empty file"),
        ("BOM only", codecs.BOM_UTF8, ReadOptions(), InputError, "empty file"),
        ("10 MB single line", (SECRET + ";") * (10 * 1024 * 1024 // 20), ReadOptions(),
         LimitExceeded, "line 1 longer than"),
        ("long line after good lines", ("a;b\n" * 1000 + SECRET * 200_000 + "\n").encode(),
         ReadOptions(max_line_bytes=64 * 1024, chunk_bytes=16 * 1024), LimitExceeded,
         "line 1001 longer than 65536 bytes"),
        ("utf-16 BOM then a lone surrogate", codecs.BOM_UTF16_LE + "a;b\n1;".encode("utf-16-le")
         + b"\x00\xd8" + "x\n".encode("utf-16-le"), ReadOptions(), DecodeError,
         "not valid utf-16-le"),
        ("cp1252 bytes read as forced utf-8",
         f"nom;note\n{SECRET};Hélène\n".encode("cp1252"), ReadOptions(encoding="utf-8"),
         DecodeError, "not valid utf-8"),
        ("cp1252 undefined byte read as forced cp1252",
         f"nom;note\n{SECRET};x\x81y\n".encode("latin-1"), ReadOptions(encoding="cp1252"),
         DecodeError, "not valid cp1252"),
    ],
)
def test_junk_gives_clear_error(
    name: str, data: bytes | str, options: ReadOptions, error: type[InputError], reason: str
) -> None:
    raw = data.encode() if isinstance(data, str) else data
    with pytest.raises(error) as info:
        consume(raw, options)
    exc = info.value
    if error is InputError:
        assert type(exc) is InputError
    assert exc.path == PATH
    message = str(exc)
    assert message.startswith(PATH + ": ")
    assert reason in message
    assert SECRET not in message and SECRET[6:] not in message
    assert len(message) < 200


def test_limit_exceeded_reads_bounded_amount() -> None:
    """A 10 MB line with a 1 MB limit is refused without reading the whole file."""
    reads: list[int] = []

    class Counting:
        def __init__(self) -> None:
            self.pos = 0

        def read(self, n: int = -1) -> bytes:
            size = 10 * 1024 * 1024
            n = size - self.pos if n < 0 else min(n, size - self.pos)
            self.pos += n
            reads.append(n)
            return b"x" * n

        def __enter__(self) -> Counting:
            return self

        def __exit__(self, *args: object) -> None:
            return None

    source = Source(path="big.txt", open=Counting)  # type: ignore[arg-type]
    options = ReadOptions(max_line_bytes=1024 * 1024, chunk_bytes=256 * 1024)
    with pytest.raises(LimitExceeded):
        list(plaintext.read(source, options))
    assert sum(reads[1:]) < 3 * 1024 * 1024  # far less than the 10 MB content


@pytest.mark.parametrize("reader", [delimited, plaintext])
def test_readers_called_directly_refuse_empty_and_binary(reader: object) -> None:
    read = reader.read  # type: ignore[attr-defined]
    with pytest.raises(InputError, match="empty file"):
        list(read(Source.from_bytes("e.csv", b""), ReadOptions()))
    with pytest.raises(UnsupportedFormat):
        list(read(Source.from_bytes("b.csv", binary_garbage()), ReadOptions()))


def test_missing_file_is_an_input_error(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(tmp_path, "gone.csv")
    source = Source(path=path, open=lambda: open(path, "rb"))
    with pytest.raises(InputError, match="cannot open"):
        read_source(source)


_delimited_text = st.lists(
    st.lists(st.text(alphabet=st.sampled_from(list('ab;,|\t"\' \r\nÉé€0123456789\x00\x1a')),
                     max_size=8), max_size=6),
    max_size=30,
).map(lambda rows: "\n".join(";".join(r) for r in rows))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=3000),
        st.tuples(_delimited_text, st.sampled_from(["utf-8", "cp1252", "utf-16", "latin-1"]))
        .map(lambda t: t[0].encode(t[1], errors="replace")),
        st.tuples(st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE]),
                  st.binary(max_size=500)).map(lambda t: t[0] + t[1]),
    ),
    chunk_bytes=st.sampled_from([16, 100, 4096]),
    max_line_bytes=st.sampled_from([8, 64, 1024 * 1024]),
)
@example(data=b"\xfd7zXZ\x00", chunk_bytes=16, max_line_bytes=8)  # a container: yields a Source
def test_arbitrary_bytes_only_raise_sentinelle_errors(
    data: bytes, chunk_bytes: int, max_line_bytes: int
) -> None:
    options = ReadOptions(chunk_bytes=chunk_bytes, max_line_bytes=max_line_bytes, chunk_rows=7)
    _consume(Source.from_bytes("fuzz.csv", data), options, depth=0)


def _consume(source: Source, options: ReadOptions, depth: int) -> None:
    """Read like the scan driver: chunks have a line, containers' members are read too."""
    try:
        for item in read_source(source, options):
            if isinstance(item, Source):
                assert item.path.startswith(source.path + "!")
                if depth < 3:
                    _consume(item, options, depth + 1)
            elif isinstance(item, Skip):
                assert item.path.startswith(source.path)
            else:
                assert item.first_line >= 1
    except SentinelleError as exc:
        assert str(exc).startswith(f"{source.path}: ") or str(exc).startswith("fuzz.csv")
