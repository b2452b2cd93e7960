"""Mutated bytes of every format through the readers (the CI twin of fuzz/fuzz_readers.py).

Seeds are small valid files of each format (fuzz/fuzz_readers.py); Hypothesis flips,
truncates, inserts and duplicates bytes; the harness reads the result, members included,
and only :class:`~sentinelle.errors.SentinelleError` may escape.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sentinelle.errors import SentinelleError
from sentinelle.readers import sniff_format

ROOT = Path(__file__).resolve().parents[2]


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_readers", ROOT / "fuzz" / "fuzz_readers.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HARNESS = _harness()
SEEDS = dict(HARNESS.seeds())
ARCHIVES = [n for n in SEEDS if sniff_format(SEEDS[n][:65536], n) in
            {"zip", "tar", "7z", "gzip", "bzip2", "xz", "zstd"}]


def test_seeds_cover_every_archive_format_and_read_cleanly() -> None:
    formats = {sniff_format(SEEDS[n][:65536], n) for n in ARCHIVES}
    assert {"zip", "tar", "7z", "gzip", "bzip2", "xz", "zstd"} <= formats
    for name, data in SEEDS.items():
        HARNESS.check(name, data)
    assert HARNESS.consume(HARNESS.Source.from_bytes("nested.zip", SEEDS["nested.zip"])) >= 5


@st.composite
def mutated(draw: st.DrawFn, names: list[str]) -> tuple[str, bytes]:
    name = draw(st.sampled_from(names))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "duplicate", "zero"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "duplicate":
            end = draw(st.integers(at, min(len(data), at + 4096)))
            data[at:at] = data[at:end]
        else:
            end = draw(st.integers(at, min(len(data), at + 64)))
            data[at:end] = bytes(end - at)
    return name, bytes(data)


def _only_sentinelle_errors(name: str, data: bytes) -> None:
    try:
        HARNESS.consume(HARNESS.Source.from_bytes(name, data))
    except SentinelleError as exc:
        assert str(exc).startswith(name)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(ARCHIVES))
def test_mutated_archives_raise_only_sentinelle_errors(case: tuple[str, bytes]) -> None:
    _only_sentinelle_errors(*case)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(sorted(SEEDS)))
def test_mutated_files_of_every_format_raise_only_sentinelle_errors(
    case: tuple[str, bytes],
) -> None:
    _only_sentinelle_errors(*case)


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_prefix_length_class_of_each_seed(name: str) -> None:
    data = SEEDS[name]
    for cut in sorted({1, 2, 4, 8, 16, 64, 257, 262, 512, len(data) // 2, len(data) - 1}):
        if 0 < cut < len(data):
            _only_sentinelle_errors(name, data[:cut])
