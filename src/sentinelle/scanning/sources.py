"""Turn the user's paths and URLs into :class:`~sentinelle.readers.base.Source` objects.

Directories are walked recursively without following symbolic links to directories (so a
symlink loop cannot trap the scan); unreadable entries are reported, not fatal. An
argument with a URL scheme (``ftp://``, ``ftps://``, ``sftp://``, ``http(s)://``,
``s3://``) is read remotely through fsspec (:mod:`sentinelle.scanning.remote`);
``file://`` URLs are local paths. An unsupported scheme, a missing optional extra (s3) or
an unreadable netrc file raises :class:`~sentinelle.errors.ConfigError`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from sentinelle.readers.base import Source


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str


def _file_source(path: Path) -> Source:
    def open_file() -> BinaryIO:
        return open(path, "rb")

    return Source(path=str(path), open=open_file, size=path.stat().st_size)


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
#: ``Path("ftp://h/x")`` collapses to ``ftp:/h/x``: recognised and restored (see _as_url).
_COLLAPSED = re.compile(r"^(ftp|ftps|sftp|http|https|s3):/(?!/)", re.IGNORECASE)


def _as_url(raw: str | os.PathLike[str]) -> str | None:
    """The URL ``raw`` stands for, or ``None`` for a local path.

    A URL passed through :class:`pathlib.Path` (as a CLI argument typed ``Path`` is) loses
    one slash of ``://``; such a string that is not an existing local path is taken as
    the URL it was.
    """
    text = os.fspath(raw)
    if _URL.match(text):
        return text
    if not isinstance(raw, str) and _COLLAPSED.match(text) and not os.path.exists(text):
        scheme, _, rest = text.partition(":/")
        return f"{scheme}://{rest}"
    return None


def iter_sources(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Source | Skipped]:
    """Yield a source per regular file under ``paths`` (sorted, for reproducible reports)."""
    for raw in paths:
        url = _as_url(raw)
        if url is not None and url[:7].lower() != "file://":
            from sentinelle.scanning.remote import iter_remote

            yield from iter_remote(url)
            continue
        path = Path(unquote(urlsplit(url).path)) if url is not None else Path(raw)
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
    for error in errors:
        yield Skipped(str(error.filename), error.strerror or type(error).__name__)


__all__ = ["Skipped", "iter_sources"]
