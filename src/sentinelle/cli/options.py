"""Choices shared by several commands (typer turns each enum into a checked option)."""

from __future__ import annotations

from enum import Enum


class Level(str, Enum):
    """A risk threshold (``--fail-on``); ``never`` disables failing."""

    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"
    never = "never"


class Engine(str, Enum):
    """The text engine (results never depend on it)."""

    auto = "auto"
    hyperscan = "hyperscan"
    re2 = "re2"
    polars = "polars"
    re = "re"


__all__ = ["Engine", "Level"]
