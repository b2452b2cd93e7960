"""Running the dashboard with uvicorn: in the foreground (the CLI) or in a thread (tests, bench)."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn

from sentinelle.errors import ConfigError


def uvicorn_config(app: Any, host: str, port: int, **kwargs: Any) -> uvicorn.Config:
    # No access log: paths and queries of a dashboard over patient-data locations are not
    # for a shared terminal or journal. No "Server" header, no proxy headers trusted.
    options: dict[str, Any] = {"host": host, "port": port, "access_log": False,
                               "server_header": False, "proxy_headers": False,
                               "log_level": "warning", "lifespan": "off",
                               # browsers and API clients keep their connection between
                               # pages: closing it after 5 s idle races their next request
                               "timeout_keep_alive": 30}
    options.update(kwargs)
    return uvicorn.Config(app, **options)


FACTORY = "sentinelle.serve.server:app_from_environment"
ENV_DB, ENV_HOST, ENV_TOKEN = "SENTINELLE_SERVE_DB", "SENTINELLE_SERVE_HOST", "SENTINELLE_TOKEN"


def app_from_environment() -> Any:
    """The app of one worker process of ``serve --workers N`` (uvicorn imports it by name).

    Each worker opens its own inventory (``SENTINELLE_SERVE_DB``) and checks its own token
    (``SENTINELLE_TOKEN``); they share nothing else, their caches follow the same scans.
    """
    from sentinelle.inventory.store import Inventory
    from sentinelle.serve.app import create_app

    host = os.environ.get(ENV_HOST, "127.0.0.1")
    return create_app(Inventory(os.environ[ENV_DB]), token=os.environ.get(ENV_TOKEN) or None,
                      host=host)


def run(app: Any, host: str, port: int, *, workers: int = 1, db_url: str | None = None,
        token: str | None = None) -> None:
    """Serve ``app`` until interrupted (Ctrl-C).

    ``workers`` > 1: that many processes (uvicorn's supervisor), each building its own app
    from ``db_url`` and ``token`` (passed down through the environment, never argv).
    """
    if workers > 1:
        if db_url is None:
            raise ConfigError("several workers need the inventory URL")
        os.environ[ENV_DB], os.environ[ENV_HOST] = db_url, host
        if token:
            os.environ[ENV_TOKEN] = token
        config = uvicorn_config(FACTORY, host, port, factory=True, workers=workers)
        try:
            from uvicorn.supervisors import Multiprocess

            sock = config.bind_socket()
            Multiprocess(config, sockets=[sock]).run()
        except (SystemExit, OSError):
            raise ConfigError(f"cannot listen on {host}:{port} (address in use or not "
                              "available on this machine)") from None
        return
    server = uvicorn.Server(uvicorn_config(app, host, port))
    try:
        server.run()
    except SystemExit:  # uvicorn exits when it cannot bind
        raise ConfigError(f"cannot listen on {host}:{port} (address in use or not "
                          "available on this machine)") from None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running(app: Any, host: str = "127.0.0.1", port: int | None = None,
            timeout: float = 10.0, **kwargs: Any) -> Iterator[str]:
    """Run ``app`` with uvicorn in a background thread; yields its base URL, stops on exit."""
    port = port or free_port(host)
    server = uvicorn.Server(uvicorn_config(app, host, port, **kwargs))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise ConfigError(f"the dashboard did not start on {host}:{port}")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)


__all__ = ["FACTORY", "app_from_environment", "free_port", "run", "running", "uvicorn_config"]
