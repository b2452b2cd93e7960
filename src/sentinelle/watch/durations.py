"""Durations on the command line: ``90s``, ``15m``, ``1h``, ``30d``, ``2w`` (and sums: ``1h30m``)."""

from __future__ import annotations

import re
from datetime import timedelta

from sentinelle.errors import ConfigError

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_WHOLE = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[smhdw]\s*)+$")


def parse_duration(text: str, *, option: str = "duration") -> timedelta:
    """``"30d"`` -> 30 days. Raises :class:`ConfigError` on anything else or on zero."""
    value = text.strip().lower()
    if not _WHOLE.match(value):
        raise ConfigError(f"{option}: {text!r} is not a duration (examples: 90s, 15m, 1h, 30d, 2w)")
    seconds = sum(float(n) * _UNITS[u] for n, u in _PART.findall(value))
    if seconds <= 0:
        raise ConfigError(f"{option}: {text!r} must be longer than zero")
    return timedelta(seconds=seconds)


__all__ = ["parse_duration"]
