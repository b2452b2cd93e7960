"""One compressed file (gzip, bzip2, xz, zstd) seen as a container of one member.

``export.csv.gz`` yields one :class:`~sentinelle.readers.base.Source` named
``export.csv.gz!export.csv`` whose bytes are decompressed on the fly when it is read
(never written anywhere). The member may not expand past ``max_ratio`` times the
compressed size (nor past ``max_member_bytes``): reading further raises
:class:`~sentinelle.errors.LimitExceeded`. A truncated or corrupt stream raises
:class:`~sentinelle.errors.InputError` naming the member, after the bytes that could be
decompressed. A compressed tar is handed to :mod:`sentinelle.readers.archive_tar`, so its
members are named ``a.tar.gz!member`` directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from sentinelle.errors import InputError
from sentinelle.readers._archive import (
    MemberStream,
    buffered,
    context,
    limit_reason,
    member_path,
    ratio_limit,
    unsafe_skip,
)
from sentinelle.readers._compressed import inner_name, kind_of, open_stream
from sentinelle.readers.base import Item, ReadOptions, Source


def sniff_kind(head: bytes, kind: str) -> float:
    """0.9 when ``head`` starts with the magic of ``kind`` (a tar inside scores higher
    with the tar reader)."""
    return 0.9 if kind_of(head) == kind else 0.0


def _holds_tar(source: Source, kind: str) -> bool:
    from sentinelle.readers.archive_tar import first_block, looks_like_tar

    block = first_block(source, kind)
    return block is not None and looks_like_tar(block)


def read_single(source: Source, options: ReadOptions, kind: str,
                tar_checked: bool = False) -> Iterator[Item]:
    """Yield the one decompressed member of ``source`` (or a tar's members)."""
    with source.open() as stream:
        budget, depth = context(stream, options, source.path)
        head = stream.read(options.head_bytes)
    if kind_of(head) != kind:
        raise InputError(source.path, f"not {kind} data")
    if not tar_checked and _holds_tar(source, kind):
        from sentinelle.readers.archive_tar import read_tar

        yield from read_tar(source, options, kind)
        return
    name = inner_name(source.path, kind, head)
    path = member_path(source.path, name)
    warn = unsafe_skip(path, name)
    if warn:
        yield warn
    budget.members += 1
    limit = ratio_limit(options, source.size)
    reason = limit_reason(options, source.size)

    def open_member() -> BinaryIO:
        stream = source.open()
        try:
            raw = MemberStream(open_stream(stream, kind), path=path, fmt=kind, limit=limit,
                               reason=reason, budget=budget, depth=depth + 1,
                               closers=(stream.close,))
        except BaseException:
            stream.close()
            raise
        return buffered(raw)

    yield Source(path=path, open=open_member, size=None)


__all__ = ["read_single", "sniff_kind"]
