"""Single-stream compressors: gzip, bzip2, xz, zstd (magic bytes, streaming decompression).

Magic numbers (first bytes of the stream):

- gzip ``1F 8B 08`` (RFC 1952 section 2.3.1, deflate is method 8);
- bzip2 ``BZh`` + block size digit ``1``-``9``, then the block magic ``31 41 59 26 53 59``
  (pi) or, for an empty stream, the end-of-stream magic ``17 72 45 38 50 90`` (sqrt(pi));
- xz ``FD 37 7A 58 5A 00`` (The .xz File Format 1.2.1, section 2.1.1.1);
- zstd ``28 B5 2F FD`` (RFC 8878 section 3.1.1, magic 0xFD2FB528 little-endian).

Decompression is streamed (:mod:`gzip`, :mod:`bz2`, :mod:`lzma` from the standard library,
``zstandard`` for zstd): memory stays bounded whatever the expanded size, and the callers
wrap the stream in a :class:`~sentinelle.readers._archive.MemberStream` that enforces the
size and ratio limits. Concatenated streams (``cat a.gz b.gz``) are read to the end.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import zlib
from typing import BinaryIO

KINDS = ("gzip", "bzip2", "xz", "zstd")

#: File name suffixes of each kind and what the name becomes once decompressed.
SUFFIXES: dict[str, tuple[tuple[str, str], ...]] = {
    "gzip": ((".tgz", ".tar"), (".gz", ""), (".gzip", ""), (".z", "")),
    "bzip2": ((".tbz2", ".tar"), (".tbz", ".tar"), (".bz2", ""), (".bz", "")),
    "xz": ((".txz", ".tar"), (".xz", "")),
    "zstd": ((".tzst", ".tar"), (".zst", ""), (".zstd", "")),
}


def kind_of(head: bytes) -> str | None:
    """The compressor that wrote ``head``, from its magic bytes."""
    if head[:3] == b"\x1f\x8b\x08":
        return "gzip"
    if (len(head) >= 10 and head[:3] == b"BZh" and 0x31 <= head[3] <= 0x39
            and head[4:10] in (b"1AY&SY", b"\x17rE8P\x90")):
        return "bzip2"
    if head[:6] == b"\xfd7zXZ\x00":
        return "xz"
    if head[:4] == b"\x28\xb5\x2f\xfd":
        return "zstd"
    return None


def open_stream(stream: BinaryIO, kind: str) -> BinaryIO:
    """A stream of the decompressed bytes of ``stream``."""
    if kind == "gzip":
        return gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[return-value]
    if kind == "bzip2":
        return bz2.BZ2File(stream, mode="rb")  # type: ignore[return-value]
    if kind == "xz":
        return lzma.LZMAFile(stream, mode="rb")  # type: ignore[return-value]
    if kind == "zstd":
        import zstandard

        return zstandard.ZstdDecompressor().stream_reader(  # type: ignore[return-value]
            stream, read_across_frames=True, closefd=False
        )
    raise ValueError(f"unknown compression {kind}")


def decompress_head(head: bytes, kind: str, size: int = 1024) -> bytes:
    """The first bytes that ``head`` (the start of a compressed stream) decompresses to.

    Empty when the head is too short to produce output (a bzip2 block must be complete
    before any byte comes out) or corrupt.
    """
    try:
        if kind == "gzip":
            return zlib.decompressobj(wbits=31).decompress(head, size)
        if kind == "bzip2":
            return bz2.BZ2Decompressor().decompress(head, size)
        if kind == "xz":
            return lzma.LZMADecompressor().decompress(head, size)
        if kind == "zstd":
            import zstandard

            reader = zstandard.ZstdDecompressor().decompressobj()
            return reader.decompress(head)[:size]
    except Exception:  # a corrupt head: the caller falls back to other hints
        return b""
    return b""


def gzip_name(head: bytes) -> str | None:
    """The original file name stored in a gzip header (FNAME, RFC 1952 2.3.1), if any."""
    if len(head) < 10 or not head[3] & 0x08:
        return None
    pos = 10
    if head[3] & 0x04:  # FEXTRA
        if len(head) < 12:
            return None
        pos += 2 + int.from_bytes(head[10:12], "little")
    end = head.find(b"\x00", pos)
    if end < 0 or end == pos:
        return None
    return head[pos:end].decode("latin-1")


def inner_name(outer_name: str, kind: str, head: bytes = b"") -> str:
    """What a compressed file is called once decompressed: ``a.csv.gz`` -> ``a.csv``,
    ``a.tgz`` -> ``a.tar``; else the gzip FNAME; else the same name."""
    base = outer_name.rsplit("!", 1)[-1].replace("\\", "/").rsplit("/", 1)[-1]
    lower = base.lower()
    for suffix, replacement in SUFFIXES.get(kind, ()):
        if lower.endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)] + replacement
    stored = gzip_name(head) if kind == "gzip" else None
    return stored or base


__all__ = ["KINDS", "SUFFIXES", "decompress_head", "gzip_name", "inner_name", "kind_of",
           "open_stream"]
