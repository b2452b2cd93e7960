"""Scan throughput: sentinelle vs bare polars read vs Presidio, on one generated lab export.

Generates (once, cached under bench-data/) a 100,000-row, ~60-column Mega-Bus-like export
with `sentinelle synth`, then measures in separate processes (so peak RSS is per tool):

- ``sentinelle scan`` end to end (CLI, JSON report to a temp file);
- ``polars.read_csv`` of the same file, all columns as strings (the floor);
- Presidio AnalyzerEngine with spaCy ``fr_core_news_sm`` plus a NIR PatternRecognizer
  (the fairest Presidio setup: it has no French NIR recognizer of its own), cell by cell,
  on the first 2,000 rows (extrapolated per row: it is far too slow for the whole file).

Prints a table (MB/s, rows/s, peak RSS) and the ratios the issue targets.

    python benchmarks/scan_bench.py [--rows 100000] [--presidio-rows 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench-data"

_MEASURE = textwrap.dedent(
    """
    import json, resource, sys, time
    t = time.perf_counter()
    exec(compile(sys.argv[1], "bench", "exec"))
    elapsed = time.perf_counter() - t
    # ru_maxrss survives execve on Linux (it would report the parent's peak): read the
    # high-water mark of this process's own memory map, and the children's peak.
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
    rss = max(int(hwm), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) * 1024
    print("@@" + json.dumps({"seconds": elapsed, "rss": rss, **globals().get("EXTRA", {})}))
    """
)


def measure(code: str, *args: str) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter; return its wall time and peak RSS."""
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, code, *args], capture_output=True, text=True, check=False
    )
    for line in proc.stdout.splitlines():
        if line.startswith("@@"):
            return json.loads(line[2:])
    raise RuntimeError(f"benchmark step failed:\n{proc.stderr[-3000:]}")


def ensure_export(rows: int) -> tuple[Path, int]:
    DATA.mkdir(exist_ok=True)
    path = DATA / f"export_{rows}.csv"
    if not path.exists():  # generated in a child process: this one stays small
        subprocess.run(
            [str(Path(sys.executable).parent / "sentinelle"), "synth", "--patients", str(rows),
             "--labs", "6", "--seed", "2021", "--out", str(path),
             "--truth", str(DATA / f"export_{rows}.truth.json")],
            check=True,
        )
    truth = json.loads((DATA / f"export_{rows}.truth.json").read_text())
    return path, int(truth["records"])


SENTINELLE = """
import subprocess, sys, os
out = sys.argv[3]
r = subprocess.run([os.path.join(os.path.dirname(sys.executable), "sentinelle"), "scan",
                    sys.argv[2], "-f", "json", "-o", out, "--fail-on", "never", "-q"])
assert r.returncode in (0, 3), r.returncode
"""
SENTINELLE_INPROC = """
import sentinelle
report = sentinelle.scan([sys.argv[2]])
"""
POLARS = """
import polars as pl
df = pl.read_csv(sys.argv[2], infer_schema=False, separator=sys.argv[3], encoding="utf8-lossy")
"""
PRESIDIO = """
import polars as pl
from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpEngineProvider
provider = NlpEngineProvider(nlp_configuration={"nlp_engine_name": "spacy",
    "models": [{"lang_code": "fr", "model_name": "fr_core_news_sm"}]})
registry = RecognizerRegistry(supported_languages=["fr"])
registry.load_predefined_recognizers(languages=["fr"])
nir = PatternRecognizer(supported_entity="FR_NIR", supported_language="fr", context=["sécu", "nir", "nss"],
    patterns=[Pattern("nir", r"\\b[1-478]\\s?\\d{2}\\s?\\d{2}\\s?(?:\\d{2}|2[AB])\\s?\\d{3}\\s?\\d{3}\\s?\\d{2}\\b", 0.5)])
registry.add_recognizer(nir)
engine = AnalyzerEngine(registry=registry, nlp_engine=provider.create_engine(), supported_languages=["fr"])
df = pl.read_csv(sys.argv[2], infer_schema=False, separator=sys.argv[3], encoding="utf8-lossy",
                 n_rows=int(sys.argv[4]))
t0 = time.perf_counter()
found = 0
for row in df.iter_rows():
    for cell in row:
        if cell:
            found += len(engine.analyze(text=cell, language="fr"))
EXTRA = {"analyze_seconds": time.perf_counter() - t0, "found": found}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--presidio-rows", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-presidio", action="store_true")
    args = parser.parse_args()

    path, records = ensure_export(args.rows)
    size = path.stat().st_size
    truth = json.loads(path.with_suffix(".truth.json").read_text())
    sep = truth.get("delimiter", ";")
    columns = len(truth["columns"])
    print(f"input: {path.name}: {records:,} rows x {columns} columns, {size / 1e6:.1f} MB")

    def best(code: str, *extra: str) -> dict[str, float]:
        runs = [measure(code, str(path), *extra) for _ in range(args.repeat)]
        return min(runs, key=lambda r: r["seconds"])

    rows: list[tuple[str, float, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        sen = best(SENTINELLE, os.path.join(tmp, "r.json"))
    rows.append(("sentinelle scan (CLI, end to end)", sen["seconds"], records, sen["rss"]))
    lib = best(SENTINELLE_INPROC)
    rows.append(("sentinelle.scan() (library)", lib["seconds"], records, lib["rss"]))
    pol = best(POLARS, sep)
    rows.append(("polars.read_csv alone", pol["seconds"], records, pol["rss"]))
    presidio_rps = None
    if not args.skip_presidio:
        pres = measure(PRESIDIO, str(path), sep, str(args.presidio_rows))
        per_row = pres["analyze_seconds"] / args.presidio_rows
        presidio_rps = 1 / per_row
        rows.append((f"Presidio + fr_core_news_sm + NIR ({args.presidio_rows:,} rows, extrapolated)",
                     per_row * records, records, pres["rss"]))

    print()
    print(f"| tool | seconds | MB/s | rows/s | peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|")
    for name, secs, n, rss in rows:
        print(f"| {name} | {secs:,.2f} | {size / 1e6 / secs:,.1f} | {n / secs:,.0f} | {rss / 1e6:,.0f} |")
    print()
    print(f"scan time / polars read time: {sen['seconds'] / pol['seconds']:.2f}x (target <= 3x)")
    if presidio_rps:
        print(f"sentinelle rows/s / Presidio rows/s: {records / sen['seconds'] / presidio_rps:,.0f}x "
              "(target >= 2,000x)")
    print(f"peak RSS / file size: {sen['rss'] / size:.2f}x (target <= 3x)")


if __name__ == "__main__":
    main()
