"""``sentinelle serve``: the web dashboard over the inventory (uvicorn, loopback by default)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from sentinelle.errors import SentinelleError


def serve_command(
    db: Annotated[str | None, typer.Option("--db", help="Inventory database: SQLAlchemy URL (sqlite:///PATH, postgresql://...) or an SQLite file. Default: the per-user inventory.")] = None,
    host: Annotated[str, typer.Option(help="Address to listen on. Anything but loopback requires a token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8750,
    token: Annotated[str | None, typer.Option(envvar="SENTINELLE_TOKEN", show_envvar=True, help="Require this token on every request (Authorization: Bearer, or open /?token=... once in a browser). Prefer the environment variable: a command line is visible to other users.")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes (each with its own connection pool and cache).")] = 1,
) -> None:
    """Serve a read-only web dashboard and JSON API over the inventory."""
    from sentinelle.serve import check_binding, create_app
    from sentinelle.serve.server import run

    err = Console(stderr=True)
    token = token or None
    try:
        check_binding(host, token)
        from sentinelle.inventory.store import Inventory

        inventory = Inventory(db)
    except SentinelleError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    try:
        app = create_app(inventory, token=token, host=host)
        shown = f"[{host}]" if ":" in host else host
        err.print(f"Starting the Sentinelle dashboard on http://{shown}:{port}/ (Ctrl-C to stop)")
        if token:
            err.print(f"A token is required: open http://{shown}:{port}/?token=<token> once in "
                      "a browser, or send 'Authorization: Bearer <token>'.")
        run(app, host, port, workers=workers, db_url=inventory.url, token=token)
    except SentinelleError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    finally:
        inventory.close()


__all__ = ["serve_command"]
