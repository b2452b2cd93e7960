"""``assess --out DIR``: report.html, art33.md and art33.pdf, filled from assessment.json."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from sentinelle.assess import assess
from sentinelle.assess.art33 import render_art33
from sentinelle.assess.outputs import write_outputs
from sentinelle.assess.pdfdoc import latin1, markdown_pdf
from sentinelle.assess.report_html import headline, render_report
from sentinelle.cli import app

CHARTS = ("records-by-source", "persons-by-departement", "timeline", "persons-by-category")


@pytest.fixture(scope="module")
def written(export_factory, tmp_path_factory) -> tuple[Path, dict[str, Any]]:
    path, _ = export_factory(patients=3000, labs=4, seed=31)
    out = tmp_path_factory.mktemp("assess-out")
    write_outputs(assess([path]), out)
    return out, json.loads((out / "assessment.json").read_text(encoding="utf-8"))


class _Page(HTMLParser):
    """Collects headline metrics, charts (with their marks) and external references."""

    def __init__(self) -> None:
        super().__init__()
        self.metrics: dict[str, str] = {}
        self.charts: dict[str, dict[str, Any]] = {}
        self.external: list[str] = []
        self.scripts = 0
        self._chart: str | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("src", "href"):
            if a.get(key):
                self.external.append(a[key] or "")
        if tag == "script":
            self.scripts += 1
        if "data-metric" in a:
            self.metrics[a["data-metric"] or ""] = a.get("data-value") or ""
        if tag == "svg":
            self._chart = a.get("data-chart")
            self.charts[self._chart or ""] = {"marks": [], "title": ""}
        elif tag == "rect" and self._chart and a.get("class") == "mark":
            self.charts[self._chart]["marks"].append(int(a["data-value"] or 0))
        elif tag == "title" and self._chart:
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._chart = None
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title and self._chart and not self.charts[self._chart]["title"]:
            self.charts[self._chart]["title"] = data


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def test_report_headline_numbers_equal_assessment(written) -> None:
    out, data = written
    page = _parse((out / "report.html").read_text(encoding="utf-8"))
    assert page.metrics["persons"] == str(data["persons"])
    assert page.metrics["records"] == str(data["records"])
    assert page.metrics["files"] == str(data["files"])
    assert page.metrics["sources"] == str(len(data["by_source"]))
    assert page.metrics["departements"] == str(len(data["by_departement"]["persons"]))
    assert page.metrics["date_min"] == data["date_range"]["min"]
    assert page.metrics["date_max"] == data["date_range"]["max"]
    assert page.metrics["severity"] == data["severity"]["level"]
    assert {k: str(v) for k, v in headline(data).items()} == page.metrics


def test_report_charts_present_non_empty_and_matching(written) -> None:
    out, data = written
    page = _parse((out / "report.html").read_text(encoding="utf-8"))
    assert set(page.charts) == set(CHARTS)
    for name in CHARTS:
        chart = page.charts[name]
        assert chart["title"], name
        assert chart["marks"] and sum(chart["marks"]) > 0, name
    assert sorted(page.charts["records-by-source"]["marks"]) == sorted(
        s["records"] for s in data["by_source"].values())
    assert sorted(page.charts["persons-by-departement"]["marks"]) == sorted(
        data["by_departement"]["persons"].values())
    assert page.charts["timeline"]["marks"] == [
        v for _, v in sorted(data["date_range"]["by_month"].items())]
    assert sorted(page.charts["persons-by-category"]["marks"]) == sorted(
        v for v in data["categories"].values() if v)


def test_report_is_self_contained_and_escaped(written) -> None:
    out, data = written
    text = (out / "report.html").read_text(encoding="utf-8")
    page = _parse(text)
    assert page.external == [] and page.scripts == 0
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in text
    evil = json.loads(json.dumps(data))
    evil["by_source"] = {"x": {"kind": "file", "records": 1, "persons": 1}}
    evil["by_source"]['<script>alert("x")</script>.csv'] = evil["by_source"].pop("x")
    rendered = render_report(evil)
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered


def test_art33_filled_from_the_numbers(written) -> None:
    out, data = written
    md = (out / "art33.md").read_text(encoding="utf-8")
    persons = f"{data['persons']:,}".replace(",", "\u202f")
    assert f"environ {persons}" in md
    for lab in data["by_source"].values():
        assert lab["finess"] in md
    for marker in ("[À COMPLÉTER : nom et coordonnées du DPO]",
                   "[À COMPLÉTER : date et heure de découverte]",
                   "[À COMPLÉTER : mesures prises et dates]", "72 heures", "L.1111-8-2",
                   "CERT Santé", "ARS" if "ARS" in md else "agence régionale de santé",
                   "Hameçonnage ciblé", "Usurpation d'identité", "Prise de contrôle de comptes"):
        assert marker in md, marker
    pdf = " ".join(" ".join(p.extract_text() for p in PdfReader(out / "art33.pdf").pages).split())
    assert f"environ {persons}".replace("\u202f", " ") in pdf.replace("\u00a0", " ").replace(
        "\u202f", " ")
    assert "[À COMPLÉTER : nom et coordonnées du DPO]" in pdf
    assert "L.1111-8-2" in pdf


def test_art33_hiv_consequence_only_when_hiv_found(export_factory) -> None:
    with_hiv, truth = export_factory(patients=3000, labs=4, seed=31)
    assert truth["health"]["HIV"] > 0
    data = assess([with_hiv]).to_dict()
    assert data["categories"]["HIV"] > 0
    assert "VIH" in render_art33(data)
    without, truth0 = export_factory(patients=1500, labs=2, seed=32, health_note_rate=0.0)
    assert truth0["health"]["HIV"] == 0
    data0 = assess([without]).to_dict()
    assert data0["categories"]["HIV"] == 0
    md0 = render_art33(data0)
    assert "VIH" not in md0 and "Chantage" not in md0
    assert "Usurpation d'identité" in md0  # the NIR consequence is still there


def test_consequences_follow_each_category() -> None:
    base = {"schema": "sentinelle.assess/1", "persons": 10, "records": 10, "files": 1,
            "severity": {"level": "low", "reasons": [], "factors": []}}
    only_contact = render_art33(dict(base, categories={"contact": 10}))
    assert "Hameçonnage" in only_contact and "Usurpation" not in only_contact
    assert "Prise de contrôle" not in only_contact
    creds = render_art33(dict(base, categories={"credentials": 3}))
    assert "Prise de contrôle de comptes" in creds and "Hameçonnage" not in creds
    preg = render_art33(dict(base, categories={"identity": 10, "PREGNANCY": 2}))
    assert "grossesse" in preg and "VIH" not in preg


def test_pdf_fallback_without_unicode_font() -> None:
    pdf = markdown_pdf("# Titre œuvre\n\n- élément « cité » – 1\u202f000\n", title="t",
                       unicode=False)
    text = " ".join(p.extract_text() for p in PdfReader(__import__("io").BytesIO(pdf)).pages)
    assert "oeuvre" in text and "élément" in text and "« cité »" in text
    assert latin1("œ’…") == "oe'..."


def test_cli_writes_all_files(export_factory, tmp_path: Path) -> None:
    path, _ = export_factory(patients=3000, labs=4, seed=31)
    out = tmp_path / "cli"
    result = CliRunner().invoke(app, ["assess", str(path), "--out", str(out), "-q",
                                      "--controller", "Laboratoire Exemple"])
    assert result.exit_code == 0, result.output
    for name in ("assessment.json", "report.html", "art33.md", "art33.pdf"):
        assert (out / name).stat().st_size > 0, name
    assert "Responsable de traitement : Laboratoire Exemple" in (out / "art33.md").read_text(
        encoding="utf-8")
    missing = CliRunner().invoke(app, ["assess", str(tmp_path / "nope.csv"), "--out", str(out)])
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_cli_incomplete_coverage_exit_3(export_factory, tmp_path: Path) -> None:
    path, _ = export_factory(patients=500, labs=2, seed=11)
    folder = tmp_path / "dump"
    folder.mkdir()
    (folder / "a.csv").write_bytes(path.read_bytes())
    (folder / "empty.csv").write_bytes(b"")
    result = CliRunner().invoke(app, ["assess", str(folder), "--out", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 3
    assert re.search(r"empty\.csv: not read", result.output)
    assert (tmp_path / "o" / "report.html").exists()


def test_outputs_for_a_dump_without_tables(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("rien a signaler\n", encoding="utf-8")
    paths = write_outputs(assess([note]), tmp_path / "out")
    page = _parse(paths.report.read_text(encoding="utf-8"))
    assert page.metrics["persons"] == "0" and page.metrics["severity"] == "none"
    assert set(page.charts) == set(CHARTS)
    assert all(c["marks"] == [] for c in page.charts.values())  # "aucune donnée"
    md = paths.art33_md.read_text(encoding="utf-8")
    assert "environ 0" in md and "VIH" not in md
    assert PdfReader(paths.art33_pdf).pages
