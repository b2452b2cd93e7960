"""Generator throughput at full leak scale: 491,840 patients (the 2021 leak) as CSV.

Runs ``sentinelle.synth.generate`` in a fresh process (so the peak RSS is the generator's
own), into a temporary directory that is deleted afterwards, with the default
configuration (cp1252, ``;``, CRLF, header, the six départements of the leak) and the
truth computed as usual. Prints one table: patients, rows, MB written, seconds, MB/s,
rows/s and peak RSS. The issue's target: <= 60 s on a 2-core machine, bounded memory.

    python benchmarks/synth_bench.py [--patients 491840] [--seed 2021] [--chunk-size N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap

_CHILD = textwrap.dedent(
    """
    import json, sys, tempfile, time
    from pathlib import Path
    from sentinelle.synth import SynthConfig, generate

    patients, seed, chunk = (int(a) for a in sys.argv[1:4])
    extra = {"chunk_size": chunk} if chunk > 0 else {}
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as tmp:
        out = Path(tmp) / "export.csv"
        t = time.perf_counter()
        truth = generate(SynthConfig(patients=patients, seed=seed, **extra), out)
        seconds = time.perf_counter() - t
        size = out.stat().st_size
    # VmHWM, not ru_maxrss: the latter survives execve and may report the parent's peak
    rss = int([l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]) * 1024
    print("@@" + json.dumps({"patients": patients, "rows": truth.records, "bytes": size,
                             "seconds": seconds, "rss": rss, "persons": truth.persons}))
    """
)


def run(patients: int, seed: int, chunk: int) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(patients), str(seed), str(chunk)],
        capture_output=True, text=True, check=False,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("@@"):
            result: dict[str, float] = json.loads(line[2:])
            return result
    raise RuntimeError(f"generation failed:\n{proc.stderr[-3000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=491_840)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--chunk-size", type=int, default=0, help="0: the config default")
    args = parser.parse_args(argv)
    r = run(args.patients, args.seed, args.chunk_size)
    mb = r["bytes"] / 1e6
    rows = [
        ("patients", f"{int(r['patients']):,}"),
        ("rows", f"{int(r['rows']):,}"),
        ("MB", f"{mb:,.1f}"),
        ("seconds", f"{r['seconds']:.1f}"),
        ("MB/s", f"{mb / r['seconds']:.1f}"),
        ("rows/s", f"{r['rows'] / r['seconds']:,.0f}"),
        ("peak RSS (MB)", f"{r['rss'] / 1e6:,.0f}"),
    ]
    print("| " + " | ".join(k for k, _ in rows) + " |")
    print("|" + "|".join("---" for _ in rows) + "|")
    print("| " + " | ".join(v for _, v in rows) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
