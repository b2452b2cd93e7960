"""Shared fixtures: synthetic exports with ground truth, generated once per session."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import settings

from sentinelle.synth import SynthConfig, generate

# CI runs property tests derandomized (same examples every run: a red CI is a real bug, not
# a lucky draw); locally they explore new examples each run.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


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
