"""Security: headers on every response, the token gate on every route, Host check, binding."""

from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route
from typer.testing import CliRunner

from sentinelle.cli.app import app as cli
from sentinelle.errors import ConfigError
from sentinelle.inventory.views import FileFilter
from sentinelle.serve import check_binding, create_app, is_loopback
from sentinelle.serve.security import COOKIE, CSP, cookie_value

TOKEN = "s3cret-token-for-the-tests-0123456789"


def flat_routes(routes, prefix=""):
    """``app.routes``, with the routers FastAPI keeps as included-router entries expanded."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from flat_routes(included.routes, prefix + route.include_context.prefix)
        else:
            yield prefix, route


def every_url(app, inv) -> list[str]:
    """One concrete URL per route and mount of the app (path parameters filled in)."""
    fid = inv.list_files(FileFilter(risk="critical")).items[0].id
    aid = next(a.id for a in inv.assessments() if a.title == "Leak of lot 2")
    values = {"file_id": fid, "assessment_id": aid, "name": "report.html"}
    urls = []
    for prefix, route in flat_routes(app.routes):
        if isinstance(route, Mount):
            urls.append(prefix + route.path + "/style.css")
        elif isinstance(route, Route) and "GET" in (route.methods or ()):
            urls.append((prefix + route.path).format(**values))
        else:  # a route type the test does not know how to call must not slip through
            raise AssertionError(f"untested route {route!r}")
    # nothing documented escapes the list
    documented = {p.format(**values) for p in app.openapi()["paths"]}
    assert documented <= set(urls), documented - set(urls)
    return urls


@pytest.fixture(scope="module")
def guarded(inv):
    return create_app(inv, token=TOKEN, host="0.0.0.0")


def test_every_route_is_listed(app, inv):
    urls = every_url(app, inv)
    for needed in ("/", "/files", "/api/files", "/api/overview", "/openapi.json", "/docs",
                   "/static/style.css", "/api/history", "/api/scans", "/api/assessments",
                   "/history", "/assessments"):
        assert needed in urls
    assert any(u.startswith("/files/") for u in urls) and any(u.startswith("/api/files/") for u in urls)
    assert any(u.startswith("/assessments/") for u in urls)


def test_security_headers_everywhere(client, app, inv):
    for url in every_url(app, inv) + ["/files/999999", "/api/files/abc", "/nowhere"]:
        response = client.get(url)
        assert response.status_code < 500
        h = response.headers
        assert h["x-content-type-options"] == "nosniff", url
        assert h["referrer-policy"] == "no-referrer", url
        assert h["x-frame-options"] == "DENY", url
        if "/assessments/" not in url:
            assert h["content-security-policy"] == CSP, url
    for directive in ("default-src 'none'", "style-src 'self'", "img-src 'self' data:",
                      "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"):
        assert directive in CSP


def test_token_required_on_every_route(guarded, inv):
    urls = every_url(guarded, inv)
    with TestClient(guarded, base_url="http://192.0.2.10:8750") as c:
        for url in urls:
            for headers in ({}, {"Authorization": "Bearer wrong-token-wrong-token-00"},
                            {"Authorization": f"Basic {TOKEN}"},
                            {"Authorization": f"Bearer {TOKEN[:-1]}"},
                            {"Cookie": f"{COOKIE}={TOKEN}"}):
                response = c.get(url, headers=headers)
                assert response.status_code == 401, (url, headers)
                assert response.headers["www-authenticate"].startswith("Bearer")
                assert response.headers["content-security-policy"] == CSP
                assert "critical" not in response.text
            ok = c.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
            assert ok.status_code == 200, url


def test_token_cookie_for_browsers(guarded):
    with TestClient(guarded, base_url="http://192.0.2.10:8750", follow_redirects=False) as c:
        assert c.get("/?token=not-the-token-at-all-000").status_code == 401
        signed = c.get(f"/files?risk=critical&token={TOKEN}")
        assert signed.status_code == 303
        assert signed.headers["location"] == "/files?risk=critical"
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert TOKEN not in cookie and cookie_value(TOKEN) in cookie
        # the client kept the cookie: pages, API and static now open
        for url in ("/", "/files?risk=critical", "/api/files", "/static/style.css"):
            assert c.get(url).status_code == 200, url
    with TestClient(guarded, base_url="http://192.0.2.10:8750") as fresh:
        assert fresh.get("/", headers={"Cookie": f"{COOKIE}=" + "0" * 64}).status_code == 401


def test_loopback_without_token_refuses_foreign_host_names(client):
    for host in ("localhost:8750", "127.0.0.1", "[::1]:8750"):
        assert client.get("/api/overview", headers={"Host": host}).status_code == 200, host
    for host in ("evil.example", "evil.example:8750", "127.0.0.1.nip.io", "192.168.1.5"):
        assert client.get("/api/overview", headers={"Host": host}).status_code == 400, host


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.8.9.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.10", False), ("dashboard.example", False),
])
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_binding_rules(inv):
    check_binding("127.0.0.1", None)
    check_binding("0.0.0.0", TOKEN)
    with pytest.raises(ConfigError, match="without a token"):
        check_binding("0.0.0.0", None)
    with pytest.raises(ConfigError, match="at least 16"):
        check_binding("0.0.0.0", "short")
    with pytest.raises(ConfigError):
        create_app(inv, host="192.168.1.10")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::"])
def test_cli_refuses_non_loopback_without_token(host, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SENTINELLE_TOKEN"}
    result = CliRunner().invoke(cli, ["serve", "--host", host, "--db", str(tmp_path / "i.sqlite")],
                                env=env)
    assert result.exit_code == 2
    assert "without a token" in result.output
    assert not (tmp_path / "i.sqlite").exists(), "refused before opening anything"


def test_cli_refuses_short_env_token(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "i.db")],
                                env={"SENTINELLE_TOKEN": "abc"})
    assert result.exit_code == 2 and "at least 16" in result.output


def test_report_files_cannot_escape_their_directory(client, inv, tmp_path):
    aid = next(a.id for a in inv.assessments() if a.title == "Leak of lot 2")
    for name in ("secret.txt", "..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "report.html%00",
                 ".%2Freport.html", "%2E%2E"):
        response = client.get(f"/assessments/{aid}/{name}")
        assert response.status_code in (404, 422), name
        assert "not to be served" not in response.text and "root:" not in response.text
    assert client.get(f"/assessments/{aid}/../../etc/passwd").status_code == 404


def test_report_symlink_is_refused(inv, tmp_path):
    outside = tmp_path / "outside.html"
    outside.write_text("outside the registered directory")
    directory = tmp_path / "report"
    directory.mkdir()
    (directory / "report.html").symlink_to(outside)
    aid = inv.add_assessment(str(directory), "Symlinked", 1, "low")
    with TestClient(create_app(inv), base_url="http://127.0.0.1") as c:
        response = c.get(f"/assessments/{aid}/report.html")
        assert response.status_code == 404
        assert "outside the registered" not in response.text


def test_token_redirect_stays_on_the_site():
    """A raw request path "//evil.example/x?token=..." must not redirect to another site."""
    import asyncio

    from sentinelle.serve.security import TokenGate

    sent = []

    async def send(message):
        sent.append(message)

    async def never(scope, receive, send):  # pragma: no cover - the gate answers first
        raise AssertionError("not reached")

    scope = {"type": "http", "method": "GET", "path": "//evil.example/x", "root_path": "",
             "query_string": f"token={TOKEN}".encode(), "headers": [(b"host", b"192.0.2.10")]}
    import threading

    # a fresh thread: Playwright's sync API may own this thread's event loop
    runner = threading.Thread(target=lambda: asyncio.run(TokenGate(never, TOKEN, None)(scope, None, send)))
    runner.start()
    runner.join(10)
    headers = dict(sent[0]["headers"])
    assert sent[0]["status"] == 303 and headers[b"location"] == b"/evil.example/x"
