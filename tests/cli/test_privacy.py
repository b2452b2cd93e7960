"""No raw value in any output or log unless --show-values."""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sentinelle.cli import app

NIRS = ["185037510002397", "269054958815780", "295109912611193"]
NAMES = ["Wolfgangerie", "Théodulphine", "Brocéliandre"]
PHONES = ["06 71 23 45 89", "07 88 12 34 56", "+33 6 45 67 89 12"]


def _forms(value: str) -> set[str]:
    compact = "".join(ch for ch in value if ch.isalnum() or ch == "+")
    forms = {value, compact}
    if compact.startswith("+33"):
        forms.add("0" + compact[3:])
    if compact.startswith("0"):
        forms.add("+33" + compact[1:])
    if len(compact) == 15:  # spaced NIR
        c = compact
        forms.add(" ".join((c[0], c[1:3], c[3:5], c[5:7], c[7:10], c[10:13], c[13:])))
    return forms


@pytest.fixture()
def planted(tmp_path: Path) -> Path:
    root = tmp_path / "share"
    root.mkdir()
    with open(root / "patients.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["NOM", "PRENOM", "NIR", "PORTABLE", "COMMENTAIRE"])
        for i in range(60):
            w.writerow([NAMES[i % 3].upper(), NAMES[(i + 1) % 3], NIRS[i % 3], PHONES[i % 3],
                        f"patiente enceinte, rappeler au {PHONES[(i + 2) % 3]}"])
    (root / "notes.txt").write_text(
        "".join(f"Patient {NAMES[i]} n° SS {NIRS[i]} tél {PHONES[i]} VIH positif\n" for i in range(3)),
        encoding="utf-8",
    )
    return root


def _run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "html"])
def test_no_raw_value_in_any_output(planted: Path, tmp_path: Path, fmt: str, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    out = tmp_path / f"report.{fmt}"
    code, console = _run(["scan", str(planted), "-f", fmt, "-o", str(out), "--fail-on", "never"])
    assert code == 0, console
    code2, stdout = _run(["scan", str(planted), "-f", fmt, "--fail-on", "never"])
    assert code2 == 0
    written = out.read_text(encoding="utf-8")
    assert "NIR" in written  # the finding is reported...
    everything = written + console + stdout + caplog.text
    for value in NIRS + PHONES + NAMES:
        for form in _forms(value) | {value.upper()}:
            assert form not in everything, f"{fmt}: raw value leaked"


def test_show_values_does_show_them(planted: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    code, _ = _run(["scan", str(planted), "-f", "json", "-o", str(out), "--fail-on", "never",
                    "--show-values"])
    assert code == 0
    written = out.read_text(encoding="utf-8")
    assert any(n in written for n in NIRS)


def test_out_dir_writes_three_reports_without_values(planted: Path, tmp_path: Path) -> None:
    code, _ = _run(["scan", str(planted), "--out-dir", str(tmp_path / "r"), "--fail-on", "never"])
    assert code == 0
    for kind in ("json", "html", "sarif"):
        text = (tmp_path / "r" / f"report.{kind}").read_text(encoding="utf-8")
        assert not any(n in text for n in NIRS)


def test_credential_preview_hides_even_the_shape(tmp_path: Path) -> None:
    path = tmp_path / "web.csv"
    path.write_text("LOGIN;MDP\n" + "".join(f"user{i:03d};Xk7!pQ{i:03d}z\n" for i in range(30)),
                    encoding="utf-8")
    out = tmp_path / "r.json"
    code, _ = _run(["scan", str(path), "-f", "json", "-o", str(out), "--fail-on", "never"])
    assert code == 0
    columns = json.loads(out.read_text())["files"][0]["columns"]
    assert [c["preview"] for c in columns if c["entity"] == "CREDENTIAL"] == ["********"] * 2
