"""``sentinelle watch``: incremental rescans into the inventory, a change log, alerts.

:func:`~sentinelle.watch.incremental.watch_once` runs one pass (unchanged files are not read
again); :mod:`~sentinelle.watch.alerts` turns its change events into alerts (JSON lines);
:mod:`~sentinelle.watch.webhook` delivers them with retries.
"""

from __future__ import annotations

from sentinelle.durations import parse_duration
from sentinelle.watch.alerts import Alert, alerts_for, exit_code
from sentinelle.watch.incremental import PassResult, WatchConfig, watch_once
from sentinelle.watch.webhook import Webhook

__all__ = ["Alert", "PassResult", "WatchConfig", "Webhook", "alerts_for", "exit_code",
           "parse_duration", "watch_once"]
