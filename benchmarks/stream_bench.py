"""Big inputs stream: scan a generated CSV of about 2 GB and report time and peak RSS.

The export is made by generating ~200 MB with `sentinelle synth` and appending its data
rows until the target size is reached (a 2 GB synthetic export would take minutes to
generate for no benefit: repeated rows are as hard to scan as new ones). The scan runs in
a child process; its peak RSS is read from the kernel's accounting of the child
(RUSAGE_CHILDREN). Target (issue 4): peak RSS < 1 GB.

    python benchmarks/stream_bench.py [--gb 2.0] [--keep]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def build(path: Path, target: int) -> tuple[int, int]:
    seed = path.with_suffix(".seed.csv")
    subprocess.run([str(BIN / "sentinelle"), "synth", "--patients", "400000", "--seed", "7",
                    "--encoding", "utf-8", "--out", str(seed)], check=True)
    with seed.open("rb") as src:
        header = src.readline()
        body = src.read()
    seed.unlink()
    rows_per_copy = body.count(b"\n")
    copies = 0
    with path.open("wb") as out:
        out.write(header)
        while out.tell() < target:
            out.write(body)
            copies += 1
    return path.stat().st_size, rows_per_copy * copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gb", type=float, default=2.0)
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sentinelle-stream-"))
    try:
        path = tmp / "big_export.csv"
        size, rows = build(path, int(args.gb * 1024**3))
        report = tmp / "report.json"
        started = time.perf_counter()
        proc = subprocess.run([str(BIN / "sentinelle"), "scan", str(path), "-f", "json", "-o",
                               str(report), "--fail-on", "never", "-q"], check=False)
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        data = json.loads(report.read_text())
        f = data["files"][0]
        print(f"| input | rows | seconds | MB/s | peak RSS (MB) | NIR found | exit |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        nir = f["entities"].get("NIR", f["entities"].get("NIR_NO_KEY", {})).get("count", 0)
        print(f"| {size / 1e9:.2f} GB CSV | {f['records']:,} | {elapsed:,.1f} | "
              f"{size / 1e6 / elapsed:,.1f} | {peak / 1e6:,.0f} | {nir:,} | {proc.returncode} |")
        print(f"\nrows written {rows:,}; peak RSS / file size {peak / size:.2f} (target: < 1 GB)")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
