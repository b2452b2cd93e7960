"""``sentinelle notify``: one Art. 34 letter per affected patient of the controller's registry.

Writes ``DIR/letters/<id>.pdf``, ``DIR/mailing_list.csv``, ``DIR/review.csv`` and
``DIR/notify.json``; prints counts only (never a name, address or NIR).
Exit codes: 0 done, 2 usage or fatal error, 3 done but some dump file could not be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sentinelle.errors import SentinelleError

EXIT_ERROR, EXIT_INCOMPLETE = 2, 3


def notify_command(
    dump: Annotated[list[Path], typer.Argument(help="Files, directories or archives of the dump.")],
    registry: Annotated[Path, typer.Option(
        "--registry", "-r", help="The controller's patient registry (CSV or xlsx export).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory (letters/ must be empty).")],
    controller: Annotated[str | None, typer.Option(
        "--controller", help="Name of the lab or establishment, printed on the letters.")] = None,
    contact: Annotated[str | None, typer.Option(
        "--contact", help="Phone, address or e-mail patients can contact.")] = None,
    dpo: Annotated[str | None, typer.Option("--dpo", help="DPO contact.")] = None,
    incident: Annotated[str | None, typer.Option(
        "--incident", help="One or two sentences on what happened and when.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Match the registry against the dump and write the letters (GDPR Art. 34)."""
    from sentinelle.notify import LetterInfo, notify

    err = Console(stderr=True)
    info = LetterInfo(controller=controller, contact=contact, dpo=dpo, incident=incident)
    try:
        with err.status("reading...", spinner="dots") as status:
            def progress(text: str) -> None:
                if not quiet:
                    status.update(text)

            result = notify(dump, registry, out, info=info, progress=progress)
    except SentinelleError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_ERROR) from None
    table = Table(title=f"Notification ({out})", title_justify="left")
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("registry rows", f"{result.registry_rows:,}")
    table.add_row("matched (one letter each)", f"{result.matched:,}")
    for rule, n in result.by_rule.items():
        table.add_row(f"  by {rule}", f"{n:,}")
    table.add_row("ambiguous (see review.csv)", f"{result.ambiguous:,}")
    table.add_row("unmatched (not in the dump)", f"{result.unmatched:,}")
    table.add_row("dump records / persons", f"{result.dump_records:,} / {result.dump_persons:,}")
    console = Console()
    console.print(table)
    for path in (out / "letters", result.mailing_list, result.review, result.summary):
        console.print(f"wrote {path}", markup=False, highlight=False, soft_wrap=True)
    if result.errors:
        for error in result.errors:
            err.print(f"warning: {error['path']}: not read ({error['reason']})", markup=False,
                      highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_INCOMPLETE)


__all__ = ["notify_command"]
