"""The terminal view: a readable summary table (rich). No value unless --show-values."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from sentinelle.report.model import ScanReport

_STYLE = {"critical": "bold white on dark_red", "high": "bold red", "medium": "yellow",
          "low": "cyan", "none": "dim"}
_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3, "none": 4}


def render(report: ScanReport, console: Console, *, all_files: bool = False) -> None:
    files = sorted(report.files, key=lambda f: (_ORDER[str(f.risk)], f.path))
    shown = [f for f in files if all_files or f.has_findings or f.errors]
    table = Table(title="Sentinelle scan", title_justify="left", expand=False)
    table.add_column("Risk")
    table.add_column("File", overflow="fold")
    table.add_column("Format")
    table.add_column("Records", justify="right")
    table.add_column("Entities (valid count)", overflow="fold")
    table.add_column("Health", overflow="fold")
    for f in shown:
        ents = ", ".join(f"{k} {v.count:,}" for k, v in sorted(f.entities.items()) if v.count)
        health = ", ".join(f"{k} {v:,}" for k, v in sorted(f.health.items()))
        risk = str(f.risk)
        table.add_row(f"[{_STYLE[risk]}]{risk}[/]", f.path, f.format or "?", f"{f.records:,}",
                      ents or ("[red]error[/]" if f.errors else "-"), health or "-")
        if f.values:
            for k, vals in sorted(f.values.items()):
                table.add_row("", f"  {k} values", "", "", ", ".join(vals[:10]), "")
    console.print(table)
    detailed = [f for f in shown if f.entities or f.health]
    if len(detailed) <= 3:
        for f in detailed:
            _details(f, console)
    summary = report.to_dict()["summary"]
    console.print(
        f"{summary['files']} files, {summary['files_with_findings']} with patient data, "
        f"{summary['bytes'] / 1e6:,.1f} MB in {report.elapsed:.2f} s; overall risk "
        f"[{_STYLE[summary['risk']]}]{summary['risk']}[/]"
    )
    if report.incomplete:
        console.print(f"[yellow]Coverage incomplete: {len(report.incomplete)} problem(s)[/]")
        for item in report.incomplete[:20]:
            console.print(f"  [yellow]{item['path']}[/]: {item['reason']}")
        if len(report.incomplete) > 20:
            console.print(f"  ... and {len(report.incomplete) - 20} more (see the JSON report)")


def _details(f, console: Console) -> None:  # type: ignore[no-untyped-def]
    """Per-entity figures and classified columns of one file (a few files only)."""
    ents = Table(title=f"{f.path}: what is exposed", title_justify="left")
    for name, justify in (("Entity", "left"), ("Count", "right"), ("Distinct", "right"),
                          ("Invalid", "right")):
        ents.add_column(name, justify=justify)  # type: ignore[arg-type]
    for k, v in sorted(f.entities.items(), key=lambda kv: -kv[1].count):
        ents.add_row(k, f"{v.count:,}", f"{v.distinct:,}", f"{v.invalid:,}")
    for k, v in sorted(f.health.items(), key=lambda kv: -kv[1]):
        ents.add_row(f"HEALTH / {k}", f"{v:,}", "", "")
    console.print(ents)
    cols = [c for c in f.columns if c.entity]
    if cols:
        ctab = Table(title="columns", title_justify="left")
        for name in ("#", "Column", "Entity", "Confidence", "Valid", "Preview"):
            ctab.add_column(name)
        for c in cols:
            ctab.add_row(str(c.index), c.name or "", c.entity or "", f"{c.confidence:.2f}",
                         f"{c.valid_ratio:.0%}", c.preview or "")
        console.print(ctab)


__all__ = ["render"]
