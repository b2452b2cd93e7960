"""Shared helpers of the benchmarks: generated inputs (cached), measured runs, tables.

Inputs are made with ``sentinelle synth`` (in a child process, so the benchmark process
stays small) and cached under ``bench-data/`` (or ``$SENTINELLE_BENCH_DATA``, or the
directory a caller passes):
the same arguments give the same bytes, so a cached file is reused as is. Every input
has its ground truth beside it (``NAME.truth.json``, schema ``sentinelle.truth/1``).

Two ways to measure a run, both in a fresh process so the peak memory is that run's own:

- :func:`run_measured` runs a command and polls its process tree with psutil (every
  10 ms): peak RSS is the largest sum of the tree's resident sets seen, and at least the
  main process's own high-water mark (``VmHWM``, read while it lives);
- :func:`measure_code` runs Python code in a fresh interpreter that reports its own
  ``VmHWM`` (``ru_maxrss`` cannot be used from the parent: on Linux it survives
  ``execve`` and would report the parent's peak).

Tables are printed as GitHub markdown (:func:`md_table`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench-data"
BIN = Path(sys.executable).parent
SENTINELLE = str(BIN / "sentinelle")
SEED = 2021
LABS = 6
MIXED_FORMATS: tuple[str, ...] = ("csv", "xlsx", "json", "hl7", "pdf", "sql")
_CORPUS_PREFIX = "mixed_"  # directory corpora: their truths live in DIR.truth/
_EXT = {"csv": "csv", "txt": "txt", "xlsx": "xlsx", "json": "json", "hl7": "hl7",
        "pdf": "pdf", "sql": "sql"}


def _compiled_sources() -> None:
    """Byte-compile the (editable) sources once, as installing a wheel does: with
    ``PYTHONDONTWRITEBYTECODE`` set, every run would otherwise recompile the modules it
    imports, a cost no installed copy pays."""
    import compileall

    compileall.compile_dir(ROOT / "src", quiet=2)


_compiled_sources()


def data_dir(path: str | Path | None = None) -> Path:
    """Where generated inputs are cached: ``path``, else ``$SENTINELLE_BENCH_DATA``, else
    ``bench-data/`` at the repository root."""
    out = Path(path or os.environ.get("SENTINELLE_BENCH_DATA") or DATA)
    out.mkdir(parents=True, exist_ok=True)
    return out


# -- generated inputs ----------------------------------------------------------------------

def truth_path(path: Path) -> Path:
    """``NAME.truth.json`` beside ``path``; for the files of a directory corpus ``DIR/``,
    in ``DIR.truth/`` (so that scanning the directory does not scan the truths)."""
    name = path.name.rsplit(".", 1)[0] + ".truth.json"
    apart = path.parent.with_name(path.parent.name + ".truth")
    if path.parent.name.startswith(_CORPUS_PREFIX):
        return apart / name
    return path.with_name(name)


def load_truth(path: Path) -> dict[str, Any]:
    truth: dict[str, Any] = json.loads(truth_path(path).read_text(encoding="utf-8"))
    return truth


def synth(path: Path, patients: int, *, fmt: str = "csv", seed: int = SEED, labs: int = LABS,
          extra: Sequence[str] = ()) -> Path:
    """``sentinelle synth`` into ``path`` (with its truth) unless both are there already."""
    truth = truth_path(path)
    if not (path.exists() and truth.exists()):
        path.parent.mkdir(parents=True, exist_ok=True)
        truth.parent.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [SENTINELLE, "synth", "--patients", str(patients), "--labs", str(labs),
             "--seed", str(seed), "--format", fmt, "--out", str(path), "--truth", str(truth),
             *extra],
            capture_output=True, text=True, check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"sentinelle synth {path.name} failed:\n{proc.stderr[-3000:]}")
    return path


def export_csv(patients: int, where: Path | None = None) -> Path:
    """The Mega-Bus-like CSV export (cp1252, ``;``, CRLF, about 60 columns)."""
    return synth(data_dir(where) / f"export_{patients}.csv", patients)


def notes_txt(patients: int, where: Path | None = None) -> Path:
    """The free-text notes file (one line per export row, plus neutral log lines)."""
    return synth(data_dir(where) / f"notes_{patients}.txt", patients, fmt="txt")


def mixed_corpus(patients: int, where: Path | None = None) -> Path:
    """A directory with one file per format of :data:`MIXED_FORMATS`, ``patients`` each
    (one seed per format, so the files hold different persons)."""
    root = data_dir(where) / f"{_CORPUS_PREFIX}{patients}"
    for i, fmt in enumerate(MIXED_FORMATS):
        synth(root / f"lab{i + 1}_export.{_EXT[fmt]}", patients, fmt=fmt, seed=SEED + 1 + i)
    return root


def corpus_files(path: Path) -> list[Path]:
    """The data files of an input (a file, or a directory's files without the truths)."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_file())


def records(path: Path) -> int:
    """Records (rows, patient lines, messages) of an input, from its truth."""
    return sum(int(load_truth(p)["records"]) for p in corpus_files(path))


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in corpus_files(path))


