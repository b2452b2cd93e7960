"""`sentinelle watch`: JSON lines on stdout, exit codes, --interval loop, errors."""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest
from typer.testing import CliRunner

from sentinelle.cli import app
from sentinelle.cli import watch as watch_cli


def run(*args: str):
    return CliRunner().invoke(app, ["watch", *args])


def lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_once_then_unchanged_then_new_and_gone(tree, inventory_url, second_export, raw_values):
    first = run(str(tree), "--db", inventory_url, "--once")
    assert first.exit_code == 1, first.output  # a critical new exposure, --fail-on high
    alerts = lines(first.stdout)
    assert [(a["schema"], a["kind"], a["risk"]) for a in alerts] == [
        ("sentinelle.watch.alert/1", "new_exposure", "critical")]
    assert "4 files (4 read" in first.stderr
    second = run(str(tree), "--db", inventory_url)
    assert (second.exit_code, second.stdout) == (0, "")
    assert "4 files (0 read, 0 hashed)" in second.stderr
    shutil.copy(second_export, tree / "new.csv")
    third = run(str(tree), "--db", inventory_url, "--fail-on", "never")
    assert third.exit_code == 0
    assert [(a["kind"], a["path"]) for a in lines(third.stdout)] == [
        ("new_exposure", str(tree / "new.csv"))]
    (tree / "new.csv").unlink()
    fourth = run(str(tree), "--db", inventory_url, "-q")
    assert fourth.exit_code == 0 and fourth.stderr == ""
    assert [a["kind"] for a in lines(fourth.stdout)] == ["gone"]
    everything = first.output + third.output + fourth.output
    assert [v for v in raw_values if v in everything] == []


def test_alert_on_filters_and_max_age(tree, tmp_path):
    db = str(tmp_path / "inv.sqlite")
    (tree / "docs" / "rappel.txt").write_text("Rappeler au 06 12 34 56 78 demain\n")
    quiet = run(str(tree), "--db", db, "--alert-on", "critical", "--fail-on", "critical")
    assert quiet.exit_code == 1
    assert [a["risk"] for a in lines(quiet.stdout)] == ["critical"]
    two_days = time.time() - 2 * 86400
    for path in (tree / "export_labo.csv", tree / "docs" / "rappel.txt"):
        os.utime(path, (two_days, two_days))
    old = run(str(tree), "--db", db, "--max-age", "1d", "--fail-on", "never")
    assert old.exit_code == 0
    assert sorted((a["kind"], a["risk"]) for a in lines(old.stdout)) == [
        ("too_old", "critical"), ("too_old", "low")]
    again = run(str(tree), "--db", db, "--max-age", "1d", "--fail-on", "low")
    assert (again.exit_code, again.stdout) == (0, "")  # flagged once


@pytest.mark.parametrize("args, message", [
    (["--once", "--interval", "1h"], "exclude each other"),
    (["--max-age", "soon"], "--max-age"),
    (["--interval", "0s"], "--interval"),
    (["--webhook", "ftp://example.org/hook"], "--webhook"),
])
def test_usage_errors(tree, tmp_path, args, message):
    result = run(str(tree), "--db", str(tmp_path / "inv.sqlite"), *args)
    assert result.exit_code == 2 and message in result.stderr


def test_unreachable_database_is_a_clean_error(tree):
    result = run(str(tree), "--db", "postgresql://nobody:pw@127.0.0.1:1/nowhere")
    assert result.exit_code == 2
    assert "cannot migrate" in result.stderr and "pw@" not in result.stderr
    assert "Traceback" not in result.output


def test_missing_root_exits_3(tmp_path):
    result = run(str(tmp_path / "nothing-here"), "--db", str(tmp_path / "inv.sqlite"))
    assert result.exit_code == 3 and "no such file" in result.stderr


def test_interval_loops_until_ctrl_c(tree, tmp_path, monkeypatch):
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(watch_cli.time, "sleep", sleep)
    result = run(str(tree), "--db", str(tmp_path / "inv.sqlite"), "--interval", "1h30m")
    assert sleeps == [5400.0, 5400.0]
    assert result.stderr.count("watch: scan ") == 2 and "watch: stopped" in result.stderr
    assert result.exit_code == 0  # the last pass found nothing new
    assert len(lines(result.stdout)) == 1  # the exposure was announced once, at pass 1


def test_webhook_down_with_once_exits_2_after_printing(tree, tmp_path, monkeypatch):
    monkeypatch.setattr("sentinelle.watch.webhook.time.sleep", lambda s: None)
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run(str(tree), "--db", str(tmp_path / "inv.sqlite"), "--webhook",
                 f"http://127.0.0.1:{port}/hook", "--webhook-attempts", "2")
    assert result.exit_code == 2
    assert len(lines(result.stdout)) == 1 and "not delivered after 2 attempt" in result.stderr
