"""The `sentinelle.scan/1` JSON report keeps the keys DESIGN.md promises."""

from __future__ import annotations

import json

import sentinelle
from sentinelle.report.write import dumps


def test_json_report_keys(tmp_path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "NIR;NOM;PORTABLE;COMMENTAIRE\n"
        + "".join(f"185037510002397;DUPONT;06 12 34 56 7{i};enceinte de {i + 10} SA\n" for i in range(8)),
        encoding="utf-8",
    )
    data = json.loads(dumps(sentinelle.scan([path]), "json"))
    assert data["schema"] == "sentinelle.scan/1"
    assert data["tool"]["name"] == "sentinelle"
    assert {"files", "files_with_findings", "bytes", "incomplete", "risk"} <= set(data["summary"])
    (f,) = data["files"]
    assert {"path", "format", "encoding", "records", "risk", "score", "entities", "health",
            "columns", "errors"} <= set(f)
    assert f["records"] == 8
    assert f["entities"]["NIR"] == {"count": 8, "distinct": 1, "invalid": 0}
    assert f["health"] == {"PREGNANCY": 8}
    assert f["risk"] == "critical"
    col = f["columns"][0]
    assert {"index", "name", "entity", "confidence", "valid_ratio", "preview"} <= set(col)
    assert col["entity"] == "NIR" and col["preview"] == "1 ** ** ** *** *** **"


def test_sarif_is_2_1_0_with_one_rule_per_entity(tmp_path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("NIR;NOM\n185037510002397;DUPONT\n269054958815780;MARTIN\n", encoding="utf-8")
    sarif = json.loads(dumps(sentinelle.scan([path]), "sarif"))
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rules) == len(set(rules)) == len(sentinelle.Entity)
    (result,) = [r for r in run["results"] if r["ruleId"] == "NIR"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 2  # first data row, after the header
    assert result["properties"] == {"count": 2, "risk": "high", "column": 1}


def test_html_is_self_contained(tmp_path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("NIR\n185037510002397\n", encoding="utf-8")
    html = dumps(sentinelle.scan([path]), "html")
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert "NIR" in html
