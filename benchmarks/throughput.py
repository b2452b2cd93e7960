"""Throughput against the peers: MB/s, rows/s and peak RSS on three generated inputs.

Inputs (generated once with ``sentinelle synth``, cached under ``bench-data/``):

- ``export``: the Mega-Bus-like lab export, 100,000 patients (CSV, cp1252, ``;``, ~60
  columns);
- ``notes``: the free-text notes file of 100,000 patients (``synth --format txt``: one
  line per sampling, plus neutral log lines);
- ``mixed``: a directory with one file per format (csv, xlsx, json, hl7, pdf, sql),
  5,000 patients each.

Tools, each in its own process (peak RSS is the tool's own; files are in the page cache):

- ``cat`` (the files to ``/dev/null``): the floor of reading bytes;
- bare polars read (``pl.read_csv``, all columns as strings, ``utf8-lossy`` as polars has
  no cp1252 decoder; the notes as one column of lines; ``pl.read_json``; xlsx through
  python-calamine, which ``pl.read_excel`` uses too); hl7, pdf and sql have no polars
  reader: the mixed row counts csv, xlsx and json only and says so;
- ``sentinelle scan`` (CLI, end to end, JSON report; default ``--workers``: all cores, over
  files, so the mixed corpus is scanned in parallel and the single files are not);
- Presidio (spaCy ``fr_core_news_sm`` + NIR recogniser, see ``_presidio.py``) on a sample
  of each file (its first rows / lines / pages, up to ``--presidio-chars`` characters),
  extrapolated to the whole file by its number of characters, plus the time to extract
  the texts (read the table, pypdf, calamine): it is far too slow to run on everything.

    python benchmarks/throughput.py [--patients 100000] [--mixed-patients 5000]
                                    [--presidio-chars 100000] [--repeat 1] [--skip-presidio]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _common as C

POLARS = """
import json
import polars as pl
from python_calamine import CalamineWorkbook
rows = 0
for spec in json.loads(sys.argv[3]):
    path, kind = spec["path"], spec["kind"]
    if kind == "csv":
        df = pl.read_csv(path, infer_schema=False, separator=spec["delimiter"],
                         encoding="utf8-lossy")
    elif kind == "lines":
        df = pl.read_csv(path, has_header=False, separator="\\x1f", quote_char=None,
                         infer_schema=False, encoding="utf8-lossy", truncate_ragged_lines=True)
    elif kind == "json":
        df = pl.read_json(path, infer_schema_length=None)
    elif kind == "xlsx":
        book = CalamineWorkbook.from_path(path)
        for name in book.sheet_names:
            data = book.get_sheet_by_name(name).to_python()
            df = pl.DataFrame(data[1:], schema=[str(c) for c in data[0]], orient="row")
    rows += df.height
EXTRA = {"rows": rows}
"""

PRESIDIO = """
import json
from _presidio import analyze_texts, build_engine, units_of
engine = build_engine()
analyze_texts(engine, ["Patient DUPONT Jean, n° SS 1 85 03 75 123 456 41"])  # warm-up
budget = int(sys.argv[4])
total, sampled, found = 0.0, 0, {}
for spec in json.loads(sys.argv[3]):
    t = time.perf_counter()
    units = units_of(spec["path"], spec.get("encoding"), spec.get("delimiter"))
    extract = time.perf_counter() - t
    chars = sum(len(x) for unit in units for x in unit)
    texts, taken = [], 0
    for unit in units:  # the first units, up to the budget of characters
        if taken >= budget:
            break
        texts += unit
        taken += sum(len(x) for x in unit)
    t = time.perf_counter()
    for spans in analyze_texts(engine, texts):
        for s in spans:
            found[s.entity] = found.get(s.entity, 0) + 1
    analyse = time.perf_counter() - t
    total += extract + analyse * chars / max(1, taken)
    sampled += taken
