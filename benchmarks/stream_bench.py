"""Big inputs stream: scan a generated CSV of about 2 GB and report time and peak RSS.

The export is made by generating a seed export with `sentinelle synth` (400,000 patients,
about 200 MB, cached under ``bench-data/``) and appending its data rows until the target
size is reached (a 2 GB synthetic export would take minutes to generate for no benefit:
repeated rows are as hard to scan as new ones). The big file lives in a temporary
directory; the scan runs in a child process whose tree is polled for its peak RSS.
Target (issue 4): peak RSS < 1 GB.

    python benchmarks/stream_bench.py [--gb 2.0] [--keep]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

import _common as C


def build(path: Path, target: int, where: Path | None = None) -> tuple[int, int]:
    patients = max(1_000, min(400_000, target // 2_000))  # ~500 bytes a row: 4+ copies
    seed = C.synth(C.data_dir(where) / f"stream_seed_{patients}.csv", patients, seed=7,
                   extra=["--encoding", "utf-8"])
    with seed.open("rb") as src:
        header = src.readline()
        body = src.read()
    rows_per_copy = body.count(b"\n")
    copies = 0
    with path.open("wb") as out:
        out.write(header)
        while out.tell() < target:
            out.write(body)
            copies += 1
    return path.stat().st_size, rows_per_copy * copies


def run(gb: float = 2.0, *, keep: bool = False, where: Path | None = None) -> str:
    tmp = Path(tempfile.mkdtemp(prefix="sentinelle-stream-"))
    try:
        path = tmp / "big_export.csv"
        size, rows = build(path, int(gb * 1024**3), where)
        report = tmp / "report.json"
        r = C.run_measured([C.SENTINELLE, "scan", str(path), "-f", "json", "-o", str(report),
                            "--fail-on", "never", "-q"], ok=(0, 1, 3))
        f = json.loads(report.read_text(encoding="utf-8"))["files"][0]
        nir = f["entities"].get("NIR", f["entities"].get("NIR_NO_KEY", {})).get("count", 0)
        out = C.md_table(
            ["input", "rows", "seconds", "MB/s", "peak RSS (MB)", "NIR found", "exit"],
            [[f"{size / 1e9:.2f} GB CSV", f"{f['records']:,}", C.num(r.seconds),
              C.num(C.mb(size) / r.seconds), C.num(C.mb(r.rss), 0), f"{nir:,}",
              r.returncode]])
        return out + (f"\n\nrows written {rows:,}; peak RSS / file size {r.rss / size:.2f} "
                      "(target: < 1 GB)")
    finally:
        if keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=2.0)
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    args = parser.parse_args(argv)
    print(run(args.gb, keep=args.keep))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
