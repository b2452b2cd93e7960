"""Durations on the command line: ``90s``, ``15min``, ``1h``, ``30d``, ``2w``, ``6mo``,
``1y``, and sums (``1h30min``). One parser for every option that takes a duration
(``watch --interval`` and ``--max-age``, ``protect --expires``).

A bare ``m`` means minutes (``15m``), as in most tools, where a duration is naturally
short (an interval, an age in a watch). Where it is naturally long (an export's expiry,
where ``6m`` was read as six months) a bare ``m`` is refused as ambiguous: an export
meant to live six months must not be purged after six minutes. Months are 30 days and
years 365 days.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sentinelle.errors import ConfigError

_DAY = 86400
_UNITS = {"s": 1, "min": 60, "m": 60, "h": 3600, "d": _DAY, "w": 7 * _DAY, "mo": 30 * _DAY,
          "y": 365 * _DAY}
_UNIT = r"(min|mo|[smhdwy])"
_PART = re.compile(rf"(\d+(?:\.\d+)?)\s*{_UNIT}")
_WHOLE = re.compile(rf"^\s*(?:\d+(?:\.\d+)?\s*{_UNIT}\s*)+$")
_EXAMPLES = "90s, 15min, 1h, 30d, 2w, 6mo, 1y"


def parse_duration(text: str, *, option: str = "duration", minutes_m: bool = True) -> timedelta:
    """``"30d"`` -> 30 days. Raises :class:`ConfigError` on anything else, on zero, and
    (``minutes_m=False``) on a bare ``m``."""
    value = text.strip().lower()
    if not _WHOLE.match(value):
        raise ConfigError(f"{option}: {text!r} is not a duration (examples: {_EXAMPLES})")
    parts = _PART.findall(value)
    if not minutes_m and any(unit == "m" for _, unit in parts):
        raise ConfigError(f"{option}: {text!r} is ambiguous: write 'mo' for months (6mo) or "
                          "'min' for minutes (15min)")
    seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    if seconds <= 0:
        raise ConfigError(f"{option}: {text!r} must be longer than zero")
    return timedelta(seconds=seconds)


__all__ = ["parse_duration"]
