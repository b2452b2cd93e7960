"""Server-rendered pages: content, filters, sorting, pagination, escaping, error pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from sentinelle.inventory.views import FileFilter


class Links(HTMLParser):
    """Collects hrefs, srcs, table rows of file links, and every tag with a style attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.inline: list[str] = []

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        if "href" in d:
            self.hrefs.append(d["href"])
        if "src" in d:
            self.srcs.append(d["src"])
        if "style" in d or tag == "script" or any(k.startswith("on") for k in d):
            self.inline.append(tag)


def parse(html: str) -> Links:
    p = Links()
    p.feed(html)
    return p


def file_links(html: str) -> list[int]:
    return [int(m) for m in re.findall(r'href="files/(\d+)"', html)]


PAGES = ["/", "/files", "/files?risk=critical", "/history", "/assessments", "/docs"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_self_contained(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    links = parse(response.text)
    assert not links.inline, "no script, inline style or event handler (CSP forbids them)"
    for ref in links.hrefs + links.srcs:
        assert not re.match(r"^(https?:)?//", ref), f"external reference {ref}"
    assert 'href="/static/style.css"' in response.text


def test_overview(client, inv):
    html = client.get("/").text
    ov = inv.overview()
    for level in ("critical", "high", "medium", "low", "none"):
        card = re.search(rf'id="card-{level}">\s*<b>([^<]*)</b>', html)
        assert card and card.group(1).replace("\u202f", "") == str(ov.files_by_risk.get(level, 0))
    assert '<svg class="trend"' in html
    assert html.count('<rect class="r-') >= len(ov.trend)
    for entity in ov.entities:
        assert f'href="files?entity={entity}"' in html
    for category in ov.health:
        assert f"<td>{category}</td>" in html


def test_file_list_filter_to_critical(client, inv):
    html = client.get("/files", params={"risk": "critical", "limit": 200}).text
    expected = [f.id for f in inv.list_files(FileFilter(risk="critical", limit=200)).items]
    assert file_links(html) == expected and expected
    assert '<option value="critical" selected>' in html
    assert "r-high" not in html.split("<tbody>")[1]


def test_file_list_form_any_is_accepted(client, inv):
    html = client.get("/files?risk=&min_risk=&entity=&q=&sort=path&order=asc&limit=20").text
    assert file_links(html) == [f.id for f in inv.list_files(
        FileFilter(sort="path", desc=False, limit=20)).items]


def test_file_list_sort_links(client):
    html = client.get("/files", params={"sort": "path", "order": "asc"}).text
    # the active column toggles its order; the others start descending; offset resets
    assert 'href="files?sort=path&amp;order=asc"' not in html
    assert re.search(r'href="files\?sort=path"[^>]*class="sorted asc"', html)
    assert 'href="files?sort=size&amp;order=desc"' in html or 'href="files?sort=size"' in html


def test_file_list_pagination(client, inv):
    total = inv.list_files(FileFilter()).total
    first = client.get("/files", params={"limit": 20}).text
    assert 'rel="prev"' not in first
    nxt = re.search(r'rel="next" href="([^"]+)"', first)
    assert nxt and "offset=20" in nxt.group(1)
    second = client.get("/" + nxt.group(1).replace("&amp;", "&")).text
    assert file_links(second) == [f.id for f in inv.list_files(FileFilter(offset=20, limit=20)).items]
    assert 'rel="prev" href="files?limit=20"' in second
    assert f"of {total:,}".replace(",", "\u202f") in second
    last = client.get("/files", params={"limit": 20, "offset": (total - 1) // 20 * 20}).text
    assert 'rel="next"' not in last


def test_file_page(client, inv):
    fid = inv.list_files(FileFilter(risk="critical")).items[0].id
    detail = inv.file_detail(fid)
    html = client.get(f"/files/{fid}").text
    assert 'id="columns"' in html and detail.columns
    for col in detail.columns:
        assert f"<code>{col.preview}</code>" in html
        assert f"<td>{col.entity}</td>" in html
    assert 'id="history"' in html
    for error in detail.errors:
        assert error in html


def test_paths_are_escaped(client, inv):
    hostile = next(f for f in inv.list_files(FileFilter(limit=500, q="<img")).items)
    listing = client.get("/files", params={"q": "<img"}).text
    page = client.get(f"/files/{hostile.id}").text
    for html in (listing, page):
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize("url, status", [
    ("/files/999999999", 404),
    ("/files/abc", 422),
    ("/files?risk=severe", 422),
    ("/files?limit=-1", 422),
    ("/history?kind=exploded", 422),
    ("/assessments/999/report.html", 404),
    ("/no/such/page", 404),
])
def test_error_pages(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert f"<h1>{status}" in response.text


def test_history_page(client, inv):
    html = client.get("/history").text
    for event in inv.history()[:5]:
        assert event.kind in html


def test_assessments_page_and_report(client, inv):
    html = client.get("/assessments").text
    with_report = next(a for a in inv.assessments() if a.title == "Leak of lot 2")
    without = next(a for a in inv.assessments() if a.title == "No report yet")
    assert f'href="assessments/{with_report.id}/report.html"' in html
    assert f'href="assessments/{without.id}/report.html"' not in html
    report = client.get(f"/assessments/{with_report.id}/report.html")
    assert report.status_code == 200 and "Leak of lot 2" in report.text
    csp = report.headers["content-security-policy"]
    assert "sandbox" in csp and "script-src" not in csp and "default-src 'none'" in csp
    js = client.get(f"/assessments/{with_report.id}/assessment.json")
    assert js.json()["persons"] == 1234
    assert client.get(f"/assessments/{without.id}/report.html").status_code == 404


def test_file_page_errors_and_history(client, inv):
    up = next(e for e in inv.history() if e.kind == "risk_up")
    html = client.get(f"/files/{up.file_id}").text
    assert "line 12: unterminated quote" in html
    assert "risk_up" in html and "r-low" in html and "r-high" in html


def test_no_raw_value_reaches_the_dashboard(client, inv):
    """The identifiers of the scanned export never appear on a page or in the API."""
    import csv

    from sentinelle.inventory.views import FileFilter as F

    row = next(f for f in inv.list_files(F(q="lot1/export_megabus.csv")).items)
    path = row.path
    with open(path, encoding="cp1252", newline="") as fh:
        records = list(csv.DictReader(fh, delimiter=";"))
    raw = {r[k].strip() for r in records[:100] for k in ("num_secu", "tél. portable", "adresse mail", "nom_patient")
           if r.get(k) and len(r[k].strip()) >= 6}
    assert len(raw) > 50
    texts = [client.get(f"/files/{row.id}").text, client.get(f"/api/files/{row.id}").text,
             client.get("/files", params={"q": "lot1", "limit": 500}).text,
             client.get("/api/files", params={"limit": 500}).text, client.get("/").text]
    for value in raw:
        for text in texts:
            assert value not in text
