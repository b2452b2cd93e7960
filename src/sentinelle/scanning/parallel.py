"""Scan files on several local processes (``scan --workers N``), same report as serial.

The unit of work is one *source*, a file or a URL as listed by
:func:`~sentinelle.scanning.sources.iter_sources`, with everything inside it (archive
members, sheets, tables). A big single file stays whole on one worker: chunk-level
distribution is not done, so one 10 GB file scans no faster with more workers; an estate
of many files does. Sources are grouped into small batches (up to 32 files, 32 MiB) so the
cost of a task (pickling, a pipe round trip) stays well below the cost of scanning; the
biggest batches go first so the last worker does not finish long after the others.

Workers are ``spawn``-ed processes (the same on Linux, macOS and Windows; no fork of a
process that already runs polars threads). Each gets ``POLARS_MAX_THREADS = max(1,
cores // workers)`` in its environment *before* it starts, since polars sizes its thread
pool once, at import: N workers times polars' own threads never oversubscribe the cores.
The parent only lists sources and merges results while the workers run.

Results come back in completion order and are put back in listing order, so the report
(files, their order, ``incomplete``) is the one a serial scan writes. ``workers=1``, a
single source, or (for ``workers=None``, "all cores") a scan too small to pay for
starting processes runs in-process.

Local files are sent to workers as their path and reopened there; remote sources (FTP,
SFTP, HTTP, S3) are sent as the source object itself, serialised with ``cloudpickle``
(with the credentials it holds: they stay on this machine for local workers, see
:mod:`sentinelle.scanning.cluster` for a cluster).
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from sentinelle.errors import WorkerError
from sentinelle.readers.base import Source
from sentinelle.scanning.sources import Skipped, _as_url, iter_sources

if TYPE_CHECKING:
    from sentinelle.report.model import FileReport
    from sentinelle.scanning.engine import Progress, ScanConfig

#: Most files and bytes in one task (a batch of sources scanned by one worker call).
BATCH_FILES = 32
BATCH_BYTES = 32 * 1024 * 1024
#: Tasks per worker aimed at when batching, for load balancing.
TASKS_PER_WORKER = 8
#: ``workers=None`` runs in-process below both of these (starting a process costs ~1 s).
AUTO_MIN_FILES = 64
AUTO_MIN_BYTES = 16 * 1024 * 1024
#: Third-party loggers kept quiet in workers as in the CLI (they may log content notes).
QUIET_LOGGERS = ("pypdf", "hl7", "fsspec", "paramiko", "py7zr")


@dataclass(frozen=True, slots=True)
class Job:
    """One source to scan, at position ``index`` of the listing."""

    index: int
    source: Source
    local: bool  # a file of this machine's file system (reopened by path in a worker)

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def size(self) -> int:
        return self.source.size or 0


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A source in a form that pickles: a local file path, or the pickled source."""

    path: str
    size: int | None
    file: str | None = None  # absolute path to reopen (local files)
    packed: bytes | None = None  # cloudpickle of the Source (remote sources)

    def open_source(self) -> Source | str:
        """The source, or why it cannot be read here (a reason for the report)."""
        if self.packed is not None:
            source: Source = pickle.loads(self.packed)  # cloudpickle output, read by pickle
            return source
        assert self.file is not None
        if not os.path.isfile(self.file):
            return ("not found on the worker that scanned it (a cluster needs the same path "
                    "on every machine, on shared storage, or an fsspec URL)")
        return Source(path=self.path, open=_opener(self.file), size=self.size)


def _opener(path: str) -> Callable[[], BinaryIO]:
    def open_file() -> BinaryIO:
        return open(path, "rb")

    return open_file


def to_ref(job: Job) -> SourceRef:
    if job.local:
        return SourceRef(job.path, job.source.size, file=os.path.abspath(job.path))
    import cloudpickle  # type: ignore[import-untyped]

    return SourceRef(job.path, job.source.size, packed=cloudpickle.dumps(job.source))


def list_jobs(paths: Iterable[str | os.PathLike[str]]) -> list[Job | Skipped]:
    """What :func:`iter_sources` lists, in its order, each source numbered as a job."""
    out: list[Job | Skipped] = []
    count = 0
    for raw in paths:
        url = _as_url(raw)
        local = url is None or url[:7].lower() == "file://"
        for item in iter_sources([raw]):
            if isinstance(item, Skipped):
                out.append(item)
            else:
                out.append(Job(count, item, local))
                count += 1
    return out


