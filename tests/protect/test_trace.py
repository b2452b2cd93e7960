"""``trace``: five exports to five recipients; a 2% sample of one names its recipient."""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl
import pytest

from sentinelle.protect import ProtectOptions, protect, trace
from sentinelle.protect.keys import MasterKey, new_key_file
from sentinelle.readers import read_source
from sentinelle.readers.base import Source

RECIPIENTS = ["cro-alpha", "univ-rennes", "ars-bretagne", "labo-partenaire", "editeur-sil"]


@pytest.fixture(scope="module")
def exports(export_2000, tmp_path_factory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("exports")
    key = new_key_file(root / "master.key")
    issued = root / "issued"
    for name in RECIPIENTS:
        protect(export_2000, issued / f"{name}.csv", key,
                ProtectOptions(recipient=name, canaries=3))
    return root, key, issued


def _frame(path: Path) -> pl.DataFrame:
    return pl.concat([t.frame for t in read_source(Source.from_path(path))])


@pytest.mark.parametrize("which", [0, 3])
def test_two_percent_sample_names_the_right_recipient(exports, tmp_path, which: int) -> None:
    _root, key, issued = exports
    frame = _frame(issued / f"{RECIPIENTS[which]}.csv")
    rng = random.Random(which)
    rows = sorted(rng.sample(range(frame.height), k=max(1, frame.height // 50)))
    leaked = tmp_path / "leak.ndjson"  # another format than the export's
    frame[rows].write_ndjson(leaked)
    result = trace(leaked, key, issued)
    assert result.recipient == RECIPIENTS[which]
    assert result.confidence >= 0.9
    others = [c for c in result.candidates if c.recipient != RECIPIENTS[which]]
    assert len(others) == 4 and all(c.share < 0.05 and c.canaries == 0 for c in others)


def test_a_few_columns_of_a_sample_are_enough(exports, tmp_path) -> None:
    _root, key, issued = exports
    frame = _frame(issued / f"{RECIPIENTS[1]}.csv")
    manifest_cols = [c for c in frame.columns if frame[c].drop_nulls().str.contains(r"^[A-Z2-7]{16}$").all()]
    assert manifest_cols
    leaked = tmp_path / "few.csv"
    frame.select(manifest_cols[:1]).sample(n=40, seed=1).write_csv(leaked, separator=";")
    assert trace(leaked, key, issued).recipient == RECIPIENTS[1]


def test_canaries_alone_identify(exports, tmp_path) -> None:
    _root, key, issued = exports
    import json

    manifest = json.loads((issued / f"{RECIPIENTS[2]}.csv.manifest.json").read_text())
    assert manifest["canaries"] == 3 and len(manifest["trace"]["canaries"]) >= 3
    result = trace(issued / f"{RECIPIENTS[2]}.csv", key, issued)
    assert result.best is not None and result.best.canaries >= 3
    assert result.recipient == RECIPIENTS[2] and result.confidence == 1.0


def test_export_never_issued_is_unknown(exports, export_2000, tmp_path) -> None:
    _root, key, issued = exports
    # same key, a recipient never issued
    protect(export_2000, tmp_path / "x" / "ghost.csv", key, ProtectOptions(recipient="ghost"))
    result = trace(tmp_path / "x" / "ghost.csv", key, issued)
    assert result.recipient is None and result.best is None
    assert result.to_dict()["recipient"] == "unknown"
    # another master key, even for a known recipient name
    other = MasterKey(b"\x07" * 32)
    protect(export_2000, tmp_path / "y" / "cro.csv", other, ProtectOptions(recipient=RECIPIENTS[0]))
    assert trace(tmp_path / "y" / "cro.csv", key, issued).recipient is None
    # the original, unprotected export
    assert trace(export_2000, key, issued).recipient is None


def test_manifests_of_another_key_are_skipped(exports, export_2000, tmp_path) -> None:
    _root, key, _issued = exports
    other = MasterKey(b"\x09" * 32)
    res = protect(export_2000, tmp_path / "o.csv", other, ProtectOptions(recipient="z"))
    result = trace(tmp_path / "o.csv", key, tmp_path)
    assert result.recipient is None and result.skipped == [str(res.manifest)]


def test_big_exports_fingerprint_a_deterministic_share() -> None:
    from sentinelle.protect.fingerprints import FULL_SET, Bloom, eligible

    tkey = b"t" * 32
    values = [f"V{i:07d}" for i in range(3 * FULL_SET)]
    bloom = Bloom.of(tkey, values)
    assert bloom.sample_bits == 2 and FULL_SET // 2 < bloom.n <= FULL_SET
    kept = eligible(values, bloom.sample_bits)
    assert len(kept) == bloom.n
    assert all(bloom.contains(tkey, v) for v in kept[:2000])
    foreign = eligible([f"W{i:07d}" for i in range(40_000)], bloom.sample_bits)
    assert sum(bloom.contains(tkey, v) for v in foreign) <= 5
    small = Bloom.of(tkey, values[:100])
    assert small.sample_bits == 0 and small.n == 100


def test_a_stray_match_in_a_small_column_is_no_share(exports, tmp_path) -> None:
    """One value of another export in a column of few values (what a Bloom filter's false
    positive looks like) must not make that export a candidate with a share."""
    _root, key, issued = exports
    mine = _frame(issued / f"{RECIPIENTS[0]}.csv")
    theirs = _frame(issued / f"{RECIPIENTS[4]}.csv")
    token = next(c for c in theirs.columns
                 if theirs[c].drop_nulls().str.contains(r"^[A-Z2-7]{16}$").all())
    sample = mine.head(40).with_columns(
        pl.Series("STRAY", [theirs[token][0], "A", "B"] * 13 + ["C"]))
    leaked = tmp_path / "stray.csv"
    sample.write_csv(leaked, separator=";")
    result = trace(leaked, key, issued)
    assert result.recipient == RECIPIENTS[0]
    other = next(c for c in result.candidates if c.recipient == RECIPIENTS[4])
    assert other.share == 0.0 and other.matched == 0 and other.column is None
