"""Line-by-line reading for record formats (HL7 v2, HPRIM Santé, HPRIM Net), bounded memory.

Record formats end their records differently depending on who wrote the file: HL7 v2
separates segments with a carriage return (HL7 v2.5 chapter 2, section 2.5.1 "Segments"),
files copied through Windows or Unix tools use ``\\r\\n`` or ``\\n``, and HL7 messages
captured from a network feed keep the MLLP frame bytes ``\\x0b`` (start) and ``\\x1c\\r``
(end) (HL7 v2.5 appendix C "Lower Layer Protocols", C.4 "Minimal Lower Layer Protocol").
:class:`Lines` treats ``\\r\\n``, a lone ``\\r`` and a lone ``\\n`` alike as one line end,
so line numbers match what an editor shows for every convention. With ``mllp=True`` the
end-of-block byte (``\\x1c``, alone or before a line end) also ends a line and the
start-of-block byte ``\\x0b`` is dropped from the start of a line.

The source is read in pieces; only the current line is ever held in full, and a line
longer than ``max_line`` raises :class:`~sentinelle.errors.LimitExceeded` (naming the line
number, never the content). The encoding is sniffed once from the head
(:mod:`sentinelle.readers.encoding`); UTF-16 content is transcoded to UTF-8 piece by piece.
Exports concatenated from several systems mix encodings, so each line is decoded on its
own: a line that is not valid in the sniffed encoding is read as cp1252 (or latin-1), a
non-ASCII line that is valid UTF-8 inside single-byte content is read as UTF-8, and the
chunk that holds such lines says so through :meth:`Lines.take_warnings`. A forced encoding
(``ReadOptions.encoding``) is strict: an invalid line raises
:class:`~sentinelle.errors.DecodeError`.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import BinaryIO

from sentinelle.errors import DecodeError, LimitExceeded
from sentinelle.readers._blocks import text_head
from sentinelle.readers.base import ReadOptions, Source
from sentinelle.readers.encoding import ASCII_SAFE, EncodingGuess, decode_western

_PIECE = 1024 * 1024
_BREAK = re.compile(rb"\r\n|[\r\n]")
_BREAK_MLLP = re.compile(rb"\x1c?(?:\r\n|[\r\n])|\x1c")


class Lines:
    """The decoded lines of ``source`` as ``(line number, text)`` pairs, line ends removed.

    Construction checks the head at once: an empty source raises
    :class:`~sentinelle.errors.InputError` ``"empty file"``, binary content raises
    :class:`~sentinelle.errors.UnsupportedFormat` with ``binary_reason``.
    """

    def __init__(
        self,
        source: Source,
        options: ReadOptions,
        *,
        binary_reason: str,
        mllp: bool = False,
        max_line: int | None = None,
    ) -> None:
        _, _, guess = text_head(source, options, binary_reason=binary_reason)
        self.source = source
        self.guess: EncodingGuess = guess
        self.encoding: str = guess.name
        self.max_line = max_line if max_line is not None else options.max_line_bytes
        self.piece = max(16, min(options.chunk_bytes, _PIECE))
        self.pattern = _BREAK_MLLP if mllp else _BREAK
        self.breaks = b"\r\n\x1c" if mllp else b"\r\n"
        self.mllp = mllp
        self._mixed: dict[str, list[int]] = {}  # codec used instead -> [count, first line]

    def take_warnings(self) -> list[str]:
        """Lenient decoding used since the last call (never content), then reset."""
        notes = []
        for codec, (count, first) in self._mixed.items():
            what = "line" if count == 1 else f"{count} lines from line"
            if codec == "utf-8":
                notes.append(f"{what} {first} read as utf-8 (mixed encodings)")
            else:
                notes.append(f"{what} {first} not valid {self.encoding}, read as {codec}")
        self._mixed = {}
        return notes

    def _pieces(self, stream: BinaryIO) -> Iterator[bytes]:
        """Raw pieces for ASCII-safe encodings, UTF-8 pieces for the others (after the BOM)."""
        guess = self.guess
        decoder = None
        if guess.codec not in ASCII_SAFE:
            decoder = codecs.getincrementaldecoder(guess.codec)("strict")
        first = True
        while True:
            piece = stream.read(self.piece)
            if first:
                piece, first = piece[guess.bom :], False
            if decoder is None:
                if not piece:
                    return
                yield piece
                continue
            try:
                text = decoder.decode(piece, final=not piece)
            except UnicodeDecodeError:
                raise DecodeError(self.source.path, f"content is not valid {guess.name}") from None
            if text:
                yield text.encode("utf-8")
            if not piece:
                return

    def _decode(self, raw: bytes, number: int) -> str:
        if self.mllp:
            raw = raw.lstrip(b"\x0b")
        codec = self.guess.codec if self.guess.codec in ASCII_SAFE else "utf-8"
        if codec != "utf-8" and not self.guess.forced and not raw.isascii():
            # a valid non-ASCII UTF-8 line in single-byte content is UTF-8 (see encoding.py)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                self._note("utf-8", number)
                return text
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            if self.guess.forced:
                raise DecodeError(
                    self.source.path, f"line {number} is not valid {self.encoding}"
                ) from None
        text = decode_western(raw)
        self._note("cp1252", number)
        return text

    def _note(self, codec: str, number: int) -> None:
        entry = self._mixed.setdefault(codec, [0, number])
        entry[0] += 1

    def _too_long(self, number: int) -> LimitExceeded:
        return LimitExceeded(self.source.path, f"line {number} longer than {self.max_line} bytes")

    def __iter__(self) -> Iterator[tuple[int, str]]:
        number = 0
        buf = b""
        with self.source.open() as stream:
            for piece in self._pieces(stream):
                buf += piece
                # a trailing \r (or MLLP \x1c) may be the first half of a two-byte line end
                end = len(buf) - 1 if buf.endswith((b"\r", b"\x1c")) else len(buf)
                cut = max(buf.rfind(bytes([b]), 0, end) for b in self.breaks)
                if cut < 0:
                    if len(buf) > self.max_line:
                        raise self._too_long(number + 1)
                    continue
                complete, buf = buf[: cut + 1], buf[cut + 1 :]
                for raw in self.pattern.split(complete)[:-1]:
                    number += 1
                    if len(raw) > self.max_line:
                        raise self._too_long(number)
                    yield number, self._decode(raw, number)
                if len(buf) > self.max_line:
                    raise self._too_long(number + 1)
        if buf:
            parts = self.pattern.split(buf)
            if not parts[-1]:
                parts.pop()  # the content ends with a line end
            for raw in parts:
                number += 1
                if len(raw) > self.max_line:
                    raise self._too_long(number)
                yield number, self._decode(raw, number)


__all__ = ["Lines"]
