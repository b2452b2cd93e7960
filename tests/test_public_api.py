"""The package's public surface is explicit and importable (httpx style)."""

from __future__ import annotations

import sentinelle


def test_all_is_sorted_and_every_name_resolves() -> None:
    names = [n for n in sentinelle.__all__ if n != "__version__"]
    assert names == sorted(names)
    for name in sentinelle.__all__:
        assert getattr(sentinelle, name) is not None, name


def test_scan_is_the_library_entry_point(tmp_path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("NIR;NOM\n185037510002397;DUPONT\n269054958815780;MARTIN\n", encoding="utf-8")
    report = sentinelle.scan([path], sentinelle.ScanConfig())
    assert isinstance(report, sentinelle.ScanReport)
    (file,) = report.files
    assert file.entities["NIR"].count == 2
    assert report.to_dict()["schema"] == "sentinelle.scan/1"


def test_every_error_derives_from_one_base() -> None:
    errors = [getattr(sentinelle, n) for n in sentinelle.__all__ if n.endswith(("Error", "Exceeded",
              "Format", "Length", "Checksum"))]
    assert errors
    for err in errors:
        assert issubclass(err, sentinelle.SentinelleError)
