"""Fixtures for protect / trace / purge: a master key file and a generated export."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentinelle.protect import MasterKey, new_key_file


@pytest.fixture()
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "master.key"
    new_key_file(path)
    return path


@pytest.fixture()
def key(key_file: Path) -> MasterKey:
    from sentinelle.protect import load_master_key

    return load_master_key(key_file)


@pytest.fixture(scope="session")
def export_2000(export_factory) -> Path:  # type: ignore[no-untyped-def]
    """A 2,000-patient Mega-Bus-like export (cp1252, ';', CRLF)."""
    path, _ = export_factory(patients=2000, seed=61, labs=3)
    return path
