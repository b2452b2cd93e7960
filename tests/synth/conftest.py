"""Fixtures for the generator tests: small exports generated once per session."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sentinelle.synth import SynthConfig, generate

Made = tuple[Path, dict[str, Any]]


@pytest.fixture(scope="session")
def synth_export(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Made]:
    """``synth_export(**config)`` -> (export path, truth dict read back from its JSON file)."""
    cache: dict[tuple[tuple[str, Any], ...], Made] = {}

    def make(**kwargs: Any) -> Made:
        key = tuple(sorted(kwargs.items()))
        if key not in cache:
            out = tmp_path_factory.mktemp("synth")
            cfg = SynthConfig(**kwargs)
            path = out / f"export.{cfg.format}"
            generate(cfg, path, truth_path=out / "truth.json")
            cache[key] = (path, json.loads((out / "truth.json").read_text("utf-8")))
        return cache[key]

    return make
