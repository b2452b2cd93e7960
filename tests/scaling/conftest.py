"""Shared fixtures of the scaling tests: a mixed corpus and one Dask LocalCluster."""

from __future__ import annotations

import io
import logging
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from sentinelle.report.model import ScanReport
from sentinelle.synth import SynthConfig, generate

#: (format, patients): small generated exports, in several formats.
EXPORTS = (("csv", 120), ("xlsx", 60), ("json", 80), ("hl7", 40), ("txt", 60),
           ("ndjson", 50), ("sql", 40), ("hprim", 30), ("tsv", 70), ("fhir", 20))


@pytest.fixture(scope="session")
def mixed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Exports in several formats, nested archives, a corrupt file, a plain text file,
    an empty file, a symbolic link loop (listed as incomplete) and a sub-directory."""
    root = tmp_path_factory.mktemp("corpus")
    exports = root / "exports"
    exports.mkdir()
    for seed, (fmt, patients) in enumerate(EXPORTS):
        generate(SynthConfig(patients=patients, seed=seed, format=fmt),
                 exports / f"lab{seed}.{fmt.replace('-', '_')}")
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.write(exports / "lab0.csv", "lot1/patients.csv")
        z.write(exports / "lab4.txt", "lot1/notes.txt")
    with zipfile.ZipFile(root / "dump.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(exports / "lab3.hl7", "lot2/messages.hl7")
        z.write(exports / "lab1.xlsx", "lot2/patients.xlsx")
        z.writestr("lot2/inner.zip", inner.getvalue())
        z.writestr("lot2/broken.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50)
    (root / "corrupt.xlsx").write_bytes(b"PK\x03\x04" + random.Random(8).randbytes(2000))
    (root / "compte-rendu.txt").write_text(
        "Réunion de service du mardi.\nRien à signaler, prochain point en janvier.\n",
        encoding="utf-8")
    (root / "empty.csv").write_bytes(b"")
    (root / "loop").symlink_to(root, target_is_directory=True)
    return root


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[object]:
    """A LocalCluster of 2 single-threaded worker processes, shared by a test module."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR,
                      scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                      env={"POLARS_MAX_THREADS": "1"}) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def http_corpus(mixed_corpus: Path) -> Iterator[str]:
    """An HTTP index page (``python -m http.server`` style) serving some corpus files."""
    import functools
    import shutil
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    served = mixed_corpus.parent / "served"
    served.mkdir(exist_ok=True)
    for name in ("exports/lab0.csv", "exports/lab4.txt", "dump.zip", "corrupt.xlsx"):
        shutil.copy(mixed_corpus / name, served / Path(name).name)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(Quiet, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def scan_args(mixed_corpus: Path, http_corpus: str) -> list[str]:
    """A directory tree, a missing path and an HTTP index page, in one scan."""
    return [str(mixed_corpus), str(mixed_corpus / "missing.csv"), http_corpus]


@pytest.fixture(scope="session")
def serial_report(scan_args: list[str]) -> ScanReport:
    from sentinelle.scanning.engine import ScanConfig, scan

    return scan(scan_args, ScanConfig(workers=1))
