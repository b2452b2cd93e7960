"""Shared fixtures: synthetic exports with ground truth, generated once per session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sentinelle.synth import SynthConfig, generate


@pytest.fixture(scope="session")
def export_factory(tmp_path_factory: pytest.TempPathFactory):
    """Make (and cache) a synthetic export; returns (path, truth dict)."""
    cache: dict[tuple, tuple[Path, dict]] = {}

    def make(**kwargs) -> tuple[Path, dict]:
        key = tuple(sorted(kwargs.items()))
        if key not in cache:
            out = tmp_path_factory.mktemp("export")
            cfg = SynthConfig(**kwargs)
            path = out / f"export.{cfg.format}"
            generate(cfg, path, truth_path=out / "truth.json")
            cache[key] = (path, json.loads((out / "truth.json").read_text()))
        return cache[key]

    return make
