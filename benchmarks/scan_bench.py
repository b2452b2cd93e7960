"""Scan throughput on one generated lab export: CLI, library, polars read, Presidio.

The first scan benchmark (``throughput.py`` extends it to three inputs and ``cat``). On
the cached ``bench-data/export_N.csv`` (``sentinelle synth``, ~60 columns), each in a
fresh process so peak RSS is per tool:

- ``sentinelle scan`` end to end (CLI, JSON report to a temp file);
- ``sentinelle.scan()`` (the library, in one interpreter);
- ``polars.read_csv`` of the same file, all columns as strings (the floor);
- Presidio (``_presidio.build_engine``: spaCy ``fr_core_news_sm`` + NIR recogniser),
  cell by cell, on the first ``--presidio-rows`` rows, extrapolated per row.

Prints a table (MB/s, rows/s, peak RSS) and the ratios the issues target.

    python benchmarks/scan_bench.py [--rows 100000] [--presidio-rows 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import tempfile

import _common as C

SENTINELLE_INPROC = """
import sentinelle
report = sentinelle.scan([sys.argv[3]])
"""
POLARS = """
import polars as pl
df = pl.read_csv(sys.argv[3], infer_schema=False, separator=sys.argv[4], encoding="utf8-lossy")
"""
PRESIDIO = """
from _presidio import analyze_texts, build_engine, units_of
engine = build_engine()
units = units_of(sys.argv[3], None, sys.argv[4])[: int(sys.argv[5])]
t0 = time.perf_counter()
found = sum(len(s) for s in analyze_texts(engine, [x for u in units for x in u]))
EXTRA = {"analyze_seconds": time.perf_counter() - t0, "found": found, "rows": len(units)}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="patients of the export")
    parser.add_argument("--presidio-rows", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-presidio", action="store_true")
    args = parser.parse_args(argv)

    path = C.export_csv(args.rows)
    truth = C.load_truth(path)
    records, size = int(truth["records"]), path.stat().st_size
    sep = truth.get("delimiter") or ";"
    print(f"input: {path.name}: {records:,} rows x {len(truth['columns'])} columns, "
          f"{C.mb(size):.1f} MB\n")

    rows: list[tuple[str, float, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [C.SENTINELLE, "scan", str(path), "-f", "json", "-o", os.path.join(tmp, "r.json"),
               "--fail-on", "never", "-q"]
        sen = C.best([C.run_measured(cmd, ok=(0, 3)) for _ in range(args.repeat)])
    rows.append(("sentinelle scan (CLI, end to end)", sen.seconds, sen.rss))
    lib = C.best([C.measure_code(SENTINELLE_INPROC, str(path)) for _ in range(args.repeat)])
    rows.append(("sentinelle.scan() (library)", lib.seconds, lib.rss))
    pol = C.best([C.measure_code(POLARS, str(path), sep) for _ in range(args.repeat)])
    rows.append(("polars.read_csv alone", pol.seconds, pol.rss))
    presidio_rps = None
    if not args.skip_presidio:
        pres = C.measure_code(PRESIDIO, str(path), sep, str(args.presidio_rows))
        extra = pres.extra or {}
        per_row = extra["analyze_seconds"] / max(1, extra["rows"])
        presidio_rps = 1 / per_row
        rows.append((f"Presidio + fr_core_news_sm + NIR ({extra['rows']:,} rows, extrapolated)",
                     per_row * records, pres.rss))
    print(C.md_table(["tool", "seconds", "MB/s", "rows/s", "peak RSS (MB)"],
                     [[name, C.num(secs, 2), C.num(C.mb(size) / secs), C.num(records / secs, 0),
                       C.num(C.mb(rss), 0)] for name, secs, rss in rows]))
    print(f"\nscan time / polars read time: {sen.seconds / pol.seconds:.2f}x (target <= 3x)")
    if presidio_rps:
        print(f"sentinelle rows/s / Presidio rows/s: {records / sen.seconds / presidio_rps:,.0f}x "
              "(target >= 2,000x)")
    print(f"peak RSS / file size: {sen.rss / size:.2f}x (target <= 3x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
