"""``sentinelle serve`` end to end: the real command in a child process, over a real inventory."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time

import httpx
import pytest

from sentinelle.inventory import Inventory
from sentinelle.inventory.sample import report
from sentinelle.serve.server import free_port

TOKEN = "cli-test-token-0123456789abcdef"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "inv.sqlite"
    with Inventory(path) as inv:
        rng = random.Random(3)
        scan_id = inv.begin_scan(["/srv/exports/synthetic"])
        inv.record_files(scan_id, [report(i, rng) for i in range(40)], root="/srv/exports/synthetic")
        inv.finish_scan(scan_id, files_read=40)
    return path


def serve(db, *args, env=None):
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if k != "SENTINELLE_TOKEN"} | (env or {})
    proc = subprocess.Popen([sys.executable, "-c", "from sentinelle.cli import main; main()",
                             "serve", "--db", str(db), "--port", str(port), *args],
                            env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return proc, port
        except httpx.TransportError:
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("sentinelle serve did not start")


def stop(proc):
    proc.terminate()
    try:
        out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return out.decode() + err.decode()


def test_serve_on_loopback(db):
    proc, port = serve(db)
    try:
        r = httpx.get(f"http://127.0.0.1:{port}/api/overview")
        assert r.status_code == 200 and r.json()["files"] == 40
        assert "default-src 'none'" in r.headers["content-security-policy"]
        assert "server" not in r.headers, "no server banner"
        page = httpx.get(f"http://127.0.0.1:{port}/files?risk=critical")
        assert page.status_code == 200 and "export_" in page.text
    finally:
        output = stop(proc)
    assert f"http://127.0.0.1:{port}/" in output
    assert "GET /files" not in output, "no access log of what was looked at"


def test_serve_everywhere_with_env_token(db):
    proc, port = serve(db, "--host", "0.0.0.0", env={"SENTINELLE_TOKEN": TOKEN})
    try:
        base = f"http://127.0.0.1:{port}"
        for url in ("/", "/files", "/api/files", "/openapi.json", "/docs", "/static/style.css"):
            assert httpx.get(base + url).status_code == 401, url
            assert httpx.get(base + url, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    finally:
        output = stop(proc)
    assert TOKEN not in output, "the token is never printed"


def test_watch_then_serve(tmp_path, export_factory):
    """A real `watch --once` fills the inventory; the dashboard shows what it found."""
    import shutil

    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from sentinelle.cli.app import app as cli
    from sentinelle.serve import create_app

    export, _ = export_factory(patients=80, seed=5)
    tree = tmp_path / "share"
    (tree / "ftp").mkdir(parents=True)
    shutil.copy(export, tree / "ftp" / "extraction_megabus.csv")
    (tree / "ftp" / "lisezmoi.txt").write_text("Rien ici.\n")
    db = tmp_path / "watch.sqlite"
    result = CliRunner().invoke(cli, ["watch", str(tree), "--once", "--db", str(db), "--quiet"])
    assert result.exit_code in (0, 1), result.output
    with Inventory(db) as inv, TestClient(create_app(inv), base_url="http://127.0.0.1") as c:
        files = c.get("/api/files", params={"sort": "path", "order": "asc"}).json()
        paths = [f["path"] for f in files["items"]]
        assert any(p.endswith("extraction_megabus.csv") for p in paths)
        critical = c.get("/api/files", params={"min_risk": "high"}).json()["items"]
        assert [f["path"] for f in critical] == [p for p in paths if p.endswith(".csv")]
        detail = c.get(f"/files/{critical[0]['id']}").text
        assert "NIR" in detail and 'id="columns"' in detail
        history = c.get("/api/history").json()
        assert [e["kind"] for e in history] == ["new_exposure"]
        assert len(c.get("/api/scans").json()) == 1
