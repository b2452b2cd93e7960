"""Tar archives, plain or compressed (tar.gz/tgz, tar.bz2, tar.xz, tar.zst), streamed.

Format: POSIX.1-1988 ustar / pax (POSIX.1-2001) and GNU tar, 512-byte headers; the magic
``ustar`` sits at offset 257 of each header (old v7 archives have none and are recognised
by their header checksum, bytes 148-155: the octal sum of the header bytes with the
checksum field counted as spaces). Read with :mod:`tarfile` in streaming mode (``r|``)
over a decompressing stream (see :mod:`sentinelle.readers._compressed`), so the archive is
read once, front to back, and never extracted.

Members are yielded as :class:`~sentinelle.readers.base.Source` objects named
``archive.tar.gz!dir/file.csv`` (no intermediate ``!archive.tar`` level). A member up to
:data:`~sentinelle.readers._archive.MEMORY_LIMIT` is held in memory while it is scanned;
a larger one is streamed again from the start of the archive when opened. Directories are
not reported; symbolic and hard links, devices and fifos are skipped with a reason; member
names with ``..``, absolute paths or drive letters are reported as unsafe (and scanned).
The decompressed stream as a whole may not expand past ``max_ratio`` times the compressed
size (nor past ``max_expanded_bytes``). A truncated or corrupt archive raises
:class:`~sentinelle.errors.InputError` after the members that could be read.
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
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
    is_random_access,
    member_path,
    members_skip,
    size_skip,
    skip_forward,
    unsafe_skip,
)
from sentinelle.readers._compressed import SUFFIXES, decompress_head, kind_of, open_stream
from sentinelle.readers.base import Item, ReadOptions, Skip, Source

FORMAT = "tar"

_KNOWN_ERRORS = ("unexpected end of data", "bad checksum", "empty header", "truncated header",
                 "invalid header", "empty file", "missing or bad subsequent header",
                 "invalid base64 header", "invalid GNU sparse header")


def looks_like_tar(block: bytes) -> bool:
    """Whether ``block`` starts with a tar header (ustar magic, or a valid v7 checksum)."""
    if len(block) < 512:
        return False
    if block[257:262] == b"ustar":
        return True
    field = block[148:156].replace(b"\x00", b" ").strip()
    if not field or any(c not in b"01234567" for c in field):
        return False
    total = sum(block[:148]) + 8 * 32 + sum(block[156:512])
    return total == int(field, 8) and block[0] != 0


def _name_is_tar(name: str, kind: str) -> bool:
    lower = name.lower()
    return any(lower.endswith(s) for s, r in SUFFIXES[kind] if r == ".tar") or any(
        lower.endswith(".tar" + s) for s, r in SUFFIXES[kind] if r == ""
    )


def sniff(head: bytes, name: str) -> float:
    """0.95 for a ustar header, 0.97 for a compressed stream holding one (or named so)."""
    if head[257:262] == b"ustar":
        return 0.95
    kind = kind_of(head)
    if kind is not None:
        if looks_like_tar(decompress_head(head, kind, 512)):
            return 0.97
        return 0.96 if _name_is_tar(name, kind) else 0.0
    return 0.7 if looks_like_tar(head[:512]) else 0.0


def _error_reason(exc: Exception) -> str:
    text = str(exc)
    detail = text if text in _KNOWN_ERRORS else "corrupt header"
    return f"corrupt or truncated tar ({detail})"


def _open_data(source: Source, options: ReadOptions, kind: str | None,
               budget: Budget | None, depth: int | None) -> tuple[BinaryIO, Budget, int]:
    """The decompressed bytes of ``source`` (bounded), with its budget and depth."""
    stream = source.open()
    try:
        found_budget, found_depth = context(stream, options, source.path)
        budget = budget or found_budget
        depth = found_depth if depth is None else depth
        if kind is None:
            raw = MemberStream(stream, path=source.path, fmt="tar", limit=2**63,
                               reason="", budget=budget, depth=depth, charge=False)
            return buffered(raw), budget, depth
        size = source.size
        limit = (max(int(options.max_ratio * size), RATIO_FLOOR) if size
                 else options.max_expanded_bytes)
        raw = MemberStream(
            open_stream(stream, kind), path=source.path, fmt=kind, limit=limit,
            reason=(f"archive expands to more than {options.max_ratio:g} times its "
                    "compressed size (max_ratio; decompression bomb?)"),
            budget=budget, depth=depth, closers=(stream.close,))
        return buffered(raw), budget, depth
    except BaseException:
        stream.close()
        raise


def _big_member(source: Source, options: ReadOptions, kind: str | None, info: tarfile.TarInfo,
                path: str, budget: Budget, depth: int) -> Source:
    """A member too big for memory: streamed again from the archive's start when opened."""
    offset, size = info.offset_data, info.size

    def open_member() -> BinaryIO:
        stream = source.open()
        try:
            if kind is None and is_random_access(stream):
                stream.seek(offset)
                inner: BinaryIO = stream
            else:
                inner = open_stream(stream, kind) if kind else stream
                try:
                    skip_forward(inner, offset)
                except Exception as exc:  # the archive changed or is damaged
                    raise InputError(path, f"corrupt {kind or 'tar'} data "
                                           f"({type(exc).__name__})") from None
            raw = MemberStream(inner, path=path, fmt=kind or "tar", limit=size, reason="",
                               budget=budget, depth=depth, hard_end=True,
                               charge=kind is not None, closers=(stream.close,))
        except BaseException:
            stream.close()
            raise
        return buffered(raw)

    return Source(path=path, open=open_member, size=size)


