"""Serial ``check_series`` vs one ``collect_checks``: every (column, identifier) pair of a file.

Generates a Mega-Bus-like export with ``sentinelle.synth`` (cached in the temp directory),
reads it with every column as a string, then times, best of ``--repeat``:

- ``serial``: ``module.check_series(column)`` for every column and every identifier module
  (default keyword arguments), one ``collect`` each;
- ``batched``: the same pairs as ``check_lazy`` queries, evaluated by one
  :func:`~sentinelle.identifiers._series.collect_checks`;
- ``build``: building the queries only (Python, no polars execution).

Prints wall time and process CPU time (all threads), and checks that both give the same
results. Not a test (no timed assertions in tests): run it by hand::

    .venv/bin/python tests/identifiers/bench_collect.py --patients 3000 --repeat 5
    .venv/bin/python tests/identifiers/bench_collect.py --patients 80000 --repeat 3
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from sentinelle.identifiers import modules
from sentinelle.identifiers._series import collect_checks


def _export(patients: int, seed: int) -> Path:
    from sentinelle.synth import SynthConfig, generate

    path = Path(tempfile.gettempdir()) / f"sentinelle-bench-{patients}-{seed}.csv"
    if not path.exists():
        generate(SynthConfig(patients=patients, seed=seed), path)
    return path


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    path = _export(args.patients, args.seed)
    frame = pl.read_csv(path, separator=";", infer_schema=False, encoding="utf8-lossy")
    found = [m for group in modules().values() for m in group]
    pairs = [(frame[c], m) for c in frame.columns for m in found]
    print(
        f"{path.name}: {frame.height} rows x {frame.width} columns, {len(found)} identifier "
        f"modules, {len(pairs)} checks, polars {pl.__version__}, "
        f"{pl.thread_pool_size()} threads"
    )
    for m in found:  # import-time and first-call costs out of the way
        m.check_series(frame[:5, 0])

    def serial() -> list[Any]:
        return [m.check_series(s) for s, m in pairs]

    def batched() -> list[Any]:
        return collect_checks([m.check_lazy(s) for s, m in pairs])

    def build() -> list[Any]:
        return [m.check_lazy(s) for s, m in pairs]

    for label, fn in (("serial", serial), ("batched", batched), ("build", build)):
        wall, cpu = _best(fn, args.repeat)
        print(f"  {label:8s} wall {wall:7.3f} s   cpu {cpu:7.3f} s")
    for a, b in zip(serial(), batched(), strict=True):
        assert a.normalised.equals(b.normalised) and a.valid.equals(b.valid)
        assert a.shaped.equals(b.shaped)
    print("  results identical")


if __name__ == "__main__":
    main()
