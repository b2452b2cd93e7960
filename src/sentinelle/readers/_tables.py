"""Building :class:`~sentinelle.readers.base.Table` chunks from rows, for structured readers.

The spreadsheet, JSON, XML, database and dump readers all produce rows one at a time (a
record, a sheet row, an ``INSERT`` tuple) for one or several named tables ("parts"). A
:class:`PartRows` collects the rows of one part and hands them out as all-``pl.String``
chunks of at most ``chunk_rows`` rows. Its columns only ever grow at the end, in order of
first appearance, so every chunk of a part has the columns of the previous chunks at the
same positions (the scan driver classifies a part's columns once, on its first chunk).

Columns have a *key* (unique, used to place a cell) and a *label* (the header as written,
which may repeat: a JSON record with two ``identifier.value`` has two columns labelled so).
Frame column names are the labels made unique and non-empty, like the delimited reader
does (``name``, ``name_2``; ``column_K`` for an empty label).

Also here: :func:`cell_text` (typed values from a workbook or database as text, integral
floats without ``.0`` so a NIR stored as a number keeps its digits), :func:`ins_label`
(INS OIDs, ANS "Référentiel INS", also in ``sentinelle.identifiers``' reference facts) and
:func:`is_foreign_failure`, to turn any failure of a third-party parser (including the
``PanicException`` that Rust extensions raise as a ``BaseException``) into an
:class:`~sentinelle.errors.InputError` naming only the failure's type.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Iterable, Sequence

import polars as pl

from sentinelle.errors import SentinelleError
from sentinelle.readers.base import Table

#: INS OIDs (ANS, "Référentiel Identifiant National de Santé"): the matricule is a NIR
#: (``.8``), a NIA (``.9``), or a test (``.10``) / demonstration (``.11``) identity.
INS_OIDS: dict[str, str] = {
    "1.2.250.1.213.1.4.8": "INS-NIR",
    "1.2.250.1.213.1.4.9": "INS-NIA",
    "1.2.250.1.213.1.4.10": "INS-NIR-TEST",
    "1.2.250.1.213.1.4.11": "INS-NIR-DEMO",
}
#: FHIR ContactPoint.system codes (https://hl7.org/fhir/valueset-contact-point-system.html).
CONTACT_SYSTEMS = frozenset({"phone", "fax", "email", "pager", "url", "sms", "other"})


def ins_label(system: str) -> str | None:
    """``INS-NIR`` ... for an INS OID (bare or ``urn:oid:``), else ``None``."""
    oid = system.strip()
    if oid.lower().startswith("urn:oid:"):
        oid = oid[8:]
    return INS_OIDS.get(oid)


def system_label(system: object) -> str | None:
    """The label that qualifies the ``value`` next to an identifier or contact ``system``."""
    if not isinstance(system, str):
        return None
    return ins_label(system) or (system if system.strip() in CONTACT_SYSTEMS else None)


def column_names(labels: Sequence[str], count: int) -> list[str]:
    """Frame column names: labels made unique and non-empty (``column_K`` when empty)."""
    names: list[str] = []
    seen: set[str] = set()
    for i in range(count):
        label = labels[i].strip() if i < len(labels) else ""
        name = label or f"column_{i + 1}"
        base, n = name, 1
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        names.append(name)
    return names


def _float_text(value: float) -> str:
    if math.isfinite(value) and value == int(value) and abs(value) < 2**63:
        return str(int(value))
    return repr(value)


def cell_text(value: object) -> str | None:
    """A typed cell as text; ``None`` for a missing or empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.hex()
    return str(value)


def is_foreign_failure(exc: BaseException) -> bool:
    """A third-party parser failure to report as unreadable input (not a user interrupt)."""
    return not isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | SentinelleError)


