"""The scan report: typed objects, and their JSON form (schema ``sentinelle.scan/1``).

No raw value is stored here unless the user asked for ``--show-values``: entity counts,
distinct counts, masked previews and locations only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sentinelle.entities import RiskLevel

SCHEMA = "sentinelle.scan/1"


@dataclass(slots=True)
class EntityStats:
    count: int = 0  # valid occurrences (cells or text matches)
    distinct: int = 0  # distinct normalised valid values
    invalid: int = 0  # shaped like the entity but failing its check digits

    def to_dict(self) -> dict[str, int]:
        return {"count": self.count, "distinct": self.distinct, "invalid": self.invalid}


@dataclass(slots=True)
class ColumnReport:
    index: int
    name: str | None
    entity: str | None
    confidence: float
    valid_ratio: float
    preview: str | None = None
    health: dict[str, int] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    values: list[str] | None = None  # only with --show-values

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "index": self.index,
            "name": self.name,
            "entity": self.entity,
            "confidence": round(self.confidence, 3),
            "valid_ratio": round(self.valid_ratio, 3),
            "preview": self.preview,
        }
        if self.health:
            out["health"] = dict(sorted(self.health.items()))
        if self.reasons:
            out["reasons"] = list(self.reasons)
        if self.values is not None:
            out["values"] = list(self.values)
        return out


@dataclass(slots=True)
class Location:
    """Where an entity was seen: 1-based line, optional 1-based column index (tables)."""

    entity: str
    line: int
    column: int | None = None
    count: int = 1


@dataclass(slots=True)
class FileReport:
    path: str
    format: str | None = None
    encoding: str | None = None
    bytes: int = 0
    records: int = 0
    risk: RiskLevel = RiskLevel.NONE
    score: float = 0.0
    entities: dict[str, EntityStats] = field(default_factory=dict)
    health: dict[str, int] = field(default_factory=dict)
    columns: list[ColumnReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # coverage lost: listed in `incomplete`
    warnings: list[str] = field(default_factory=list)  # read leniently, nothing lost
    locations: list[Location] = field(default_factory=list)
    values: dict[str, list[str]] | None = None  # only with --show-values

    @property
    def has_findings(self) -> bool:
        return any(s.count for s in self.entities.values()) or any(self.health.values())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "format": self.format,
            "encoding": self.encoding,
            "bytes": self.bytes,
            "records": self.records,
            "risk": str(self.risk),
            "score": round(self.score, 3),
            "entities": {k: v.to_dict() for k, v in sorted(self.entities.items())},
            "health": dict(sorted(self.health.items())),
            "columns": [c.to_dict() for c in self.columns],
            "errors": list(self.errors),
        }
        if self.warnings:
            out["warnings"] = list(self.warnings)
        if self.values is not None:
            out["values"] = {k: list(v) for k, v in sorted(self.values.items())}
        return out


@dataclass(slots=True)
class ScanReport:
    files: list[FileReport]
    version: str
    incomplete: list[dict[str, str]] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def risk(self) -> RiskLevel:
        levels = [f.risk for f in self.files] or [RiskLevel.NONE]
        return max(levels, key=lambda r: r.rank)

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "tool": {"name": "sentinelle", "version": self.version},
            "summary": {
                "files": len(self.files),
                "files_with_findings": sum(1 for f in self.files if f.has_findings),
                "bytes": self.bytes,
                "incomplete": list(self.incomplete),
                "risk": str(self.risk),
                "elapsed_seconds": round(self.elapsed, 3),
            },
            "files": [f.to_dict() for f in self.files],
        }
