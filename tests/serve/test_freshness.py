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


def test_list_answers_cached_per_question_until_the_next_scan(tmp_path):
    with Inventory(tmp_path / "inv.sqlite") as inv:
        _record(inv, 0, 30)
        app = create_app(inv, cache_seconds=0)
        with TestClient(app, base_url="http://127.0.0.1") as c:
            first = c.get("/api/files?risk=none&sort=size&order=asc")
            hits = app.state.responses.hits
            # the same question, parameters in another order and an ignored token: a hit
            again = c.get("/api/files?order=asc&sort=size&risk=none&token=whatever")
            assert again.content == first.content
            assert app.state.responses.hits == hits + 1
            assert c.get("/api/files?risk=none&sort=size").content != first.content
            html = c.get("/files?risk=none").text
            assert c.get("/files?risk=none").text == html
            total = c.get("/api/files").json()["total"]
            _record(inv, 30, 7)  # a new scan: no answer of the previous one is served
            assert c.get("/api/files").json()["total"] == total + 7
            assert c.get("/api/files?order=asc&sort=size&risk=none").json()["total"] \
                >= first.json()["total"]
            assert f"of {total + 7}" in c.get("/files").text


def test_counts_come_from_the_matrix_without_search(tmp_path):
    with Inventory(tmp_path / "inv.sqlite") as inv:
        _record(inv, 0, 40)
        calls = []
        count_files = inv.count_files
        inv.count_files = lambda flt: calls.append(flt) or count_files(flt)
        app = create_app(inv, cache_seconds=0)
        with TestClient(app, base_url="http://127.0.0.1") as c:
            for url in ("/api/files?risk=high", "/api/files?min_risk=low&entity=NIR",
                        "/files?entity=PHONE"):
                assert c.get(url).status_code == 200
            assert calls == []
            n = c.get("/api/files?q=lab0").json()["total"]
            c.get("/api/files?q=lab0&sort=path")
            assert len(calls) == 1 and n == inv.list_files(calls[0]).total


def test_worker_app_from_environment(tmp_path, monkeypatch):
    from sentinelle.serve.server import ENV_DB, ENV_HOST, ENV_TOKEN, app_from_environment

    with Inventory(tmp_path / "inv.sqlite") as inv:
        _record(inv, 0, 5)
    monkeypatch.setenv(ENV_DB, f"sqlite:///{tmp_path / 'inv.sqlite'}")
    monkeypatch.setenv(ENV_HOST, "127.0.0.1")
    monkeypatch.setenv(ENV_TOKEN, "t" * 40)
    app = app_from_environment()
    try:
        with TestClient(app, base_url="http://127.0.0.1") as c:
            assert c.get("/api/files").status_code == 401
            ok = c.get("/api/files", headers={"authorization": "Bearer " + "t" * 40})
            assert ok.status_code == 200 and ok.json()["total"] == 5
    finally:
        app.state.inventory.close()