def scan_refs(refs: Sequence[SourceRef], config: ScanConfig) -> list[list[FileReport]]:
    """Scan a batch of sources (in a worker process); one list of reports per source."""
    from sentinelle.scanning.engine import failed_report, scan_serial

    sources: list[Source] = []
    missing: dict[int, str] = {}
    for i, ref in enumerate(refs):
        opened = ref.open_source()
        if isinstance(opened, str):
            missing[i] = opened
        else:
            sources.append(opened)
    scanned = iter(scan_serial(sources, config))
    return [[failed_report(ref.path, missing[i])] if i in missing else next(scanned)
            for i, ref in enumerate(refs)]


def usable_cores() -> int:
    """Cores this process may run on (CPU affinity, cgroup-unaware), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def plan_workers(requested: int | None, jobs: Sequence[Job]) -> int:
    """How many processes to use: never more than sources; 1 means in-process."""
    if requested is None:
        if len(jobs) < AUTO_MIN_FILES and sum(j.size for j in jobs) < AUTO_MIN_BYTES:
            return 1
        requested = usable_cores()
    return max(1, min(requested, len(jobs)))


def make_batches(jobs: Sequence[Job], workers: int, *, max_files: int = BATCH_FILES,
                 max_bytes: int = BATCH_BYTES) -> list[list[Job]]:
    """Consecutive jobs grouped into tasks, biggest first (longest-processing-time order)."""
    per = max(1, min(max_files, math.ceil(len(jobs) / (workers * TASKS_PER_WORKER))))
    batches: list[list[Job]] = []
    current: list[Job] = []
    size = 0
    for job in jobs:
        if current and (len(current) >= per or size + job.size > max_bytes):
            batches.append(current)
            current, size = [], 0
        current.append(job)
        size += job.size
    if current:
        batches.append(current)
    batches.sort(key=lambda b: -sum(j.size for j in b))  # stable: ties keep listing order
    return batches


def run_jobs(jobs: Sequence[Job], config: ScanConfig,
             progress: Progress | None = None) -> list[list[FileReport]]:
    """Scan every job in-process, on local workers or on a cluster, per ``config``."""
    if config.cluster:
        from sentinelle.scanning.cluster import run_on_cluster

        return run_on_cluster(jobs, config, progress)
    workers = plan_workers(config.workers, jobs)
    if workers <= 1:
        from sentinelle.scanning.engine import scan_serial

        def done(i: int) -> None:
            if progress:
                progress.advance(jobs[i].path, jobs[i].size)

        return scan_serial([j.source for j in jobs], config, done)
    return run_on_pool(jobs, config, workers, progress)


_ENVIRON_LOCK = threading.Lock()


@contextmanager
def child_environ(**values: str) -> Iterator[None]:
    """Set environment variables for the processes started inside the block only.

    ``spawn`` copies the parent's environment when a process starts and offers no ``env``
    argument, so the variables are set around the start and restored after (under a lock:
    two scans starting pools from two threads do not mix their values).
    """
    with _ENVIRON_LOCK:
        saved = {k: os.environ.get(k) for k in values}
        os.environ.update(values)
        try:
            yield
        finally:
            for key, old in saved.items():
                if old is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = old


def init_worker() -> None:
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


def worker_environ(workers: int) -> dict[str, str]:
    """Environment of a worker process: polars threads shared out between the workers."""
    return {"POLARS_MAX_THREADS": str(max(1, usable_cores() // workers))}


def run_on_pool(jobs: Sequence[Job], config: ScanConfig, workers: int,
                progress: Progress | None = None) -> list[list[FileReport]]:
    """Scan ``jobs`` on ``workers`` spawned processes; results in listing order."""
    results: list[list[FileReport] | None] = [None] * len(jobs)
    batches = make_batches(jobs, workers)
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=min(workers, len(batches)), mp_context=context,
                               initializer=init_worker)
    try:
        # Processes start on submit (spawn starts them on demand): all inside the block.
        with child_environ(**worker_environ(workers)):
            futures = {pool.submit(scan_refs, [to_ref(j) for j in batch], config): batch
                       for batch in batches}
        for future in as_completed(futures):
            batch = futures[future]
            try:
                reports = future.result()
            except BrokenProcessPool:
                raise WorkerError(
                    f"a scan worker process died (out of memory, or a crash in a reader) "
                    f"while scanning {len(batch)} file(s) from {batch[0].path}; "
                    f"rerun with --workers 1 to find the file") from None
            for job, found in zip(batch, reports, strict=True):
                results[job.index] = found
                if progress:
                    progress.advance(job.path, job.size)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    assert all(r is not None for r in results)
    return results  # type: ignore[return-value]


__all__ = [
    "Job",
    "SourceRef",
    "child_environ",
    "list_jobs",
    "make_batches",
    "plan_workers",
    "run_jobs",
    "run_on_pool",
    "scan_refs",
    "to_ref",
    "usable_cores",
    "worker_environ",
]
