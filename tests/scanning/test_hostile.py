"""Hostile inputs through the command line: each gives a clear ``incomplete`` entry, the
scan finishes with exit code 3, and nothing is written outside the output path.

The inputs hold no patient data (so that no finding raises the exit code to 1); they are
built by the tests, small on disk (the 2 GB line is a sparse file).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sentinelle.cli import app
from sentinelle.readers import sniff_format

HARMLESS = "Bonjour,\nle serveur redémarre ce soir.\n".encode()
GIB = 1024**3


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def zip_bomb(root: Path) -> None:
    """42.zip in small: 4 levels of 8 zips around 16 MB of zeros (~1000:1 at the leaves)."""
    level = _zip({"zeros.bin": b"\x00" * (16 * 1024 * 1024)})
    for depth in range(3):
        level = _zip({f"{depth}_{i}.zip": level for i in range(8)})
    (root / "42.zip").write_bytes(level)


def traversal_zip(root: Path) -> None:
    (root / "slip.zip").write_bytes(_zip({"../../../tmp/evil.txt": HARMLESS,
                                          "/etc/cron.d/evil": HARMLESS,
                                          "C:\\Windows\\evil.txt": HARMLESS}))


def symlink_loop(root: Path) -> None:
    tree = root / "tree" / "sub"
    tree.mkdir(parents=True)
    (tree / "note.txt").write_bytes(HARMLESS)
    (tree / "loop").symlink_to(root / "tree", target_is_directory=True)


def truncated_gzip(root: Path) -> None:
    import gzip

    rows = b"".join(b"ligne %d du journal\n" % (i * 7919 % 100003) for i in range(50_000))
    data = gzip.compress(rows)
    (root / "journal.log.gz").write_bytes(data[: len(data) // 2])


def corrupt_xlsx(root: Path) -> None:
    (root / "classeur.xlsx").write_bytes(_zip({
        "[Content_Types].xml": b"<?xml version='1.0'?><Types/>",
        "xl/workbook.xml": b"\x00garbage<<<not xml",
    }))


def fake_pdf(root: Path) -> None:
    (root / "rapport.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)


def long_line(root: Path) -> None:
    """2 GiB without a newline: text at the start, then a sparse hole."""
    with open(root / "ligne.txt", "wb") as out:
        out.write(b"x" * (2 * 1024 * 1024))
        out.truncate(2 * GIB)


CASES: dict[str, tuple[Callable[[Path], None], str, str]] = {
    # name: (builder, path fragment of the incomplete entry, words of its reason)
    "zip bomb": (zip_bomb, "42.zip!", "compression ratio"),
    "traversal": (traversal_zip, "slip.zip!../../../tmp/evil.txt", "unsafe member path"),
    "symlink loop": (symlink_loop, "tree/sub/loop", "symbolic link"),
    "truncated gzip": (truncated_gzip, "journal.log.gz!journal.log", "truncated gzip data"),
    "corrupt xlsx": (corrupt_xlsx, "classeur.xlsx", ""),
    "fake pdf": (fake_pdf, "rapport.pdf", ""),
    "2 GB line": (long_line, "ligne.txt", "longer than"),
}


def listing(*roots: Path) -> dict[str, int]:
    out = {}
    for root in roots:
        for dirpath, _, files in os.walk(root):
            for name in files:
                path = os.path.join(dirpath, name)
                out[path] = os.lstat(path).st_size
    return out


def run_scan(target: Path, out: Path) -> tuple[int, dict]:
    runner = CliRunner()
    result = runner.invoke(app, ["scan", str(target), "-f", "json", "-o", str(out), "-q"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(out.read_text())


def _needs_reader(name: str) -> None:
    if name == "fake pdf" and sniff_format(b"%PDF-1.7\n", "x.pdf") != "pdf":
        pytest.skip("no PDF reader yet: '%PDF-' garbage would be read as text")
    if name == "corrupt xlsx" and sniff_format(
        _zip({"[Content_Types].xml": b"", "xl/workbook.xml": b""}), "x.xlsx") == "zip":
        pytest.skip("no xlsx reader yet")


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input_gives_incomplete_entry_and_exit_3(name: str, tmp_path: Path) -> None:
    _needs_reader(name)
    build, fragment, words = CASES[name]
    inputs, outputs = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    outputs.mkdir()
    build(inputs)
    before = listing(tmp_path)
    cwd_before = sorted(os.listdir(os.getcwd()))
    code, report = run_scan(inputs, outputs / "report.json")
    assert code == 3
    incomplete = report["summary"]["incomplete"]
    hits = [e for e in incomplete if fragment in e["path"]]
    assert hits, incomplete
    assert all(e["reason"] for e in hits)
    assert any(words in e["reason"] for e in hits), hits
    assert listing(tmp_path) == {**before, str(outputs / "report.json"):
                                 (outputs / "report.json").stat().st_size}
    assert sorted(os.listdir(os.getcwd())) == cwd_before


def test_all_hostile_inputs_together(tmp_path: Path) -> None:
    inputs, outputs = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    outputs.mkdir()
    for build, _, _ in CASES.values():
        build(inputs)
    before = listing(tmp_path)
    code, report = run_scan(inputs, outputs / "report.json")
    assert code == 3
    paths = [e["path"] for e in report["summary"]["incomplete"]]
    for name, (_, fragment, _) in CASES.items():
        if name in ("fake pdf", "corrupt xlsx"):
            continue  # their readers belong to other modules; checked one by one above
        assert any(fragment in p for p in paths), name
    assert set(listing(tmp_path)) == set(before) | {str(outputs / "report.json")}


def test_sparse_line_file_is_cheap_on_disk(tmp_path: Path) -> None:
    long_line(tmp_path)
    stat = (tmp_path / "ligne.txt").stat()
    assert stat.st_size == 2 * GIB
    assert stat.st_blocks * 512 < 64 * 1024 * 1024
