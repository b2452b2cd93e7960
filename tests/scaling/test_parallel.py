"""Local parallelism (`scan --workers N`): same report as serial, in fewer seconds."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import polars as pl
import pytest
from scaling_helpers import Recorder, comparable

from sentinelle.errors import ConfigError
from sentinelle.readers.base import Source
from sentinelle.report.model import ScanReport
from sentinelle.scanning import parallel
from sentinelle.scanning.engine import ScanConfig, scan
from sentinelle.scanning.parallel import (
    BATCH_FILES,
    Job,
    SourceRef,
    child_environ,
    make_batches,
    plan_workers,
    scan_refs,
    usable_cores,
    worker_environ,
)


@pytest.fixture()
def pool_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the scans that really ran on a process pool (not in-process)."""
    calls: list[int] = []
    real = parallel.run_on_pool

    def spy(jobs, config, workers, progress=None):  # type: ignore[no-untyped-def]
        calls.append(workers)
        return real(jobs, config, workers, progress)

    monkeypatch.setattr(parallel, "run_on_pool", spy)
    return calls


def test_workers_2_gives_the_serial_report(scan_args: list[str], serial_report: ScanReport,
                                           mixed_corpus: Path, http_corpus: str,
                                           pool_calls: list[int]) -> None:
    progress = Recorder()
    pooled = scan(scan_args, ScanConfig(workers=2), progress=progress)
    assert pool_calls == [2]
    assert comparable(pooled) == comparable(serial_report)
    # the corpus exercises what it is meant to: findings, nested archives, failures, URLs
    paths = [f.path for f in serial_report.files]
    assert any(p.endswith("dump.zip!lot2/inner.zip!lot1/patients.csv") for p in paths)
    assert f"{http_corpus}dump.zip!lot2/inner.zip!lot1/notes.txt" in paths
    assert sum(f.has_findings for f in serial_report.files) >= 12
    reasons = [i["path"] for i in serial_report.incomplete]
    for name in ("corrupt.xlsx", "dump.zip!lot2/broken.xlsx", "loop", "missing.csv"):
        assert any(p.endswith(f"/{name}") for p in reasons), name
    assert f"{http_corpus}corrupt.xlsx" in reasons
    # progress: told the total first, then every source once
    local = [(str(f), f.stat().st_size) for f in mixed_corpus.rglob("*")
             if f.is_file() and not f.is_symlink()]
    assert progress.started is not None and progress.started[0] == len(local) + 4
    assert {p for p, _ in progress.advanced} >= {p for p, _ in local}
    assert len(progress.advanced) == progress.started[0]
    assert sum(n for _, n in progress.advanced) == progress.started[1]


def test_one_worker_or_one_file_runs_in_process(mixed_corpus: Path,
                                                 pool_calls: list[int]) -> None:
    one = mixed_corpus / "exports" / "lab0.csv"
    assert comparable(scan([one], ScanConfig(workers=2))) == comparable(scan([one]))
    scan([mixed_corpus / "exports"], ScanConfig(workers=None))  # small: not worth a pool
    assert pool_calls == []


def _jobs(sizes: list[int]) -> list[Job]:
    return [Job(i, Source(f"f{i}", open=lambda: None, size=s), True)  # type: ignore[arg-type]
            for i, s in enumerate(sizes)]


def test_plan_workers() -> None:
    small = _jobs([1000] * 10)
    assert plan_workers(1, small) == 1
    assert plan_workers(4, small) == 4
    assert plan_workers(32, small) == 10
    assert plan_workers(4, small[:1]) == 1
    assert plan_workers(None, small) == 1  # too small to pay for starting processes
    assert plan_workers(None, _jobs([1000] * 500)) == usable_cores()
    assert plan_workers(None, _jobs([64 * 1024 * 1024, 1])) == min(2, usable_cores())
    with pytest.raises(ConfigError, match="workers must be at least 1"):
        ScanConfig(workers=0)


def test_batches_cover_every_job_once_in_listing_order() -> None:
    sizes = [10] * 1000 + [40 * 1024 * 1024] + [10] * 5 + [20 * 1024 * 1024] * 3
    jobs = _jobs(sizes)
    batches = make_batches(jobs, 2)
    assert sorted(j.index for b in batches for j in b) == list(range(len(jobs)))
    for batch in batches:
        assert len(batch) <= BATCH_FILES
        assert [j.index for j in batch] == list(range(batch[0].index, batch[-1].index + 1))
        assert len(batch) == 1 or sum(j.size for j in batch) <= parallel.BATCH_BYTES
    weights = [sum(j.size for j in b) for b in batches]
    assert weights == sorted(weights, reverse=True)  # biggest first
    assert len(make_batches(jobs[:40], 2)) == 14  # few files: small batches, balanced


def _polars_threads() -> tuple[int, str | None]:
    return pl.thread_pool_size(), os.environ.get("POLARS_MAX_THREADS")


def test_workers_share_the_cores_with_polars_threads() -> None:
    before = os.environ.get("POLARS_MAX_THREADS")
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        with child_environ(**worker_environ(2)):
            futures = [pool.submit(_polars_threads) for _ in range(2)]
        results = [f.result() for f in futures]
    expected = max(1, usable_cores() // 2)
    assert results == [(expected, str(expected))] * 2
    assert os.environ.get("POLARS_MAX_THREADS") == before


def test_a_path_missing_on_the_worker_is_reported_not_raised(tmp_path: Path) -> None:
    present = tmp_path / "a.csv"
    present.write_text("nom;nir\nA;185037510002397\n", encoding="utf-8")
    refs = [SourceRef("gone.csv", 10, file=str(tmp_path / "gone.csv")),
            SourceRef("a.csv", present.stat().st_size, file=str(present))]
    gone, found = scan_refs(refs, ScanConfig())
    assert gone[0].path == "gone.csv" and "not found on the worker" in gone[0].errors[0]
    assert found[0].path == "a.csv" and found[0].entities["NIR"].count == 1
