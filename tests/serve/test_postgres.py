"""The dashboard over a real PostgreSQL inventory (throwaway server, tests/pg.py)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sentinelle.inventory import Inventory
from sentinelle.inventory.views import FileFilter
from sentinelle.serve import create_app

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg(postgres_admin_url, filler, tmp_path_factory):
    from pg import fresh_database  # tests/ is on sys.path (rootdir conftest)

    inv = Inventory(fresh_database(postgres_admin_url))
    filler(inv, tmp_path_factory.mktemp("serve-pg"))
    with TestClient(create_app(inv), base_url="http://127.0.0.1") as client:
        yield inv, client
    inv.close()


@pytest.mark.parametrize("params, flt", [
    ({}, {}),
    ({"risk": "critical"}, {"risk": "critical"}),
    ({"min_risk": "high", "sort": "path", "order": "asc"}, {"min_risk": "high", "sort": "path",
                                                          "desc": False}),
    ({"entity": "NIR", "sort": "size"}, {"entity": "NIR", "sort": "size"}),
    ({"q": "LOT", "sort": "mtime"}, {"q": "LOT", "sort": "mtime"}),
    ({"include_gone": "true", "offset": 20, "limit": 7}, {"include_gone": True, "offset": 20,
                                                          "limit": 7}),
])
def test_file_list_on_postgres(pg, params, flt):
    inv, client = pg
    data = client.get("/api/files", params=params).json()
    page = inv.list_files(FileFilter(**flt))
    assert data["total"] == page.total > 0
    assert [f["id"] for f in data["items"]] == [f.id for f in page.items]
    html = client.get("/files", params=params).text
    for f in page.items:
        assert f'href="files/{f.id}"' in html


def test_pages_on_postgres(pg):
    inv, client = pg
    ov = client.get("/api/overview").json()
    assert ov["files_by_risk"] == inv.overview().files_by_risk and ov["files"] > 0
    fid = inv.list_files(FileFilter(risk="critical")).items[0].id
    assert 'id="columns"' in client.get(f"/files/{fid}").text
    assert client.get("/files/999999999").status_code == 404
    assert {e["kind"] for e in client.get("/api/history").json()} >= {"new_exposure", "gone"}
    for url in ("/", "/history", "/assessments", "/api/scans", "/api/assessments"):
        assert client.get(url).status_code == 200, url
