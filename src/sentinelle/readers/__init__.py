"""Readers: turn the bytes of one source into :class:`Table` or :class:`Text` chunks.

Each format is one module of this package defining ``FORMAT``, ``sniff(head, name)`` and
``read(source, options)`` (see :mod:`sentinelle.readers.base`). Modules are discovered
with :mod:`pkgutil`, not registered: adding a format is adding a module. Private modules
(``_name``) and modules without the three names are helpers, not readers.

Scores: a reader for a specific format with a signature (HPRIM, HL7, ...) should return
above 0.9; delimited text returns 0.5-0.9 from delimiter consistency; plain text returns
0.1 for any decodable text, so it is the fallback. Binary content scores 0 everywhere
until a binary format reader exists, and is reported as
:class:`~sentinelle.errors.UnsupportedFormat`.

Entry points::

    read_source(source, options) -> Iterator[Table | Text]
    sniff_format(head, name) -> str | None
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from polars.exceptions import PanicException

from sentinelle.errors import InputError, SentinelleError, UnsupportedFormat
from sentinelle.readers.base import Chunk, Item, ReadOptions, Source, Table, Text
from sentinelle.readers.encoding import BOMS, looks_binary


@dataclass(frozen=True, slots=True)
class Reader:
    """A discovered reader module."""

    format: str
    module: str
    sniff: Callable[[bytes, str], float]
    read: Callable[[Source, ReadOptions], Iterator[Chunk]]


def _is_reader(module: ModuleType) -> bool:
    return (
        isinstance(getattr(module, "FORMAT", None), str)
        and callable(getattr(module, "sniff", None))
        and callable(getattr(module, "read", None))
    )


@lru_cache(maxsize=1)
def readers() -> tuple[Reader, ...]:
    """Every reader module of this package, sorted by module name."""
    found: list[Reader] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.ispkg:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if _is_reader(module):
            found.append(Reader(module.FORMAT, module.__name__, module.sniff, module.read))
    return tuple(found)


def _best(head: bytes, name: str) -> Reader | None:
    best: tuple[float, Reader] | None = None
    for reader in readers():
        try:
            score = float(reader.sniff(head, name))
        except SentinelleError:
            score = 0.0
        if score > 0 and (best is None or score > best[0]):
            best = (score, reader)
    return best[1] if best else None


def sniff_format(head: bytes, name: str) -> str | None:
    """The format of the reader that claims ``head`` most strongly, ``None`` if none does."""
    reader = _best(head, name)
    return reader.format if reader else None


def _is_empty(head: bytes) -> bool:
    return not head or any(head == mark for mark, _ in BOMS)


def read_source(source: Source, options: ReadOptions = ReadOptions()) -> Iterator[Item]:
    """Sniff the format of ``source`` and stream its chunks with the matching reader.

    Raises :class:`~sentinelle.errors.InputError` (or a subclass) naming ``source.path``:
    ``"empty file"`` and ``UnsupportedFormat`` (binary content) at once; ``DecodeError``
    and ``LimitExceeded`` may also come while iterating (a limit met half-way, after some
    chunks were produced). Nothing else escapes: an unexpected parser failure becomes an
    ``InputError`` naming the failure's type, never the content.
    """
    try:
        with source.open() as stream:
            head = stream.read(options.head_bytes)
    except OSError as exc:
        raise InputError(source.path, f"cannot open: {exc.strerror or 'I/O error'}") from None
    if _is_empty(head):
        raise InputError(source.path, "empty file")
    reader = _best(head, source.path)
    if reader is None:
        if looks_binary(head):
            raise UnsupportedFormat(source.path, "binary content, not delimited text")
        raise UnsupportedFormat(source.path, "no reader recognises this content")
    return _guarded(source.path, reader.read(source, options))


def _guarded(path: str, chunks: Iterator[Chunk]) -> Iterator[Chunk]:
    try:
        yield from chunks
    except SentinelleError:
        raise
    except OSError as exc:
        raise InputError(path, f"read failed: {exc.strerror or 'I/O error'}") from None
    except (Exception, PanicException) as exc:
        raise InputError(path, f"cannot read content ({type(exc).__name__})") from None


__all__ = [
    "Chunk",
    "ReadOptions",
    "Reader",
    "Source",
    "Table",
    "Text",
    "read_source",
    "readers",
    "sniff_format",
]