EXTRA = {"extrapolated": total, "sampled_chars": sampled, "found": found}
"""


@dataclass(frozen=True, slots=True)
class Row:
    input: str
    tool: str
    seconds: float
    nbytes: int
    rows: int
    rss: int
    note: str = ""


def _kind(path: Path, truth: dict[str, Any]) -> str | None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".txt":
        return "lines"
    if suffix in (".json", ".xlsx"):
        return suffix[1:]
    return None


def _specs(path: Path) -> list[dict[str, Any]]:
    out = []
    for f in C.corpus_files(path):
        truth = C.load_truth(f)
        out.append({"path": str(f), "kind": _kind(f, truth), "records": int(truth["records"]),
                    "bytes": f.stat().st_size, "encoding": truth.get("encoding"),
                    "delimiter": truth.get("delimiter") or ";"})
    return out


def measure_input(name: str, path: Path, *, presidio_chars: int, repeat: int = 1,
                  presidio: bool = True) -> list[Row]:
    """Every tool on one input (a file or a directory); one ``Row`` per tool."""
    specs = _specs(path)
    files = [s["path"] for s in specs]
    nbytes = sum(s["bytes"] for s in specs)
    nrows = sum(s["records"] for s in specs)
    rows: list[Row] = []
    cat = C.best([C.run_measured(["cat", *files]) for _ in range(repeat)])
    rows.append(Row(name, "cat", cat.seconds, nbytes, nrows, cat.rss))
    readable = [s for s in specs if s["kind"] is not None]
    if readable:
        arg = json.dumps(readable)
        pol = C.best([C.measure_code(POLARS, arg) for _ in range(repeat)])
        r_bytes = sum(s["bytes"] for s in readable)
        r_rows = sum(s["records"] for s in readable)
        note = ""
        if len(readable) < len(specs):
            kinds = ", ".join(Path(s["path"]).suffix[1:] for s in readable)
            note = f"{kinds} only ({len(readable)} of {len(specs)} files)"
        rows.append(Row(name, "polars read", pol.seconds, r_bytes, r_rows, pol.rss, note))
    with tempfile.TemporaryDirectory(prefix="sentinelle-bench-") as tmp:
        out = os.path.join(tmp, "report.json")
        cmd = [C.SENTINELLE, "scan", str(path), "-f", "json", "-o", out, "--fail-on", "never",
               "-q"]
        sen = C.best([C.run_measured(cmd, ok=(0, 3)) for _ in range(repeat)])
        report = json.loads(Path(out).read_text(encoding="utf-8"))
    errors = [f["path"] for f in report["files"] if f.get("errors")]
    note = f"errors in {len(errors)} files" if errors else ""
    if len(files) > 1:  # scan --workers defaults to every core, over files
        note = "; ".join(x for x in (f"files over {os.cpu_count()} workers (default)", note) if x)
    rows.append(Row(name, "sentinelle scan", sen.seconds, nbytes, nrows, sen.rss, note))
    if presidio:
        pres = C.measure_code(PRESIDIO, json.dumps(specs), str(presidio_chars))
        extra = pres.extra or {}
        rows.append(Row(name, "Presidio + fr_core_news_sm + NIR", extra["extrapolated"], nbytes,
                        nrows, pres.rss,
                        f"extrapolated from {extra['sampled_chars']:,} characters analysed"))
    return rows


def inputs(patients: int, mixed_patients: int, where: Path | None = None) -> dict[str, Path]:
    return {
        f"export ({patients:,} patients, csv)": C.export_csv(patients, where),
        f"notes ({patients:,} patients, txt)": C.notes_txt(patients, where),
        f"mixed ({len(C.MIXED_FORMATS)} formats x {mixed_patients:,} patients)":
            C.mixed_corpus(mixed_patients, where),
    }


def table(rows: list[Row]) -> str:
    body = []
    for r in rows:
        speed = C.mb(r.nbytes) / r.seconds
        body.append([r.input, r.tool, C.num(C.mb(r.nbytes)), C.num(r.seconds, 2),
                     C.num(speed, 2 if speed < 1 else 1), C.num(r.rows / r.seconds, 0),
                     C.num(C.mb(r.rss), 0), r.note])
    return C.md_table(["input", "tool", "MB", "seconds", "MB/s", "rows/s", "peak RSS (MB)",
                       "note"], body, "llrrrrrl")


def ratios(rows: list[Row]) -> list[str]:
    """The issue targets, per input: scan vs polars read, vs Presidio; RSS vs size."""
    out = []
    by: dict[str, dict[str, Row]] = {}
    for r in rows:
        by.setdefault(r.input, {})[r.tool] = r
    for name, tools in by.items():
        sen = tools.get("sentinelle scan")
        if sen is None:
            continue
        parts = []
        pol = tools.get("polars read")
        if pol is not None and not pol.note:
            parts.append(f"scan / polars read time {sen.seconds / pol.seconds:.1f}x")
        pres = next((t for k, t in tools.items() if k.startswith("Presidio")), None)
        if pres is not None:
            parts.append(f"scan rows/s / Presidio rows/s {pres.seconds / sen.seconds:,.0f}x")
        parts.append(f"scan peak RSS / input size {sen.rss / sen.nbytes:.2f}x")
        out.append(f"- {name}: " + "; ".join(parts))
    return out


def run(*, patients: int = 100_000, mixed_patients: int = 5_000, presidio_chars: int = 100_000,
        repeat: int = 1, presidio: bool = True, where: Path | None = None) -> str:
    """Measure every tool on every input; the markdown table and the ratios."""
    rows: list[Row] = []
    for name, path in inputs(patients, mixed_patients, where).items():
        rows += measure_input(name, path, presidio_chars=presidio_chars, repeat=repeat,
                              presidio=presidio)
    return table(rows) + "\n\n" + "\n".join(ratios(rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--mixed-patients", type=int, default=5_000)
    parser.add_argument("--presidio-chars", type=int, default=100_000,
                        help="characters per file given to Presidio (whole rows / lines / pages)")
    parser.add_argument("--repeat", type=int, default=1, help="best of N (not Presidio)")
    parser.add_argument("--skip-presidio", action="store_true")
    parser.add_argument("--quick", action="store_true", help="5,000 / 1,000 patients, 10,000 chars")
    args = parser.parse_args(argv)
    if args.quick:
        args.patients, args.mixed_patients, args.presidio_chars = 5_000, 1_000, 10_000
    print(run(patients=args.patients, mixed_patients=args.mixed_patients,
              presidio_chars=args.presidio_chars, repeat=args.repeat,
              presidio=not args.skip_presidio))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
