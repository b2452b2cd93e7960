"""A source read in several chunks: held and read once when it fits the reader's limits,
read twice otherwise; the same output either way, and unused columns are not parsed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest

from sentinelle.protect import ProtectOptions, pipeline, protect
from sentinelle.readers import read_source
from sentinelle.readers.base import ReadOptions, Source, Table

SLICES = 5


def _fake_reader(reads: list[int], skips: list[frozenset[int]]) -> Callable[..., Iterator[Table]]:
    """The real reader's table, yielded in ``SLICES`` chunks with a ``skip_columns`` hook."""

    def read(source: Source, options: ReadOptions) -> Iterator[Table]:
        reads.append(1)
        tables = [t for t in read_source(source, ReadOptions()) if isinstance(t, Table)]
        frame = pl.concat([t.frame for t in tables], how="vertical")
        size = -(-frame.height // SLICES)
        for i in range(SLICES):
            first = tables[0]
            yield Table(frame=frame.slice(i * size, size), header=first.header,
                        format=first.format, encoding=first.encoding, extra=dict(first.extra),
                        row_offset=i * size, skip_columns=skips.append)

    return read


def _run(monkeypatch: pytest.MonkeyPatch, src: Path, out: Path, key, opts: ProtectOptions,  # type: ignore[no-untyped-def]
         ) -> tuple[dict, int, list[frozenset[int]]]:
    reads: list[int] = []
    skips: list[frozenset[int]] = []
    monkeypatch.setattr(pipeline, "read_source", _fake_reader(reads, skips))
    data = protect(src, out, key, opts).data
    monkeypatch.undo()
    return data, len(reads), skips


def _same(a: dict, b: dict) -> None:
    for name in ("rows", "suppressed", "columns", "columns_kept", "risk", "input"):
        assert a[name] == b[name], name
    assert a["trace"]["pseudonyms"] == b["trace"]["pseudonyms"]


def test_chunks_within_the_limits_are_read_once_else_twice_same_output(
        monkeypatch, tmp_path, export_2000, key) -> None:
    base = ProtectOptions(recipient="cro")
    whole = protect(export_2000, tmp_path / "whole.csv", key, base).data  # the real reader
    held, held_reads, _ = _run(monkeypatch, export_2000, tmp_path / "held.csv", key, base)
    small = ProtectOptions(recipient="cro", read=ReadOptions(chunk_rows=1000))
    streamed, streamed_reads, _ = _run(monkeypatch, export_2000, tmp_path / "streamed.csv", key, small)
    assert (held_reads, streamed_reads) == (1, 2)
    for data in (held, streamed):
        _same(whole, data)
    expected = (tmp_path / "whole.csv").read_bytes()
    assert (tmp_path / "held.csv").read_bytes() == expected
    assert (tmp_path / "streamed.csv").read_bytes() == expected


def test_min_k_on_held_and_streamed_chunks(monkeypatch, tmp_path, export_2000, key) -> None:
    base = ProtectOptions(recipient="cro", min_k=3, max_suppress=0.5)
    whole = protect(export_2000, tmp_path / "whole.csv", key, base).data
    held, _, _ = _run(monkeypatch, export_2000, tmp_path / "held.csv", key, base)
    small = ProtectOptions(recipient="cro", min_k=3, max_suppress=0.5,
                           read=ReadOptions(chunk_rows=1000))
    streamed, _, _ = _run(monkeypatch, export_2000, tmp_path / "streamed.csv", key, small)
    assert whole["risk"]["table"]["after"]["k"] >= 3
    for data in (held, streamed):
        _same(whole, data)
    expected = (tmp_path / "whole.csv").read_bytes()
    assert (tmp_path / "held.csv").read_bytes() == expected
    assert (tmp_path / "streamed.csv").read_bytes() == expected


def test_reader_skips_only_columns_nothing_reads(monkeypatch, tmp_path, export_2000, key) -> None:
    data, _, skips = _run(monkeypatch, export_2000, tmp_path / "s.csv", key,
                          ProtectOptions(recipient="cro"))
    assert skips and all(s == skips[0] for s in skips)
    names = [c["name"] for c in data["columns"]]
    skipped = {names[i] for i in skips[0]}
    by_name = {c["name"]: c for c in data["columns"]}
    assert skipped  # names, addresses, record numbers, credentials...
    for name in skipped:
        c = by_name[name]
        assert c["action"] == "drop" and "quasi_identifier" not in c and "sensitive" not in c
    for name, c in by_name.items():
        if c["action"] != "drop" or "quasi_identifier" in c or c.get("sensitive"):
            assert name not in skipped, name
    # a date filter keeps its column parsed even when it is dropped
    date_col = next(n for n, c in by_name.items() if c["entity"] == "OTHER_DATE")
    keep = tuple(n for n in names if n != date_col)
    _, _, skips = _run(monkeypatch, export_2000, tmp_path / "d.csv", key,
                       ProtectOptions(recipient="cro", keep=keep, since=dt.date(2000, 1, 1)))
    assert names.index(date_col) not in skips[0]
