"""Accent and case folding for French text: exact in Python, fast as bytes, vectorised in polars.

``fold(text)`` lower-cases, decomposes (Unicode NFKD, compatibility decomposition: the
ligature ``ﬁ`` becomes ``fi``, a no-break space a space), drops the combining marks that
carry accents, and spells out ``œ``/``æ`` and the typographic apostrophe.
``"Hépatite C, SÉROPOSITIF, cœur"`` becomes ``"hepatite c, seropositif, coeur"``. Newlines
are preserved, so line ``i`` of the folded text is line ``i`` of the original (per-line
health counts rely on it).

``fold`` runs at about 25 MB/s on accented French, slower than a Hyperscan pass, so the
multi-pattern engines prefilter :func:`fold_bytes` instead: ONE byte per character (offsets
and newlines are those of the text), holding the folded character when the fold of that
character is a single ASCII character (``é`` -> ``e``, ``É`` -> ``e``, no-break space ->
space), :data:`OTHER_BYTE` when it is a single non-ASCII character (``€``, ``«``, Greek),
and :data:`SPECIAL_BYTE` when it is not a single character (``œ``, ``…``, a combining
accent, ``½``, characters above the BMP). On a line without :data:`SPECIAL_BYTE` the bytes
spell exactly what ``fold`` gives for the ASCII letters and digits, and every other
character is a non-alphanumeric byte as it is in the folded text; so a pattern over
folded text that matches the folded line also matches those bytes. Lines holding a
:data:`SPECIAL_BYTE` must be folded and matched exactly. It is computed with a numpy
lookup table over the BMP (about 100 MB/s; 1 GB/s when the text is Latin-1).

Polars cannot run ``unicodedata``; :func:`fold_expr` reproduces the fold with
``str.replace_many`` over a table computed *from* :func:`fold` for every character of the
Latin, combining-mark, punctuation and ligature blocks (:func:`fold_table`), then
``str.to_lowercase``. Outside those blocks the two may differ, so :data:`EXOTIC_PATTERN`
finds cells holding any such character: a caller that uses the vectorised fold as a
prefilter treats those cells as candidates too.

References: Unicode Standard Annex #15 (normalization forms); Python ``unicodedata``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import polars as pl

# Combining marks (accents) left over after NFKD. Unicode blocks: Combining Diacritical
# Marks, Extended, Supplement, for Symbols, Half Marks.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_SPELL_OUT = (("œ", "oe"), ("æ", "ae"), ("\u2019", "'"), ("\u02bc", "'"), ("\u2018", "'"))

SPECIAL_BYTE = 0x1A
"""In :func:`fold_bytes`: a character whose fold is not exactly one character."""
OTHER_BYTE = 0x1F
"""In :func:`fold_bytes`: a character whose fold is one non-ASCII character."""

_CHUNK = 1 << 22  # characters per numpy chunk in fold_bytes (bounded memory: 16 MB)

# Blocks covered exactly by the vectorised polars fold (fold_table). Anything else
# non-ASCII is "exotic" (Greek, Cyrillic, CJK, fullwidth forms, emoji...).
_BLOCKS = (
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x0300, 0x036F),  # Combining Diacritical Marks
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x206F),  # General Punctuation (narrow no-break space, curly quotes, ...)
    (0x20A0, 0x20CF),  # Currency Symbols
    (0x2100, 0x214F),  # Letterlike Symbols (Kelvin sign, numero sign...)
    (0xFB00, 0xFB06),  # Latin ligatures (ﬁ, ﬂ...)
)


def fold(text: str) -> str:
    """Lower-case, strip accents, spell out ligatures. Keeps every newline."""
    if text.isascii():
        return text.lower()
    # lower-case again after NFKD: compatibility forms decompose to capitals ("ℕ" -> "N")
    out = _MARKS.sub("", unicodedata.normalize("NFKD", text.lower())).lower()
    for src, dst in _SPELL_OUT:
        if src in out:
            out = out.replace(src, dst)
    return out


@lru_cache(maxsize=1)
def fold_lut() -> np.ndarray:
    """``uint8[65536]``: the :func:`fold_bytes` byte of every BMP character (built once)."""
    lut = np.full(0x10000, OTHER_BYTE, dtype=np.uint8)
    for cp in range(0x10000):
        folded = fold(chr(cp))
        if len(folded) != 1:
            lut[cp] = SPECIAL_BYTE
        elif folded.isascii():
            lut[cp] = ord(folded)
    return lut


def fold_bytes(text: str) -> bytes:
    """One byte per character of ``text``: its ASCII fold, OTHER_BYTE or SPECIAL_BYTE."""
    lut = fold_lut()
    try:
        return text.encode("latin-1").translate(lut[:256].tobytes())
    except UnicodeEncodeError:
        pass
    parts = []
    for i in range(0, len(text), _CHUNK):
        codes = np.frombuffer(
            text[i : i + _CHUNK].encode("utf-32-le", "surrogatepass"), dtype="<u4"
        )
        out = lut[np.minimum(codes, 0xFFFF)]
        astral = codes > 0xFFFF
        if astral.any():
            out[astral] = SPECIAL_BYTE
        parts.append(out.tobytes())
    return b"".join(parts)


@lru_cache(maxsize=1)
def fold_table() -> dict[str, str]:
    """Character -> folded string, for every character of the covered blocks it changes."""
    table: dict[str, str] = {}
    for lo, hi in _BLOCKS:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            if unicodedata.category(ch) == "Cn":
                continue
            folded = fold(ch)
            if folded != ch:
                table[ch] = folded
    return table


def _exotic_pattern() -> str:
    ranges = "".join(f"\\x{{{lo:04X}}}-\\x{{{hi:04X}}}" for lo, hi in _BLOCKS)
    return f"[^\\x00-\\x7F{ranges}]"


EXOTIC_PATTERN = _exotic_pattern()
"""Rust regex (polars ``str.contains``) matching one character that :func:`fold_expr` does
not fold exactly like :func:`fold`."""


def fold_expr(expr: pl.Expr) -> pl.Expr:
    """Vectorised :func:`fold` (exact for ASCII and the blocks of :func:`fold_table`)."""
    table = fold_table()
    return expr.str.replace_many(list(table.keys()), list(table.values())).str.to_lowercase()


__all__ = [
    "EXOTIC_PATTERN",
    "OTHER_BYTE",
    "SPECIAL_BYTE",
    "fold",
    "fold_bytes",
    "fold_expr",
    "fold_lut",
    "fold_table",
]
