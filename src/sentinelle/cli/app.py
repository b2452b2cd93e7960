"""``sentinelle`` commands. Each command parses options, calls the library, renders."""

from __future__ import annotations

import logging
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from sentinelle import __version__
from sentinelle.atomic import write_text
from sentinelle.cli.assess import assess_command
from sentinelle.cli.notify import notify_command
from sentinelle.cli.options import Engine, Level
from sentinelle.cli.progress import BarProgress
from sentinelle.cli.protect import protect_command, purge_command, trace_command
from sentinelle.cli.serve import serve_command
from sentinelle.cli.synth import synth_command
from sentinelle.cli.watch import watch_command
from sentinelle.entities import RiskLevel
from sentinelle.errors import SentinelleError
from sentinelle.readers.base import ReadOptions
from sentinelle.report.terminal import render
from sentinelle.report.write import dumps
from sentinelle.scanning.engine import ScanConfig, scan

app = typer.Typer(
    name="sentinelle",
    help="Find French patient data where it should not be, measure exposures, protect exports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INCOMPLETE = 0, 1, 2, 3


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    html = "html"




def _version(value: bool) -> None:
    if value:
        typer.echo(f"sentinelle {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Sentinelle: French patient data exposure scanner."""


def exit_code(report, fail_on: str) -> int:  # type: ignore[no-untyped-def]
    """0 clean, 1 findings at or above ``fail_on``, 3 clean but coverage incomplete."""
    if fail_on != "never":
        threshold = RiskLevel(fail_on).rank
        if any(f.risk.rank >= threshold for f in report.files):
            return EXIT_FINDINGS
    return EXIT_INCOMPLETE if report.incomplete else EXIT_OK


@app.command("scan")
def scan_command(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (recursive) or URLs (ftp://, sftp://, http(s)://, s3://).")],
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Report format.")] = OutputFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file (atomically).")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out-dir", help="Also write report.json, report.html and report.sarif into this directory.")] = None,
    fail_on: Annotated[Level, typer.Option(help="Exit 1 when a file is at or above this risk.")] = Level.high,
    show_values: Annotated[bool, typer.Option("--show-values", help="Include raw values in the output (sensitive!).")] = False,
    engine: Annotated[Engine, typer.Option(help="Text matching engine.")] = Engine.auto,
    all_files: Annotated[bool, typer.Option("--all", help="List files without findings too (text format).")] = False,
    encoding: Annotated[str | None, typer.Option(help="Force the input encoding instead of sniffing.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    workers: Annotated[int | None, typer.Option("--workers", "-w", min=1, help="Local worker processes over files (default: all cores; 1 = in-process).")] = None,
    cluster: Annotated[str | None, typer.Option("--cluster", help="Scan on a Dask cluster: scheduler address (tcp://HOST:8786) or local:N for a local cluster of N processes.")] = None,
) -> None:
    """Scan files for French patient data and report what, where, how much, how bad."""
    err = Console(stderr=True)
    if workers is not None and cluster is not None:
        raise typer.BadParameter("use --workers or --cluster, not both", param_hint="--cluster")
    if cluster is not None and not cluster.strip():
        raise typer.BadParameter("empty address", param_hint="--cluster")
    config = ScanConfig(show_values=show_values, engine=engine.value,
                        read=ReadOptions(encoding=encoding), workers=workers, cluster=cluster)
    try:
        with BarProgress(err, enabled=not quiet and err.is_terminal) as progress:
            report = scan(paths, config, progress=progress)
        if out_dir:
            for kind in ("json", "html", "sarif"):
                write_text(out_dir / f"report.{kind}", dumps(report, kind))
        if fmt is OutputFormat.text:
            console = Console(file=open(output, "w", encoding="utf-8")) if output else Console()  # noqa: SIM115
            render(report, console, all_files=all_files)
            if output:
                console.file.close()
        else:
            text = dumps(report, fmt.value)
            if output:
                write_text(output, text)
            else:
                sys.stdout.write(text)
    except SentinelleError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_ERROR) from None
    raise typer.Exit(exit_code(report, fail_on.value))


app.command("synth")(synth_command)
app.command("assess")(assess_command)
app.command("protect")(protect_command)
app.command("trace")(trace_command)
app.command("purge")(purge_command)
app.command("notify")(notify_command)
app.command("serve")(serve_command)
app.command("watch")(watch_command)


def main() -> None:
    # Third-party parsers log structural notes ("EOF marker not found") to stderr; they are
    # not ours to show, and a library could one day log content. Only errors get through.
    for name in ("pypdf", "hl7", "fsspec", "paramiko", "py7zr"):
        logging.getLogger(name).setLevel(logging.ERROR)
    app()


__all__ = ["app", "exit_code", "main"]
