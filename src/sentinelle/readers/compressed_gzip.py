"""gzip compressed files (.gz, .tgz): one member, decompressed on the fly.

Format reference: RFC 1952.

See :mod:`sentinelle.readers._single` for naming, limits and errors; a compressed tar is
read by :mod:`sentinelle.readers.archive_tar`.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentinelle.readers._single import read_single, sniff_kind
from sentinelle.readers.base import Item, ReadOptions, Source

FORMAT = "gzip"


def sniff(head: bytes, name: str) -> float:
    """0.9 for the gzip magic bytes."""
    return sniff_kind(head, FORMAT)


def read(source: Source, options: ReadOptions = ReadOptions()) -> Iterator[Item]:
    """Yield the decompressed member of ``source`` (or the members of a tar inside)."""
    return read_single(source, options, FORMAT)


__all__ = ["FORMAT", "read", "sniff"]
