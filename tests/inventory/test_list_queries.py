"""The file list's SQL: same answers as a brute force on both backends, and index plans."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from sentinelle.entities import RiskLevel
from sentinelle.inventory import FileFilter, Inventory
from sentinelle.inventory.queries import (
    Features,
    count_from_matrix,
    page_query,
)
from sentinelle.inventory.sample import populate
from sentinelle.inventory.schema import RISKS
from sentinelle.inventory.views import FILE_SORTS
from sentinelle.report.model import FileReport

ODD = ["/srv/odd/A_b%c/Export.CSV", "/srv/odd/axbyc.csv", "/srv/odd/Été_2025.csv"]


def _odd(path: str) -> FileReport:
    return FileReport(path=path, format="csv", encoding="utf-8", bytes=10, records=1,
                      risk=RiskLevel.LOW, score=0.2, entities={}, health={}, columns=[])


@pytest.fixture
def filled(inventory_url):
    with Inventory(inventory_url) as inv:
        populate(inv, files=400, seed=3)
        scan = inv.begin_scan(["/srv/odd"])
        inv.record_files(scan, [_odd(p) for p in ODD], root="/srv/odd",
                         mtime_ns=1_600_000_000 * 10**9)
        inv.finish_scan(scan, files_read=len(ODD))
        yield inv


def _key(sort: str):
    if sort == "risk":
        return lambda f: (RISKS.index(f.risk), f.score, f.id)
    return lambda f: (getattr(f, sort), f.id)


def _brute(rows, flt: FileFilter):
    keep = [f for f in rows
            if (not flt.risk or f.risk == flt.risk)
            and (not flt.min_risk or RISKS.index(f.risk) >= RISKS.index(flt.min_risk))
            and (not flt.entity or flt.entity in f.entities)
            and (not flt.q or flt.q.lower() in f.path.lower())]
    return sorted(keep, key=_key(flt.sort), reverse=flt.desc)


FILTERS = [{}, {"risk": "critical"}, {"risk": "none"}, {"min_risk": "high"},
           {"min_risk": "critical"}, {"min_risk": "low", "risk": "high"},
           {"min_risk": "critical", "risk": "low"}, {"entity": "NIR"}, {"entity": "IBAN"},
           {"entity": "PHONE", "risk": "none"}, {"q": "lab07"}, {"q": "export_000"},
           {"q": "EXPORT_0001"}, {"q": "a_b%c"}, {"q": "_"}, {"q": "%"}, {"q": "ab"},
           {"q": "xby"}, {"q": "té_2"}, {"q": "zzz-none"}, {"entity": "NIR", "q": "lab1"},
           {"min_risk": "medium", "entity": "EMAIL", "q": ".csv"}]


def test_pages_and_counts_match_brute_force(filled):
    everything = filled.list_files(FileFilter(limit=1000)).items
    assert len(everything) == 400 + len(ODD)
    matrix = filled.count_matrix()
    for extra, sort, desc, (offset, limit) in itertools.product(
            FILTERS, FILE_SORTS, (True, False), ((0, 20), (40, 50), (395, 10))):
        flt = FileFilter(sort=sort, desc=desc, offset=offset, limit=limit, **extra)
        want = _brute(everything, flt)
        page = filled.list_files(flt)
        assert page.total == len(want) == filled.count_files(flt), (extra, sort)
        got = [f.id for f in page.items]
        if sort == "path":  # collations differ between backends: compare the members only
            assert set(got) <= {f.id for f in want} and len(got) == len(want[offset:offset + limit])
        else:
            assert got == [f.id for f in want[offset:offset + limit]], (extra, sort, desc)
        if "q" not in extra:
            assert count_from_matrix(matrix, flt) == len(want), extra
        else:
            assert count_from_matrix(matrix, flt) is None
        # a known total skips the count and gives the same page
        assert filled.list_files(flt, total=page.total) == page


def test_search_index_follows_writes(tmp_path):
    with Inventory(tmp_path / "inv.sqlite") as inv:
        assert inv.features == Features("fts5")
        populate(inv, files=50, seed=1)
        populate(inv, files=60, seed=2)  # the same 50 paths updated, 10 new ones
        assert inv.list_files(FileFilter(q="export_0000", limit=100)).total == 60
        hits = inv.list_files(FileFilter(q="export_00005", limit=100))  # the 10 new ones
        assert hits.total == 10 == len({f.id for f in hits.items})
        with inv.engine.begin() as conn:
            gone = conn.execute(sa.text("SELECT id FROM files WHERE path LIKE "
                                        "'%export_000055.%'")).scalar_one()
            conn.execute(sa.text("DELETE FROM files WHERE id = :id"), {"id": gone})
            conn.execute(sa.text("INSERT INTO files_path_fts(files_path_fts) "
                                 "VALUES ('integrity-check')"))
        assert inv.list_files(FileFilter(q="export_00005", limit=100)).total == 9


PLANS = [  # (filter, index the page must walk, in order, without sorting)
    ({}, "ix_files_risk"),
    ({"sort": "size"}, "ix_files_size"),
    ({"sort": "path", "desc": False}, "ix_files_path"),
    ({"sort": "last_seen"}, "ix_files_last_seen"),
    ({"risk": "critical"}, "ix_files_risk"),
    ({"risk": "critical", "sort": "path"}, "ix_files_risk_path"),
    ({"risk": "high", "sort": "size", "desc": False}, "ix_files_risk_size"),
    ({"risk": "medium", "sort": "mtime"}, "ix_files_risk_mtime"),
    ({"risk": "low", "sort": "last_seen"}, "ix_files_risk_last_seen"),
    ({"risk": "low", "sort": "score"}, "ix_files_risk"),
    ({"min_risk": "high"}, "ix_files_risk"),
    ({"min_risk": "medium", "sort": "path"}, "ix_files_path"),
    ({"min_risk": "high", "sort": "mtime"}, "ix_files_mtime"),
    ({"min_risk": "critical", "sort": "size"}, "ix_files_risk_size"),
    ({"entity": "NIR"}, "ix_files_risk"),
    ({"entity": "NIR", "sort": "path"}, "ix_files_path"),
    ({"q": "lab07", "sort": "size"}, "ix_files_size"),
]


@pytest.mark.parametrize(("extra", "index"), PLANS)
def test_sqlite_pages_walk_an_index(tmp_path, extra, index):
    with Inventory(tmp_path / "inv.sqlite") as inv:
        populate(inv, files=300, seed=4)
        with inv.engine.connect() as conn:
            for offset in (0, 200):
                query = page_query(FileFilter(offset=offset, **extra), inv.features)
                compiled = query.compile(dialect=conn.dialect)
                params = tuple(compiled.params[k] for k in compiled.positiontup or ())
                plan = " | ".join(r[3] for r in conn.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + str(compiled), params))
                assert f"USING INDEX {index} " in plan or f"USING COVERING INDEX {index} " \
                    in plan, plan
                if offset:  # skipped on the index alone; only the page's rows are sorted
                    walk, _ = plan.split("SCAN anon_1")
                    assert f"INDEX {index} " in walk and "TEMP B-TREE" not in walk, plan
                else:
                    assert "TEMP B-TREE" not in plan, plan


def test_short_or_rare_searches_start_from_the_trigram_index(tmp_path):
    with Inventory(tmp_path / "inv.sqlite") as inv:
        populate(inv, files=300, seed=4)
        with inv.engine.connect() as conn:
            query = page_query(FileFilter(q="export_000123"), inv.features, few=True)
            compiled = query.compile(dialect=conn.dialect)
            params = tuple(compiled.params[k] for k in compiled.positiontup or ())
            plan = " | ".join(r[3] for r in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + str(compiled), params))
        assert "files_path_fts VIRTUAL TABLE" in plan, plan
