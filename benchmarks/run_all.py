"""Run every benchmark and print their tables (the figures in the README come from here).

    python benchmarks/run_all.py            # all
    python benchmarks/run_all.py scan synth # some
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = {"scan": "scan_bench.py", "synth": "synth_bench.py", "stream": "stream_bench.py",
           "assess": "assess_bench.py"}


def main() -> int:
    chosen = sys.argv[1:] or list(BENCHES)
    status = 0
    for name in chosen:
        script = BENCHES.get(name)
        if script is None:
            print(f"unknown benchmark {name!r}; choose from {', '.join(BENCHES)}", file=sys.stderr)
            return 2
        print(f"\n## {name}\n", flush=True)
        status |= subprocess.call([sys.executable, str(HERE / script)])
    return status


if __name__ == "__main__":
    raise SystemExit(main())
