"""Scaling: ``sentinelle scan`` cost against input size (10k, 100k, 491,840 patients).

Each export is generated once (``sentinelle synth``, cached under ``bench-data/``) and
scanned end to end by the CLI in a child process (JSON report), best of ``--repeat``.
The table shows size, seconds, MB/s, peak RSS and the cost per MB; ``growth/doubling``
is how much the cost per MB grows per doubling of the input between two consecutive
sizes: ``(c2 / c1) ** (1 / log2(s2 / s1))`` (1.00 = linear; the issue's bound: <= 1.2).
The fixed cost (a 1-patient scan: interpreter start, imports) is shown on its own line;
``net`` columns subtract it.

    python benchmarks/scaling.py [--sizes 10000,100000,491840] [--repeat 1]
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import _common as C

SIZES = (10_000, 100_000, 491_840)


@dataclass(frozen=True, slots=True)
class Point:
    patients: int
    rows: int
    nbytes: int
    seconds: float
    rss: int


def scan_once(path: Path, repeat: int = 1) -> C.Run:
    with tempfile.TemporaryDirectory(prefix="sentinelle-scale-") as tmp:
        cmd = [C.SENTINELLE, "scan", str(path), "-f", "json", "-o",
               os.path.join(tmp, "r.json"), "--fail-on", "never", "-q"]
        return C.best([C.run_measured(cmd, ok=(0, 3)) for _ in range(repeat)])


def measure(sizes: tuple[int, ...] = SIZES, *, repeat: int = 1, where: Path | None = None
            ) -> tuple[C.Run, list[Point]]:
    fixed = scan_once(C.export_csv(1, where), repeat)
    points = []
    for n in sizes:
        path = C.export_csv(n, where)
        run = scan_once(path, repeat)
        points.append(Point(n, C.records(path), path.stat().st_size, run.seconds, run.rss))
    return fixed, points


def growth(a: float, b: float, size_a: float, size_b: float) -> float | None:
    """Cost-per-MB ratio per doubling of the size, between two points."""
    if a <= 0 or b <= 0 or size_b <= size_a:
        return None
    return float((b / a) ** (1 / math.log2(size_b / size_a)))


def table(fixed: C.Run, points: list[Point]) -> str:
    rows = []
    prev: Point | None = None
    for p in points:
        net = max(p.seconds - fixed.seconds, 1e-9)
        cost, net_cost = p.seconds / C.mb(p.nbytes), net / C.mb(p.nbytes)
        g = g_net = None
        if prev is not None:
            pnet = max(prev.seconds - fixed.seconds, 1e-9)
            g = growth(prev.seconds / C.mb(prev.nbytes), cost, prev.nbytes, p.nbytes)
            g_net = growth(pnet / C.mb(prev.nbytes), net_cost, prev.nbytes, p.nbytes)
        rows.append([f"{p.patients:,}", f"{p.rows:,}", C.num(C.mb(p.nbytes)),
                     C.num(p.seconds, 2), C.num(C.mb(p.nbytes) / p.seconds),
                     C.num(C.mb(p.rss), 0), C.num(1000 * cost, 0), C.num(1000 * net_cost, 0),
                     C.num(g, 2), C.num(g_net, 2)])
        prev = p
    out = C.md_table(["patients", "rows", "MB", "seconds", "MB/s", "peak RSS (MB)", "ms/MB",
                      "net ms/MB", "growth/doubling", "net growth/doubling"], rows)
    return out + (f"\n\nFixed cost (1-patient scan): {fixed.seconds:.2f} s, "
                  f"{C.mb(fixed.rss):.0f} MB RSS.")


def run(sizes: tuple[int, ...] = SIZES, *, repeat: int = 1, where: Path | None = None) -> str:
    fixed, points = measure(sizes, repeat=repeat, where=where)
    return table(fixed, points)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="5,000, 20,000, 40,000 patients")
    args = parser.parse_args(argv)
    sizes = (5_000, 20_000, 40_000) if args.quick else tuple(int(s) for s in args.sizes.split(","))
    print(run(sizes, repeat=args.repeat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
