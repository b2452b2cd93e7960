"""Shared machinery of the container readers (zip, tar, 7z, gzip/bzip2/xz/zstd).

Nothing is ever extracted to disk: members are read from memory or streamed, and a member
path is only ever used as a display name (``outer.zip!dir/inner.csv``), never to open a
file. Limits come from :class:`~sentinelle.readers.base.ReadOptions`:

- ``max_member_bytes``: one member never yields more bytes than this (the member stream
  raises :class:`~sentinelle.errors.LimitExceeded` past it);
- ``max_ratio``: a member never expands to more than ``max_ratio`` times its compressed
  size (members expanding to less than :data:`RATIO_FLOOR` are exempt: tiny members of
  repetitive text compress well and are harmless);
- ``max_members``: members of one container, and members of every container nested in one
  top-level source taken together (a recursive bomb such as 42.zip multiplies members at
  each level);
- ``max_expanded_bytes``: bytes decompressed across every level of one top-level source;
- ``max_depth``: nesting of containers (``a.zip!b.tar!c.gz!d`` is depth 3).

The tree-wide counts travel with the streams: a member stream (:class:`MemberStream`)
carries the :class:`Budget` of its top-level source and its depth, so a container reader
opening a member of another container continues the same budget. The scan driver should
scan members as they are yielded (depth-first): tar and 7z members are held in memory
only until the next one is read, and a zip member opened after its container's iterator
has finished makes the zip be opened (and, inside a stream, buffered) again.

42.zip (https://www.unforgettable.dk/) and David Fifield, "A better zip bomb" (WOOT 2019,
https://www.bamsoftware.com/hacks/zipbomb/) are the bombs these limits answer.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from sentinelle.errors import InputError, LimitExceeded, SentinelleError
from sentinelle.readers.base import ReadOptions, Skip, Source

#: Members of tar and 7z archives, and archives nested in a stream that cannot seek, are
#: held in memory up to this size; bigger ones are streamed again from the start.
MEMORY_LIMIT = 128 * 1024 * 1024
#: Members expanding to less than this are never refused for their compression ratio.
RATIO_FLOOR = 1024 * 1024
#: Read size used when skipping forward in a stream.
_SKIP_CHUNK = 1024 * 1024

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(slots=True)
class Budget:
    """Counts shared by every container nested in one top-level source."""

    options: ReadOptions
    expanded: int = 0  # bytes produced by member streams, every level together
    members: int = 0  # members seen, every level together

    def charge(self, path: str, nbytes: int) -> None:
        self.expanded += nbytes
        if self.expanded > self.options.max_expanded_bytes:
            raise LimitExceeded(
                path,
                f"archive expands to more than {self.options.max_expanded_bytes} bytes "
                "in total (max_expanded_bytes)",
            )

    @property
    def exhausted(self) -> bool:
        return (
            self.expanded > self.options.max_expanded_bytes
            or self.members > self.options.max_members
        )

    def fits(self, nbytes: int) -> bool:
        return self.expanded + nbytes <= self.options.max_expanded_bytes


class MemberStream(io.RawIOBase):
    """A read-only view of a member's bytes that enforces a size limit.

    ``limit`` is the most the member may yield: past it, reading raises
    :class:`LimitExceeded` with ``reason`` (when ``hard_end`` is false) or simply ends
    (``hard_end``: a window over a larger stream, such as a tar member). Failures of the
    underlying decompressor become :class:`InputError` naming ``path`` and the format,
    never the content. ``charge`` adds the bytes read to the budget.
    """

    def __init__(
        self,
        inner: BinaryIO,
        *,
        path: str,
        fmt: str,
        limit: int,
        reason: str,
        budget: Budget,
        depth: int,
        hard_end: bool = False,
        charge: bool = True,
        size: int | None = None,
        closers: tuple[Callable[[], object], ...] = (),
    ) -> None:
        super().__init__()
        self._inner = inner
        self.path = path
        self.fmt = fmt
        self.budget = budget
        self.depth = depth
        self._limit = limit
        self._reason = reason
        self._hard_end = hard_end
        self._charge = charge
        self._closers = closers
        self._size = size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def _read_inner(self, n: int) -> bytes:
        # read1: one decompression step at a time, so the bytes before a truncation
        # reach the reader before the error does.
        try:
            read1 = getattr(self._inner, "read1", None)
            return read1(n) if read1 is not None else self._inner.read(n)
        except SentinelleError:
            raise
        except EOFError:
            raise InputError(self.path, f"truncated {self.fmt} data") from None
        except Exception as exc:  # decompressor errors of every library
            raise InputError(
                self.path, f"corrupt {self.fmt} data ({type(exc).__name__})"
            ) from None

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        want = len(buffer)
        if want == 0:
            return 0
        room = self._limit - self._pos
        if room <= 0:
            if self._hard_end or not self._read_inner(1):
                return 0
            raise LimitExceeded(self.path, self._reason)
        data = self._read_inner(min(want, room))
        n = len(data)
        buffer[:n] = data
        self._pos += n
        if self._charge and n:
            self.budget.charge(self.path, n)
        return n

    def seekable(self) -> bool:
        try:
            return bool(self._inner.seekable())
        except Exception:
            return False

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset += self._pos
        elif whence == io.SEEK_END:
            if self._size is None:
                raise io.UnsupportedOperation("seek from the end of a stream of unknown size")
            offset += self._size
        if offset < 0:
            raise ValueError("negative seek position")
        try:
            self._inner.seek(offset)
        except SentinelleError:
            raise
        except Exception as exc:
            raise InputError(self.path, f"cannot seek in {self.fmt} data "
                                        f"({type(exc).__name__})") from None
        self._pos = offset
        return offset

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        if not self.closed:
            try:
                self._inner.close()
                for close in self._closers:
                    close()
            except Exception:  # closing a broken decompressor must not hide the real error
                pass
        super().close()


def buffered(raw: MemberStream) -> BinaryIO:
    """A buffered reader over a member stream (what ``Source.open`` returns)."""
    return io.BufferedReader(raw, buffer_size=256 * 1024)  # type: ignore[return-value]


def context(stream: BinaryIO, options: ReadOptions, path: str) -> tuple[Budget, int]:
    """The budget and depth of the container being read from ``stream``.

    A stream opened from a member of another container continues that container's budget,
    one level deeper; any other stream starts a new budget at depth 0. Raises
    :class:`LimitExceeded` when the members of this container would be too deep.
    """
    raw = getattr(stream, "raw", stream)
    if isinstance(raw, MemberStream):
        budget, depth = raw.budget, raw.depth
    else:
        budget, depth = Budget(options), 0
    if depth + 1 > options.max_depth:
        raise LimitExceeded(path, f"archive nested deeper than {options.max_depth} levels "
                                  "(max_depth)")
    return budget, depth


def display_name(name: str) -> str:
    """A member name as shown in reports: control characters escaped (``\\x00``), so a
    crafted name can neither hide its tail nor drive a terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", name)


