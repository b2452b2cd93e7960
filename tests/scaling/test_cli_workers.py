"""`sentinelle scan --workers N` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sentinelle.cli import app
from sentinelle.scanning import parallel


def _json(output: str) -> dict:
    data = json.loads(output)
    data["summary"].pop("elapsed_seconds")
    return data


def test_workers_option(mixed_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[int] = []
    real = parallel.run_on_pool
    monkeypatch.setattr(parallel, "run_on_pool",
                        lambda jobs, config, workers, progress=None: used.append(workers)
                        or real(jobs, config, workers, progress))
    runner = CliRunner()
    exports = str(mixed_corpus / "exports")
    pooled = runner.invoke(app, ["scan", "--workers", "2", exports, "--format", "json"])
    assert used == [2]
    serial = runner.invoke(app, ["scan", "-w", "1", exports, "--format", "json"])
    assert pooled.exit_code == serial.exit_code == 1, pooled.output
    assert _json(pooled.stdout) == _json(serial.stdout)
    assert used == [2]
    # no raw identifier printed by the parallel path either
    assert "185037510002397" not in pooled.output


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_bad_workers_is_a_usage_error(mixed_corpus: Path, value: str) -> None:
    result = CliRunner().invoke(app, ["scan", "--workers", value, str(mixed_corpus)])
    assert result.exit_code == 2
    assert "--workers" in result.output
