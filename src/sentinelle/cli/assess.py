"""``sentinelle assess``: how bad is this leak?

Writes ``DIR/assessment.json``, ``DIR/report.html``, ``DIR/art33.md`` and ``DIR/art33.pdf``.
Exit codes: 0 done, 2 usage or fatal error, 3 done but some input could not be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sentinelle.errors import SentinelleError

EXIT_ERROR, EXIT_INCOMPLETE = 2, 3


def assess_command(
    paths: Annotated[list[Path], typer.Argument(help="Files, directories or archives of the dump.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")],
    controller: Annotated[str | None, typer.Option(
        "--controller", help="Controller's name and address for the Art. 33 draft.")] = None,
    dpo: Annotated[str | None, typer.Option(
        "--dpo", help="DPO name and contact for the Art. 33 draft.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Count distinct persons (record linkage), records, sources, départements, categories;
    write the HTML report and the GDPR Art. 33 notification draft."""
    from sentinelle.assess import assess
    from sentinelle.assess.outputs import write_outputs

    err = Console(stderr=True)
    try:
        with err.status("reading...", spinner="dots") as status:
            def on_file(index: int, path: str) -> None:
                if not quiet:
                    status.update(f"reading file {index + 1}: {Path(path).name}")

            result = assess(paths, on_file=on_file)
            status.update(f"linked {result.records:,} records; writing report and Art. 33 draft")
            written = write_outputs(result, out, controller=controller, dpo=dpo)
    except SentinelleError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_ERROR) from None
    data = result.to_dict()
    table = Table(title=f"Assessment ({out})", title_justify="left")
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("persons (record linkage)", f"{data['persons']:,}")
    table.add_row("  of which uncertain (fuzzy)", f"{data['linkage']['uncertain']:,}")
    table.add_row("records", f"{data['records']:,}")
    table.add_row("files", f"{data['files']:,}")
    table.add_row("sources", f"{len(data['by_source']):,}")
    table.add_row("départements", f"{len(data['by_departement']['persons']):,}")
    span = data["date_range"]
    table.add_row("sampling dates", f"{span['min']} .. {span['max']}" if span["min"] else "-")
    table.add_row("severity", str(data["severity"]["level"]))
    for category, persons in sorted(data["categories"].items(), key=lambda kv: -kv[1]):
        if persons:
            table.add_row(f"persons with {category}", f"{persons:,}")
    console = Console()
    console.print(table)
    for reason in data["severity"]["reasons"]:
        console.print(f"- {reason}", markup=False, highlight=False, soft_wrap=True)
    for path in (written.assessment, written.report, written.art33_md, written.art33_pdf):
        console.print(f"wrote {path}", markup=False, highlight=False, soft_wrap=True)
    if data["errors"]:
        for error in data["errors"]:
            err.print(f"warning: {error['path']}: not read ({error['reason']})", markup=False,
                      highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_INCOMPLETE)


__all__ = ["assess_command"]
