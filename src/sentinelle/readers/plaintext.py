"""Plain text reader: any decodable text, the fallback for content no other reader claims.

The text is decoded (encoding sniffed as in :mod:`sentinelle.readers.encoding`, or forced
by ``ReadOptions.encoding``) and cut into :class:`Text` chunks of about
``ReadOptions.chunk_bytes`` on line boundaries, so a chunk never splits a line and
``first_line`` (1-based) is exact. The text is not altered: line ends stay as written
(``\\r\\n`` included). A UTF-8 file with stray non-UTF-8 bytes is not rejected: the chunks
holding them are decoded as cp1252 and say so in :attr:`Text.warnings`. A line longer than
``ReadOptions.max_line_bytes`` raises :class:`~sentinelle.errors.LimitExceeded` (the scan
records the file as incompletely covered).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from sentinelle.readers._blocks import iter_blocks, text_head, to_utf8
from sentinelle.readers.base import ReadOptions, Source, Text
from sentinelle.readers.encoding import sniff_encoding

FORMAT = "text"
EXTENSIONS = (".txt", ".log", ".text", ".md")


def sniff(head: bytes, name: str) -> float:
    """A low score (0.1) for any decodable text, so specific readers win; 0 for binary."""
    guess = sniff_encoding(head, at_eof=False)
    if guess is None or not head[guess.bom :]:
        return 0.0
    return 0.15 if name.lower().endswith(EXTENSIONS) else 0.1


def read(source: Source, options: ReadOptions = ReadOptions()) -> Iterator[Text]:
    """Stream ``source`` as :class:`Text` chunks cut on line boundaries."""
    head, at_eof, guess = text_head(source, options, binary_reason="binary content, not text")
    with source.open() as stream:
        for block in iter_blocks(
            stream,
            guess,
            path=source.path,
            chunk_bytes=options.chunk_bytes,
            chunk_rows=sys.maxsize,
            max_line_bytes=options.max_line_bytes,
            quote=None,
        ):
            warnings = list(block.warnings)
            try:
                text = block.data.decode("utf-8") if guess.codec == "utf-8" else None
            except UnicodeDecodeError:
                text = None
            if text is None:
                data, note = to_utf8(block.data, guess, source.path, block.first_line)
                warnings.extend([note] if note else [])
                text = data.decode("utf-8")
            yield Text(
                text=text,
                format=FORMAT,
                encoding=guess.name,
                first_line=block.first_line,
                warnings=warnings,
            )
