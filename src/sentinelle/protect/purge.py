"""``sentinelle purge``: delete protected exports whose manifest has expired.

Every manifest (``*.manifest.json``) under the directory whose ``expires`` is in the past
has its output file (``output.file``, next to the manifest) and itself deleted. Exports
without ``expires`` are kept. ``dry_run`` only lists what would go.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from sentinelle.errors import ConfigError, OutputError
from sentinelle.protect.manifest import find_manifests, parse_when, read_manifest


@dataclass(frozen=True, slots=True)
class Purged:
    manifest: str
    output: str
    recipient: str
    expires: str
    deleted: bool  # False in a dry run
    output_missing: bool = False


def purge(directory: str | os.PathLike[str], *, dry_run: bool = False,
          now: dt.datetime | None = None) -> list[Purged]:
    """Delete expired exports under ``directory``; return what was (or would be) deleted."""
    now = now or dt.datetime.now(dt.UTC)
    out: list[Purged] = []
    for file in find_manifests(os.fspath(directory)):
        try:
            data = read_manifest(file)
        except ConfigError:
            continue  # not ours: leave it alone
        expires = parse_when(data.get("expires")) if data.get("expires") else None
        if expires is None or expires > now:
            continue
        name = str((data.get("output") or {}).get("file") or "")
        target = file.parent / name if name and Path(name).name == name else None
        missing = target is None or not target.exists()
        if not dry_run:
            try:
                if target is not None and not missing:
                    target.unlink()
                file.unlink()
            except OSError as exc:
                raise OutputError(f"{target or file}: cannot delete ({exc.strerror or exc})") from None
        out.append(Purged(str(file), str(target) if target else "", str(data.get("recipient")),
                          expires.isoformat(timespec="seconds"), not dry_run, missing))
    return out


__all__ = ["Purged", "purge"]
