"""``sentinelle protect`` throughput on the generated 100,000-patient lab export.

On the cached ``bench-data/export_N.csv`` (``sentinelle synth``, ~60 columns, cp1252, ``;``),
each run in a fresh process so peak RSS is per run:

- ``polars.read_csv`` of the file, all columns as strings (the floor);
- ``sentinelle protect --auto`` (CLI end to end: classify, pseudonymise, generalise, mask,
  redact free text, risk before/after, CSV out, manifest);
- the same with ``--min-k 5`` (generalise further and suppress);
- the same with ``--encrypt-to`` an age X25519 recipient (streamed through pyrage);
- the same with ``--canaries 5 --nir-shaped``;
- ``sentinelle scan`` of the same file, for reference (it reads and classifies too).

Prints a table (seconds, MB/s of input, rows/s, peak RSS). Target: >= 30 MB/s for
``protect --auto``. Timings depend on what else runs on the machine.

    python benchmarks/protect_bench.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

import _common as C

POLARS = """
import polars as pl
df = pl.read_csv(sys.argv[3], infer_schema=False, separator=";", encoding="utf8-lossy")
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="patients of the export")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    path = C.export_csv(args.rows)
    records, size = C.records(path), path.stat().st_size
    print(f"input: {path.name}: {records:,} rows, {C.mb(size):.1f} MB ({C.machine()})\n")

    from pyrage import x25519

    recipient = str(x25519.Identity.generate().to_public())
    rows: list[tuple[str, float, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        key = Path(tmp) / "bench.key"
        subprocess.run([C.SENTINELLE, "protect", "--new-key", str(key)], check=True,
                       capture_output=True)
        base = [C.SENTINELLE, "protect", str(path), "--key-file", str(key), "--auto",
                "--recipient", "bench"]
        runs = {
            "sentinelle protect --auto": [],
            "  + --min-k 5": ["--min-k", "5"],
            "  + --encrypt-to age1...": ["--encrypt-to", recipient],
            "  + --canaries 5 --nir-shaped": ["--canaries", "5", "--nir-shaped"],
        }
        for i, (name, extra) in enumerate(runs.items()):
            out = os.path.join(tmp, f"out{i}.csv")
            run = C.best([C.run_measured([*base, "--out", out, *extra])
                          for _ in range(args.repeat)])
            rows.append((name, run.seconds, run.rss))
        scan = C.best([C.run_measured([C.SENTINELLE, "scan", str(path), "-f", "json", "-o",
                                       os.path.join(tmp, "r.json"), "--fail-on", "never", "-q"],
                                      ok=(0, 3)) for _ in range(args.repeat)])
        rows.append(("sentinelle scan, same file (reference)", scan.seconds, scan.rss))
    pol = C.best([C.measure_code(POLARS, str(path)) for _ in range(args.repeat)])
    rows.append(("polars.read_csv alone (floor)", pol.seconds, pol.rss))
    print(C.md_table(["run", "seconds", "MB/s", "rows/s", "peak RSS (MB)"],
                     [[name, C.num(secs, 2), C.num(C.mb(size) / secs), C.num(records / secs, 0),
                       C.num(C.mb(rss), 0)] for name, secs, rss in rows]))
    auto = rows[0][1]
    print(f"\nprotect --auto: {C.mb(size) / auto:.1f} MB/s (target >= 30 MB/s); "
          f"{auto / pol.seconds:.1f}x the polars read, {auto / scan.seconds:.2f}x the scan")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
