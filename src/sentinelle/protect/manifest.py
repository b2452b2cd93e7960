"""The manifest written next to a protected export (``<output>.manifest.json``).

Schema ``sentinelle.protect/1``::

    {"schema": "sentinelle.protect/1", "tool": {...}, "export_id": "9f2c...",
     "recipient": "cro-etude-42", "key_id": "3a41c0d29b7e55f1",   # never the key
     "created": "2026-11-29T20:00:00+00:00", "expires": "2026-12-31T00:00:00+00:00" | null,
     "input": {"name": "export.csv", "format": "csv", "records": 228, "selected": 228},
     "output": {"file": "export.protected.csv", "format": "csv", "encrypted": false,
                "bytes": 51234},
     "rows": 230, "suppressed": 0, "canaries": 2,
     "columns": [{"name": "NUM_SECU", "action": "pseudonymise", "to": "token",
                  "entity": "NIR_NO_KEY"}, ...],           # every input column
     "columns_kept": ["CD_LABO", "NUM_SECU", ...],
     "policy": {...}, "risk": {"<table>": {"before": {...}, "after": {...}, "min_k": ...}},
     "trace": {"pseudonyms": {"m": ..., "k": ..., "n": ..., "bits": "<base64>"},
               "canaries": ["<hex HMAC>", ...]}}

``trace`` holds keyed fingerprints only (HMAC with the trace key derived from the master
key): without the key nothing in a manifest can be tested against a value.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from sentinelle.atomic import write_text
from sentinelle.durations import parse_duration
from sentinelle.errors import ConfigError

SCHEMA = "sentinelle.protect/1"
SUFFIX = ".manifest.json"


def manifest_path(output: str | Path) -> Path:
    out = Path(output)
    return out.with_name(out.name + SUFFIX)


def write_manifest(output: str | Path, data: dict[str, Any]) -> Path:
    path = manifest_path(output)
    write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return path


def read_manifest(path: str | Path) -> dict[str, Any]:
    file = Path(path)
    try:
        data = json.loads(file.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{file}: cannot read manifest ({type(exc).__name__})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ConfigError(f"{file}: not a sentinelle protect manifest")
    return data


def find_manifests(directory: str | Path) -> list[Path]:
    root = Path(directory)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise ConfigError(f"{root}: no such directory")
    return sorted(root.rglob(f"*{SUFFIX}"))


_DURATION_LIKE = re.compile(r"^(?:\s*\d+(?:\.\d+)?\s*[A-Za-z]+)+\s*$")


def parse_when(text: str | None) -> dt.datetime | None:
    """An ISO date or date-time (UTC when no offset), or a duration from now (``30d``,
    ``12w``, ``6mo``, ``1y``; see :mod:`sentinelle.durations`, a bare ``m`` is refused)."""
    if text is None:
        return None
    raw = text.strip()
    if _DURATION_LIKE.match(raw):  # numbers with units: a duration (precise errors)
        return dt.datetime.now(dt.UTC) + parse_duration(raw, option="--expires",
                                                         minutes_m=False)
    try:
        when = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ConfigError(f"--expires: expected an ISO date (2026-12-31) or a duration "
                          f"(30d, 12w, 6mo, 1y), got {raw!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


__all__ = ["SCHEMA", "SUFFIX", "find_manifests", "manifest_path", "parse_when", "read_manifest",
           "write_manifest"]
