"""``sentinelle synth``: write a synthetic lab export with exact ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from sentinelle.errors import SentinelleError

Rate = Annotated[float | None, typer.Option(min=0.0, max=1.0, show_default=False)]


def synth_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file.")],
    patients: Annotated[int, typer.Option(min=1, help="Number of patients.")] = 1000,
    labs: Annotated[int, typer.Option(min=1, help="Number of laboratories.")] = 3,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same bytes.")] = 0,
    fmt: Annotated[str, typer.Option("--format", help="csv, tsv, xlsx, json, ndjson, fhir, parquet, sqlite, sql, hl7, hprim, hprim-net, pdf or txt.")] = "csv",
    truth: Annotated[Path | None, typer.Option(help="Write the exact ground truth (JSON) here.")] = None,
    registry: Annotated[Path | None, typer.Option(help="Also write the controller's patient registry (CSV).")] = None,
    registry_lab: Annotated[str | None, typer.Option(help="Lab code whose registry to write (default: all labs).")] = None,
    departements: Annotated[str | None, typer.Option(help="Comma-separated lab départements (default: those of the 2021 leak).")] = None,
    header: Annotated[bool, typer.Option("--header/--no-header", help="Write a header row.")] = True,
    delimiter: Annotated[str, typer.Option(help="Field separator: ';' ',' '|' or 'tab'.")] = ";",
    encoding: Annotated[str, typer.Option(help="utf-8, utf-8-sig, cp1252 or latin-1.")] = "cp1252",
    crlf: Annotated[bool, typer.Option("--crlf/--lf", help="Line ends.")] = True,
    dialect: Annotated[str, typer.Option(help="SQL dump style for --format sql: mysql or postgres.")] = "mysql",
    mllp: Annotated[bool, typer.Option(help="Frame HL7 messages with MLLP bytes (--format hl7).")] = False,
    nir_typo_rate: Rate = None,
    nir_split_rate: Rate = None,
    nnp_rate: Rate = None,
    missing_rate: Rate = None,
    duplicate_person_rate: Rate = None,
    ayant_droit_rate: Rate = None,
    name_typo_rate: Rate = None,
    health_note_rate: Rate = None,
) -> None:
    """Generate a realistic, entirely fake Mega-Bus-like lab export (with --truth, its exact content)."""
    from sentinelle.synth import SynthConfig, generate

    err = Console(stderr=True)
    options: dict[str, object] = dict(
        patients=patients, labs=labs, seed=seed, format=fmt, header=header,
        delimiter="\t" if delimiter.lower() in ("tab", "\\t") else delimiter,
        encoding=encoding, crlf=crlf, registry_lab=registry_lab, sql_dialect=dialect,
        hl7_mllp=mllp,
    )
    if departements:
        options["departements"] = tuple(d.strip() for d in departements.split(",") if d.strip())
    rates = dict(nir_typo_rate=nir_typo_rate, nir_split_rate=nir_split_rate, nnp_rate=nnp_rate,
                 missing_rate=missing_rate, duplicate_person_rate=duplicate_person_rate,
                 ayant_droit_rate=ayant_droit_rate, name_typo_rate=name_typo_rate,
                 health_note_rate=health_note_rate)
    options.update({k: v for k, v in rates.items() if v is not None})
    try:
        config = SynthConfig(**options)  # type: ignore[arg-type]
        with err.status(f"generating {patients:,} patients..."):
            result = generate(config, out, truth_path=truth, registry_path=registry)
    except SentinelleError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    data = result.to_dict()
    extra = "".join(f", {label} {path}" for label, path in (("truth", truth), ("registry", registry)) if path)
    err.print(f"wrote {out} ({data['records']:,} records, {data['persons']:,} persons{extra})")


__all__ = ["synth_command"]
