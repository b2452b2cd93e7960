"""The JSON API answers what the inventory holds: filters, sorting, pagination, 404, 422."""

from __future__ import annotations

import pytest

from sentinelle.inventory.views import FileFilter

RISKS = ["none", "low", "medium", "high", "critical"]


def ids(inv, **kwargs) -> list[int]:
    return [f.id for f in inv.list_files(FileFilter(**kwargs)).items]


def test_overview_matches_inventory(client, inv):
    data = client.get("/api/overview").json()
    ov = inv.overview()
    assert data["files"] == ov.files > 0
    assert data["files_by_risk"] == ov.files_by_risk
    assert data["files_by_risk"].get("critical", 0) > 0
    assert data["entities"] == ov.entities and data["health"] == ov.health
    assert [p["id"] for p in data["trend"]] == [p.id for p in ov.trend]


@pytest.mark.parametrize("params, expected", [
    ({"risk": "critical"}, {"risk": "critical"}),
    ({"min_risk": "high"}, {"min_risk": "high"}),
    ({"entity": "NIR"}, {"entity": "NIR"}),
    ({"q": "LOT3"}, {"q": "LOT3"}),
    ({"include_gone": "true"}, {"include_gone": True}),
    ({"risk": "", "entity": "", "q": ""}, {}),  # an HTML form's "any"
])
def test_filters(client, inv, params, expected):
    data = client.get("/api/files", params={**params, "limit": 500}).json()
    flt = FileFilter(**expected, limit=500)
    assert [f["id"] for f in data["items"]] == ids(inv, **expected, limit=500)
    assert data["total"] == inv.list_files(flt).total
    assert data["items"], "every filter under test matches something"
    for f in data["items"]:
        if "risk" in expected:
            assert f["risk"] == expected["risk"]
        if "min_risk" in expected:
            assert RISKS.index(f["risk"]) >= RISKS.index("high")
        if "entity" in expected:
            assert "NIR" in f["entities"]
        if "q" in expected:
            assert "lot3" in f["path"].lower()
        if not expected.get("include_gone"):
            assert f["gone"] is False


def test_filter_narrows(client):
    everything = client.get("/api/files").json()["total"]
    critical = client.get("/api/files", params={"risk": "critical"}).json()["total"]
    assert 0 < critical < everything
    with_gone = client.get("/api/files", params={"include_gone": "true"}).json()["total"]
    assert with_gone > everything


@pytest.mark.parametrize("sort", ["path", "risk", "score", "size", "mtime", "last_seen"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_sorting(client, inv, sort, order):
    data = client.get("/api/files", params={"sort": sort, "order": order, "limit": 500}).json()
    assert [f["id"] for f in data["items"]] == ids(inv, sort=sort, desc=order == "desc", limit=500)
    if sort == "path":
        paths = [f["path"] for f in data["items"]]
        assert paths == sorted(paths, reverse=order == "desc")
    if sort == "size":
        sizes = [f["size"] for f in data["items"]]
        assert sizes == sorted(sizes, reverse=order == "desc")


def test_pagination(client):
    full = client.get("/api/files", params={"sort": "path", "order": "asc", "limit": 500}).json()
    seen = []
    for offset in range(0, full["total"], 7):
        page = client.get("/api/files", params={"sort": "path", "order": "asc", "offset": offset,
                                                "limit": 7}).json()
        assert page["offset"] == offset and page["limit"] == 7 and page["total"] == full["total"]
        seen += [f["id"] for f in page["items"]]
    assert seen == [f["id"] for f in full["items"]]
    beyond = client.get("/api/files", params={"offset": full["total"] + 10}).json()
    assert beyond["items"] == [] and beyond["total"] == full["total"]


def test_file_detail(client, inv):
    fid = ids(inv, risk="critical")[0]
    data = client.get(f"/api/files/{fid}").json()
    detail = inv.file_detail(fid)
    assert data["file"]["id"] == fid and data["file"]["path"] == detail.file.path
    assert [c["entity"] for c in data["columns"]] == [c.entity for c in detail.columns]
    assert [c["preview"] for c in data["columns"]] == [c.preview for c in detail.columns]
    assert data["errors"] == detail.errors
    assert [e["kind"] for e in data["history"]] == [e.kind for e in detail.history]


@pytest.mark.parametrize("url, status", [
    ("/api/files/999999999", 404),
    ("/api/files/0", 422),
    ("/api/files/-3", 422),
    ("/api/files/abc", 422),
    (f"/api/files/{2**64}", 422),
    ("/api/files?risk=severe", 422),
    ("/api/files?entity=SSN", 422),
    ("/api/files?sort=password", 422),
    ("/api/files?order=sideways", 422),
    ("/api/files?limit=0", 422),
    ("/api/files?limit=100000", 422),
    ("/api/files?offset=-1", 422),
    ("/api/files?q=%00", 422),
    ("/api/files?q=" + "x" * 201, 422),
    ("/api/history?kind=exploded", 422),
    ("/api/history?limit=0", 422),
    ("/api/scans?limit=x", 422),
    ("/api/nothing-here", 404),
])
def test_errors(client, url, status):
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "detail" in response.json()


def test_422_does_not_echo_input(client):
    response = client.get("/api/files", params={"entity": "1850375123456"})
    assert response.status_code == 422
    assert "1850375123456" not in response.text


def test_history_and_scans(client, inv):
    events = client.get("/api/history").json()
    assert [(e["kind"], e["path"]) for e in events] == [(e.kind, e.path) for e in inv.history()]
    assert {"new_exposure", "gone", "risk_up"} <= {e["kind"] for e in events}
    kind = events[0]["kind"]
    only = client.get("/api/history", params={"kind": kind}).json()
    assert only and all(e["kind"] == kind for e in only)
    scans = client.get("/api/scans", params={"limit": 2}).json()
    assert [s["id"] for s in scans] == [s.id for s in inv.scans(limit=2)]
    assert set(scans[0]["by_risk"]) >= {"critical", "high"}


def test_assessments(client, inv):
    data = client.get("/api/assessments").json()
    assert [a["title"] for a in data] == [a.title for a in inv.assessments()]
    with_report = next(a for a in data if a["title"] == "Leak of lot 2")
    assert with_report["report_url"].endswith(f"/assessments/{with_report['id']}/report.html")
    assert next(a for a in data if a["title"] == "No report yet")["report_url"] is None


def test_openapi_documents_models(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/overview", "/api/files", "/api/files/{file_id}", "/api/history",
                 "/api/scans", "/api/assessments"):
        assert "get" in paths[path], path
    names = set(schema["components"]["schemas"])
    assert {"FileRowOut", "FileDetailOut", "PageOut", "OverviewOut", "ScanPointOut",
            "HistoryEventOut", "AssessmentOut", "ColumnOut"} <= names
    ok = paths["/api/files"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/PageOut"}
    params = {p["name"] for p in paths["/api/files"]["get"]["parameters"]}
    assert params >= {"risk", "min_risk", "entity", "q", "sort", "order", "offset", "limit"}
    assert "404" in paths["/api/files/{file_id}"]["get"]["responses"]
