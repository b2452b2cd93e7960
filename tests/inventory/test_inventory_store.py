"""The inventory store on SQLite and PostgreSQL: migrations, writes, the read views."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from sentinelle.entities import RiskLevel
from sentinelle.errors import ConfigError
from sentinelle.inventory import FileFilter, Inventory, SourceResult
from sentinelle.inventory.database import current_revision, default_path, display_url, resolve_url
from sentinelle.inventory.sample import populate
from sentinelle.inventory.schema import metadata
from sentinelle.report.model import ColumnReport, EntityStats, FileReport

HEAD = "0002"


def rep(path: str, risk: RiskLevel, entities: dict[str, int] | None = None,
        health: dict[str, int] | None = None, *, size: int = 100, errors=()) -> FileReport:
    ents = {k: EntityStats(count=n, distinct=n, invalid=0) for k, n in (entities or {}).items()}
    cols = [ColumnReport(index=i, name=f"col{i}", entity=k, confidence=0.9, valid_ratio=0.95,
                         preview="1 ** ** ** *** *** **" if k == "NIR" else "***")
            for i, k in enumerate(ents)]
    return FileReport(path=path, format="csv", encoding="utf-8", bytes=size, records=10,
                      risk=risk, score={"none": 0.0, "low": 0.2, "medium": 0.4, "high": 0.7,
                                        "critical": 0.9}[str(risk)],
                      entities=ents, health=dict(health or {}), columns=cols,
                      errors=list(errors))


@pytest.fixture
def inv(inventory_url):
    with Inventory(inventory_url) as inventory:
        yield inventory


def test_migrations_upgrade_from_empty(inventory_url):
    engine = sa.create_engine(resolve_url(inventory_url))
    try:
        assert current_revision(engine) is None
        with engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == []
    finally:
        engine.dispose()
    Inventory(inventory_url).close()
    Inventory(inventory_url).close()  # at head already: a no-op
    engine = sa.create_engine(resolve_url(inventory_url))
    try:
        assert current_revision(engine) == HEAD
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            assert set(metadata.tables) <= tables
            # the migration and the declared schema agree, column by column
            for name, table in metadata.tables.items():
                cols = {c["name"] for c in sa.inspect(conn).get_columns(name)}
                assert cols == set(table.columns.keys()), name
                # and index by index (the pg_trgm path index is backend-specific, migration 0002)
                made = {i["name"]: tuple(i["column_names"])
                        for i in sa.inspect(conn).get_indexes(name)
                        if not i.get("duplicates_constraint")}  # PostgreSQL: UNIQUE
                made.pop("ix_files_path_trgm", None)
                declared = {i.name: tuple(c.name for c in i.columns) for i in table.indexes}
                assert made == declared, name
    finally:
        engine.dispose()


def _fill(inv: Inventory) -> int:
    scan = inv.begin_scan(["/srv"])
    inv.record_files(scan, [
        rep("/srv/a.csv", RiskLevel.CRITICAL, {"NIR": 50, "PHONE": 20}, {"HIV": 3}, size=500),
        rep("/srv/b.csv", RiskLevel.HIGH, {"NIR": 5}, size=50),
        rep("/srv/c.txt", RiskLevel.LOW, {"PHONE": 1}, size=10),
        rep("/srv/sub/d.xlsx!Feuil1", RiskLevel.MEDIUM, {"EMAIL": 3, "PERSON_NAME": 3}),
        rep("/srv/e.bin", RiskLevel.NONE, errors=["unsupported format"]),
    ], root="/srv", mtime_ns=1_600_000_000 * 10**9)
    inv.finish_scan(scan, files_read=5, incomplete=1)
    return scan


def test_views_after_one_scan(inv):
    scan = _fill(inv)
    ov = inv.overview()
    assert ov.files == 5
    assert ov.files_by_risk == {"none": 1, "low": 1, "medium": 1, "high": 1, "critical": 1}
    assert ov.entities == {"NIR": 2, "PHONE": 2, "EMAIL": 1, "PERSON_NAME": 1}
    assert ov.health == {"HIV": 1}
    assert [p.id for p in ov.trend] == [scan]
    point = inv.scans()[0]
    assert (point.files, point.files_read, point.incomplete) == (5, 5, 1)
    assert point.by_risk["critical"] == 1 and point.finished_at is not None

    page = inv.list_files(FileFilter())
    assert [f.path for f in page.items] == ["/srv/a.csv", "/srv/b.csv", "/srv/sub/d.xlsx!Feuil1",
                                           "/srv/c.txt", "/srv/e.bin"]
    assert page.total == 5
    assert inv.list_files(FileFilter(min_risk="high")).total == 2
    assert [f.path for f in inv.list_files(FileFilter(risk="low")).items] == ["/srv/c.txt"]
    assert {f.path for f in inv.list_files(FileFilter(entity="NIR")).items} == {
        "/srv/a.csv", "/srv/b.csv"}
    assert [f.path for f in inv.list_files(FileFilter(q="SUB/")).items] == [
        "/srv/sub/d.xlsx!Feuil1"]
    assert inv.list_files(FileFilter(q="%")).total == 0  # LIKE wildcards are escaped
    by_size = inv.list_files(FileFilter(sort="size", desc=False, limit=2, offset=1))
    assert [f.size for f in by_size.items] == [50, 100] and by_size.total == 5
    by_path = inv.list_files(FileFilter(sort="path", desc=False)).items
    assert by_path[0].path == "/srv/a.csv" and by_path[-1].path == "/srv/sub/d.xlsx!Feuil1"
    a = page.items[0]
    assert a.entities == {"NIR": 50, "PHONE": 20} and a.health == {"HIV": 3}
    assert a.mtime is not None and a.mtime.year == 2020 and a.mtime.tzinfo is not None

    detail = inv.file_detail(a.id)
    assert detail is not None
    assert [(c.entity, c.preview) for c in detail.columns] == [
        ("NIR", "1 ** ** ** *** *** **"), ("PHONE", "***")]
    assert [e.kind for e in detail.history] == ["new_exposure"]
    assert inv.file_detail(999_999) is None
    e_bin = inv.list_files(FileFilter(risk="none")).items[0]
    assert inv.file_detail(e_bin.id).errors == ["unsupported format"]
    # the change log: one new_exposure per file with a finding, nothing for the clean one
    assert sorted(e.path for e in inv.history(kind="new_exposure")) == [
        "/srv/a.csv", "/srv/b.csv", "/srv/c.txt", "/srv/sub/d.xlsx!Feuil1"]
    assert inv.history(kind="gone") == []
    assert len(inv.history(limit=2)) == 2


def test_changes_between_scans(inv):
    _fill(inv)
    scan = inv.begin_scan(["/srv"])
    # b.csv worse, c.txt clean now, the xlsx lost its sheet (member gone)
    events = inv.record_sources(scan, [
        SourceResult("/srv/b.csv", [rep("/srv/b.csv", RiskLevel.CRITICAL, {"NIR": 5},
                                        {"HIV": 1})], root="/srv"),
        SourceResult("/srv/c.txt", [rep("/srv/c.txt", RiskLevel.NONE)], root="/srv"),
        SourceResult("/srv/sub/d.xlsx!Feuil1", [], root="/srv"),
    ])
    kinds = sorted((e.kind, e.path, e.previous_risk, e.risk) for e in events)
    assert kinds == [("gone", "/srv/sub/d.xlsx!Feuil1", "medium", None),
                     ("risk_down", "/srv/c.txt", "low", "none"),
                     ("risk_up", "/srv/b.csv", "high", "critical")]
    states = inv.source_states("/srv")
    gone = inv.mark_gone(scan, [states["/srv/a.csv"].id])
    assert [(e.kind, e.path) for e in gone] == [("gone", "/srv/a.csv")]
    point = inv.finish_scan(scan, files_read=3)
    assert point.by_risk == {"none": 1, "low": 0, "medium": 0, "high": 0, "critical": 1}
    assert inv.overview().files == 3  # b.csv, c.txt and e.bin (not seen, not marked gone)
    assert inv.list_files(FileFilter(include_gone=True)).total == 5
    b = inv.list_files(FileFilter(entity="NIR")).items
    assert [(f.path, f.risk, f.health) for f in b] == [("/srv/b.csv", "critical", {"HIV": 1})]
    # findings were replaced, not appended
    assert [c.entity for c in inv.file_detail(b[0].id).columns] == ["NIR"]


def test_refuses_raw_values(inv):
    scan = inv.begin_scan(["/x"])
    report = rep("/x/a.csv", RiskLevel.HIGH, {"NIR": 1})
    report.values = {"NIR": ["185037512345641"]}
    with pytest.raises(ConfigError, match="raw values"):
        inv.record_files(scan, [report])


@pytest.mark.parametrize("flt", [FileFilter(sort="nope"), FileFilter(risk="severe"),
                                 FileFilter(limit=0), FileFilter(offset=-1)])
def test_bad_filters(inv, flt):
    with pytest.raises(ConfigError):
        inv.list_files(flt)


def test_assessments(inv):
    first = inv.add_assessment("/out/a1", "Dump FTP 2021", 491_840, "critical")
    second = inv.add_assessment("/out/a2", "Partage RH", 12, "low")
    links = inv.assessments()
    assert [a.id for a in links] == [second, first]
    assert (links[1].title, links[1].persons, links[1].severity) == (
        "Dump FTP 2021", 491_840, "critical")


def test_sample_population(inv):
    populate(inv, files=600, seed=1)
    ov = inv.overview()
    assert ov.files == 600 and sum(ov.files_by_risk.values()) == 600
    page = inv.list_files(FileFilter(min_risk="critical", limit=1000))
    assert page.total == ov.files_by_risk["critical"] > 0
    assert all(f.risk == "critical" and "NIR" in f.entities for f in page.items)


def test_urls_and_default_path(tmp_path, monkeypatch):
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg"), "HOME": str(tmp_path)}
    assert default_path(env) == tmp_path / "xdg" / "sentinelle" / "inventory.sqlite"
    assert default_path({"HOME": str(tmp_path)}) == (
        tmp_path / ".local/share/sentinelle/inventory.sqlite")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    with Inventory() as inv:
        assert inv.url == f"sqlite:///{tmp_path / 'xdg/sentinelle/inventory.sqlite'}"
    assert (tmp_path / "xdg/sentinelle/inventory.sqlite").is_file()
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url(tmp_path / "x.db") == f"sqlite:///{tmp_path / 'x.db'}"
    assert "s3cret" not in display_url("postgresql+psycopg://u:s3cret@h/db")
    with pytest.raises(ConfigError, match="unsupported database"):
        Inventory("mysql://u@h/db")
