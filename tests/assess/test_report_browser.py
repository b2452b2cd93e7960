"""report.html in Debian's chromium: headline numbers from the DOM, every chart rendered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sentinelle.assess import assess
from sentinelle.assess.outputs import write_outputs

pytestmark = pytest.mark.browser
CHARTS = ("records-by-source", "persons-by-departement", "timeline", "persons-by-category")


def test_report_renders_in_chromium(browser, artifacts_dir: Path, export_factory,
                                    tmp_path: Path) -> None:
    path, _ = export_factory(patients=3000, labs=4, seed=31)
    write_outputs(assess([path]), tmp_path)
    data = json.loads((tmp_path / "assessment.json").read_text(encoding="utf-8"))
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto((tmp_path / "report.html").resolve().as_uri())
        metrics = page.eval_on_selector_all(
            "[data-metric]",
            "els => Object.fromEntries(els.map(e => [e.dataset.metric,"
            " [e.dataset.value, e.querySelector('.num').textContent]]))")
        digits = {k: "".join(ch for ch in shown if ch.isdigit()) for k, (_, shown) in metrics.items()}
        for key in ("persons", "records", "files"):
            assert metrics[key][0] == str(data[key])
            assert digits[key] == str(data[key])  # the number shown, not only the attribute
        assert digits["sources"] == str(len(data["by_source"]))
        assert digits["departements"] == str(len(data["by_departement"]["persons"]))
        assert metrics["date_min"][1] == data["date_range"]["min"]
        assert metrics["date_max"][1] == data["date_range"]["max"]
        assert metrics["severity"][0] == data["severity"]["level"]
        for name in CHARTS:
            svg = page.locator(f'svg[data-chart="{name}"]')
            assert svg.count() == 1, name
            box = svg.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 20, name
            assert svg.locator("title").first.text_content(), name
            marks = svg.locator("rect.mark")
            assert marks.count() > 0, name
            widths = marks.evaluate_all(
                "els => els.map(e => { const b = e.getBBox(); return b.width * b.height; })")
            assert max(widths) > 0, name
        assert all(url.startswith("file://") for url in requests), requests
        page.screenshot(path=str(artifacts_dir / "assess-report.png"), full_page=True)
    finally:
        page.close()
    assert (artifacts_dir / "assess-report.png").stat().st_size > 10_000
