"""Helpers of the scaling tests (a module of its own: ``conftest`` names are ambiguous)."""

from __future__ import annotations

import json

from sentinelle.report.model import ScanReport
from sentinelle.report.write import dumps


def comparable(report: ScanReport) -> str:
    """The JSON report without its timing field (the only one allowed to differ)."""
    data = json.loads(dumps(report, "json"))
    assert isinstance(data["summary"].pop("elapsed_seconds"), float)
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)


class Recorder:
    """A progress display that remembers what it was told."""

    def __init__(self) -> None:
        self.started: tuple[int, int] | None = None
        self.advanced: list[tuple[str, int]] = []

    def start(self, files: int, total_bytes: int) -> None:
        self.started = (files, total_bytes)

    def advance(self, path: str, nbytes: int) -> None:
        self.advanced.append((path, nbytes))
