"""Serial vs ``scan --workers 2`` vs ``scan --cluster local:2`` on a 2,000-file corpus.

Generates (once, cached under ``bench-data/parallel_2000/``) an estate of small and
medium generated lab exports of varied sizes and formats (CSV, TSV, JSON, NDJSON, HL7 v2,
HPRIM Santé, HPRIM Net, SQL dumps, XLSX, free-text notes, and zip archives of a few
exports), then runs ``sentinelle scan DIR --format json`` end to end (CLI, fresh process:
start-up, worker start and cluster start included) in each mode and prints a table:
files, MB, seconds, files/s, MB/s, speed-up against serial, CPU seconds of the whole
process tree (the cost of parallelism shows there: start-up of workers, pickling), peak
RSS of the process tree, and whether the JSON report is the serial one (bar
``elapsed_seconds``).

The issue's target: ``--workers 2`` at least 1.6x faster than serial on a 2-core machine.
Timings are only meaningful on a quiet machine: the load average at the start is printed.

    python benchmarks/parallel_bench.py [--files 2000] [--repeat 1] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import _common as C

#: (format, weight) of the generated files; file extension = format name.
FORMATS = (("csv", 25), ("tsv", 5), ("json", 10), ("ndjson", 8), ("hl7", 15), ("txt", 10),
           ("hprim", 8), ("hprim-net", 5), ("sql", 7), ("xlsx", 5))
ZIP_EVERY = 100  # one file in ZIP_EVERY is a zip of three small exports
SEED = 2021


def _patients(rng: random.Random) -> int:
    """Mostly small files, some medium ones, a few larger: as on a file share."""
    draw = rng.random()
    if draw < 0.70:
        return rng.randint(10, 60)
    if draw < 0.95:
        return rng.randint(80, 250)
    return rng.randint(400, 1200)


def _plan(files: int) -> list[tuple[str, str, int, int]]:
    """(relative path, format, patients, seed) of every file, reproducibly."""
    rng = random.Random(SEED)
    names, weights = zip(*FORMATS, strict=True)
    plan = []
    for i in range(files):
        fmt = "zip" if i % ZIP_EVERY == ZIP_EVERY - 1 else rng.choices(names, weights)[0]
        patients = rng.randint(10, 40) if fmt == "zip" else _patients(rng)
        ext = fmt.replace("-", "_")
        plan.append((f"share{i // 100:02d}/export_{i:04d}.{ext}", fmt, patients, SEED + i))
    return plan


def _make(root: str, rel: str, fmt: str, patients: int, seed: int) -> int:
    from sentinelle.synth import SynthConfig, generate

    out = Path(root) / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "zip":
        with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(out, "w",
                                                                   zipfile.ZIP_DEFLATED) as z:
            for k, inner in enumerate(("csv", "hl7", "txt")):
                member = Path(tmp) / f"lot{k}.{inner}"
                generate(SynthConfig(patients=patients, seed=seed * 10 + k, format=inner),
                         member)
                z.write(member, f"lot/{member.name}")
    else:
        generate(SynthConfig(patients=patients, seed=seed, format=fmt), out)
    return out.stat().st_size


def ensure_corpus(files: int, where: Path | None = None) -> tuple[Path, int]:
    """The corpus directory and its size in bytes (generated unless cached)."""
    root = C.data_dir(where) / f"parallel_{files}"
    manifest = root.with_name(root.name + ".json")
    if manifest.exists():
        known = json.loads(manifest.read_text(encoding="utf-8"))
        if known.get("files") == files and root.is_dir():
            return root, int(known["bytes"])
    plan = _plan(files)
    print(f"generating {files:,} files under {root} (cached for the next runs)...",
          file=sys.stderr, flush=True)
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        sizes = list(pool.map(_make, [str(root)] * files, *zip(*plan, strict=True),
                              chunksize=16))
    manifest.write_text(json.dumps({"files": files, "bytes": sum(sizes)}), encoding="utf-8")
    return root, sum(sizes)


def _children_cpu() -> float:
    """User + system CPU seconds of the waited-for process trees (workers included: the
    CLI joins its worker processes, so their time is added to it)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _comparable(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["summary"].pop("elapsed_seconds", None)
    return data


def _explain(reference: dict, report: dict, name: str) -> None:
    """Say (on stderr) where a report differs from the serial one: paths and fields only."""
    if reference["summary"] != report["summary"]:
        print(f"  {name}: summary differs: {report['summary']}", file=sys.stderr)
    ref = {f["path"]: f for f in reference["files"]}
    got = {f["path"]: f for f in report["files"]}
    for path in sorted(set(ref) ^ set(got)):
        print(f"  {name}: {path} only in {'serial' if path in ref else name}", file=sys.stderr)
    for path in sorted(set(ref) & set(got)):
        fields = [k for k in ref[path] if ref[path][k] != got[path].get(k)]
        if fields:
            print(f"  {name}: {path} differs in {', '.join(fields)}; errors: "
                  f"{got[path]['errors']}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000, help="files in the corpus")
    parser.add_argument("--repeat", type=int, default=1, help="runs per mode (best kept)")
    parser.add_argument("--workers", type=int, default=2, help="N of --workers N / local:N")
    parser.add_argument("--quick", action="store_true", help="200 files (a smoke run)")
    parser.add_argument("--data", type=Path, default=None, help="cache directory")
    args = parser.parse_args(argv)
    files = 200 if args.quick else args.files
    root, nbytes = ensure_corpus(files, args.data)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{C.machine()}; load average at start {load:.2f}; corpus {files:,} files, "
          f"{C.mb(nbytes):,.1f} MB ({root.name})\n")
    n = args.workers
    modes = [("serial (--workers 1)", ["--workers", "1"]),
             (f"--workers {n}", ["--workers", str(n)]),
             (f"--cluster local:{n}", ["--cluster", f"local:{n}"])]
    rows = []
    serial_seconds = None
    reference = None
    with tempfile.TemporaryDirectory() as tmp:
        for k, (name, flags) in enumerate(modes):
            out = Path(tmp) / f"report{k}.json"
            cmd = [C.SENTINELLE, "scan", str(root), "-f", "json", "-o", str(out),
                   "--fail-on", "never", "-q", *flags]
            runs, cpus = [], []
            for _ in range(args.repeat):
                before = _children_cpu()
                runs.append(C.run_measured(cmd, ok=(0, 3)))
                cpus.append(_children_cpu() - before)
            best = min(range(len(runs)), key=lambda i: runs[i].seconds)
            run, cpu = runs[best], cpus[best]
            report = _comparable(out)
            if reference is None:
                reference, serial_seconds = report, run.seconds
            same = "yes" if report == reference else "NO"
            if report != reference:
                _explain(reference, report, name)
            assert serial_seconds is not None
            rows.append([name, f"{files:,}", C.num(C.mb(nbytes)), C.num(run.seconds, 1),
                         C.num(files / run.seconds, 1), C.num(C.mb(nbytes) / run.seconds, 1),
                         f"{serial_seconds / run.seconds:.2f}x", C.num(cpu, 0),
                         C.num(C.mb(run.rss), 0), same])
            print(f"  {name}: {run.seconds:.1f} s", file=sys.stderr, flush=True)
    print(C.md_table(["mode", "files", "MB", "seconds", "files/s", "MB/s", "speed-up",
                      "CPU s", "peak RSS (MB)", "same report"], rows))
    speedup = float(rows[1][6].rstrip("x"))
    print(f"\n--workers {n} speed-up over serial: {speedup:.2f}x (target >= 1.6x on 2 cores; "
          "noisy when the machine is busy)")
    return 0 if all(r[-1] == "yes" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
