"""`assess` at full leak scale: 491,840 patients, persons found vs the truth, time, peak RSS.

The export (28 labs, as in the leak) is generated once and cached under ``bench-data/``;
``sentinelle assess`` runs in a child process whose tree is polled for its peak RSS.

    python benchmarks/assess_bench.py [--patients 491840]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import _common as C


def run(patients: int = 491_840, where: Path | None = None) -> str:
    export = C.synth(C.data_dir(where) / f"export_{patients}_28labs.csv", patients, labs=28)
    truth = C.load_truth(export)
    with tempfile.TemporaryDirectory(prefix="sentinelle-assess-") as tmp:
        out = Path(tmp) / "out"
        r = C.run_measured([C.SENTINELLE, "assess", str(export), "--out", str(out)])
        got = json.loads((out / "assessment.json").read_text(encoding="utf-8"))
    err = (got["persons"] - truth["persons"]) / truth["persons"]
    return C.md_table(
        ["patients", "records", "persons found", "persons (truth)", "error", "seconds",
         "peak RSS (MB)"],
        [[f"{patients:,}", f"{got['records']:,}", f"{got['persons']:,}",
          f"{truth['persons']:,}", f"{err:+.3%}", C.num(r.seconds), C.num(C.mb(r.rss), 0)]],
        "rrrrrrr")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=491_840)
    args = parser.parse_args(argv)
    print(run(args.patients))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
