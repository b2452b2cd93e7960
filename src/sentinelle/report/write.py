"""Serialise a scan report in one of the output formats and write it atomically."""

from __future__ import annotations

import json
import os

from sentinelle.atomic import write_text
from sentinelle.errors import ConfigError
from sentinelle.report.html import to_html
from sentinelle.report.model import ScanReport
from sentinelle.report.sarif import to_sarif

FORMATS = ("text", "json", "sarif", "html")


def dumps(report: ScanReport, fmt: str) -> str:
    """The report as text in ``fmt`` (json, sarif or html)."""
    if fmt == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "sarif":
        return json.dumps(to_sarif(report), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return to_html(report)
    raise ConfigError(f"unknown report format {fmt!r} (choose from json, sarif, html)")


def write_report(report: ScanReport, fmt: str, path: str | os.PathLike[str]) -> None:
    write_text(path, dumps(report, fmt))


__all__ = ["FORMATS", "dumps", "write_report"]
