"""Fixtures of the dashboard tests: a real inventory filled through its public write API.

Two scans of a small tree: synthetic lab exports scanned by the real engine (so the file
pages show real column classifications and masked previews), a file whose name is hostile
HTML, a harmless note, and made-up reports (``sentinelle.inventory.sample``) for volume. The
second scan adds a file (new exposure) and loses two (gone), so the history and the trend
have content.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sentinelle.entities import RiskLevel
from sentinelle.inventory import Inventory, SourceResult
from sentinelle.inventory.sample import report as sample_report
from sentinelle.scanning.engine import scan
from sentinelle.serve import create_app
from sentinelle.synth import SynthConfig, generate

LOCAL = "http://127.0.0.1"
HOSTILE = "<img src=x onerror=alert(1)>.csv"
SAMPLES = 60


def _source(rep, root: str) -> SourceResult:
    return SourceResult(path=rep.path, reports=[rep], size=rep.bytes,
                        mtime_ns=1_700_000_000 * 10**9, content_hash=None, root=root)


def fill(inv: Inventory, tmp: Path) -> None:
    tree = tmp / "srv"
    for lot, fmt in (("lot1", "csv"), ("lot2", "json"), ("lot3", "csv")):
        (tree / lot).mkdir(parents=True)
        generate(SynthConfig(patients=120, seed=len(lot) + ord(lot[-1]), format=fmt),
                 tree / lot / f"export_megabus.{fmt}")
    (tree / "notes").mkdir()
    (tree / "notes" / "readme.txt").write_text("Rien à signaler, inventaire du matériel.\n")
    shutil.copy(tree / "lot1" / "export_megabus.csv", tree / "notes" / HOSTILE)
    root = str(tree)
    real = {r.path: r for r in scan([tree]).files}
    hostile = next(p for p in real if p.endswith(HOSTILE))
    rng = random.Random(7)
    samples = [sample_report(i, rng) for i in range(SAMPLES)]
    at_risk = [k for k, r in enumerate(samples) if r.risk != "none"]
    gone = {samples[k].path for k in at_risk[:2]}  # lost at the second scan
    k = next(k for k, r in enumerate(samples) if r.risk == "low" and r.path not in gone)  # up at the second scan
    raised = replace(samples[k], risk=RiskLevel.HIGH, errors=["line 12: unterminated quote"])
    t0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)

    first = inv.begin_scan([root], at=t0)
    inv.record_sources(first, [_source(r, root) for p, r in real.items() if p != hostile]
                       + [_source(r, root) for r in samples])
    inv.finish_scan(first, files_read=len(real) - 1 + SAMPLES)

    second = inv.begin_scan([root], at=t0 + timedelta(days=1))
    inv.record_sources(second, [_source(r, root) for r in real.values()]
                       + [_source(raised if r.path == raised.path else r, root)
                          for r in samples if r.path not in gone])
    states = inv.source_states(root)
    inv.mark_gone(second, [states[path].id for path in gone])
    inv.finish_scan(second, files_read=len(real) + SAMPLES - 2)

    reports = tmp / "assessment"
    reports.mkdir()
    (reports / "report.html").write_text(
        "<!doctype html><title>Assessment</title><style>h1{color:#333}</style>"
        "<h1>Leak of lot 2</h1>")
    (reports / "assessment.json").write_text('{"schema": "sentinelle.assess/1", "persons": 1234}')
    (reports / "secret.txt").write_text("not to be served")
    inv.add_assessment(str(reports), "Leak of lot 2", 1234, "critical")
    (tmp / "no-report").mkdir()
    inv.add_assessment(str(tmp / "no-report"), "No report yet", 0, "low")


@pytest.fixture(scope="session")
def filler():
    """``fill(inventory, tmp_dir)``, for tests that build their own inventory (PostgreSQL)."""
    return fill


@pytest.fixture(scope="session")
def inv(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("serve")
    inventory = Inventory(f"sqlite:///{tmp / 'inventory.sqlite'}")
    fill(inventory, tmp)
    yield inventory
    inventory.close()


@pytest.fixture(scope="session")
def app(inv):
    return create_app(inv)


@pytest.fixture(scope="session")
def client(app):
    with TestClient(app, base_url=LOCAL) as c:
        yield c
