"""Streaming a text source as blocks of whole records, with bounded memory.

Used by the delimited and plain-text readers. The source is read in pieces of about
``chunk_bytes``; UTF-16 content is transcoded to UTF-8 in memory, piece by piece, with an
incremental decoder (no temporary file). The stream is then cut into blocks that:

- end right after a ``\\n`` (or at end of input), so every block holds whole lines;
- for quoted delimited data, end where the number of quote characters since the start of
  the block is even (RFC 4180 section 2: a line break inside a quoted field is content, and
  an escaped quote is a doubled quote, so quote parity tells whether a newline is a record
  boundary);
- hold at most ``chunk_rows`` lines (so at most that many rows) and about ``chunk_bytes``.

Physical lines longer than ``max_line_bytes`` raise :class:`~sentinelle.errors.LimitExceeded`
with the line number (never the content). A quote character that never closes (a stray
``"`` inside an unquoted field) is detected when no even-parity newline exists in a whole
window; that block is then handed over with ``quoted=False`` and a warning, so the parser
can read it without quoting instead of failing the whole file.

Decoding: ASCII-safe encodings are cut in their own bytes and each block is decoded by
:func:`to_utf8`, block by block, so a file whose encoding changes part-way (exports
concatenated from several systems) is still read, with a warning on the blocks concerned.
UTF-8 blocks are handed to polars as they are (it validates them); :func:`to_utf8` runs
on those only when polars rejects one.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np

from sentinelle.errors import DecodeError, InputError, LimitExceeded
from sentinelle.readers.base import ReadOptions, Source
from sentinelle.readers.encoding import (
    ASCII_SAFE,
    EncodingGuess,
    decode_western,
    resolve_encoding,
)

_MAX_READ = 64 * 1024 * 1024
#: How far back (bytes) to look for a record boundary before calling a quote unbalanced.
_QUOTE_WINDOW = 4 * 1024 * 1024
_QUOTE_MAX_STEPS = 10_000


@dataclass(slots=True)
class Block:
    """Whole lines starting at ``first_line``: raw bytes for ASCII-safe encodings (decode
    with :func:`to_utf8`), UTF-8 for transcoded ones."""

    data: bytes
    first_line: int
    quoted: bool = True
    warnings: list[str] = field(default_factory=list)


def read_head(source: Source, size: int) -> tuple[bytes, bool]:
    """The first ``size`` bytes of ``source`` and whether they are the whole content."""
    with source.open() as stream:
        head = stream.read(size)
        at_eof = len(head) < size or not stream.read(1)
    return head, at_eof


def text_head(
    source: Source, options: ReadOptions, *, binary_reason: str, blank_is_empty: bool = False
) -> tuple[bytes, bool, EncodingGuess]:
    """Head, whether it is the whole content, and the encoding of a text source.

    Raises :class:`~sentinelle.errors.InputError` "empty file" for no content (a BOM alone,
    or only whitespace with ``blank_is_empty``), and what :func:`resolve_encoding` raises.
    """
    head, at_eof = read_head(source, options.head_bytes)
    if not head:
        raise InputError(source.path, "empty file")
    guess = resolve_encoding(
        source.path, head, at_eof=at_eof, forced=options.encoding, binary_reason=binary_reason
    )
    body = head[guess.bom :]
    if not (body.strip() if blank_is_empty else body):
        raise InputError(source.path, "empty file")
    return head, at_eof, guess


class _Content:
    """The content after the BOM, read ``n`` bytes at a time.

    ASCII-safe encodings (UTF-8, cp1252, latin-1...) pass through as they are: newlines
    and quotes can be found in their bytes, and each block is decoded by :func:`to_utf8`.
    Others (UTF-16) are transcoded to UTF-8 here with an incremental decoder, so a read may
    return more or fewer bytes than asked; ``b""`` means the end.
    """

    def __init__(self, stream: BinaryIO, guess: EncodingGuess, path: str) -> None:
        self._stream = stream
        self._guess = guess
        self._path = path
        self._skip = guess.bom
        self._offset = 0
        self._done = False
        self._decoder = (
            None
            if guess.codec in ASCII_SAFE
            else codecs.getincrementaldecoder(guess.codec)("strict")
        )

    def read(self, n: int) -> bytes:
        while not self._done:
            data = self._stream.read(max(n, 1) + self._skip)
            if self._skip:
                self._offset, data, self._skip = self._skip, data[self._skip :], 0
            if self._decoder is None:
                self._done = not data
                return data
            final = not data
            try:
                text = self._decoder.decode(data, final=final)
            except UnicodeError as exc:  # UnicodeDecodeError, or utf-16's missing-BOM error
                where = self._offset + getattr(exc, "start", 0)
                raise DecodeError(
                    self._path, f"bytes not valid {self._guess.name} near byte offset {where}"
                ) from None
            self._offset += len(data)
            self._done = final
            if text:
                return text.encode("utf-8")
        return b""


def to_utf8(data: bytes, guess: EncodingGuess, path: str, line: int) -> tuple[bytes, str | None]:
    """A block as valid UTF-8, with a warning when it was not in the sniffed encoding.

    Blocks of transcoded (UTF-16) content are already UTF-8. Otherwise a block that is
    valid UTF-8 is taken as UTF-8 (a cp1252 text is almost never valid UTF-8 unless it is
    plain ASCII), and one that is not is decoded as cp1252 (latin-1 for bytes cp1252 leaves
    undefined). A forced encoding (``ReadOptions.encoding``) is applied strictly and raises
    :class:`~sentinelle.errors.DecodeError` instead.
    """
    if guess.codec not in ASCII_SAFE:
        return data, None
    if guess.forced and guess.codec != "utf-8":
        try:
            return data.decode(guess.codec).encode("utf-8"), None
        except UnicodeError:
            raise DecodeError(path, f"content is not valid {guess.name} from line {line}") from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        if guess.forced:
            raise DecodeError(path, f"content is not valid {guess.name} from line {line}") from None
        recoded = decode_western(data).encode("utf-8")
        if guess.codec == "utf-8":
            return recoded, f"bytes not valid utf-8 from line {line}: decoded as cp1252"
        return recoded, None
    if guess.codec != "utf-8" and not data.isascii():
        return data, f"lines from {line} are valid utf-8: decoded as utf-8, not {guess.name}"
    return data, None


def _check_lines(buf: bytes, end: int, max_line: int, first_line: int, path: str) -> None:
    """Raise if a physical line in ``buf[:end]`` is longer than ``max_line`` bytes.

    Jumps from line start to the last newline within ``max_line`` bytes, so it costs about
    ``2 * end / max_line`` searches rather than one per line.
    """
    pos = 0
    while end - pos > max_line:
        nl = buf.rfind(b"\n", pos, pos + max_line + 1)
        if nl < 0:
            line = first_line + buf.count(b"\n", 0, pos)
            raise LimitExceeded(path, f"line {line} longer than {max_line} bytes")
        pos = nl + 1


def _nth_newline(buf: bytes, end: int, n: int) -> int:
    """Index of the ``n``-th (1-based) newline in ``buf[:end]`` (vectorised)."""
    arr = np.frombuffer(buf, dtype=np.uint8, count=end)
    return int(np.flatnonzero(arr == 10)[n - 1])


def _quoted_cut(buf: bytes, nl: int, quote: bytes) -> int:
    """Last newline at or before ``nl`` with an even number of quotes before it, or -1.

    Gives up (-1) after walking back ``_QUOTE_WINDOW`` bytes or ``_QUOTE_MAX_STEPS`` lines.
    """
    parity = buf.count(quote, 0, nl) % 2
    start = nl
    steps = 0
    while nl >= 0 and parity:
        prev = buf.rfind(b"\n", 0, nl)
        parity = (parity + buf.count(quote, max(prev, 0), nl)) % 2
        nl = prev
        steps += 1
        if steps > _QUOTE_MAX_STEPS or start - nl > _QUOTE_WINDOW:
            return -1
    return nl


def _unquoted(block: Block) -> None:
    block.quoted = False
    block.warnings.append(
        f"unbalanced quote character from line {block.first_line}: rows read without quoting"
    )


def iter_blocks(
    stream: BinaryIO,
    guess: EncodingGuess,
    *,
    path: str,
    chunk_bytes: int,
    chunk_rows: int,
    max_line_bytes: int,
    quote: str | None,
    first_bytes: int | None = None,
) -> Iterator[Block]:
    """Cut the stream into :class:`Block` objects (see module docstring).

    ``first_bytes``: a smaller size for the first block (a sample to look at first).

    Each block is read in one go, sized from ``chunk_bytes`` and, once a block has given
    the average line length, from ``chunk_rows``; the content is copied about twice
    (joining the leftover with the new bytes, then slicing the block).
    """
    target = max(chunk_bytes, 1)
    rows_cap = max(chunk_rows, 1)
    qbytes = quote.encode("utf-8") if quote else None
    content = _Content(stream, guess, path)
    buf = b""
    line = 1
    eof = False
    line_bytes = 0.0  # average bytes per line seen so far (0: unknown)
    grow = 1
    while True:
        want = target
        if first_bytes is not None:
            want = max(min(first_bytes, target), 1)
        if line_bytes and rows_cap * line_bytes < want:
            want = max(int(rows_cap * line_bytes * 0.98), 1)
        want *= grow
        parts = [buf]
        have = len(buf)
        newline = b"\n" in buf
        data = b""
        while not eof and (have < want or not newline):
            # past ``want`` only a newline is missing: read no further than the line limit
            ask = want - have if have < want else max_line_bytes + 1 - have
            data = content.read(min(max(ask, 1), _MAX_READ))
            if not data:
                eof = True
                break
            parts.append(data)
            have += len(data)
            newline = newline or b"\n" in data
            if not newline and have > max_line_bytes:
                raise LimitExceeded(path, f"line {line} longer than {max_line_bytes} bytes")
        # one piece (a whole small file, or a block read in one go) is used as it is
        pieces = [p for p in parts if p]
        buf = pieces[0] if len(pieces) == 1 else b"".join(pieces)
        del parts, pieces, data  # only ``buf`` may keep the bytes (see _parse)
        if not buf:
            return
        end = len(buf) if eof else buf.rfind(b"\n") + 1
        _check_lines(buf, end, max_line_bytes, line, path)
        if len(buf) - end > max_line_bytes:
            tail_line = line + buf.count(b"\n", 0, end)
            raise LimitExceeded(path, f"line {tail_line} longer than {max_line_bytes} bytes")
        newlines = buf.count(b"\n", 0, end)
        if newlines + (buf[end - 1] != 0x0A) > rows_cap:
            end = _nth_newline(buf, end, rows_cap) + 1
            newlines = rows_cap
        block = Block(b"", line)
        if qbytes is not None:
            if eof and end == len(buf):
                if buf.count(qbytes, 0, end) % 2:
                    _unquoted(block)
            else:
                cut = _quoted_cut(buf, end - 1, qbytes)
                if cut < 0 and not eof and len(buf) < _QUOTE_WINDOW:
                    grow *= 2  # a quoted field spans the whole buffer: read more
                    continue
                if cut < 0:
                    _unquoted(block)
                else:
                    newlines -= buf.count(b"\n", cut + 1, end)
                    end = cut + 1
        grow = 1
        block.data = buf[:end]
        buf = buf[end:]
        line += newlines
        line_bytes = end / max(newlines, 1)
        first_bytes = None
        yield block
