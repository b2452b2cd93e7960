"""Watching an FTP server: remote files are hashed each pass, read only when they changed."""

from __future__ import annotations

import logging
import shutil
import threading

import pytest
import sqlalchemy as sa

from sentinelle.inventory import Inventory
from sentinelle.inventory.schema import scans, sources
from sentinelle.watch import alerts_for, watch_once

USER, PASSWORD = "dpo", "Tr0ub4dor-ftp"


@pytest.fixture
def ftp_url(tree):
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import FTPServer

    logging.getLogger("pyftpdlib").setLevel(logging.WARNING)
    authorizer = DummyAuthorizer()
    authorizer.add_user(USER, PASSWORD, str(tree), perm="elr")
    handler = type("Handler", (FTPHandler,), {"authorizer": authorizer})
    server = FTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever,
                              kwargs={"timeout": 0.05, "handle_exit": False}, daemon=True)
    thread.start()
    url = f"ftp://{USER}:{PASSWORD}@127.0.0.1:{server.address[1]}/"
    stopped = []

    def stop() -> None:
        if not stopped:
            stopped.append(True)
            server.close_all()
            thread.join(5)

    yield url, stop
    stop()


def test_ftp_tree_is_watched_incrementally(inventory_url, ftp_url, tree, second_export, reads):
    ftp_url, _ = ftp_url
    with Inventory(inventory_url) as inv:
        first = watch_once(inv, [ftp_url])
        assert (first.sources, first.files_read, first.incomplete) == (4, 4, 0)
        assert [e.kind for e in first.events] == ["new_exposure"]
        reads.calls = 0
        second = watch_once(inv, [ftp_url])
        assert (second.files_hashed, second.files_read, second.events) == (4, 0, [])
        assert reads.calls == 4  # hashes only: no mtime to trust on FTP, no reader ran
        shutil.copy(second_export, tree / "docs" / "new.csv")
        third = watch_once(inv, [ftp_url])
        alerts = alerts_for(inv, third.events)
        assert third.files_read == 1
        assert [(a.kind, a.path.rsplit("/", 1)[-1]) for a in alerts] == [
            ("new_exposure", "new.csv")]
        (tree / "docs" / "new.csv").unlink()
        assert [e.kind for e in watch_once(inv, [ftp_url]).events] == ["gone"]
        with inv.engine.connect() as conn:
            stored = [str(r) for r in conn.execute(sa.select(scans.c.roots))]
            stored += [str(r) for r in conn.execute(sa.select(sources.c.root, sources.c.path))]
    assert stored and not any(PASSWORD in s for s in stored)


def test_unreachable_server_is_incomplete_not_gone(inventory_url, ftp_url):
    url, stop = ftp_url
    with Inventory(inventory_url) as inv:
        watch_once(inv, [url])
        stop()
        result = watch_once(inv, [url])
        assert result.events == [] and result.incomplete >= 1 and result.sources == 0
        assert inv.overview().files == 4  # nothing declared gone