def _special(info: tarfile.TarInfo) -> str | None:
    if info.issym():
        return "symbolic link member, not followed"
    if info.islnk():
        return "hard link member, not followed"
    if info.ischr() or info.isblk() or info.isfifo():
        return "device or fifo member, not read"
    if not info.isfile():
        return "special member, not read"
    return None


def read_tar(source: Source, options: ReadOptions, kind: str | None) -> Iterator[Item]:
    """Stream the members of the (``kind``-compressed) tar archive ``source``."""
    data, budget, depth = _open_data(source, options, kind, None, None)
    with data:
        count = 0
        try:
            with tarfile.open(fileobj=data, mode="r|") as archive:
                for info in archive:
                    count += 1
                    budget.members += 1
                    if count > options.max_members or budget.exhausted:
                        yield members_skip(source.path, options, budget, None)
                        return
                    if info.isdir():
                        continue
                    path = member_path(source.path, info.name)
                    warn = unsafe_skip(path, info.name)
                    if warn:
                        yield warn
                    special = _special(info)
                    if special:
                        yield Skip(path, special)
                        continue
                    too_big = size_skip(path, options, budget, info.size, None)
                    if too_big:
                        yield too_big
                        continue
                    if info.size <= MEMORY_LIMIT:
                        member = archive.extractfile(info)
                        content = member.read() if member else b""
                        yield in_memory_source(path, content, budget, depth + 1, "tar")
                    elif info.issparse():
                        yield Skip(path, f"sparse member over {MEMORY_LIMIT} bytes, not read")
                    else:
                        yield _big_member(source, options, kind, info, path, budget,
                                          depth + 1)
        except tarfile.TarError as exc:
            raise InputError(source.path, _error_reason(exc)) from None


def first_block(source: Source, kind: str) -> bytes | None:
    """The first 512 decompressed bytes of ``source`` (``None`` if they cannot be had)."""
    try:
        with source.open() as stream:
            return open_stream(stream, kind).read(512)
    except Exception:  # truncated or corrupt: the caller decides what that means
        return None


def read(source: Source, options: ReadOptions = ReadOptions()) -> Iterator[Item]:
    """Yield the members of a tar archive (compressed or not) as sources."""
    with source.open() as stream:
        head = stream.read(16)
    kind = kind_of(head)
    if kind is not None:
        block = first_block(source, kind)
        if block is not None and not looks_like_tar(block):
            # Named like a tar but holding something else: one decompressed member.
            from sentinelle.readers._single import read_single

            yield from read_single(source, options, kind, tar_checked=True)
            return
    yield from read_tar(source, options, kind)


__all__ = ["FORMAT", "first_block", "looks_like_tar", "read", "read_tar", "sniff"]
