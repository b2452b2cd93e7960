"""A throwaway PostgreSQL server for the tests (Debian's binaries, no Docker).

``postgres_server()`` runs ``initdb`` into a fresh temporary directory and ``pg_ctl start``
on a free port, listening only on a unix socket inside that directory (no TCP), with
``trust`` authentication. As root (CI containers) ``initdb`` refuses to run, so the
commands run as the ``postgres`` system user through ``runuser``. It raises (the tests then
fail, never skip) when the binaries are missing or the server does not start:
``scripts/system-deps.sh`` installs them.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL binaries missing (/usr/lib/postgresql/*/bin): "
                           "run scripts/system-deps.sh as root")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(args: list[str], as_postgres: bool) -> None:
    if as_postgres:
        args = ["runuser", "-u", "postgres", "--", *args]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{Path(args[0 if not as_postgres else 3]).name} failed "
                           f"({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server; yield an admin URL ``postgresql+psycopg://postgres@/postgres?...``."""
    bindir = _bindir()
    as_postgres = os.getuid() == 0
    base = Path(tempfile.mkdtemp(prefix="sntl-pg-"))
    data, sock = base / "data", base / "run"
    sock.mkdir()
    if as_postgres:
        for path in (base, sock):
            shutil.chown(path, "postgres", "postgres")
    port = _free_port()
    started = False
    try:
        _run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
              "--encoding=UTF8", "--locale=C", "--no-sync"], as_postgres)
        opts = f"-c listen_addresses='' -c unix_socket_directories={sock} -p {port} -c fsync=off"
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(base / "log"),
              "-w", "-t", "60", "start"], as_postgres)
        started = True
        yield f"postgresql+psycopg://postgres@/postgres?host={sock}&port={port}"
    finally:
        if started:
            with contextlib.suppress(Exception):
                _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                      "stop"], as_postgres)
        shutil.rmtree(base, ignore_errors=True)


def fresh_database(admin_url: str) -> str:
    """Create an empty database on the server; return its SQLAlchemy URL."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    query = admin_url.split("?", 1)[1]
    params = dict(part.split("=", 1) for part in query.split("&"))
    with psycopg.connect(host=params["host"], port=params["port"], user="postgres",
                         dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.replace("/postgres?", f"/{name}?")


__all__ = ["fresh_database", "postgres_server"]
