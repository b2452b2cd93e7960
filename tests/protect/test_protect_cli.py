"""``sentinelle protect / trace / purge`` command lines: exit codes, messages, no leaks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from sentinelle.cli import app
from sentinelle.readers import read_source
from sentinelle.readers.base import Source

runner = CliRunner()


class Ran:
    def __init__(self, result) -> None:  # type: ignore[no-untyped-def]
        self.exit_code = result.exit_code
        self.output = " ".join(result.output.split())  # no terminal wrapping


def run(*args: str) -> Ran:
    return Ran(runner.invoke(app, [str(a) for a in args]))


def _secrets_of(path: Path) -> set[str]:
    """Raw identifiers of an export: NIR bodies, phones, e-mails, names."""
    (t,) = list(read_source(Source.from_path(path)))
    out: set[str] = set()
    for col in t.frame.columns:
        up = col.upper()
        if any(w in up for w in ("NIR", "NSS", "SECU", "TEL", "PORTABLE", "MAIL", "NOM", "PRENOM")):
            out.update(v for v in t.frame[col].drop_nulls().head(300).to_list() if len(v) >= 5)
    return out


def test_protect_trace_purge_round_trip(tmp_path, export_factory) -> None:
    src, _ = export_factory(patients=300, seed=11)
    key = tmp_path / "k.key"
    r = run("protect", "--new-key", key)
    assert r.exit_code == 0 and os.stat(key).st_mode & 0o777 == 0o600
    secret = key.read_text().strip()
    out = tmp_path / "exp" / "a.csv"
    r = run("protect", src, "--out", out, "--key-file", key, "--auto", "--recipient", "alice",
            "--canaries", "2", "--min-k", "3", "--max-suppress", "0.2", "--expires", "2001-01-01",
            "--nir-shaped")
    assert r.exit_code == 0, r.output
    assert "k-anonymity" in r.output and "manifest" in r.output
    shown = r.output
    assert secret not in shown
    leaks = [s for s in _secrets_of(src) if s in shown]
    assert not leaks
    manifest = json.loads((tmp_path / "exp" / "a.csv.manifest.json").read_text())
    assert manifest["risk"]["table"]["after"]["k"] >= 3

    r = run("protect", src, "--out", tmp_path / "b.csv", "--key-file", key, "--auto", "--json")
    assert r.exit_code == 0 and json.loads(r.output)["recipient"] == "default"

    sample = tmp_path / "leak.csv"
    pl.concat([t.frame for t in read_source(Source.from_path(out))]).sample(n=20, seed=2) \
        .write_csv(sample)
    r = run("trace", sample, "--key-file", key, "--manifests", tmp_path / "exp")
    assert r.exit_code == 0 and "recipient: alice" in r.output
    r = run("trace", sample, "--key-file", key, "--manifests", tmp_path / "exp", "--json")
    assert json.loads(r.output)["recipient"] == "alice"
    r = run("trace", src, "--key-file", key, "--manifests", tmp_path / "exp")
    assert r.exit_code == 1 and "recipient: unknown" in r.output
    assert not [s for s in _secrets_of(src) if s in r.output]

    r = run("purge", tmp_path / "exp", "--dry-run")
    assert r.exit_code == 0 and "would delete" in r.output and out.exists()
    r = run("purge", tmp_path / "exp")
    assert r.exit_code == 0 and "deleted" in r.output and "a.csv" in r.output
    assert not out.exists()


def test_errors_exit_2_with_clear_messages(tmp_path, export_factory) -> None:
    src, _ = export_factory(patients=60, seed=12)
    key = tmp_path / "k.key"
    assert run("protect", "--new-key", key).exit_code == 0
    assert run("protect", "--new-key", key).exit_code == 2  # never overwritten
    os.chmod(key, 0o644)
    r = run("protect", src, "--out", tmp_path / "o.csv", "--key-file", key, "--auto")
    assert r.exit_code == 2 and "accessible by group or others" in r.output
    assert key.read_text().strip() not in r.output
    os.chmod(key, 0o600)
    r = run("protect", src, "--out", tmp_path / "o.csv", "--key-file", key)
    assert r.exit_code == 2 and "--policy FILE or --auto" in r.output
    r = run("protect", src, "--out", src, "--key-file", key, "--auto")
    assert r.exit_code == 2 and "refusing to overwrite the input" in r.output
    r = run("protect", src, "--out", tmp_path / "o.csv", "--key-file", key, "--auto",
            "--min-k", "1000", "--max-suppress", "0")
    assert r.exit_code == 2 and "cannot reach k=1000" in r.output
    r = run("protect", tmp_path / "missing.csv", "--out", tmp_path / "o.csv", "--key-file", key, "--auto")
    assert r.exit_code == 2 and "missing.csv" in r.output
    r = run("trace", src, "--key-file", key, "--manifests", tmp_path / "nowhere")
    assert r.exit_code == 2 and "nowhere" in r.output
    assert not (tmp_path / "o.csv").exists()
