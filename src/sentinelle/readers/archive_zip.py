"""Zip archives (PKWARE APPNOTE.TXT 6.3.10), read in memory or by seeking, never extracted.

Signatures: local file header ``PK\\x03\\x04`` (APPNOTE 4.3.7), end of central directory
``PK\\x05\\x06`` (an empty archive starts with it, 4.3.16). Office Open XML (xlsx, docx)
and OpenDocument files are zips too: their own readers claim them with a higher score;
this reader scores such zips 0.85 (so it still reads them when those readers cannot) and
plain zips 0.95.

Members come from the central directory via :mod:`zipfile` and are opened lazily, each
read through a :class:`~sentinelle.readers._archive.MemberStream` bounded by
``max_member_bytes`` and ``max_ratio`` times the member's compressed size. Before any
byte is read, a member is skipped (:class:`~sentinelle.readers.base.Skip` with a reason)
when it is encrypted (general purpose flag bit 0, or AES method 99), uses a compression
method :mod:`zipfile` lacks (Deflate64...), is a symbolic link, or declares a size or a
ratio over the limits. The sum of the declared sizes may not exceed ``max_ratio`` times
the archive size either: overlapping entries (Fifield's "better zip bomb") make each
member look harmless while the archive expands a million times. Names with ``..``,
absolute paths, drive letters or NUL bytes are reported as unsafe (and still scanned).

A zip whose central directory cannot be read (a truncated download, a damaged file) is
salvaged from its local file headers (stored and deflated members, as ``zip -FF`` does);
:class:`~sentinelle.errors.InputError` is raised after the members recovered.
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO

from sentinelle.errors import InputError
from sentinelle.readers._archive import (
    MEMORY_LIMIT,
    RATIO_FLOOR,
    Budget,
    MemberStream,
    buffered,
    context,
    in_memory_source,
    limit_reason,
    member_path,
    members_skip,
    random_access,
    ratio_limit,
    size_skip,
    unsafe_skip,
)
from sentinelle.readers.base import Item, ReadOptions, Skip, Source

FORMAT = "zip"

_OFFICE_HINTS = (b"[Content_Types].xml", b"xl/workbook", b"word/document", b"ppt/presentation",
                 b"mimetypeapplication/vnd.oasis.opendocument")
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_METHOD_NAMES = {9: "Deflate64", 6: "Implode", 93: "Zstandard", 95: "xz", 98: "PPMd"}
_LOCAL = struct.Struct("<4s5H3L2H")
_AES = 99


def sniff(head: bytes, name: str) -> float:
    """0.95 for a zip, 0.85 for one that looks like an office document, 0.9 if empty."""
    if head.startswith((b"PK\x03\x04", b"PK\x07\x08PK\x03\x04")):
        return 0.85 if any(hint in head for hint in _OFFICE_HINTS) else 0.95
    if head.startswith(b"PK\x05\x06"):
        return 0.9
    return 0.0


def _special(info: zipfile.ZipInfo) -> str | None:
    if info.flag_bits & 0x1 or info.compress_type == _AES:
        return "encrypted member"
    if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
        return "symbolic link member, not followed"
    if info.compress_type not in _METHODS:
        method = _METHOD_NAMES.get(info.compress_type, str(info.compress_type))
        return f"unsupported compression method ({method})"
    return None


def _member(archive: zipfile.ZipFile, source: Source, info: zipfile.ZipInfo, path: str,
            options: ReadOptions, budget: Budget, depth: int) -> Source:
    limit = ratio_limit(options, info.compress_size)
    reason = limit_reason(options, info.compress_size)

    def open_member() -> BinaryIO:
        current = archive
        closers: tuple[Callable[[], object], ...] = ()
        try:
            if archive.fp is None:  # the container's iterator is over: open it again
                stream = source.open()
                closers = (stream.close,)
                current = zipfile.ZipFile(random_access(stream, source, budget))
                closers = (current.close, stream.close)
            inner = current.open(info)
        except Exception as exc:  # bad local header, unsupported feature, changed file
            for close in closers:
                close()
            if isinstance(exc, InputError):
                raise
            raise InputError(path, f"cannot open zip member ({type(exc).__name__})") from None
        raw = MemberStream(inner, path=path, fmt="zip", limit=limit,  # type: ignore[arg-type]
                           reason=reason, budget=budget, depth=depth, size=info.file_size,
                           closers=closers)
        return buffered(raw)

    return Source(path=path, open=open_member, size=info.file_size)


def _members(archive: zipfile.ZipFile, source: Source, options: ReadOptions, budget: Budget,
             depth: int, archive_size: int) -> Iterator[Item]:
    infos = archive.infolist()
    declared = 0
    overall = max(options.max_ratio * max(archive_size, 1), RATIO_FLOOR)
    for index, info in enumerate(infos):
        budget.members += 1
        if index >= options.max_members or budget.exhausted:
            yield members_skip(source.path, options, budget, len(infos) - index)
            return
        if info.is_dir():
            continue
        name = info.orig_filename
        path = member_path(source.path, name)
        warn = unsafe_skip(path, name)
        if warn:
            yield warn
        special = _special(info)
        if special:
            yield Skip(path, special)
            continue
        too_big = size_skip(path, options, budget, info.file_size, info.compress_size)
        if too_big:
            yield too_big
            continue
        declared += info.file_size
        if declared > overall:
            yield Skip(source.path, f"members expand to more than {options.max_ratio:g} times "
                                    "the archive size (max_ratio; overlapping-entry zip "
                                    f"bomb?): {len(infos) - index} members not read")
            return
        yield _member(archive, source, info, path, options, budget, depth + 1)


def read(source: Source, options: ReadOptions = ReadOptions()) -> Iterator[Item]:
    """Yield the members of a zip archive as lazily opened sources (or :class:`Skip`)."""
    with source.open() as stream:
        budget, depth = context(stream, options, source.path)
        data = random_access(stream, source, budget)
        try:
            size = data.seek(0, io.SEEK_END)
            data.seek(0)
            archive = zipfile.ZipFile(data)
        except InputError:
            raise
        except Exception:  # BadZipFile, struct or decoding errors of a damaged directory
            yield from _salvage(data, source, options, budget, depth)
            return
        with archive:
            yield from _members(archive, source, options, budget, depth, size)


# --- salvage from local headers ----------------------------------------------------------


def _zip64_sizes(extra: bytes, csize: int, usize: int) -> tuple[int, int]:
    pos = 0
    while pos + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4 : pos + 4 + length]
        if tag == 0x0001:
            values = [int.from_bytes(body[i : i + 8], "little") for i in range(0, len(body) - 7, 8)]
            if usize == 0xFFFFFFFF and values:
                usize = values.pop(0)
            if csize == 0xFFFFFFFF and values:
                csize = values.pop(0)
        pos += 4 + length
    return csize, usize


def _inflate(data: BinaryIO, limit: int) -> tuple[bytes, int, bool]:
    """Inflate a raw deflate stream from the current position, up to ``limit + 1`` bytes:
    (bytes, compressed bytes consumed, whether the stream ended)."""
    inflater = zlib.decompressobj(-15)
    out = bytearray()
    fed = 0
    while not inflater.eof and len(out) <= limit:
        piece = inflater.unconsumed_tail
        if not piece:
            piece = data.read(64 * 1024)
            if not piece:
                break
            fed += len(piece)
        try:
            out += inflater.decompress(piece, limit + 1 - len(out))
        except zlib.error:
            break
    consumed = fed - len(inflater.unused_data) - len(inflater.unconsumed_tail)
    return bytes(out), consumed, inflater.eof


def _salvage(data: BinaryIO, source: Source, options: ReadOptions, budget: Budget,
             depth: int) -> Iterator[Item]:
    """Members recovered by walking the local file headers; then raise InputError."""
    pos, found, truncated = 0, 0, False
    while True:
        data.seek(pos)
        header = data.read(_LOCAL.size)
        if len(header) < _LOCAL.size or header[:4] != b"PK\x03\x04":
            break
        _, _, flags, method, _, _, _, csize, usize, nlen, xlen = _LOCAL.unpack(header)
        raw_name, extra = data.read(nlen), data.read(xlen)
        csize, usize = _zip64_sizes(extra, csize, usize)
        start = pos + _LOCAL.size + nlen + xlen
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        budget.members += 1
        if found >= options.max_members or budget.exhausted:
            yield members_skip(source.path, options, budget, None)
            break
        path = member_path(source.path, name)
        known = not (flags & 0x8 and csize == 0)
        if flags & 0x1 or method not in (0, 8):
            if method in _METHODS or flags & 0x1:
                yield Skip(path, "encrypted member" if flags & 0x1
                           else "member not recoverable without the central directory")
            if not known:
                break
            pos = start + csize
            continue
        warn = unsafe_skip(path, name)
        if warn:
            yield warn
        limit = min(ratio_limit(options, csize if known else None), MEMORY_LIMIT,
                    max(options.max_expanded_bytes - budget.expanded, 0))
        data.seek(start)
        if method == 0:
            if not known:
                break
            content = data.read(min(csize, limit + 1))
            consumed, ended = len(content), len(content) == csize
        else:
            content, consumed, ended = _inflate(data, limit)
        if len(content) > limit:
            yield Skip(path, limit_reason(options, csize if known else None))
            break
        budget.charge(path, len(content))
        if not name.endswith("/"):
            found += 1
            yield in_memory_source(path, content, budget, depth + 1, "zip")
        if not ended:
            truncated = True
            break
        pos = start + (csize if known and method == 0 else consumed)
        data.seek(pos)
        trailer = data.read(64)
        nxt = trailer.find(b"PK\x03\x04")
        pos = pos + nxt if nxt >= 0 else pos + len(trailer)
        if nxt < 0:
            break
    detail = "last member truncated; " if truncated else ""
    if found:
        raise InputError(source.path, f"corrupt zip: central directory unreadable; {detail}"
                                      f"{found} members recovered from local headers")
    raise InputError(source.path, "corrupt zip: no readable central directory or member")


__all__ = ["FORMAT", "read", "sniff"]
