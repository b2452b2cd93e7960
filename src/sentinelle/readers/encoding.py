"""Encoding sniffing for text inputs (delimited files and plain text).

Only the encodings French exports actually come in are considered, in this order:

1. A byte order mark decides: ``EF BB BF`` -> ``utf-8-sig``, ``FF FE`` -> ``utf-16-le``,
   ``FE FF`` -> ``utf-16-be`` (Unicode Standard, section 23.8 "Specials", BOM).
2. UTF-16 without a BOM: mostly-Latin text in UTF-16 has a NUL byte in every other
   position (odd positions for little endian, even positions for big endian).
3. Any other NUL byte, or a high share of C0 control bytes, means binary content.
4. Bytes that decode as UTF-8 are UTF-8 (the chance that cp1252 text with accents is also
   valid UTF-8 is negligible: an accented letter in cp1252 is a lone byte >= 0xC0, which
   UTF-8 only accepts followed by continuation bytes 0x80-0xBF).
5. Otherwise a single-byte Western encoding: ``cp1252`` when bytes 0x80-0x9F occur that
   cp1252 maps to printable characters (``€ ’ œ …``: in ISO 8859-1 they are C1 controls,
   which never appear in text), ``latin-1`` when bytes occur that cp1252 leaves undefined
   (0x81 0x8D 0x8F 0x90 0x9D). When only 0xA0-0xFF occur both decode identically and
   charset-normalizer (restricted to these two code pages) names it and gives the confidence.

Sources: WHATWG Encoding Standard (index-windows-1252); ISO/IEC 8859-1; charset-normalizer
documentation (``from_bytes(..., cp_isolation=...)``, ``CharsetMatch.chaos``).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import charset_normalizer
import numpy as np

from sentinelle.errors import ConfigError, DecodeError, UnsupportedFormat

#: Bytes that cp1252 leaves undefined (Python's cp1252 codec raises on them).
CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})
_CP1252_PRINTABLE_C1 = bytes(b for b in range(0x80, 0xA0) if b not in CP1252_UNDEFINED)
_CONTROL = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1A), *range(0x1C, 0x20), 0x7F])
_BINARY_CONTROL_RATIO = 0.05
_UTF16_NUL_RATIO = 0.3
_NORMALIZER_SAMPLE = 16 * 1024

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Codecs where every byte < 0x80 is that ASCII character and never part of a longer
#: sequence, so ``\n`` and quote bytes can be searched in the raw bytes.
ASCII_SAFE = frozenset(
    {"utf-8", "cp1252", "latin-1", "iso8859-1", "iso8859-15", "ascii", "cp1250", "cp850"}
)

#: Python codec used to decode the bytes after the BOM, per reported encoding name.
CODECS: dict[str, str] = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8",
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "cp1252": "cp1252",
    "latin-1": "latin-1",
}


@dataclass(frozen=True, slots=True)
class EncodingGuess:
    """The sniffed encoding: ``name`` as reported, ``bom`` bytes to skip, ``confidence``."""

    name: str
    confidence: float
    bom: int = 0
    forced: bool = False  # named by the user: decode strictly, no per-block fallback

    @property
    def codec(self) -> str:
        """The Python codec that decodes the content after the BOM."""
        return CODECS.get(self.name, self.name)


def _bom(head: bytes) -> EncodingGuess | None:
    for mark, name in BOMS:
        if head.startswith(mark):
            return EncodingGuess(name, 1.0, len(mark))
    return None


def _utf16_without_bom(head: bytes) -> EncodingGuess | None:
    sample = head[: 4096 & ~1]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    if odd_nul >= pairs * _UTF16_NUL_RATIO and even_nul <= pairs * 0.05:
        name = "utf-16-le"
    elif even_nul >= pairs * _UTF16_NUL_RATIO and odd_nul <= pairs * 0.05:
        name = "utf-16-be"
    else:
        return None
    try:
        text = codecs.getincrementaldecoder(name)("strict").decode(sample, final=False)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f")
    if controls > len(text) * _BINARY_CONTROL_RATIO:
        return None
    share = max(even_nul, odd_nul) / pairs
    return EncodingGuess(name, round(min(0.95, 0.5 + share / 2), 3))


def decodes(data: bytes, codec: str, *, final: bool) -> bool:
    """Whether ``data`` decodes strictly (a truncated last character is fine unless final)."""
    try:
        codecs.getincrementaldecoder(codec)("strict").decode(data, final=final)
    except (UnicodeError, LookupError):
        return False
    return True


def looks_binary(head: bytes) -> bool:
    """True for content that is not text in any supported encoding (after BOM/UTF-16 checks)."""
    if not head:
        return False
    if _bom(head) is not None or _utf16_without_bom(head) is not None:
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL))
    return controls > len(head) * _BINARY_CONTROL_RATIO


def _single_byte(head: bytes) -> EncodingGuess:
    high = head.translate(None, bytes(range(0x80)))
    if any(b in CP1252_UNDEFINED for b in high):
        return EncodingGuess("latin-1", 0.7)
    if high.translate(None, _CP1252_PRINTABLE_C1) != high:
        return EncodingGuess("cp1252", 0.9)
    match = charset_normalizer.from_bytes(
        head[:_NORMALIZER_SAMPLE], cp_isolation=["cp1252", "latin_1"], explain=False
    ).best()
    if match is None:
        return EncodingGuess("cp1252", 0.3)
    name = "latin-1" if match.encoding == "latin_1" else "cp1252"
    return EncodingGuess(name, round(max(0.3, 1.0 - float(match.chaos)), 3))


def sniff_encoding(head: bytes, *, at_eof: bool = False) -> EncodingGuess | None:
    """Guess the encoding of text content from its first bytes; ``None`` for binary content.

    ``at_eof`` says ``head`` is the whole content (a truncated last character is then an
    error rather than a cut made by the caller).
    """
    guess = _bom(head) or _utf16_without_bom(head)
    if guess is not None:
        return guess
    if looks_binary(head):
        return None
    if decodes(head, "utf-8", final=at_eof):
        return EncodingGuess("utf-8", 0.99 if not head.isascii() else 0.9)
    return _single_byte(head)


def forced_encoding(name: str, head: bytes) -> EncodingGuess:
    """The guess for an encoding the user named (``ReadOptions.encoding``).

    A BOM of that encoding at the start is skipped. Raises
    :class:`~sentinelle.errors.ConfigError` for a name Python does not know.
    """
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise ConfigError(f"unknown encoding {name!r}") from None
    reported = {"iso8859-1": "latin-1"}.get(codec, codec)
    bom = _bom(head)
    skip = bom.bom if bom is not None and bom.codec == CODECS.get(reported) else 0
    return EncodingGuess(reported, 1.0, skip, forced=True)


def resolve_encoding(
    path: str, head: bytes, *, at_eof: bool, forced: str | None, binary_reason: str
) -> EncodingGuess:
    """The encoding to read with: ``forced`` (checked against ``head``) or sniffed.

    Raises :class:`~sentinelle.errors.DecodeError` when ``head`` is not valid in the forced
    encoding, :class:`~sentinelle.errors.UnsupportedFormat` (``binary_reason``) for binary.
    """
    if forced:
        guess = forced_encoding(forced, head)
        if not decodes(head[guess.bom :], guess.codec, final=at_eof):
            raise DecodeError(path, f"content is not valid {guess.name}")
        return guess
    sniffed = sniff_encoding(head, at_eof=at_eof)
    if sniffed is None:
        raise UnsupportedFormat(path, binary_reason)
    return sniffed


def decode_head(head: bytes, guess: EncodingGuess) -> str:
    """Decode a sniffing sample (may end mid-character) without raising."""
    decoder = codecs.getincrementaldecoder(guess.codec)("replace")
    return decoder.decode(head[guess.bom :], final=False)


def decode_western(data: bytes) -> str:
    """Decode bytes that are not UTF-8 as cp1252, or latin-1 when cp1252 leaves a byte undefined.

    cp1252 and latin-1 differ only on bytes 0x80-0x9F; without any, the (several times
    faster) latin-1 decoder gives the same text.
    """
    if not (np.frombuffer(data, dtype=np.uint8) & 0xE0 == 0x80).any():
        return data.decode("latin-1")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


__all__ = [
    "ASCII_SAFE",
    "BOMS",
    "CODECS",
    "EncodingGuess",
    "decode_head",
    "decode_western",
    "decodes",
    "forced_encoding",
    "looks_binary",
    "resolve_encoding",
    "sniff_encoding",
]
