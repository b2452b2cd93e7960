"""Exit codes of `sentinelle scan` (DESIGN.md contract) and junk input handling."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sentinelle.cli import app


def _scan(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["scan", *args])
    return result.exit_code, result.output


@pytest.fixture()
def clean_file(tmp_path: Path) -> Path:
    p = tmp_path / "clean.csv"
    p.write_text("produit;quantite\npommes;3\npoires;5\n", encoding="utf-8")
    return p


@pytest.fixture()
def nir_file(tmp_path: Path) -> Path:
    p = tmp_path / "nir.csv"
    p.write_text("nom;nir\nA;185037510002397\nB;269054958815780\n", encoding="utf-8")
    return p


def test_clean_is_0(clean_file: Path) -> None:
    assert _scan(str(clean_file))[0] == 0


def test_findings_at_threshold_is_1(nir_file: Path) -> None:
    assert _scan(str(nir_file))[0] == 1
    assert _scan(str(nir_file), "--fail-on", "critical")[0] == 0
    assert _scan(str(nir_file), "--fail-on", "never")[0] == 0


def test_usage_error_is_2(clean_file: Path) -> None:
    assert _scan(str(clean_file), "--fail-on", "bogus")[0] == 2
    assert CliRunner().invoke(app, ["scan"]).exit_code == 2


def test_missing_path_is_incomplete_3(clean_file: Path, tmp_path: Path) -> None:
    code, out = _scan(str(clean_file), str(tmp_path / "nope.csv"))
    assert code == 3


def test_junk_inputs_are_reported_and_scan_goes_on(tmp_path: Path, nir_file: Path) -> None:
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "garbage.csv").write_bytes(os.urandom(4096) + b"\x00" * 64)
    (junk / "empty.csv").write_bytes(b"")
    (junk / "one_line.csv").write_bytes(b"a;" * (5 * 1024 * 1024))
    (junk / "bad_encoding.csv").write_bytes("nom;ville\n".encode() + b"\xff\xfe\xfa\xfb" * 100 + b"\x81\x8d\x8f\x90\x9d" * 50)
    (junk / "ok.csv").write_bytes(nir_file.read_bytes())
    report = tmp_path / "r.json"
    code, out = _scan(str(junk), "-f", "json", "-o", str(report), "--fail-on", "never")
    assert code == 3, out
    data = json.loads(report.read_text())
    reasons = {Path(i["path"]).name: i["reason"] for i in data["summary"]["incomplete"]}
    assert {"garbage.csv", "empty.csv", "one_line.csv"} <= set(reasons)
    ok = [f for f in data["files"] if f["path"].endswith("ok.csv")][0]
    assert ok["entities"]["NIR"]["count"] == 2
    for f in data["files"]:
        if Path(f["path"]).name in reasons:
            assert f["errors"], f["path"]


def test_wrong_forced_encoding_is_a_clear_per_file_error(tmp_path: Path, nir_file: Path) -> None:
    """A cp1252 export read as utf-8 (forced) fails clearly; the other files are scanned."""
    bad = tmp_path / "enc"
    bad.mkdir()
    (bad / "cp1252.csv").write_bytes("nom;ville\nHélène;Vendôme\n".encode("cp1252") * 50)
    (bad / "ok.csv").write_bytes("nom;ville\nJean;Rennes\n".encode("utf-8"))
    report = tmp_path / "r.json"
    code, _ = _scan(str(bad), "--encoding", "utf-8", "-f", "json", "-o", str(report),
                    "--fail-on", "never")
    assert code == 3
    data = json.loads(report.read_text())
    (item,) = data["summary"]["incomplete"]
    assert item["path"].endswith("cp1252.csv")
    assert "utf-8" in item["reason"].lower() and "Hélène" not in item["reason"]
    assert len(data["files"]) == 2
