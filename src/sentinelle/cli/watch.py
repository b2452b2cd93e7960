"""``sentinelle watch``: keep an inventory of where patient data lies, alert on what changed.

Alerts go to stdout as JSON lines (schema ``sentinelle.watch.alert/1``); a one-line summary
per pass goes to stderr. Exit codes (of the last pass): 0 nothing to report at or above
``--fail-on``, 1 a new exposure / risk increase / too-old file at or above it, 2 usage or
fatal error (database unreachable, webhook down after its retries with ``--once``),
3 nothing at or above the threshold but coverage incomplete.
"""

from __future__ import annotations

import time
from enum import Enum
from typing import Annotated

import typer
from rich.console import Console

from sentinelle.cli.options import Engine, Level
from sentinelle.errors import AlertDeliveryError, SentinelleError

EXIT_ERROR = 2


class AlertLevel(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"




def watch_command(
    paths: Annotated[list[str], typer.Argument(
        help="Files, directories (recursive) or URLs (ftp://, sftp://, http(s)://, s3://).")],
    db: Annotated[str | None, typer.Option(
        "--db", envvar="SENTINELLE_DB",
        help="Inventory: sqlite:///FILE, a file path, or postgresql://user@host/db "
             "(default: ~/.local/share/sentinelle/inventory.sqlite).")] = None,
    interval: Annotated[str | None, typer.Option(
        help="Rescan every INTERVAL (90s, 15m, 1h, 1d) until Ctrl-C.")] = None,
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit (the default).")] = False,
    max_age: Annotated[str | None, typer.Option(
        "--max-age", help="Flag files with patient data not modified for this long (30d).")] = None,
    webhook: Annotated[str | None, typer.Option(
        help="POST each batch of alerts (JSON) to this URL, with retries.")] = None,
    webhook_attempts: Annotated[int, typer.Option(
        help="Webhook attempts per batch (exponential backoff from 1 s).")] = 5,
    alert_on: Annotated[AlertLevel, typer.Option(
        help="Report changes of files at or above this risk.")] = AlertLevel.low,
    fail_on: Annotated[Level, typer.Option(
        help="Exit 1 on a new exposure, risk increase or too-old file at or above this risk.")]
        = Level.high,
    engine: Annotated[Engine, typer.Option(help="Text matching engine.")] = Engine.auto,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
) -> None:
    """Rescan incrementally into the inventory; print new exposures, risk changes, deleted
    and too-old files as JSON lines."""
    err = Console(stderr=True, soft_wrap=True)
    try:
        from sentinelle.durations import parse_duration
        from sentinelle.inventory.database import display_url
        from sentinelle.inventory.store import Inventory
        from sentinelle.scanning.engine import ScanConfig
        from sentinelle.watch.alerts import alerts_for, exit_code
        from sentinelle.watch.incremental import WatchConfig, watch_once
        from sentinelle.watch.webhook import Webhook
    except ModuleNotFoundError as exc:  # sqlalchemy / alembic: the `inventory` extra
        err.print(f"[red]error:[/] watch needs {exc.name!r}: "
                  "pip install 'sentinelle[inventory]'", highlight=False)
        raise typer.Exit(EXIT_ERROR) from None
    if once and interval:
        err.print("[red]error:[/] --once and --interval exclude each other")
        raise typer.Exit(EXIT_ERROR)
    code = 0
    try:
        every = parse_duration(interval, option="--interval") if interval else None
        config = WatchConfig(scan=ScanConfig(engine=engine.value),
                             max_age=parse_duration(max_age, option="--max-age")
                             if max_age else None)
        hook = Webhook(webhook, attempts=webhook_attempts) if webhook else None
        with Inventory(db) as inv:
            if not quiet:
                err.print(f"watch: inventory {display_url(inv.url)}")
            while True:
                started = time.perf_counter()
                result = watch_once(inv, paths, config)
                alerts = alerts_for(inv, result.events, alert_on.value)
                for alert in alerts:
                    typer.echo(alert.to_json())
                code = exit_code(alerts, fail_on.value, result.incomplete)
                if not quiet:
                    _summary(err, result, len(alerts), time.perf_counter() - started)
                if hook and alerts:
                    try:
                        hook.send(alerts, result.scan.id)
                    except AlertDeliveryError as exc:
                        err.print(f"[red]error:[/] {exc}")
                        code = EXIT_ERROR
                if every is None:
                    break
                time.sleep(every.total_seconds())
    except KeyboardInterrupt:
        if not quiet:
            err.print("watch: stopped")
    except SentinelleError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_ERROR) from None
    raise typer.Exit(code)


def _summary(err: Console, result, alerts: int, seconds: float) -> None:  # type: ignore[no-untyped-def]
    scan = result.scan
    risky = ", ".join(f"{n} {k}" for k, n in scan.by_risk.items() if n and k != "none")
    err.print(f"watch: scan {scan.id}: {result.sources} files ({result.files_read} read, "
              f"{result.files_hashed} hashed), {risky or 'no findings'}; {alerts} alert(s); "
              f"{result.incomplete} incomplete; {seconds:.2f} s", highlight=False)
    for item in (result.skipped + result.errors)[:10]:
        err.print(f"  incomplete: {item['path']}: {item['reason']}", highlight=False,
                  markup=False)


__all__ = ["watch_command"]
