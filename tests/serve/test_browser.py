"""The dashboard in a real browser (Playwright driving Debian's chromium) over a real server.

uvicorn runs in a thread on a free loopback port. The tests click through the pages as a
DPO would, save screenshots to test-artifacts/, and check that nothing is loaded from
anywhere else and that the Content-Security-Policy is never violated.
"""

from __future__ import annotations

import pytest

from sentinelle.serve import create_app
from sentinelle.serve.server import running

pytestmark = pytest.mark.browser
TOKEN = "browser-test-token-0123456789abcdef"


class Watch:
    """Every request the page makes and every console message it logs."""

    def __init__(self, page, base: str) -> None:
        self.base = base
        self.requests: list[str] = []
        self.console: list[str] = []
        self.failed: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: self.failed.append(r.url))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}"))

    def check(self) -> None:
        assert self.requests, "the page made requests"
        external = [u for u in self.requests
                    if not u.startswith(self.base + "/") and not u.startswith("data:")]
        assert not external, f"external resources loaded: {external}"
        assert not self.failed, f"failed requests: {self.failed}"
        assert not self.console, f"console messages (CSP violations, errors): {self.console}"


@pytest.fixture(scope="module")
def server(inv):
    with running(create_app(inv)) as base:
        yield base


def test_dashboard_filter_critical_open_file(browser, server, inv, artifacts_dir):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = Watch(page, server)
    try:
        page.goto(server + "/")
        assert page.locator("h1").inner_text() == "Overview"
        assert page.locator("svg.trend rect").count() > 0
        # the stylesheet applied (CSP allows 'self'): the header is dark
        assert page.eval_on_selector("header.top", "e => getComputedStyle(e).backgroundColor") \
            == "rgb(29, 35, 48)"
        page.screenshot(path=str(artifacts_dir / "serve-overview.png"), full_page=True)

        page.click("header nav >> text=Files")
        page.select_option("select[name=risk]", "critical")
        page.click("#apply")
        page.wait_for_url("**/files?*risk=critical*")
        rows = page.locator("table.files tbody tr")
        critical = inv.overview().files_by_risk["critical"]
        assert rows.count() == critical > 0
        badges = page.locator("table.files tbody .risk").all_inner_texts()
        assert badges == ["critical"] * critical
        page.screenshot(path=str(artifacts_dir / "serve-critical.png"), full_page=True)

        link = page.locator("table.files tbody td.path a", has_text="lot1/export_megabus.csv")
        path = link.inner_text()
        link.click()
        page.wait_for_url("**/files/*")
        assert page.locator("h1").inner_text() == path
        columns = page.locator("#columns tbody tr")
        assert columns.count() > 3
        entities = page.locator("#columns tbody tr td:nth-child(3)").all_inner_texts()
        assert "NIR" in entities
        previews = page.locator("#columns tbody code").all_inner_texts()
        assert any("*" in p for p in previews), "masked previews shown"
        page.screenshot(path=str(artifacts_dir / "serve-file.png"), full_page=True)
        watch.check()
    finally:
        page.close()


def test_browser_signs_in_with_the_token(browser, inv):
    with running(create_app(inv, token=TOKEN)) as base:
        context = browser.new_context()
        page = context.new_page()
        watch = Watch(page, base)
        try:
            first = page.goto(base + "/files")
            assert first.status == 401
            page.goto(f"{base}/?token={TOKEN}")
            assert page.url == base + "/", "the token is dropped from the address"
            assert page.locator("h1").inner_text() == "Overview"
            page.click("header nav >> text=Files")
            assert page.locator("table.files tbody tr").count() > 0
            cookies = context.cookies()
            assert [c["httpOnly"] for c in cookies] == [True]
            assert TOKEN not in cookies[0]["value"]
            # the first, refused load (and anything the browser fetched for it) is expected
            watch.console = [m for m in watch.console if "401" not in m]
            watch.failed = [u for u in watch.failed if not u.startswith("401 ")]
            watch.check()
        finally:
            context.close()
