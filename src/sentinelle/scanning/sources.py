"""Turn the user's paths into :class:`~sentinelle.readers.base.Source` objects.

Directories are walked recursively without following symbolic links to directories (so a
symlink loop cannot trap the scan); unreadable entries are reported, not fatal.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sentinelle.readers.base import Source


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str


def _file_source(path: Path) -> Source:
    return Source(path=str(path), open=lambda p=path: open(p, "rb"), size=path.stat().st_size)


def iter_sources(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Source | Skipped]:
    """Yield a source per regular file under ``paths`` (sorted, for reproducible reports)."""
    for raw in paths:
        path = Path(raw)
        try:
            if path.is_dir():
                yield from _walk(path)
            elif path.is_file():
                yield _file_source(path)
            elif path.exists():
                yield Skipped(str(path), "not a regular file")
            else:
                yield Skipped(str(path), "no such file or directory")
        except OSError as exc:
            yield Skipped(str(path), exc.strerror or type(exc).__name__)


def _walk(root: Path) -> Iterator[Source | Skipped]:
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=errors.append):
        dirnames.sort()
        base = Path(dirpath)
        for name in sorted(dirnames):
            if (base / name).is_symlink():
                yield Skipped(str(base / name), "symbolic link to a directory, not followed")
        for name in sorted(filenames):
            path = base / name
            try:
                if path.is_file():
                    yield _file_source(path)
                else:
                    yield Skipped(str(path), "not a regular file (broken link, device or fifo)")
            except OSError as exc:
                yield Skipped(str(path), exc.strerror or type(exc).__name__)
    for exc in errors:
        yield Skipped(str(exc.filename), exc.strerror or type(exc).__name__)


__all__ = ["Skipped", "iter_sources"]
