"""Encoding sniffing: BOMs, UTF-8, cp1252 vs latin-1, UTF-16 without BOM, binary."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sentinelle.errors import ConfigError
from sentinelle.readers.encoding import forced_encoding, looks_binary, sniff_encoding

TEXT = "nom;prénom;ville\nDUPONT;Hélène;Orléans\nMARTIN;Françoise;Besançon\n"


@pytest.mark.parametrize(
    ("data", "name", "bom"),
    [
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig", 3),
        (TEXT.encode("utf-8"), "utf-8", 0),
        (TEXT.encode("utf-16"), "utf-16-le", 2),  # Python writes a little-endian BOM
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be", 2),
        (TEXT.encode("utf-16-le"), "utf-16-le", 0),  # no BOM: NUL pattern
        (TEXT.encode("utf-16-be"), "utf-16-be", 0),
        ((TEXT + "l’œuvre coûte 10 €\n").encode("cp1252"), "cp1252", 0),
        (b"caf\xe9 \x81 d\xe9j\xe0 vu\n" * 3, "latin-1", 0),  # 0x81 is undefined in cp1252
    ],
)
def test_sniff_encoding(data: bytes, name: str, bom: int) -> None:
    guess = sniff_encoding(data, at_eof=True)
    assert guess is not None
    assert (guess.name, guess.bom) == (name, bom)
    assert 0.0 < guess.confidence <= 1.0
    assert data[guess.bom :].decode(guess.codec).replace("\r", "")


def test_latin1_only_high_bytes_decodes_the_same_either_way() -> None:
    data = TEXT.encode("latin-1")
    guess = sniff_encoding(data, at_eof=True)
    assert guess is not None and guess.name in {"cp1252", "latin-1"}
    assert data.decode(guess.codec) == TEXT


def test_ascii_is_utf8_with_lower_confidence() -> None:
    guess = sniff_encoding(b"a;b\n1;2\n", at_eof=True)
    assert guess is not None and guess.name == "utf-8" and guess.confidence < 0.99


def test_truncated_utf8_character_at_cut_is_still_utf8() -> None:
    data = "Hélène".encode()[:2]  # cut inside "é"
    guess = sniff_encoding(data, at_eof=False)
    assert guess is not None and guess.name == "utf-8"


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02\x03binary\x00\xff\xfe\x00" * 10,
        bytes(range(256)) * 4,
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40,
        b"\x1b\x02\x03\x04\x05\x06\x07\x08" * 50,
    ],
)
def test_binary_is_none(data: bytes) -> None:
    assert looks_binary(data)
    assert sniff_encoding(data) is None


def test_text_is_not_binary() -> None:
    assert not looks_binary(TEXT.encode("cp1252"))
    assert not looks_binary(TEXT.encode("utf-16"))


def test_forced_encoding() -> None:
    assert forced_encoding("latin1", b"x").name == "latin-1"
    assert forced_encoding("UTF-8-SIG", codecs.BOM_UTF8 + b"x").bom == 3
    assert forced_encoding("windows-1252", b"x").name == "cp1252"
    with pytest.raises(ConfigError):
        forced_encoding("no-such-encoding", b"x")


@given(st.binary(max_size=300))
def test_western_decoding_is_cp1252_then_latin1(data: bytes) -> None:
    """The latin-1 fast path (no byte in 0x80-0x9F) never changes the text."""
    from sentinelle.readers.encoding import decode_western

    try:
        expected = data.decode("cp1252")
    except UnicodeDecodeError:
        expected = data.decode("latin-1")
    assert decode_western(data) == expected
    assert decode_western(data + "œ’€".encode("cp1252")) == (data + "œ’€".encode("cp1252")).decode(
        "cp1252" if not set(data) & {0x81, 0x8D, 0x8F, 0x90, 0x9D} else "latin-1")
