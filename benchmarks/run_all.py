"""Run the benchmark suites and print their tables (the README's figures come from here).

    python benchmarks/run_all.py                   # every suite of the published set
    python benchmarks/run_all.py throughput scaling
    python benchmarks/run_all.py --quick           # small inputs, a few minutes
    python benchmarks/run_all.py --list

Suites (each is also a script of its own, with ``--help``):

- ``throughput``: sentinelle vs Presidio vs polars read vs ``cat`` (MB/s, rows/s, RSS) on
  the 100,000-patient export, the free-text notes and a mixed corpus;
- ``accuracy``: precision / recall / F1 per entity and health category, both tools;
- ``scaling``: 10k, 100k and 491,840 patients, cost against size;
- ``parallel``: serial vs ``--workers 2`` vs ``--cluster local:2`` (``parallel_bench.py``,
  run when present);
- ``synth``, ``assess``, ``stream``: the generator, ``assess`` at leak scale and a 2 GB
  streamed scan;
- not in the default set: ``scan`` (the first scan benchmark; ``throughput`` covers it),
  ``protect``, ``watch`` and ``serve`` (their own scripts, run when present).

Generated inputs are cached under ``bench-data/``. Timings depend on the machine and on
what else runs on it: rerun on a quiet machine before publishing figures.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

# suite -> (module, arguments of the full run, arguments of --quick)
SUITES: dict[str, tuple[str, list[str], list[str]]] = {
    "throughput": ("throughput", [], ["--quick"]),
    "accuracy": ("accuracy", [], ["--quick"]),
    "scaling": ("scaling", [], ["--quick"]),
    "parallel": ("parallel_bench", [], ["--quick"]),
    "synth": ("synth_bench", [], ["--patients", "50000"]),
    "assess": ("assess_bench", [], ["--patients", "20000"]),
    "stream": ("stream_bench", [], ["--gb", "0.2"]),
    "scan": ("scan_bench", [], ["--rows", "5000", "--presidio-rows", "50", "--repeat", "1"]),
    "protect": ("protect_bench", [], ["--rows", "5000", "--repeat", "1"]),
    "watch": ("watch_bench", [], ["--files", "500", "--exports", "20"]),
    "serve": ("serve_load", [], ["--files", "2000", "--clients", "20", "--requests", "200",
                                 "--duration", "10"]),
}
DEFAULT = ["throughput", "accuracy", "scaling", "parallel", "synth", "assess", "stream"]
# run in a child process: they start worker processes, clusters or servers of their own,
# or parse sys.argv themselves
AS_SCRIPT = frozenset({"parallel", "protect", "watch", "serve"})


def _script(module: str) -> Path:
    return HERE / f"{module}.py"


def run_script(module: str, args: list[str]) -> int:
    """A benchmark script in a child process (skipped, and said so, when absent)."""
    script = _script(module)
    if not script.exists():
        print(f"{script.name} is not there yet: skipped.")
        return 0
    return subprocess.call([sys.executable, str(script), *args])


def run_suite(name: str, quick: bool) -> int:
    module, full, small = SUITES[name]
    args = small if quick else full
    if name in AS_SCRIPT:
        sys.stdout.flush()
        return run_script(module, args)
    main: Callable[[list[str]], int | None] = importlib.import_module(module).main
    return int(main(args) or 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suites", nargs="*", help=f"default: {' '.join(DEFAULT)}")
    parser.add_argument("--quick", action="store_true", help="small inputs (a smoke run)")
    parser.add_argument("--list", action="store_true", help="list the suites and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, (module, _, _) in SUITES.items():
            mark = "*" if name in DEFAULT else " "
            print(f"{mark} {name:11s} {module}.py")
        return 0
    chosen = args.suites or DEFAULT
    unknown = [s for s in chosen if s not in SUITES]
    if unknown:
        print(f"unknown suite(s) {', '.join(unknown)}; choose from {', '.join(SUITES)}",
              file=sys.stderr)
        return 2
    import _common

    print(f"# Sentinelle benchmarks{' (quick)' if args.quick else ''}\n")
    print(f"{_common.machine()}, {platform.system()} {platform.release()}; "
          f"{time.strftime('%Y-%m-%d %H:%M %Z')}")
    status = 0
    for name in chosen:
        print(f"\n## {name}\n", flush=True)
        started = time.perf_counter()
        status |= run_suite(name, args.quick)
        print(f"\n_({name}: {time.perf_counter() - started:,.0f} s)_", flush=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
