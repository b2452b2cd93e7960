"""The readers on the synthetic generator's lab exports (dialect, header, rows vs truth)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sentinelle.readers import read_source
from sentinelle.readers.base import Source, Table

Factory = Callable[..., tuple[Path, dict[str, Any]]]


@pytest.mark.parametrize(
    "options",
    [
        {"header": True},
        {"header": False},
        {"header": False, "delimiter": ",", "encoding": "utf-8", "crlf": False},
        {"header": True, "delimiter": "\t", "format": "tsv", "encoding": "utf-8-sig"},
        {"header": False, "delimiter": "|", "encoding": "latin-1", "seed": 3},
    ],
)
def test_synthetic_export_is_read_as_generated(
    export_factory: Factory, options: dict[str, Any]
) -> None:
    path, truth = export_factory(patients=300, **options)
    chunks = list(read_source(Source.from_path(path)))
    assert chunks and all(isinstance(c, Table) for c in chunks)
    table = chunks[0]
    assert isinstance(table, Table)
    assert table.extra["delimiter"] == {"\t": "tab"}.get(truth["delimiter"], truth["delimiter"])
    assert (table.header is not None) is truth["header"]
    if truth["header"]:
        assert table.header == [c["name"] for c in truth["columns"]]
    accepted = {truth["encoding"]} | ({"cp1252"} if truth["encoding"] == "latin-1" else set())
    assert table.encoding in accepted
    assert sum(c.frame.height for c in chunks if isinstance(c, Table)) == truth["records"]
    assert table.frame.width == len(truth["columns"])
    assert all(not c.warnings for c in chunks)
