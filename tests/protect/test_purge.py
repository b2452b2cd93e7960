"""``purge``: expired exports (and their manifests) are deleted, others kept."""

from __future__ import annotations

import datetime as dt

from sentinelle.protect import ProtectOptions, parse_when, protect, purge


def test_purge_deletes_only_expired(tmp_path, export_factory, key) -> None:
    src, _ = export_factory(patients=40, seed=2)
    d = tmp_path / "exports"
    past = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    protect(src, d / "old.csv", key, ProtectOptions(expires=past))
    protect(src, d / "sub" / "old2.parquet", key, ProtectOptions(expires=past, out_format="parquet"))
    protect(src, d / "new.csv", key, ProtectOptions(expires=parse_when("30d")))
    protect(src, d / "forever.csv", key)
    (d / "unrelated.manifest.json").write_text("{}")

    listed = purge(d, dry_run=True)
    assert sorted(p.output.rsplit("/", 1)[1] for p in listed) == ["old.csv", "old2.parquet"]
    assert not any(p.deleted for p in listed)
    assert (d / "old.csv").exists()

    done = purge(d)
    assert sorted(p.output.rsplit("/", 1)[1] for p in done) == ["old.csv", "old2.parquet"]
    assert all(p.deleted for p in done)
    left = sorted(p.relative_to(d).as_posix() for p in d.rglob("*") if p.is_file())
    assert left == ["forever.csv", "forever.csv.manifest.json", "new.csv",
                    "new.csv.manifest.json", "unrelated.manifest.json"]
    assert purge(d) == []


def test_parse_when() -> None:
    now = dt.datetime.now(dt.UTC)
    assert abs((parse_when("30d") - now).days - 30) <= 1  # type: ignore[operator]
    assert parse_when("2026-12-31") == dt.datetime(2026, 12, 31, tzinfo=dt.UTC)
