"""Running the dashboard with uvicorn: in the foreground (the CLI) or in a thread (tests, bench)."""

from __future__ import annotations

import contextlib
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
                               "log_level": "warning", "lifespan": "off"}
    options.update(kwargs)
    return uvicorn.Config(app, **options)


def run(app: Any, host: str, port: int) -> None:
    """Serve ``app`` until interrupted (Ctrl-C)."""
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


__all__ = ["free_port", "run", "running", "uvicorn_config"]