def member_path(outer: str, name: str) -> str:
    return f"{outer}!{display_name(name)}"


def unsafe_reason(name: str) -> str | None:
    """Why a member name would be dangerous to extract, ``None`` when it is harmless.

    Sentinelle never extracts, but such a name in an archive is a finding in itself
    (path traversal, CWE-22; "zip slip").
    """
    if "\x00" in name:
        return "NUL byte in name"
    if name.startswith(("/", "\\")):
        return "absolute path"
    if _DRIVE.match(name):
        return "drive letter"
    if ".." in re.split(r"[\\/]", name):
        return "parent directory (..)"
    return None


def unsafe_skip(path: str, name: str) -> Skip | None:
    why = unsafe_reason(name)
    if why is None:
        return None
    return Skip(path, f"unsafe member path: {why}; nothing is extracted, content scanned")


def ratio_limit(options: ReadOptions, compressed: int | None) -> int:
    """Most bytes a member of ``compressed`` bytes may expand to."""
    if compressed is None:
        return options.max_member_bytes
    by_ratio = max(int(options.max_ratio * max(compressed, 1)), RATIO_FLOOR)
    return min(options.max_member_bytes, by_ratio)


def limit_reason(options: ReadOptions, compressed: int | None) -> str:
    limit = ratio_limit(options, compressed)
    if limit < options.max_member_bytes:
        return (f"expands to more than {options.max_ratio:g} times its compressed size "
                "(max_ratio; decompression bomb?)")
    return f"member larger than {options.max_member_bytes} bytes (max_member_bytes)"


