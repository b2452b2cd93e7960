"""``sentinelle assess``: how bad is this leak? (writes DIR/assessment.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sentinelle.atomic import write_text
from sentinelle.errors import SentinelleError


def assess_command(
    paths: Annotated[list[Path], typer.Argument(help="Files, directories or archives of the dump.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for assessment.json.")],
) -> None:
    """Count distinct persons (record linkage), records, sources, départements, categories."""
    from sentinelle.assess import assess

    err = Console(stderr=True)
    try:
        with err.status("assessing..."):
            result = assess(paths)
        data = result.to_dict()
        write_text(out / "assessment.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    except SentinelleError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    table = Table(title=f"Assessment ({out / 'assessment.json'})", title_justify="left")
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("persons (record linkage)", f"{data['persons']:,}")
    table.add_row("records", f"{data['records']:,}")
    table.add_row("files", f"{data['files']:,}")
    table.add_row("severity", str(data["severity"]["level"]))
    for category, persons in sorted(data["categories"].items(), key=lambda kv: -kv[1]):
        if persons:
            table.add_row(f"persons with {category}", f"{persons:,}")
    Console().print(table)
    for reason in data["severity"]["reasons"]:
        Console().print(f"- {reason}")


__all__ = ["assess_command"]