class PartRows:
    """Rows of one part (table), handed out as :class:`Table` chunks with stable columns."""

    def __init__(
        self,
        *,
        part: str | None,
        fmt: str,
        chunk_rows: int,
        encoding: str | None = None,
        has_header: bool = True,
    ) -> None:
        self.part = part
        self.fmt = fmt
        self.chunk_rows = max(1, chunk_rows)
        self.encoding = encoding
        self.has_header = has_header
        self.labels: list[str] = []
        self._index: dict[str, int] = {}
        self._rows: list[list[str | None]] = []
        self._first_line = 1
        self.row_offset = 0
        self.warnings: list[str] = []
        self.emitted = False
        self._keys: tuple[str, ...] | None = None
        self._positions: list[int] = []
        self._in_order = False

    @property
    def pending(self) -> int:
        return len(self._rows)

    @property
    def full(self) -> bool:
        return len(self._rows) >= self.chunk_rows

    def column(self, key: str, label: str | None = None) -> int:
        """The position of column ``key``, added at the end when new."""
        pos = self._index.get(key)
        if pos is None:
            pos = self._index[key] = len(self.labels)
            self.labels.append(key if label is None else label)
        return pos

    def header(self, labels: Iterable[str]) -> None:
        """Label the positional columns (those :meth:`add` fills) in order."""
        for i, label in enumerate(labels):
            pos = self.column(f"\x00{i}", label)
            self.labels[pos] = label

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def _start(self, line: int) -> None:
        if not self._rows:
            self._first_line = line

    def add(self, values: list[str | None], line: int) -> None:
        """A positional row; columns beyond the known ones are added unlabelled."""
        self._start(line)
        for i in range(len(self.labels), len(values)):
            self.column(f"\x00{i}", "")
        self._rows.append(values)

    def add_record(self, record: dict[str, str | None], labels: dict[str, str], line: int) -> None:
        """A row given as ``{key: value}``; ``labels`` names new keys (default: the key)."""
        self._start(line)
        row: list[str | None] = [None] * len(self.labels)
        for key, value in record.items():
            pos = self._index.get(key)
            if pos is None:
                pos = self.column(key, labels.get(key, key))
            if pos >= len(row):
                row.extend([None] * (pos + 1 - len(row)))
            row[pos] = value
        self._rows.append(row)

    def add_keyed(
        self, keys: tuple[str, ...], labels: tuple[str, ...], values: list[str | None], line: int
    ) -> None:
        """A row whose cells belong to columns ``keys`` (labelled ``labels`` when new);
        fast when the same ``keys`` object comes again in the part's column order."""
        self._start(line)
        if keys is not self._keys:
            self._positions = [self.column(k, lb) for k, lb in zip(keys, labels, strict=True)]
            self._in_order = self._positions == list(range(len(self._positions)))
            self._keys = keys
        if self._in_order and len(values) == len(keys):
            self._rows.append(values)
            return
        row: list[str | None] = [None] * len(self.labels)
        for pos, value in zip(self._positions, values, strict=False):
            row[pos] = value
        self._rows.append(row)

    def flush(self, *, empty: bool = False) -> Table | None:
        """The pending rows as a chunk (``None`` when there are none, unless ``empty``
        asks for a header-only chunk of a part that produced nothing yet)."""
        if not self._rows and not (empty and not self.emitted and self.labels):
            return None
        width = len(self.labels)
        if width == 0:
            self._rows = []
            return None
        names = column_names(self.labels, width)
        rows = [r if len(r) == width else r + [None] * (width - len(r)) for r in self._rows]
        frame = pl.DataFrame(rows, schema=[(n, pl.String) for n in names], orient="row")
        table = Table(
            frame=frame,
            header=list(self.labels) if self.has_header else None,
            format=self.fmt,
            encoding=self.encoding,
            first_line=self._first_line,
            row_offset=self.row_offset,
            warnings=list(self.warnings),
            part=self.part,
        )
        self.row_offset += len(rows)
        self._rows = []
        self.emitted = True
        return table


__all__ = [
    "CONTACT_SYSTEMS",
    "INS_OIDS",
    "PartRows",
    "cell_text",
    "column_names",
    "ins_label",
    "is_foreign_failure",
    "system_label",
]