def size_skip(path: str, options: ReadOptions, budget: Budget, size: int,
              compressed: int | None) -> Skip | None:
    """A :class:`Skip` when a member's declared size is over a limit, else ``None``."""
    if size > options.max_member_bytes:
        return Skip(path, f"member of {size} bytes, over max_member_bytes "
                          f"({options.max_member_bytes})")
    if compressed is not None and size > RATIO_FLOOR and size > options.max_ratio * max(
        compressed, 1
    ):
        ratio = size / max(compressed, 1)
        return Skip(path, f"compression ratio {ratio:.0f}:1 over max_ratio "
                          f"{options.max_ratio:g}:1 (decompression bomb?)")
    if not budget.fits(size):
        return Skip(path, "total expanded size over max_expanded_bytes "
                          f"({options.max_expanded_bytes})")
    return None


def members_skip(outer: str, options: ReadOptions, budget: Budget, left: int | None) -> Skip:
    more = "the remaining members" if left is None else f"{left} more members"
    if budget.expanded > options.max_expanded_bytes:
        why = f"total expanded size over max_expanded_bytes ({options.max_expanded_bytes})"
    else:
        why = f"member limit reached (max_members {options.max_members})"
    return Skip(outer, f"{why}: {more} not read")


def is_random_access(stream: BinaryIO) -> bool:
    """Whether seeking ``stream`` is cheap (a file, memory, a ranged remote file)."""
    if isinstance(stream, io.BytesIO):
        return True
    raw = getattr(stream, "raw", None)
    if isinstance(stream, io.FileIO) or isinstance(raw, io.FileIO):
        return True
    return bool(getattr(stream, "random_access", False))


def random_access(stream: BinaryIO, source: Source, budget: Budget) -> BinaryIO:
    """``stream`` itself when it seeks cheaply, else its bytes in memory (up to
    :data:`MEMORY_LIMIT`), else ``stream`` if it can seek at all (slowly: a member of a
    zip is decompressed again from its start at each backward seek)."""
    if is_random_access(stream):
        return stream
    data = stream.read(MEMORY_LIMIT + 1)
    if len(data) <= MEMORY_LIMIT:
        return io.BytesIO(data)
    try:
        if stream.seekable():
            stream.seek(0, io.SEEK_END)
            stream.seek(0)
            return stream
    except (OSError, ValueError):
        pass
    raise LimitExceeded(source.path, f"archive over {MEMORY_LIMIT} bytes in a stream that "
                                     "cannot seek (read it from a file instead)")


def skip_forward(stream: BinaryIO, count: int) -> None:
    """Read and drop ``count`` bytes (a seek for streams that cannot)."""
    while count > 0:
        data = stream.read(min(count, _SKIP_CHUNK))
        if not data:
            return
        count -= len(data)


def in_memory_source(path: str, data: bytes, budget: Budget, depth: int, fmt: str) -> Source:
    """A member already read into memory (its bytes were charged when they were read)."""

    def open_member() -> BinaryIO:
        raw = MemberStream(io.BytesIO(data), path=path, fmt=fmt, limit=len(data), reason="",
                           budget=budget, depth=depth, hard_end=True, charge=False,
                           size=len(data))
        return buffered(raw)

    return Source(path=path, open=open_member, size=len(data))


__all__ = [
    "MEMORY_LIMIT",
    "RATIO_FLOOR",
    "Budget",
    "MemberStream",
    "buffered",
    "context",
    "display_name",
    "in_memory_source",
    "is_random_access",
    "limit_reason",
    "member_path",
    "members_skip",
    "random_access",
    "ratio_limit",
    "size_skip",
    "skip_forward",
    "unsafe_reason",
    "unsafe_skip",
]
