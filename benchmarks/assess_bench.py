"""`assess` at full leak scale: 491,840 patients, persons found vs the truth, time, peak RSS.

    python benchmarks/assess_bench.py [--patients 491840]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=491_840)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sentinelle-assess-") as tmp:
        export, truth_path, out = Path(tmp) / "export.csv", Path(tmp) / "truth.json", Path(tmp) / "out"
        subprocess.run([str(BIN / "sentinelle"), "synth", "--patients", str(args.patients),
                        "--labs", "28", "--seed", "2021", "--out", str(export),
                        "--truth", str(truth_path)], check=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        subprocess.run([str(BIN / "sentinelle"), "assess", str(export), "--out", str(out)],
                       check=True, stdout=subprocess.DEVNULL)
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        truth = json.loads(truth_path.read_text())
        got = json.loads((out / "assessment.json").read_text())
        print("| patients | records | persons found | persons (truth) | error | seconds | peak RSS (MB) |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        err = (got["persons"] - truth["persons"]) / truth["persons"]
        rss = f"{peak / 1024:,.0f}" if peak > before else f"<= {before / 1024:,.0f}"
        print(f"| {args.patients:,} | {got['records']:,} | {got['persons']:,} | "
              f"{truth['persons']:,} | {err:+.3%} | {elapsed:,.1f} | {rss} |")


if __name__ == "__main__":
    main()