# -- measured runs -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    rss: int  # peak resident set, bytes
    returncode: int = 0
    extra: dict[str, Any] | None = None


def _hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_measured(cmd: Sequence[str], *, poll: float = 0.01, ok: Sequence[int] = (0,)) -> Run:
    """Run ``cmd`` (stdout discarded); wall time and peak RSS of its process tree."""
    import psutil

    started = time.perf_counter()
    proc = subprocess.Popen(list(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    try:
        main = psutil.Process(proc.pid)
        while proc.poll() is None:
            total = 0
            try:
                tree = [main, *main.children(recursive=True)]
            except psutil.Error:
                tree = []
            for p in tree:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            peak = max(peak, total, _hwm(proc.pid))
            time.sleep(poll)
    except psutil.Error:
        pass
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    if proc.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd[:3])}... exited {proc.returncode}:\n"
                           f"{err.decode(errors='replace')[-3000:]}")
    return Run(seconds, peak, proc.returncode)


_MEASURE = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, sys.argv[1])
    t = time.perf_counter()
    exec(compile(sys.argv[2], "bench", "exec"))
    elapsed = time.perf_counter() - t
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
    print("@@" + json.dumps({"seconds": elapsed, "rss": int(hwm) * 1024,
                             "extra": globals().get("EXTRA", {})}))
    """
)


def measure_code(code: str, *args: str) -> Run:
    """Run ``code`` in a fresh interpreter (``sys.argv[3:]`` = ``args``; the benchmarks
    folder is importable); its wall time, peak RSS and the ``EXTRA`` dict it sets."""
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(Path(__file__).resolve().parent), code, *args],
        capture_output=True, text=True, check=False,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("@@"):
            got = json.loads(line[2:])
            return Run(got["seconds"], got["rss"], 0, got["extra"])
    raise RuntimeError(f"benchmark step failed:\n{proc.stderr[-3000:]}")


def best(runs: Sequence[Run]) -> Run:
    return min(runs, key=lambda r: r.seconds)


# -- tables --------------------------------------------------------------------------------

def md_table(headers: Sequence[str], rows: Sequence[Sequence[Any]],
             align: str | None = None) -> str:
    """A GitHub markdown table; ``align``: one letter per column, ``l`` or ``r``
    (default: first column left, the others right)."""
    align = align or "l" + "r" * (len(headers) - 1)
    sep = ["---" if a == "l" else "---:" for a in align]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(sep) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def mb(nbytes: float) -> float:
    return nbytes / 1e6


def machine() -> str:
    """One line describing where the figures come from."""
    import platform

    import polars as pl

    return (f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"polars {pl.__version__}")


__all__ = [
    "BIN",
    "DATA",
    "MIXED_FORMATS",
    "ROOT",
    "SENTINELLE",
    "Run",
    "best",
    "corpus_files",
    "data_dir",
    "export_csv",
    "load_truth",
    "machine",
    "mb",
    "md_table",
    "measure_code",
    "mixed_corpus",
    "notes_txt",
    "num",
    "records",
    "run_measured",
    "size",
    "synth",
    "truth_path",
]
