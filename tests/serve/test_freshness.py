"""The dashboard shows a new scan as soon as it is recorded, and fails soft when the DB does."""

from __future__ import annotations

import random

from fastapi.testclient import TestClient

from sentinelle.inventory import Inventory
from sentinelle.inventory.sample import report
from sentinelle.serve import create_app
from sentinelle.serve.cache import ReadCache


def _record(inv: Inventory, start: int, n: int) -> None:
    rng = random.Random(start)
    scan_id = inv.begin_scan(["/srv/exports/synthetic"])
    inv.record_files(scan_id, [report(i, rng) for i in range(start, start + n)],
                     root="/srv/exports/synthetic")
    inv.finish_scan(scan_id, files_read=n)


def test_new_scan_is_shown_at_once(tmp_path):
    with Inventory(tmp_path / "inv.sqlite") as inv:
        _record(inv, 0, 10)
        app = create_app(inv, cache_seconds=0)
        with TestClient(app, base_url="http://127.0.0.1") as c:
            assert c.get("/api/overview").json()["files"] == 10
            assert c.get("/api/files").json()["total"] == 10
            assert c.get("/api/overview").json()["files"] == 10
            assert app.state.cache.hits >= 1, "a stable inventory is answered from the cache"
            _record(inv, 10, 5)
            assert c.get("/api/overview").json()["files"] == 15
            assert c.get("/api/files").json()["total"] == 15
            assert "15 files in the inventory" in c.get("/").text


def test_nothing_cached_while_a_scan_is_recorded(tmp_path):
    with Inventory(tmp_path / "inv.sqlite") as inv:
        _record(inv, 0, 3)
        cache = ReadCache(inv, recheck=0)
        calls = []
        cache.get("k", lambda: calls.append(1))
        cache.get("k", lambda: calls.append(1))
        assert len(calls) == 1
        inv.begin_scan(["/srv/exports/synthetic"])  # running, not finished
        cache.get("k", lambda: calls.append(1))
        cache.get("k", lambda: calls.append(1))
        assert len(calls) == 3


def test_unreadable_inventory_is_503_not_500(tmp_path):
    path = tmp_path / "inv.sqlite"
    inv = Inventory(path)
    _record(inv, 0, 3)
    inv.close()
    for suffix in ("", "-wal", "-shm"):
        p = path.with_name(path.name + suffix)
        if p.exists():
            p.write_bytes(b"this is not a database" * 100)
    try:
        with TestClient(create_app(inv, cache_seconds=0), base_url="http://127.0.0.1",
                        raise_server_exceptions=False) as c:
            api = c.get("/api/files")
            assert api.status_code == 503 and "inventory is unavailable" in api.json()["detail"]
            page = c.get("/files")
            assert page.status_code == 503 and "<h1>503" in page.text
    finally:
        inv.close()


def test_empty_inventory(tmp_path):
    with Inventory(tmp_path / "empty.sqlite") as inv, \
            TestClient(create_app(inv), base_url="http://127.0.0.1") as c:
        for url in ("/", "/files", "/history", "/assessments", "/docs", "/api/overview",
                    "/api/files", "/api/history", "/api/scans", "/api/assessments"):
            assert c.get(url).status_code == 200, url
        assert "No scan yet" in c.get("/").text
        assert "No file matches" in c.get("/files").text
