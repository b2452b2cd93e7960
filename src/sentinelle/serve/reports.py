"""Serve an assessment's files read-only, from its registered directory only.

The URL names the assessment by id and the file by one of a fixed set of names; no part of
a path ever comes from the request, so there is nothing to traverse. The file must be a
regular file directly inside the registered directory (a symlink is refused).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sentinelle.inventory.views import AssessmentLink

#: The files of an assessment directory the dashboard serves, with their media types.
REPORT_FILES = {
    "report.html": "text/html; charset=utf-8",
    "assessment.json": "application/json",
    "art33.md": "text/markdown; charset=utf-8",
}
MAX_REPORT_BYTES = 64 * 1024 * 1024


def report_path(link: AssessmentLink, name: str) -> Path | None:
    """The file ``name`` of the assessment directory, or None if absent or not servable."""
    if name not in REPORT_FILES:
        return None
    directory = Path(link.directory)
    path = directory / name
    try:
        st = os.lstat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_REPORT_BYTES:
        return None
    return path


def read_report(link: AssessmentLink, name: str) -> bytes | None:
    """Bytes of the file, opened without following a symlink; None if it cannot be served."""
    path = report_path(link, name)
    if path is None:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        return fh.read(MAX_REPORT_BYTES + 1)[:MAX_REPORT_BYTES]


__all__ = ["MAX_REPORT_BYTES", "REPORT_FILES", "read_report", "report_path"]
