"""A synthetic inventory for load tests and demos: many file reports, no real data.

``populate(inventory, files=100_000)`` records one scan of generated reports (paths under
``/srv/exports/synthetic``, a spread of risks, entities, health categories and masked column
previews) through the bulk write API, in seconds on SQLite. Every count and preview is made
up; there is no identifier anywhere, masked or not.
"""

from __future__ import annotations

import random

from sentinelle.entities import RiskLevel
from sentinelle.inventory.store import Inventory
from sentinelle.report.model import ColumnReport, EntityStats, FileReport

ROOT = "/srv/exports/synthetic"
_PREVIEWS = {"NIR": "1 ** ** ** *** *** **", "PHONE": "06 ** ** ** **",
             "EMAIL": "*****@*****.**", "PERSON_NAME": "Aaaaa", "DATE_OF_BIRTH": "**/**/****",
             "BLOOD_GROUP": "A*", "ADDRESS": "** aaa aaaaa", "IBAN": "FR** **** ****"}
_PROFILES: list[tuple[RiskLevel, tuple[str, ...], tuple[str, ...]]] = [
    (RiskLevel.NONE, (), ()),
    (RiskLevel.LOW, ("PHONE",), ()),
    (RiskLevel.MEDIUM, ("PERSON_NAME", "PHONE", "EMAIL"), ()),
    (RiskLevel.HIGH, ("NIR", "PERSON_NAME"), ()),
    (RiskLevel.CRITICAL, ("NIR", "PERSON_NAME", "DATE_OF_BIRTH", "BLOOD_GROUP"), ("HIV",)),
    (RiskLevel.CRITICAL, ("NIR", "PERSON_NAME", "ADDRESS", "IBAN"), ("PREGNANCY", "TREATMENT")),
]
_WEIGHTS = [50, 15, 12, 10, 8, 5]
_COLUMNS = {ents: [ColumnReport(index=k, name=e.lower(), entity=e, confidence=0.95,
                                valid_ratio=0.99, preview=_PREVIEWS.get(e, "***"))
                   for k, e in enumerate(ents)] for _, ents, _ in _PROFILES}
_FORMATS = ("csv", "xlsx", "json", "hprim", "hl7", "text", "sql")


def report(i: int, rng: random.Random) -> FileReport:
    """The ``i``-th synthetic file report."""
    risk, ents, health = rng.choices(_PROFILES, weights=_WEIGHTS)[0]
    records = rng.randint(1, 50_000) if ents else rng.randint(0, 500)
    fmt = _FORMATS[i % len(_FORMATS)]
    entities = {e: EntityStats(count=records, distinct=max(1, records * 9 // 10),
                               invalid=rng.randint(0, 5)) for e in ents}
    columns = _COLUMNS[ents]  # shared between reports: only read by the inventory
    score = {"none": 0.0, "low": 0.2, "medium": 0.45, "high": 0.7, "critical": 0.9}[risk]
    return FileReport(path=f"{ROOT}/lab{i % 28:02d}/batch{i // 1000:03d}/export_{i:06d}.{fmt}",
                      format=fmt, encoding="utf-8", bytes=records * 120 + 64, records=records,
                      risk=risk, score=round(score + rng.random() * 0.09, 3), entities=entities,
                      health={h: rng.randint(1, max(1, records // 10)) for h in health},
                      columns=columns)


def populate(inventory: Inventory, files: int = 100_000, seed: int = 0) -> int:
    """Record one scan of ``files`` synthetic reports; returns the scan id."""
    rng = random.Random(seed)
    scan_id = inventory.begin_scan([ROOT])
    inventory.record_files(scan_id, (report(i, rng) for i in range(files)), root=ROOT,
                           mtime_ns=1_600_000_000 * 10**9, batch=5000)
    inventory.finish_scan(scan_id, files_read=files)
    return scan_id


__all__ = ["ROOT", "populate", "report"]
