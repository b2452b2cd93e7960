"""Synthetic patients and byte mutations shared by the structured-format reader tests.

Every value is made up: the NIRs are valid by construction (key = 97 - body mod 97) but
belong to nobody, the phones are in the 06/07 mobile ranges, the names are common ones.
"""

from __future__ import annotations

import polars as pl
from hypothesis import strategies as st

from sentinelle.errors import SentinelleError
from sentinelle.readers import read_source
from sentinelle.readers.base import ReadOptions, Source, Table

HEADER = ["nir", "nom", "prenom", "tel", "ddn", "note"]
PATIENTS: list[tuple[str, str, str, str, str, str]] = [
    ("185037510002397", "DUPONT", "Jean", "0612345678", "1985-03-12", "RAS"),
    ("269054958815780", "MARTIN", "Anne", "0698765432", "1969-05-01", "VIH positif; suivi"),
    ("185037510002397", "O'BRIEN", "Zoé", "0711223344", "1985-03-30", "grossesse 12 SA"),
]
SECRET = "185037510002397"


def read_all(data: bytes, path: str, options: ReadOptions | None = None) -> list[Table]:
    """Every chunk of ``data`` read through the format sniffing entry point."""
    chunks = list(read_source(Source.from_bytes(path, data), options or ReadOptions()))
    assert all(isinstance(c, Table) for c in chunks)
    return chunks  # type: ignore[return-value]


def by_part(tables: list[Table]) -> dict[str | None, list[tuple[str | None, ...]]]:
    """Rows of every part, chunks concatenated in order."""
    out: dict[str | None, list[tuple[str | None, ...]]] = {}
    for table in tables:
        assert all(dtype == pl.String for dtype in table.frame.dtypes)
        out.setdefault(table.part, []).extend(table.frame.rows())
    return out


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with 1-4 byte-level edits: flip, overwrite, insert, delete, truncate."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not out:
            break
        op = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate"]))
        at = draw(st.integers(0, len(out) - 1))
        if op == "flip":
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "set":
            out[at] = draw(st.integers(0, 255))
        elif op == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del out[at : at + draw(st.integers(1, 64))]
        else:
            del out[at:]
    return bytes(out)


def consume_only_project_errors(data: bytes, path: str, options: ReadOptions) -> None:
    """Read everything; only the project's own errors may escape, naming the path only."""
    try:
        for item in read_source(Source.from_bytes(path, data), options):
            # a mutated zip may be claimed by the archive reader, which yields members
            assert isinstance(item, Source) or getattr(item, "first_line", 1) >= 1
    except SentinelleError as exc:
        message = str(exc)
        assert message.startswith(path + ": ")
        assert SECRET not in message
