"""``sentinelle synth``: write a synthetic lab export with exact ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from sentinelle.errors import SentinelleError


def synth_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file.")],
    patients: Annotated[int, typer.Option(help="Number of patients.")] = 1000,
    labs: Annotated[int, typer.Option(help="Number of laboratories.")] = 3,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same bytes.")] = 0,
    fmt: Annotated[str, typer.Option("--format", help="csv or tsv.")] = "csv",
    truth: Annotated[Path | None, typer.Option(help="Write the exact ground truth (JSON) here.")] = None,
    registry: Annotated[Path | None, typer.Option(help="Also write the controller's patient registry (CSV).")] = None,
    header: Annotated[bool, typer.Option("--header/--no-header", help="Write a header row.")] = True,
    delimiter: Annotated[str, typer.Option(help="Field separator: ';' ',' '|' or 'tab'.")] = ";",
    encoding: Annotated[str, typer.Option(help="utf-8, utf-8-sig, cp1252 or latin-1.")] = "cp1252",
    crlf: Annotated[bool, typer.Option("--crlf/--lf", help="Line ends.")] = True,
    health_note_rate: Annotated[float | None, typer.Option(help="Share of rows with a health note.")] = None,
) -> None:
    """Generate a realistic, entirely fake Mega-Bus-like lab export."""
    from sentinelle.synth import SynthConfig, generate

    err = Console(stderr=True)
    options: dict[str, object] = dict(
        patients=patients, labs=labs, seed=seed, format=fmt, header=header,
        delimiter="\t" if delimiter.lower() in ("tab", "\\t") else delimiter,
        encoding=encoding, crlf=crlf,
    )
    if health_note_rate is not None:
        options["health_note_rate"] = health_note_rate
    try:
        config = SynthConfig(**options)  # type: ignore[arg-type]
        with err.status(f"generating {patients:,} patients..."):
            result = generate(config, out, truth_path=truth, registry_path=registry)
    except SentinelleError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    data = result.to_dict()
    err.print(
        f"wrote {out} ({data['records']:,} records, {data['persons']:,} persons"
        f"{', truth ' + str(truth) if truth else ''}{', registry ' + str(registry) if registry else ''})"
    )


__all__ = ["synth_command"]
