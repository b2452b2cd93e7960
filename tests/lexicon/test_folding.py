"""Folding: exact in Python, byte-per-character for engines, vectorised in polars."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sentinelle.lexicon.folding import (
    EXOTIC_PATTERN,
    OTHER_BYTE,
    SPECIAL_BYTE,
    fold,
    fold_bytes,
    fold_expr,
    fold_table,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hépatite C, SÉROPOSITIF, cœur", "hepatite c, seropositif, coeur"),
        ("e\u0301pilepsie", "epilepsie"),
        ("d’aménorrhée", "d'amenorrhee"),
        ("12\u00a0SA", "12 sa"),
        ("ﬁbrose", "fibrose"),
        ("ÀÂÄÇÈÉÊËÎÏÔÖÙÛÜŸ", "aaaceeeeiioouuuy"),
        ("ligne 1\nligne 2\r\n", "ligne 1\nligne 2\r\n"),
        ("", ""),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_bytes_examples() -> None:
    assert fold_bytes("Épilepsie\nVIH") == b"epilepsie\nvih"
    assert fold_bytes("x\u00a0€") == b"x " + bytes([OTHER_BYTE])
    special = fold_bytes("cœur…😀e\u0301")
    assert special == b"c" + bytes([SPECIAL_BYTE]) + b"ur" + bytes(
        [SPECIAL_BYTE] * 2
    ) + b"e" + bytes([SPECIAL_BYTE])
    assert fold_bytes("a\udc80b") == b"a" + bytes([OTHER_BYTE]) + b"b"


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_fold_bytes_is_the_fold_character_by_character(text: str) -> None:
    data = fold_bytes(text)
    assert len(data) == len(text)
    for ch, byte in zip(text, data, strict=True):
        folded = fold(ch)
        if ch == "\n":
            assert byte == 10
        elif len(folded) != 1 or ord(ch) > 0xFFFF:
            assert byte == SPECIAL_BYTE
        elif folded.isascii():
            assert byte == ord(folded)
        else:
            assert byte == OTHER_BYTE


_COVERED = st.characters(
    codec="utf-8",
    categories=["L", "M", "N", "P", "S", "Z"],
    max_codepoint=0x024F,
)


@settings(max_examples=200)
@given(st.lists(st.text(alphabet=_COVERED, max_size=30), min_size=1, max_size=10))
def test_fold_expr_equals_fold_on_covered_text(cells: list[str]) -> None:
    got = pl.Series(cells).to_frame("v").select(fold_expr(pl.col("v"))).to_series().to_list()
    assert got == [fold(c) for c in cells]


@settings(max_examples=200)
@given(st.lists(st.text(max_size=20), min_size=1, max_size=10))
def test_fold_expr_exact_unless_exotic(cells: list[str]) -> None:
    cells = [c.encode("utf-8", "replace").decode("utf-8") for c in cells]
    frame = pl.DataFrame({"v": cells}).select(
        f=fold_expr(pl.col("v")), exotic=pl.col("v").str.contains(EXOTIC_PATTERN)
    )
    for cell, folded, exotic in zip(cells, frame["f"], frame["exotic"], strict=True):
        if not exotic:
            assert folded == fold(cell)


def test_fold_table_is_built_from_fold() -> None:
    table = fold_table()
    assert table["é"] == "e" and table["œ"] == "oe" and table["\u00a0"] == " "
    assert all(fold(k) == v for k, v in table.items())
    flags = pl.Series(["é œ … ’ €", "Ω", "😀", "Д", "abc"]).str.contains(EXOTIC_PATTERN)
    assert flags.to_list() == [False, True, True, True, False]
