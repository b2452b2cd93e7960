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


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests save screenshots and other artifacts (`test-artifacts/`, not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright (installed by scripts/system-deps.sh).

    Fails, never skips, when chromium is missing: the browser tests are part of `make test`.
    """
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "chromium missing: run scripts/system-deps.sh as root"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


# -- inventory databases (watch / inventory tests): SQLite, and a real PostgreSQL server ------


@pytest.fixture(scope="session")
def postgres_admin_url():
    """A throwaway PostgreSQL server for the session (tests/pg.py). Fails, never skips."""
    from pg import postgres_server  # tests/ is on sys.path (rootdir conftest)

    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def inventory_url(request, tmp_path) -> str:
    """An empty inventory database URL, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'inventory.sqlite'}"
    from pg import fresh_database

    return fresh_database(request.getfixturevalue("postgres_admin_url"))
