"""The inventory database of exposures (``sentinelle watch`` writes it, ``serve`` reads it)."""

from __future__ import annotations

from sentinelle.inventory.store import Inventory, SourceResult, SourceState
from sentinelle.inventory.views import (
    FILE_SORTS,
    AssessmentLink,
    ColumnView,
    FileDetail,
    FileFilter,
    FileRow,
    HistoryEvent,
    Overview,
    Page,
    ScanPoint,
)

__all__ = ["FILE_SORTS", "AssessmentLink", "ColumnView", "FileDetail", "FileFilter", "FileRow",
           "HistoryEvent", "Inventory", "Overview", "Page", "ScanPoint", "SourceResult",
           "SourceState"]
