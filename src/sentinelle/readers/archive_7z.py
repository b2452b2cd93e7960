"""7z archives, decoded in memory with py7zr (never extracted to disk).

Signature: ``37 7A BC AF 27 1C`` ("7z" + BC AF 27 1C) at offset 0 (7-Zip's 7zFormat.txt,
"SignatureHeader"). py7zr (https://py7zr.readthedocs.io) decodes the members into memory
objects given by a writer factory (its ``extract(targets=..., factory=...)`` API): nothing
touches the disk. Members are decoded in batches of at most
:data:`~sentinelle.readers._archive.MEMORY_LIMIT` bytes (declared sizes) and yielded as
in-memory sources named ``archive.7z!dir/file``; a member larger than that limit is
skipped with a reason. 7z archives are often solid (one compressed stream for many
files), so per-member compressed sizes are unknown: the ratio limit applies to the sum of
the declared sizes against the archive size.

Skipped with a reason: encrypted archives (py7zr raises ``PasswordRequired``), symbolic
links, members over the limits. Members with unsafe names (``..``, absolute paths, drive
letters) are reported and still read: py7zr refuses to decode such a name, so the member
gets a harmless stand-in name in py7zr's parsed header (in memory) while the report keeps
the real one.
A corrupt or truncated archive raises :class:`~sentinelle.errors.InputError`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from sentinelle.errors import InputError, LimitExceeded
from sentinelle.readers._archive import (
    MEMORY_LIMIT,
    RATIO_FLOOR,
    Budget,
    context,
    in_memory_source,
    member_path,
    members_skip,
    random_access,
    size_skip,
    unsafe_skip,
)
from sentinelle.readers.base import Item, ReadOptions, Skip, Source

FORMAT = "7z"
_MAGIC = b"7z\xbc\xaf\x27\x1c"


def sniff(head: bytes, name: str) -> float:
    """0.95 for the 7z signature."""
    return 0.95 if head.startswith(_MAGIC) else 0.0


class _Writer:
    """An in-memory py7zr writer that refuses more bytes than the member declared."""

    def __init__(self, name: str, limit: int, path: str) -> None:
        self.name = name
        self._limit = limit
        self._path = path
        self._buffer = io.BytesIO()

    def write(self, data: bytes | bytearray) -> int:
        if self._buffer.tell() + len(data) > self._limit:
            raise LimitExceeded(self._path, "7z member larger than its declared size")
        return self._buffer.write(data)

    def read(self, size: int | None = None) -> bytes:
        return self._buffer.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._buffer.seek(offset, whence)

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return self._buffer.getbuffer().nbytes

    def close(self) -> None:
        return None

    def value(self) -> bytes:
        return self._buffer.getvalue()


def _factory(limits: list[tuple[int, str]]) -> Any:
    """A py7zr ``WriterFactory`` handing out :class:`_Writer` objects in member order."""
    from py7zr.io import WriterFactory

    class Factory(WriterFactory):  # type: ignore[misc]
        def __init__(self) -> None:
            self.writers: list[_Writer] = []

        def create(self, filename: str) -> Any:
            limit, path = limits[min(len(self.writers), len(limits) - 1)]
            writer = _Writer(filename, limit, path)
            self.writers.append(writer)
            return writer

    return Factory()


def _stand_in(entry: Any, index: int) -> bool:
    """Give a member with an unsafe name a harmless name inside py7zr's parsed header
    (memory only), since py7zr refuses to decode a member named ``../x``; the report keeps
    the real name. ``False`` if this py7zr version keeps names elsewhere."""
    info = getattr(entry, "_file_info", None)
    if not isinstance(info, dict) or "filename" not in info:
        return False
    info["filename"] = f"sentinelle-unsafe-member-{index}"
    return entry.filename == info["filename"]


def _plan(archive: Any, source: Source, options: ReadOptions, budget: Budget, depth: int,
          archive_size: int) -> Iterator[Item | tuple[Any, str]]:
    """Skips and empty members as items, members to decode as ``(file, path)`` pairs."""
    files = list(archive.files)
    declared = 0
    overall = max(options.max_ratio * max(archive_size, 1), RATIO_FLOOR)
    for index, entry in enumerate(files):
        budget.members += 1
        if index >= options.max_members or budget.exhausted:
            yield members_skip(source.path, options, budget, len(files) - index)
            return
        if entry.is_directory:
            continue
        name = entry.filename
        path = member_path(source.path, name)
        warn = unsafe_skip(path, name)
        if warn:
            if not _stand_in(entry, index):
                yield Skip(path, "unsafe member path; not read (the 7z decoder refuses it)")
                continue
            yield warn
        if entry.is_symlink:
            yield Skip(path, "symbolic link member, not followed")
            continue
        size = int(entry.uncompressed or 0)
        too_big = size_skip(path, options, budget, size, None)
        if too_big:
            yield too_big
            continue
        if size > MEMORY_LIMIT:
            yield Skip(path, f"7z member over {MEMORY_LIMIT} bytes, not read")
            continue
        declared += size
        if declared > overall:
            yield Skip(source.path, f"members expand to more than {options.max_ratio:g} times "
                                    "the archive size (max_ratio; decompression bomb?): "
                                    f"{len(files) - index} members not read")
            return
        if size == 0:
            yield in_memory_source(path, b"", budget, depth + 1, FORMAT)
            continue
        yield entry, path


def _decode(archive: Any, batch: list[tuple[Any, str]], source: Source) -> list[bytes]:
    from py7zr.exceptions import PasswordRequired

    factory = _factory([(int(entry.uncompressed), path) for entry, path in batch])
    archive.reset()
    try:
        archive.extract(targets=[entry.filename for entry, _ in batch], factory=factory)
    except (LimitExceeded, PasswordRequired):
        raise
    except Exception as exc:  # corrupt data, CRC errors, unsupported filters
        raise InputError(source.path, f"corrupt or truncated 7z ({type(exc).__name__})") from None
    if len(factory.writers) != len(batch):
        raise InputError(source.path, "7z members with duplicate names cannot be told apart")
    return [writer.value() for writer in factory.writers]


def read(source: Source, options: ReadOptions = ReadOptions()) -> Iterator[Item]:
    """Yield the members of a 7z archive as in-memory sources (or :class:`Skip`)."""
    import py7zr
    from py7zr.exceptions import PasswordRequired

    with source.open() as stream:
        budget, depth = context(stream, options, source.path)
        data = random_access(stream, source, budget)
        size = data.seek(0, io.SEEK_END)
        data.seek(0)
        try:
            archive = py7zr.SevenZipFile(data, mode="r")
        except PasswordRequired:
            yield Skip(source.path, "encrypted archive (encrypted headers)")
            return
        except Exception as exc:
            raise InputError(source.path, f"corrupt or truncated 7z ({type(exc).__name__})") from None
        with archive:
            batch: list[tuple[Any, str]] = []
            batch_bytes = 0
            for item in [*_plan(archive, source, options, budget, depth, size), None]:
                if isinstance(item, tuple):
                    entry, _ = item
                    if batch and batch_bytes + int(entry.uncompressed) > MEMORY_LIMIT:
                        yield from _emit(archive, batch, source, budget, depth)
                        batch, batch_bytes = [], 0
                    batch.append(item)
                    batch_bytes += int(entry.uncompressed)
                    continue
                if item is None:
                    yield from _emit(archive, batch, source, budget, depth)
                else:
                    yield item


def _emit(archive: Any, batch: list[tuple[Any, str]], source: Source, budget: Budget,
          depth: int) -> Iterator[Item]:
    from py7zr.exceptions import PasswordRequired

    if not batch:
        return
    try:
        contents = _decode(archive, batch, source)
    except PasswordRequired:
        for _, path in batch:
            yield Skip(path, "encrypted member")
        return
    for (_, path), content in zip(batch, contents, strict=True):
        budget.charge(path, len(content))
        yield in_memory_source(path, content, budget, depth + 1, FORMAT)


__all__ = ["FORMAT", "read", "sniff"]
