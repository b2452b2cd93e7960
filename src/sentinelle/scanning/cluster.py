"""Scan on a Dask cluster (``scan --cluster tcp://HOST:8786`` or ``--cluster local:N``).

The scan runs on an existing distributed engine, Dask's ``distributed`` scheduler, rather
than a home-made job queue. This machine lists the sources, sends batches of them to the
workers (one task per batch, :func:`sentinelle.scanning.parallel.make_batches`), shows
progress as tasks complete and puts the results back in listing order: the report is the
one a serial scan writes.

- ``local:N`` starts a ``LocalCluster`` of N single-threaded worker processes for the run
  (``local`` alone: one per core), each with ``POLARS_MAX_THREADS = max(1, cores // N)``.
- Any other value is a scheduler address given to ``distributed.Client`` (``tcp://``,
  ``tls://``, ``ucx://``...). Start workers with ``POLARS_MAX_THREADS`` set and one thread
  each (``POLARS_MAX_THREADS=1 dask worker tcp://HOST:8786 --nworkers 8 --nthreads 1``).

Workers must be able to read the sources: a local path is reopened on the worker under the
same absolute path (shared storage mounted at the same place on every machine, e.g. NFS or
SMB), else the file is reported as not found (coverage incomplete); ``ftp://``, ``sftp://``,
``http(s)://`` and ``s3://`` sources are listed here and read by the workers through
fsspec. A remote source travels to the worker with the credentials it was opened with, so
use a ``tls://`` scheduler (Dask ``Security``) on an untrusted network. Workers need
sentinelle installed (same version).

Failures: a task that raises is retried 3 times (``retries=3``). A worker that dies has its
running tasks rescheduled on the others by the scheduler (up to the
``distributed.scheduler.allowed-failures`` setting, 3 by default); a batch that keeps
killing workers is split into single files; a single file that still does (or that was
only queued on the same dying workers) is rerun at the end, alone on the cluster, and
reported as not scanned (coverage incomplete) if it kills its workers then too. One
hostile file cannot stop the scan, and no finding of the other files is lost.

``distributed`` is imported only here, when a cluster is asked for: a plain scan does not
pay for it.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import CancelledError
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sentinelle.errors import ConfigError, WorkerError
from sentinelle.scanning.parallel import (
    Job,
    make_batches,
    scan_refs,
    to_ref,
    usable_cores,
    worker_environ,
)

if TYPE_CHECKING:
    from sentinelle.report.model import FileReport
    from sentinelle.scanning.engine import Progress, ScanConfig

_LOCAL = re.compile(r"^local(?::(\d+))?$")
#: Seconds to wait for the scheduler to answer and for a first worker to join.
CONNECT_TIMEOUT = 30
RETRIES = 3


def local_workers(address: str) -> int | None:
    """N for ``local:N`` (cores for ``local``), ``None`` for a scheduler address."""
    match = _LOCAL.match(address.strip())
    if not match:
        return None
    count = int(match.group(1)) if match.group(1) else usable_cores()
    if count < 1:
        raise ConfigError(f"--cluster {address}: the local cluster needs at least 1 worker")
    return count


@contextmanager
def connect(address: str) -> Iterator[Any]:
    """A ``distributed.Client`` for ``address`` (starting a LocalCluster for ``local:N``)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError("--cluster needs Dask: pip install 'sentinelle[cluster]'") from None
    count = local_workers(address)
    if count is not None:
        with LocalCluster(n_workers=count, threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=logging.ERROR,
                          # no dashboard; its HTTP endpoint only on localhost, any port
                          scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                          env=worker_environ(count)) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address.strip(), timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConfigError(f"cannot connect to the Dask scheduler at {address}: "
                          f"{exc or type(exc).__name__}") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except TimeoutError:
            raise ConfigError(f"no Dask worker joined the scheduler at {address} within "
                              f"{CONNECT_TIMEOUT} s") from None
        yield client


def run_on_cluster(jobs: Sequence[Job], config: ScanConfig,
                   progress: Progress | None = None) -> list[list[FileReport]]:
    """Scan ``jobs`` on the cluster ``config.cluster``; results in listing order."""
    assert config.cluster
    with connect(config.cluster) as client:
        return scan_with_client(client, jobs, config, progress)


def scan_with_client(client: Any, jobs: Sequence[Job], config: ScanConfig,
                     progress: Progress | None = None) -> list[list[FileReport]]:
    """Scan ``jobs`` with an open ``distributed.Client``; results in listing order."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    from sentinelle.scanning.engine import failed_report

    results: list[list[FileReport] | None] = [None] * len(jobs)
    if not jobs:
        return []
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    run = uuid.uuid4().hex[:12]
    tasks: dict[Any, list[Job]] = {}

    def submit(batch: list[Job], key: str) -> Any:
        future = client.submit(scan_refs, [to_ref(j) for j in batch], config, key=key,
                               retries=RETRIES, pure=False)
        tasks[future] = batch
        return future

    def record(batch: list[Job], reports: list[list[FileReport]]) -> None:
        for job, found in zip(batch, reports, strict=True):
            results[job.index] = found
            if progress:
                progress.advance(job.path, job.size)

    quarantine: list[Job] = []  # single files that were on workers that died
    pending = as_completed([submit(b, f"sentinelle-scan-{run}-{n}")
                            for n, b in enumerate(make_batches(jobs, workers))])
    for future in pending:
        batch = tasks.pop(future)
        try:
            reports = future.result()
        except KilledWorker:
            if len(batch) > 1:  # find the file that kills workers; scan the others
                for job in batch:
                    pending.add(submit([job], f"{future.key}-{job.index}"))
            else:  # the culprit, or a task that shared a worker with it: decided below
                quarantine.append(batch[0])
            continue
        except (OSError, TimeoutError, CancelledError) as exc:  # the scheduler went away
            raise _lost(config, exc) from None
        record(batch, reports)
    # Alone on the cluster, one at a time: a file killed only for sharing a worker with the
    # culprit is scanned now; the culprit kills its workers again and is reported.
    for job in sorted(quarantine, key=lambda j: j.index):
        future = submit([job], f"sentinelle-scan-{run}-alone-{job.index}")
        tasks.pop(future)
        try:
            reports = future.result()
        except KilledWorker as exc:
            reports = [[failed_report(job.path, "not scanned: its scan killed the Dask "
                                      f"workers that ran it ({type(exc).__name__})")]]
        except (OSError, TimeoutError, CancelledError) as exc:
            raise _lost(config, exc) from None
        record([job], reports)
    assert all(r is not None for r in results)
    return results  # type: ignore[return-value]


def _lost(config: ScanConfig, exc: BaseException) -> WorkerError:
    return WorkerError(f"the Dask cluster {config.cluster} failed during the scan: "
                       f"{exc or type(exc).__name__}")


__all__ = ["connect", "local_workers", "run_on_cluster", "scan_with_client"]
