"""`sentinelle watch --once` on a 10,000-file tree: first pass vs an unchanged second pass.

Builds a tree (cached under ``bench-data/watch_tree_N``) of generated lab exports in several
formats (``--exports`` of them: ~30 generated, then copied to other folders) among plain
files without patient data (meeting notes, stock lists, logs), then runs, each in a fresh
process with a fresh SQLite inventory:

1. ``watch --once`` on the tree (everything is new: every file read);
2. ``watch --once`` again, nothing changed (target: no file read, < 10% of pass 1);
3. one export added (target: exactly one ``new_exposure`` alert);
4. that export deleted (target: exactly one ``gone`` alert).

Prints a table (wall time including interpreter start, pass time as the CLI reports it, files
read / hashed, alerts) and the ratio of pass 2 to pass 1.

    python benchmarks/watch_bench.py [--files 10000] [--exports 300] [--db URL]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "sentinelle"
FORMATS = ("csv", "json", "hl7", "hprim", "txt", "ndjson", "sql", "tsv")
WORDS = ["réunion", "budget", "planning", "stock", "commande", "livraison", "inventaire", "réactifs", "maintenance", "automate", "calibration", "contrôle", "qualité", "formation", "astreinte", "congés", "fournisseur", "devis", "facture", "local", "archive", "serveur", "sauvegarde", "imprimante", "badge", "accès"]


def build_tree(root: Path, files: int, exports: int, seed: int = 2021) -> None:
    from sentinelle.synth import SynthConfig, generate

    rng = random.Random(seed)
    base = root.parent / f"{root.name}.bases"
    base.mkdir(parents=True, exist_ok=True)
    bases = []
    for i in range(min(30, exports)):
        fmt = FORMATS[i % len(FORMATS)]
        path = base / f"base_{i:02d}.{fmt}"
        if not path.exists():
            generate(SynthConfig(patients=rng.randint(20, 80), seed=seed + i, format=fmt), path)
        bases.append(path)
    for i in range(exports):
        src = bases[i % len(bases)]
        dest = root / f"site{i % 12:02d}" / "exports" / f"extraction_{i:04d}{src.suffix}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    for i in range(files - exports):
        folder = root / f"site{i % 12:02d}" / ("docs", "stock", "logs")[i % 3] / f"d{i // 500:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        kind = i % 3
        if kind == 0:
            text = "\n".join(" ".join(rng.choices(WORDS, k=12)).capitalize() + "."
                             for _ in range(rng.randint(3, 30)))
            (folder / f"note_{i:05d}.txt").write_text(text + "\n", encoding="utf-8")
        elif kind == 1:
            rows = [f"REF{rng.randint(1000, 9999)};{rng.choice(ITEMS)} x{rng.randint(1, 99)};"
                    f"{rng.randint(0, 500)}" for _ in range(rng.randint(5, 60))]
            (folder / f"stock_{i:05d}.csv").write_text("reference;article;quantite\n"
                                                       + "\n".join(rows) + "\n")
        else:
            lines = [f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 0{rng.randint(0, 9)}:00 "
                     f"INFO job {rng.choice(WORDS)} ok ({rng.randint(1, 999)} ms)"
                     for _ in range(rng.randint(5, 40))]
            (folder / f"job_{i:05d}.log").write_text("\n".join(lines) + "\n")


ITEMS = ("Tube EDTA 4 mL", "Cone pipette 200 uL x96", "Cartouche toner 305A",
         "Gants nitrile taille M", "Tube sec 5 mL", "Controle CQI niveau 2", "Papier A4 80 g")


SUMMARY = re.compile(r"scan \d+: (\d+) files \((\d+) read, (\d+) hashed\).*?; ([\d.]+) s")


def watch(tree: Path, db: str) -> dict:
    started = time.perf_counter()
    done = subprocess.run([str(BIN), "watch", str(tree), "--db", db, "--once",
                           "--fail-on", "never"], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 3):
        raise SystemExit(f"watch failed ({done.returncode}): {done.stderr[-2000:]}")
    m = SUMMARY.search(done.stderr.replace("\n", " "))
    if not m:
        raise SystemExit(f"no summary in: {done.stderr[-2000:]}")
    alerts = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return {"wall": wall, "pass": float(m.group(4)), "files": int(m.group(1)),
            "read": int(m.group(2)), "hashed": int(m.group(3)), "alerts": alerts}


def _backend(url: str | None) -> str:
    return "PostgreSQL" if url and url.startswith("postgres") else "SQLite"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--exports", type=int, default=300)
    parser.add_argument("--db", help="inventory URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    tree = ROOT / "bench-data" / f"watch_tree_{args.files}"
    if not tree.exists():
        t0 = time.perf_counter()
        tmp = tree.with_name(tree.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        build_tree(tmp, args.files, args.exports)
        tmp.rename(tree)
        print(f"built {tree} in {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or f"sqlite:///{tmp}/inventory.sqlite"
        runs = [("1 first pass", watch(tree, db)), ("2 unchanged", watch(tree, db))]
        extra = tree / "site00" / "exports" / "zz_new_export.csv"
        shutil.copyfile(next((tree / "site00" / "exports").glob("*.csv")), extra)
        try:
            runs.append(("3 one export added", watch(tree, db)))
        finally:
            extra.unlink()
        runs.append(("4 it is deleted", watch(tree, db)))
    print(f"\nwatch --once on {args.files:,} files ({args.exports} exports), "
          f"inventory {_backend(args.db)}\n")
    print("| run | wall s | pass s | files | read | hashed | alerts |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, r in runs:
        kinds: dict[str, int] = {}
        for a in r["alerts"]:
            kinds[a["kind"]] = kinds.get(a["kind"], 0) + 1
        shown = ", ".join(f"{n} {k}" for k, n in kinds.items()) or "none"
        print(f"| {name} | {r['wall']:.2f} | {r['pass']:.2f} | {r['files']:,} | {r['read']:,} "
              f"| {r['hashed']:,} | {shown} |")
    first, second = runs[0][1], runs[1][1]
    print(f"\nsecond / first: wall {second['wall'] / first['wall']:.1%}, "
          f"pass {second['pass'] / first['pass']:.1%} (target < 10%); "
          f"files read on pass 2: {second['read']} (target 0)")
    added = [a["kind"] for a in runs[2][1]["alerts"]]
    gone = [a["kind"] for a in runs[3][1]["alerts"]]
    print(f"added export -> {added} (target ['new_exposure']); deleted -> {gone} "
          f"(target ['gone'])")


if __name__ == "__main__":
    main()
