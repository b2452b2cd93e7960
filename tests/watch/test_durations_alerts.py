"""Alert filtering and exit codes (durations: tests/test_durations.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sentinelle.inventory.views import HistoryEvent
from sentinelle.watch.alerts import Alert, exit_code


def _alert(kind: str, risk: str | None, previous: str | None = None) -> Alert:
    return Alert(kind=kind, path="/x", risk=risk, previous_risk=previous, scan_id=1,
                 at=datetime.now(UTC).isoformat())


@pytest.mark.parametrize("alerts, fail_on, incomplete, code", [
    ([], "high", 0, 0),
    ([], "high", 2, 3),
    ([_alert("new_exposure", "medium")], "high", 0, 0),
    ([_alert("new_exposure", "high")], "high", 0, 1),
    ([_alert("risk_up", "critical", "low")], "critical", 5, 1),
    ([_alert("too_old", "low")], "low", 0, 1),
    ([_alert("gone", None, "critical")], "low", 0, 0),  # good news never fails
    ([_alert("risk_down", "none", "critical")], "low", 1, 3),
    ([_alert("new_exposure", "critical")], "never", 0, 0),
])
def test_exit_codes(alerts, fail_on, incomplete, code):
    assert exit_code(alerts, fail_on, incomplete) == code


def test_alert_filter_uses_the_worse_of_both_risks():
    from sentinelle.watch.alerts import alerts_for

    class NoFiles:
        def files(self, ids):
            return {}

    at = datetime.now(UTC)
    events = [HistoryEvent(at, "risk_down", None, "/a", "low", "critical", 1),
              HistoryEvent(at, "new_exposure", None, "/b", "low", None, 1),
              HistoryEvent(at, "gone", None, "/c", None, "medium", 1),
              HistoryEvent(at, "risk_up", None, "/d", "none", None, 1)]
    picked = alerts_for(NoFiles(), events, "medium")  # type: ignore[arg-type]
    assert [a.path for a in picked] == ["/a", "/c"]


def test_a_risk_falling_to_none_is_alerted_at_its_previous_level():
    from sentinelle.watch.alerts import alerts_for

    class NoFiles:
        def files(self, ids):
            return {}

    at = datetime.now(UTC)
    events = [HistoryEvent(at, "risk_down", None, "/cleaned", "none", "high", 1),
              HistoryEvent(at, "risk_up", None, "/noise", "none", "none", 1)]
    picked = alerts_for(NoFiles(), events, "low")  # type: ignore[arg-type]
    assert [(a.path, a.kind) for a in picked] == [("/cleaned", "risk_down")]


@pytest.mark.parametrize(
    ("target", "stored"),
    [
        ("ftp://user:secret@nas.example:2121/exports/?token=abc", "ftp://user@nas.example:2121/exports/"),
        ("sftp://u:p@[2001:db8::1]:22/data", "sftp://u@[2001:db8::1]:22/data"),
        ("https://files.example/index.html?sig=XYZ", "https://files.example/index.html"),
    ],
)
def test_a_watched_root_is_stored_without_password_or_query(target, stored):
    from sentinelle.watch.incremental import root_of

    assert root_of(target) == stored
