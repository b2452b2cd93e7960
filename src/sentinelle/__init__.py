"""Sentinelle: find French patient data where it should not be.

The library is the product; the ``sentinelle`` command and the web app are thin layers over
it::

    import sentinelle
    report = sentinelle.scan(["exports/"])
    for f in report.files:
        print(f.path, f.risk, {k: v.count for k, v in f.entities.items()})
"""

from __future__ import annotations

__version__ = "0.1.0"

from sentinelle.entities import Entity, HealthCategory, RiskLevel  # noqa: E402
from sentinelle.errors import (  # noqa: E402
    ConfigError,
    DecodeError,
    IdentifierError,
    InputError,
    InvalidChecksum,
    InvalidFormat,
    InvalidLength,
    LimitExceeded,
    OutputError,
    SentinelleError,
    UnsupportedFormat,
)
from sentinelle.readers.base import ReadOptions  # noqa: E402
from sentinelle.report.model import (  # noqa: E402
    ColumnReport,
    EntityStats,
    FileReport,
    ScanReport,
)


def __getattr__(name: str) -> object:
    # The scan engine pulls in every detector; import it on first use so that
    # ``import sentinelle.identifiers`` stays light.
    if name in ("scan", "ScanConfig"):
        from sentinelle.scanning import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'sentinelle' has no attribute {name!r}")

__all__ = [
    "ColumnReport",
    "ConfigError",
    "DecodeError",
    "Entity",
    "EntityStats",
    "FileReport",
    "HealthCategory",
    "IdentifierError",
    "InputError",
    "InvalidChecksum",
    "InvalidFormat",
    "InvalidLength",
    "LimitExceeded",
    "OutputError",
    "ReadOptions",
    "RiskLevel",
    "ScanConfig",
    "ScanReport",
    "SentinelleError",
    "UnsupportedFormat",
    "__version__",
    "scan",
]
