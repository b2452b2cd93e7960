"""Incremental watch passes, on SQLite and on PostgreSQL (the same suite)."""

from __future__ import annotations

import json
import os
import shutil
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from sentinelle.inventory import FileFilter, Inventory
from sentinelle.inventory.schema import metadata
from sentinelle.watch import WatchConfig, alerts_for, exit_code, watch_once


@pytest.fixture
def inv(inventory_url):
    with Inventory(inventory_url) as inventory:
        yield inventory


def test_first_pass_inventories_everything(inv, tree):
    result = watch_once(inv, [tree])
    assert (result.sources, result.files_read, result.files_hashed) == (4, 4, 4)
    assert result.incomplete == 0
    assert [(e.kind, e.path, e.risk) for e in result.events] == [
        ("new_exposure", str(tree / "export_labo.csv"), "critical")]
    point = inv.scans()[0]
    assert point.files_read == 4 and point.by_risk["critical"] == 1 and point.by_risk["none"] == 3
    alerts = alerts_for(inv, result.events)
    assert len(alerts) == 1 and alerts[0].entities and alerts[0].entities.get("PERSON_NAME")
    assert exit_code(alerts, "high", result.incomplete) == 1
    assert exit_code(alerts, "never", result.incomplete) == 0


def test_second_pass_over_unchanged_tree_reads_nothing(inv, tree, reads):
    watch_once(inv, [tree])
    assert reads.calls > 0
    reads.calls = 0
    again = watch_once(inv, [tree])
    assert again.files_read == 0 and again.files_hashed == 0
    assert reads.calls == 0  # no reader ran, no content was even hashed
    assert again.events == [] and again.sources == 4
    point = inv.scans()[0]
    assert point.files_read == 0 and point.files == 4 and point.by_risk["critical"] == 1
    # every file was seen by the second scan
    assert {f.last_seen for f in inv.list_files(FileFilter(limit=10)).items} == {point.started_at}


def test_add_then_delete_an_export(inv, tree, second_export):
    watch_once(inv, [tree])
    added = tree / "docs" / "extraction_2020.csv"
    shutil.copy(second_export, added)
    result = watch_once(inv, [tree])
    assert result.files_read == 1
    alerts = alerts_for(inv, result.events)
    assert [(a.kind, a.path) for a in alerts] == [("new_exposure", str(added))]
    added.unlink()
    result = watch_once(inv, [tree])
    alerts = alerts_for(inv, result.events)
    assert [(a.kind, a.path, a.previous_risk) for a in alerts] == [
        ("gone", str(added), "critical")]
    assert exit_code(alerts, "low", result.incomplete) == 0  # good news does not fail
    assert inv.overview().files == 4
    gone = [f for f in inv.list_files(FileFilter(include_gone=True)).items if f.gone]
    assert [f.path for f in gone] == [str(added)]
    # and back again: a new exposure once more
    shutil.copy(second_export, added)
    assert [e.kind for e in watch_once(inv, [tree]).events] == ["new_exposure"]


def test_touched_file_is_hashed_not_read(inv, tree, reads):
    watch_once(inv, [tree])
    target = tree / "export_labo.csv"
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 5 * 10**9))
    reads.calls = 0
    result = watch_once(inv, [tree])
    assert (result.files_hashed, result.files_read, result.events) == (1, 0, [])
    assert reads.calls == 1  # the hash only
    row = inv.list_files(FileFilter(min_risk="critical")).items[0]
    assert row.mtime is not None
    assert row.mtime.timestamp() == pytest.approx((st.st_mtime_ns + 5 * 10**9) / 1e9, abs=1e-3)


def test_changed_content_is_read_again(inv, tree):
    watch_once(inv, [tree])
    note = tree / "docs" / "note0.txt"
    note.write_text("Patiente enceinte, sérologie VIH positive. Tél 06 12 34 56 78\n",
                    encoding="utf-8")
    result = watch_once(inv, [tree])
    assert result.files_read == 1
    kinds = [(e.kind, e.path, e.previous_risk) for e in result.events]
    assert kinds == [("risk_up", str(note), "none")]


def test_max_age_flags_old_exposures_once(inv, tree):
    old = time.time() - 90 * 86400
    os.utime(tree / "export_labo.csv", (old, old))
    os.utime(tree / "docs" / "note1.txt", (old, old))  # old but no patient data: not flagged
    config = WatchConfig(max_age=timedelta(days=30))
    result = watch_once(inv, [tree], config)
    too_old = [e for e in result.events if e.kind == "too_old"]
    assert [e.path for e in too_old] == [str(tree / "export_labo.csv")]
    alerts = alerts_for(inv, result.events)
    assert {a.kind for a in alerts} == {"new_exposure", "too_old"}
    assert [e.kind for e in watch_once(inv, [tree], config).events] == []  # not re-flagged
    assert len(inv.history(kind="too_old")) == 1
    assert watch_once(inv, [tree], WatchConfig(max_age=timedelta(days=365))).events == []


def test_unreachable_root_is_incomplete_not_gone(inv, tree, tmp_path):
    watch_once(inv, [tree])
    moved = tmp_path / "elsewhere"
    tree.rename(moved)
    result = watch_once(inv, [tree])
    assert result.events == [] and result.incomplete == 1
    assert exit_code([], "high", result.incomplete) == 3
    assert inv.overview().files == 4  # nothing declared gone


def test_unreadable_directory_is_not_gone(inv, tree, monkeypatch):
    """Files under a directory the walk could not enter are not declared gone."""
    from sentinelle.scanning.sources import Skipped
    from sentinelle.watch import incremental

    watch_once(inv, [tree])
    real = incremental.iter_sources
    docs = str(tree / "docs")

    def walk_without_docs(paths):  # as os.walk does when listing a directory fails
        for item in real(paths):
            if not item.path.startswith(docs + "/"):
                yield item
        yield Skipped(docs, "Permission denied")

    monkeypatch.setattr(incremental, "iter_sources", walk_without_docs)
    result = watch_once(inv, [tree])
    assert result.events == [] and result.incomplete == 1 and result.sources == 1
    assert inv.overview().files == 4
    monkeypatch.undo()
    (tree / "export_labo.csv").unlink()
    monkeypatch.setattr(incremental, "iter_sources", walk_without_docs)
    assert [e.kind for e in watch_once(inv, [tree]).events] == ["gone"]


def test_no_raw_value_in_inventory_or_alerts(inv, tree, second_export, raw_values):
    shutil.copy(second_export, tree / "second.csv")
    result = watch_once(inv, [tree], WatchConfig(max_age=timedelta(seconds=0.001)))
    alerts = alerts_for(inv, result.events)
    assert len(alerts) >= 2
    text = "\n".join(a.to_json() for a in alerts)
    with inv.engine.connect() as conn:
        for table in metadata.sorted_tables:
            text += "\n" + "\n".join(map(str, conn.execute(sa.select(table)).all()))
    assert "1 ** ** " in text or "**" in text  # masked previews are there
    leaked = [v for v in raw_values if v in text]
    assert leaked == []
    assert all(json.loads(a.to_json())["entities"] for a in alerts if a.kind == "new_exposure")
