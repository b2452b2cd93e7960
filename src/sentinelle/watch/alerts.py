"""Alerts: the change events of a watch pass that deserve attention, as JSON lines.

An alert carries the path, the kind of change, the risk (and the previous one), the score,
the record count and the entity / health counts: never a value, masked or not.

Which events become alerts: those whose risk (or previous risk, for ``gone`` and
``risk_down``) is at or above ``--alert-on`` (default ``low``: any finding). Which alerts make
the exit code 1: ``new_exposure``, ``risk_up`` and ``too_old`` at or above ``--fail-on``
(default ``high``). ``gone`` and ``risk_down`` are good news; they are reported, not failed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sentinelle.inventory.schema import RISKS
from sentinelle.inventory.store import Inventory
from sentinelle.inventory.views import HistoryEvent

SCHEMA = "sentinelle.watch.alert/1"
WORSE = ("new_exposure", "risk_up", "too_old")
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INCOMPLETE = 0, 1, 2, 3


def _rank(level: str | None) -> int:
    return RISKS.index(level) if level in RISKS else 0


@dataclass(frozen=True, slots=True)
class Alert:
    kind: str
    path: str
    risk: str | None
    previous_risk: str | None
    scan_id: int
    at: str  # ISO 8601, UTC
    file_id: int | None = None
    score: float | None = None
    records: int | None = None
    mtime: str | None = None
    entities: dict[str, int] | None = None
    health: dict[str, int] | None = None

    @property
    def level(self) -> int:
        """The rank this alert is filtered on: the worse of risk and previous risk."""
        return max(_rank(self.risk), _rank(self.previous_risk))

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "kind": self.kind, "path": self.path, "risk": self.risk,
                "previous_risk": self.previous_risk, "score": self.score,
                "records": self.records, "entities": self.entities or {},
                "health": self.health or {}, "mtime": self.mtime, "file_id": self.file_id,
                "scan_id": self.scan_id, "at": self.at}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=False)


def alerts_for(inv: Inventory, changes: Sequence[HistoryEvent], alert_on: str = "low") -> list[Alert]:
    """The alerts among ``changes`` (at or above ``alert_on``), with the files' counts."""
    # the worse of the two levels decides: high -> none (a risk_down) is alerted as high
    threshold = max(_rank(alert_on), _rank("low"))
    picked = [e for e in changes if max(_rank(e.risk), _rank(e.previous_risk)) >= threshold]
    rows = inv.files(e.file_id for e in picked if e.file_id is not None)
    alerts = []
    for e in picked:
        row = rows.get(e.file_id) if e.file_id is not None else None
        alerts.append(Alert(
            kind=e.kind, path=e.path, risk=e.risk, previous_risk=e.previous_risk,
            scan_id=e.scan_id, at=e.at.isoformat(), file_id=e.file_id,
            score=row.score if row else None, records=row.records if row else None,
            mtime=row.mtime.isoformat() if row and row.mtime else None,
            entities=dict(row.entities) if row else None,
            health=dict(row.health) if row else None))
    return alerts


def exit_code(alerts: Sequence[Alert], fail_on: str, incomplete: int) -> int:
    """1 if a worsening alert is at or above ``fail_on`` (``never``: no failing), else 3 if
    coverage was incomplete, else 0."""
    if fail_on != "never":
        threshold = _rank(fail_on)
        if any(a.kind in WORSE and _rank(a.risk) >= threshold for a in alerts):
            return EXIT_FINDINGS
    return EXIT_INCOMPLETE if incomplete else EXIT_OK


__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "EXIT_INCOMPLETE", "EXIT_OK", "SCHEMA", "WORSE",
           "Alert", "alerts_for", "exit_code"]
