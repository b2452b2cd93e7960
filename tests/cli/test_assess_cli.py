"""`sentinelle assess DUMP --out DIR` writes assessment.json with no raw identifier."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from sentinelle.cli import app


def test_assess_writes_the_contract_keys_and_no_raw_value(export_factory, tmp_path: Path) -> None:
    path, truth = export_factory(patients=3000, seed=1)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["assess", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = (out / "assessment.json").read_text(encoding="utf-8")
    data = json.loads(text)
    for key in ("schema", "persons", "records", "files", "by_source", "by_departement",
                "categories", "date_range", "authenticity", "severity"):
        assert key in data
    assert data["schema"] == "sentinelle.assess/1"
    assert data["records"] == truth["records"]
    assert abs(data["persons"] - truth["persons"]) <= 0.005 * truth["persons"]
    # no raw value of the export in the file or on the terminal
    with open(path, encoding=truth["encoding"], newline="") as fh:
        rows = list(csv.reader(fh, delimiter=truth["delimiter"]))[1:200]
    identifying = [c["index"] for c in truth["columns"]
                   if c["entity"] in ("NIR", "NIR_NO_KEY", "PHONE", "PERSON_NAME", "EMAIL")]
    for row in rows:
        for i in identifying:
            value = row[i].strip()
            if len(value) >= 6:
                assert value not in text and value not in result.output
