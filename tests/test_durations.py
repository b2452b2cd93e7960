"""One duration syntax for every option that takes one (watch --interval/--max-age,
protect --expires), with a bare ``m`` refused where it would be read as months."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sentinelle.durations import parse_duration
from sentinelle.errors import ConfigError
from sentinelle.protect import parse_when

DAY = 86400


@pytest.mark.parametrize("text, seconds", [
    ("90s", 90), ("15m", 900), ("15min", 900), ("1h", 3600), ("30d", 30 * DAY),
    ("2w", 14 * DAY), ("6mo", 180 * DAY), ("1y", 365 * DAY), ("1h30m", 5400),
    ("1h30min", 5400), ("0.5h", 1800), (" 7D ", 7 * DAY), ("1y6mo", 545 * DAY),
])
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "30", "d", "-1h", "0s", "1h and 2m", "1e3s", "6 months",
                                  "3x"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ConfigError, match="--max-age"):
        parse_duration(text, option="--max-age")


def test_a_bare_m_is_refused_where_months_were_meant() -> None:
    with pytest.raises(ConfigError, match="ambiguous.*6mo"):
        parse_duration("6m", option="--expires", minutes_m=False)
    with pytest.raises(ConfigError, match="ambiguous"):
        parse_when("6m")
    assert parse_duration("6min", minutes_m=False) == timedelta(minutes=6)


def test_expiry_is_a_date_or_a_duration_from_now() -> None:
    before = datetime.now(UTC)
    when = parse_when("6mo")
    assert when is not None and timedelta(days=180) <= when - before < timedelta(days=180, minutes=1)
    assert parse_when("2026-12-31") == datetime(2026, 12, 31, tzinfo=UTC)
    assert parse_when("1000d") is not None  # four digits and a unit: still a duration
    with pytest.raises(ConfigError, match="ISO date"):
        parse_when("soon")
