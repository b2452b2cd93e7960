"""``sentinelle protect``, ``trace`` and ``purge``: thin layers over :mod:`sentinelle.protect`.

Exit codes: ``protect`` 0 written, 2 usage or fatal error (bad key file, impossible
``--min-k``...); ``trace`` 0 recipient identified, 1 unknown, 2 error; ``purge`` 0, 2.
Nothing printed here ever holds a key, a raw identifier or a pseudonym.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sentinelle.errors import ConfigError, SentinelleError

EXIT_OK, EXIT_UNKNOWN, EXIT_ERROR = 0, 1, 2


def _fail(err: Console, exc: Exception) -> typer.Exit:
    err.print("error:", style="red", end=" ", highlight=False)
    err.print(str(exc), markup=False, highlight=False)  # a path may hold "[...]"
    return typer.Exit(EXIT_ERROR)


def _date(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{flag}: expected a date like 2020-01-31") from None


def _risk_table(name: str, risk: dict) -> Table:  # type: ignore[type-arg]
    table = Table(title=f"Re-identification risk ({name})", title_justify="left")
    table.add_column("measure")
    table.add_column("before", justify="right")
    table.add_column("after", justify="right")
    b, a = risk["before"], risk["after"]
    table.add_row("quasi-identifiers", ", ".join(b["quasi_identifiers"]) or "-",
                  ", ".join(a["quasi_identifiers"]) or "-")
    table.add_row("records", f"{b['records']:,}", f"{a['records']:,}")
    table.add_row("k-anonymity (smallest class)", str(b["k"]), str(a["k"]))
    table.add_row("unique records", f"{b['unique_share']:.1%}", f"{a['unique_share']:.1%}")
    table.add_row("prosecutor risk max", f"{b['prosecutor_max']:.3f}", f"{a['prosecutor_max']:.3f}")
    table.add_row("prosecutor risk mean", f"{b['prosecutor_mean']:.3f}", f"{a['prosecutor_mean']:.3f}")
    for col, l_b in b["l_diversity"].items():
        l_a = a["l_diversity"].get(col)
        table.add_row(f"l-diversity {col}", str(l_b), "dropped" if l_a is None else str(l_a))
    return table


def protect_command(
    input_path: Annotated[Path | None, typer.Argument(metavar="IN", help="The table file to protect.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output file (same format as IN, or Parquet).")] = None,
    key_file: Annotated[Path | None, typer.Option("--key-file", "-k", help="Master key file (mode 0600).")] = None,
    new_key: Annotated[Path | None, typer.Option("--new-key", help="Create a new master key file (mode 0600) and exit.")] = None,
    policy_file: Annotated[Path | None, typer.Option("--policy", help="Policy file (TOML).")] = None,
    auto: Annotated[bool, typer.Option("--auto", help="Decide each column's action from the scan classification.")] = False,
    recipient: Annotated[str, typer.Option("--recipient", "-r", help="Who receives the export (keys its pseudonyms).")] = "default",
    keep: Annotated[str | None, typer.Option("--keep", help="Comma-separated columns to keep; all others are dropped.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Keep rows dated on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Keep rows dated on or before (YYYY-MM-DD).")] = None,
    date_column: Annotated[str | None, typer.Option("--date-column", help="Column for --since/--until (default: the first date column that is not a birth date).")] = None,
    allow_credentials: Annotated[bool, typer.Option("--allow-credentials", help="Do not drop login/password columns.")] = False,
    nir_shaped: Annotated[bool, typer.Option("--nir-shaped", help="NIR pseudonyms shaped like a NIR (15 digits, impossible month).")] = False,
    min_k: Annotated[int | None, typer.Option("--min-k", help="Generalise/suppress until every class has at least K records.")] = None,
    max_suppress: Annotated[float, typer.Option("--max-suppress", help="Largest share of records --min-k may suppress.")] = 0.05,
    encrypt_to: Annotated[str | None, typer.Option("--encrypt-to", help="age recipient (age1...): write an encrypted file.")] = None,
    expires: Annotated[str | None, typer.Option("--expires", help="Expiry: a date (2026-12-31) or a duration (30d, 12w, 6mo, 1y).")] = None,
    canaries: Annotated[int, typer.Option("--canaries", help="Synthetic canary patients to add (unique to this export).")] = 0,
    fmt: Annotated[str, typer.Option("--format", help="Output format: same, csv, tsv, json, ndjson, parquet, xlsx, sqlite.")] = "same",
    as_json: Annotated[bool, typer.Option("--json", help="Print the manifest summary as JSON.")] = False,
) -> None:
    """Minimise, pseudonymise, generalise, measure re-identification risk, encrypt, expire."""
    from dataclasses import replace

    from sentinelle.protect import (
        Policy,
        ProtectOptions,
        load_master_key,
        load_policy,
        new_key_file,
        parse_when,
        protect,
    )

    err = Console(stderr=True, soft_wrap=True)
    try:
        if new_key is not None:
            key = new_key_file(new_key)
            err.print(f"created {new_key} (mode 0600), key id {key.key_id}", highlight=False)
            raise typer.Exit(EXIT_OK)
        if input_path is None or out is None or key_file is None:
            raise ConfigError("usage: sentinelle protect IN --out OUT --key-file K (--policy FILE | --auto)")
        if policy_file is not None and auto:
            raise ConfigError("give --policy FILE or --auto, not both")
        if policy_file is None and not auto:
            raise ConfigError("choose the column actions: --policy FILE or --auto")
        policy = load_policy(policy_file) if policy_file else Policy()
        policy = replace(policy, allow_credentials=policy.allow_credentials or allow_credentials,
                         pseudonym_shape="nir" if nir_shaped else policy.pseudonym_shape)
        key = load_master_key(key_file)
        options = ProtectOptions(
            policy=policy, recipient=recipient,
            keep=tuple(c.strip() for c in keep.split(",") if c.strip()) if keep else None,
            since=_date(since, "--since"), until=_date(until, "--until"), date_column=date_column,
            min_k=min_k, max_suppress=max_suppress, encrypt_to=encrypt_to,
            expires=parse_when(expires), canaries=canaries, out_format=fmt,
        )
        result = protect(input_path, out, key, options)
    except SentinelleError as exc:
        raise _fail(err, exc) from None
    data = result.data
    if as_json:
        summary = {k: v for k, v in data.items() if k != "trace"}
        sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
        raise typer.Exit(EXIT_OK)
    console = Console()
    console.print(f"wrote {result.output} ({data['output']['format']}"
                  f"{', age-encrypted' if data['output']['encrypted'] else ''}), "
                  f"{data['rows']:,} rows, {len(data['columns_kept'])} columns kept; "
                  f"manifest {result.manifest}", highlight=False)
    if data["suppressed"]:
        console.print(f"suppressed {data['suppressed']:,} records to reach k={min_k}", highlight=False)
    for name, risk in data["risk"].items():
        console.print(_risk_table(name, risk))
    raise typer.Exit(EXIT_OK)


def trace_command(
    leaked: Annotated[Path, typer.Argument(help="The leaked file (or a fragment), any readable table format.")],
    key_file: Annotated[Path, typer.Option("--key-file", "-k", help="Master key file (mode 0600).")],
    manifests: Annotated[Path, typer.Option("--manifests", "-m", help="Directory of export manifests.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Tell which recipient's export a leaked file came from (or "unknown")."""
    from sentinelle.protect import load_master_key, trace

    err = Console(stderr=True, soft_wrap=True)
    try:
        result = trace(leaked, load_master_key(key_file), manifests)
    except SentinelleError as exc:
        raise _fail(err, exc) from None
    code = EXIT_OK if result.recipient else EXIT_UNKNOWN
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n")
        raise typer.Exit(code)
    console = Console()
    if result.best:
        b = result.best
        console.print(f"recipient: {result.recipient} (confidence {result.confidence:.1%}; "
                      f"{b.matched:,} of {b.distinct:,} distinct values of column {b.column!r} "
                      f"are its pseudonyms; canaries found: {b.canaries}); export {b.export_id} "
                      f"created {b.created}, manifest {b.manifest}", highlight=False)
    else:
        console.print(f"recipient: unknown (no manifest of {len(result.candidates)} matches)",
                      highlight=False)
    raise typer.Exit(code)


def purge_command(
    directory: Annotated[Path, typer.Argument(help="Directory holding protected exports and manifests.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="List what would be deleted.")] = False,
) -> None:
    """Delete protected exports whose manifest has expired, and say what was deleted."""
    from sentinelle.protect import purge

    err = Console(stderr=True, soft_wrap=True)
    try:
        done = purge(directory, dry_run=dry_run)
    except SentinelleError as exc:
        raise _fail(err, exc) from None
    console = Console()
    verb = "would delete" if dry_run else "deleted"
    for item in done:
        what = item.output or "(no output file)"
        note = " (output already gone)" if item.output_missing else ""
        console.print(f"{verb} {what}{note} and its manifest (recipient {item.recipient}, "
                      f"expired {item.expires})", highlight=False)
    console.print(f"{len(done)} expired export(s) {verb}", highlight=False)
    raise typer.Exit(EXIT_OK)


__all__ = ["protect_command", "purge_command", "trace_command"]
