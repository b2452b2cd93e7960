"""Dask distributed (`scan --cluster`): same report as serial, survives a dying worker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from scaling_helpers import Recorder, comparable
from typer.testing import CliRunner

from sentinelle.cli import app
from sentinelle.report.model import ScanReport
from sentinelle.scanning import cluster as cluster_module
from sentinelle.scanning.cluster import local_workers
from sentinelle.scanning.engine import ScanConfig, scan


def test_scheduler_address_gives_the_serial_report(dask_cluster, scan_args: list[str],
                                                   serial_report: ScanReport) -> None:
    progress = Recorder()
    report = scan(scan_args, ScanConfig(cluster=dask_cluster.scheduler_address),
                  progress=progress)
    assert comparable(report) == comparable(serial_report)
    assert progress.started is not None
    assert len(progress.advanced) == progress.started[0]
    assert sum(n for _, n in progress.advanced) == progress.started[1]


def test_local_cluster_gives_the_serial_report(mixed_corpus: Path) -> None:
    args = [mixed_corpus / "dump.zip", mixed_corpus / "missing.csv",
            mixed_corpus / "exports" / "lab0.csv", mixed_corpus / "corrupt.xlsx"]
    report = scan(args, ScanConfig(cluster="local:2"))
    assert comparable(report) == comparable(scan(args, ScanConfig()))
    assert {Path(i["path"]).name for i in report.incomplete} >= {"missing.csv", "corrupt.xlsx"}


def test_cli_cluster_option(dask_cluster, mixed_corpus: Path) -> None:
    exports = str(mixed_corpus / "exports")
    runner = CliRunner()
    on_cluster = runner.invoke(app, ["scan", exports, "--format", "json", "--cluster",
                                     dask_cluster.scheduler_address])
    serial = runner.invoke(app, ["scan", exports, "--format", "json", "--workers", "1"])
    assert on_cluster.exit_code == serial.exit_code == 1, on_cluster.output
    a, b = json.loads(on_cluster.stdout), json.loads(serial.stdout)
    a["summary"].pop("elapsed_seconds"), b["summary"].pop("elapsed_seconds")
    assert a == b and a["summary"]["files_with_findings"] >= 10


def test_cluster_usage_errors(mixed_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    both = runner.invoke(app, ["scan", str(mixed_corpus), "--workers", "2", "--cluster",
                               "local:2"])
    assert both.exit_code == 2 and "not both" in both.output
    assert runner.invoke(app, ["scan", str(mixed_corpus), "--cluster", " "]).exit_code == 2
    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT", 1)
    refused = runner.invoke(app, ["scan", str(mixed_corpus), "--cluster",
                                  "tcp://127.0.0.1:9"])
    assert refused.exit_code == 2
    assert "cannot connect to the Dask scheduler at tcp://127.0.0.1:9" in refused.output
    assert local_workers("local:3") == 3 and local_workers("tcp://h:8786") is None
    assert local_workers("local") >= 1


def test_plain_scan_does_not_import_dask(mixed_corpus: Path) -> None:
    code = ("import sys; from sentinelle.cli import app; from typer.testing import CliRunner;"
            f"r = CliRunner().invoke(app, ['scan', {str(mixed_corpus / 'exports' / 'lab0.csv')!r}, "
            "'--format', 'json', '--workers', '1']); assert r.exit_code == 1, r.output;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def _poison_open() -> object:
    os._exit(1)  # a reader that takes the whole worker process down, every time


def test_a_file_that_keeps_killing_workers_is_reported_not_scanned(dask_cluster,
                                                                     tmp_path: Path) -> None:
    import cloudpickle
    from distributed import Client

    from sentinelle.readers.base import Source
    from sentinelle.scanning.cluster import scan_with_client
    from sentinelle.scanning.parallel import Job

    files = []
    for i in range(20):
        path = tmp_path / f"f{i:02d}.csv"
        path.write_text(f"nom;nir\nA{i};185037510002397\n", encoding="utf-8")
        files.append(path)
    jobs = [Job(i, Source.from_path(f), True) for i, f in enumerate(files)]
    jobs.insert(7, Job(7, Source("poison.csv", open=_poison_open, size=10), False))
    jobs = [Job(i, j.source, j.local) for i, j in enumerate(jobs)]
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    scheduler = dask_cluster.scheduler
    allowed, scheduler.allowed_failures = scheduler.allowed_failures, 0  # fail fast
    try:
        with Client(dask_cluster) as client:
            results = scan_with_client(client, jobs, ScanConfig())
    finally:
        scheduler.allowed_failures = allowed
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    poison = results.pop(7)
    assert [r.path for r in poison] == ["poison.csv"]
    assert "not scanned: its scan killed the Dask workers" in poison[0].errors[0]
    expected = scan(files, ScanConfig())
    assert [r.to_dict() for found in results for r in found] == [
        r.to_dict() for r in expected.files]


class KillFirstScanTask:
    """Worker plugin: the first scan task to start kills its worker process (os._exit),
    as an out-of-memory kill or a machine loss would; a marker file makes it happen once
    in the whole cluster (the restarted worker and the other one carry on)."""

    name = "sentinelle-test-kill-once"

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def setup(self, worker: object) -> None:
        pass

    def teardown(self, worker: object) -> None:
        pass

    def transition(self, key: object, start: str, finish: str, **kwargs: object) -> None:
        if finish != "executing" or not str(key).startswith("sentinelle-scan-"):
            return
        try:
            os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
        os._exit(1)


def test_a_worker_killed_mid_scan_loses_nothing(dask_cluster, scan_args: list[str],
                                                serial_report: ScanReport,
                                                tmp_path: Path) -> None:
    import cloudpickle
    from distributed import Client
    from distributed.diagnostics.plugin import WorkerPlugin

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    plugin_cls = type("KillFirstScanTaskPlugin", (KillFirstScanTask, WorkerPlugin), {})
    marker = tmp_path / "killed"
    with Client(dask_cluster) as client:
        client.wait_for_workers(2, timeout=60)  # the test before killed some
        before = set(client.scheduler_info()["workers"])
        client.register_plugin(plugin_cls(str(marker)), name=KillFirstScanTask.name)
        try:
            report = scan(scan_args, ScanConfig(cluster=dask_cluster.scheduler_address))
            after = set(client.scheduler_info()["workers"])
        finally:
            client.unregister_worker_plugin(KillFirstScanTask.name)
            cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert marker.exists()  # a worker did die during the scan ...
    assert before - after  # ... and was replaced (the nanny restarts it on a new port)
    assert comparable(report) == comparable(serial_report)  # ... and nothing was lost
