"""How a delimited file is cut into chunks (a first sample chunk, then joined blocks with
the columns that hold nothing left unparsed) never changes the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sentinelle
from sentinelle.readers import delimited
from sentinelle.readers.base import ReadOptions
from sentinelle.scanning.engine import ScanConfig
from sentinelle.synth import SynthConfig, generate


def _report(path: Path, config: ScanConfig) -> dict:
    data = json.loads(json.dumps(sentinelle.scan([path], config).to_dict()))
    data["summary"].pop("elapsed_seconds")
    return data


def test_chunking_and_skipped_columns_keep_the_report(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    export = tmp_path / "export.csv"
    generate(SynthConfig(patients=3000, labs=3, seed=11), export)
    chunked = _report(export, ScanConfig(read=ReadOptions(chunk_bytes=256 * 1024)))
    monkeypatch.setattr(delimited, "SAMPLE_ROWS", 10**9)  # one chunk: nothing is skipped
    whole = _report(export, ScanConfig())
    assert chunked == whole
    assert chunked["files"][0]["records"] > 3000
