"""``protect()``: read, minimise, transform, measure risk, write, manifest.

Two passes over the input (read through :func:`sentinelle.readers.read_source`, which
chunks big delimited files, so memory stays bounded by a chunk plus the distinct
quasi-identifier combinations):

1. classify each table's columns (:func:`sentinelle.detect.columns.classify_table`, first
   chunk), decide each column's action (:mod:`.policy`), and accumulate the
   quasi-identifier / sensitive-value combinations before and after the policy
   (:mod:`.parts`, :mod:`.risk`); with ``min_k``, decide the extra generalisation and the
   classes to suppress;
2. transform every chunk (minimise, pseudonymise, generalise, mask, redact:
   :mod:`.transform`; then suppress, add canaries) and stream it to the writer
   (:mod:`.writer`).

A source that fits in what the reader may hold in one chunk (``ReadOptions.chunk_rows``
and ``chunk_bytes``; the usual case) is read once and transformed once per table: its
chunks are kept, then joined and transformed at the end of pass 1, the risk measure
running while the free text is redacted and taking the generalised and masked
quasi-identifiers from the output columns; pass 2 only applies ``min_k`` and canaries.
Bigger sources are read twice, one chunk at a time. Once a table is classified, readers
that can skip columns (:attr:`Table.skip_columns`) are told not to parse the columns that
are dropped and serve neither the risk measure nor the date filter.

Then the manifest is written next to the output (:mod:`.manifest`).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from sentinelle import __version__
from sentinelle.detect.columns import classify_table
from sentinelle.entities import Entity
from sentinelle.errors import ConfigError, InputError
from sentinelle.protect.canaries import CanaryPlan
from sentinelle.protect.fingerprints import Bloom
from sentinelle.protect.keys import MasterKey
from sentinelle.protect.manifest import SCHEMA, manifest_path, write_manifest
from sentinelle.protect.parts import Part
from sentinelle.protect.policy import Policy, decide
from sentinelle.protect.redact import Redactor
from sentinelle.protect.transform import ColumnActions, Columns
from sentinelle.protect.writer import (
    MULTI_TABLE,
    Layout,
    age_recipient,
    output_format,
    write_output,
)
from sentinelle.readers import read_source
from sentinelle.readers.base import ReadOptions, Source, Table


@dataclass(frozen=True, slots=True)
class ProtectOptions:
    """Everything that changes what ``protect`` does. Immutable.

    ``since``/``until`` keep the rows whose ``date_column`` (default: the first date column
    that is not a birth date) falls in the range, bounds included; rows whose date is
    missing or unreadable are left out when a bound is given. ``max_suppress`` is the
    largest share of records ``min_k`` may suppress. ``expires`` goes into the manifest
    (``sentinelle purge`` deletes the export after it).
    """

    policy: Policy = field(default_factory=Policy)
    recipient: str = "default"
    keep: tuple[str, ...] | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    date_column: str | None = None
    min_k: int | None = None
    max_suppress: float = 0.05
    encrypt_to: str | None = None
    expires: dt.datetime | None = None
    canaries: int = 0
    out_format: str | None = None  # None / "same": the input's format when writable
    as_of: dt.date | None = None  # reference date of age bands (default: today)
    read: ReadOptions = field(default_factory=ReadOptions)


@dataclass(slots=True)
class ProtectResult:
    output: Path
    manifest: Path
    data: dict[str, Any]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


class Protector:
    """One protection run (holds the derived keys; never prints or logs them)."""

    def __init__(self, key: MasterKey, options: ProtectOptions) -> None:
        self.opts = options
        self.key_id = key.key_id
        self.rkey = key.recipient_key(options.recipient)
        self.tkey = key.trace_key()
        self.as_of = options.as_of or dt.date.today()
        self.actions = ColumnActions(self.rkey, self.as_of, Redactor())
        self.parts: dict[str | None, Part] = {}
        self.rows_out = 0
        self.suppressed = 0
        self.export_id = secrets.token_hex(8)
        self.canary: CanaryPlan | None = None
        self.input_format = ""
        self._staged: list[tuple[str | None, pl.DataFrame]] | None = None  # read once
        self._dialect: tuple[dict[str, str], str | None, bool] | None = None

    # -- pass 1 -------------------------------------------------------------------------

    def _part(self, table: Table) -> Part:
        part = self.parts.get(table.part)
        if part is None:
            plans = classify_table(table.frame, table.header)
            decisions = decide(self.opts.policy, table.frame.columns, plans,
                               keep=list(self.opts.keep) if self.opts.keep else None)
            part = Part.of(table.part, decisions, self.opts.date_column)
            self.parts[table.part] = part
        return part

    def _select(self, table: Table) -> pl.DataFrame:
        """The table's rows selected by ``--since/--until``, with its part's columns."""
        return self.parts[table.part].select(table.frame, self.opts.since, self.opts.until)

    def _measure(self, table: Table) -> None:
        self._part(table).measure(table.frame.height, self._select(table), self.as_of)

    def _tables(self, source: Source) -> Iterator[Table]:
        for item in read_source(source, self.opts.read):
            if not isinstance(item, Table):
                raise InputError(source.path, "not a table (protect reads tabular files: csv, "
                                 "tsv, xlsx, json, ndjson, parquet, sqlite, sql dumps...)")
            self.input_format = self.input_format or item.format
            yield item

    def _skip_unused(self, table: Table) -> None:
        """Tell the reader not to parse the columns nothing here reads (later chunks)."""
        if table.skip_columns is not None:
            table.skip_columns(self.parts[table.part].unused_columns())

    def first_pass(self, source: Source) -> None:
        cached: list[Table] | None = []
        rows = size = 0
        limits = self.opts.read
        for table in self._tables(source):
            if self._dialect is None:
                self._dialect = (dict(table.extra), table.encoding, table.header is not None)
            self._part(table)
            self._skip_unused(table)
            if cached is None:
                self._measure(table)
                continue
            cached.append(table)
            rows += table.frame.height
            size += int(table.frame.estimated_size())
            if len(cached) > 1 and (rows > limits.chunk_rows or size > limits.chunk_bytes):
                for held in cached:  # too big to hold: measure now, read again in pass 2
                    self._measure(held)
                cached = None
        if cached:
            self._stage(cached)
        for part in self.parts.values():
            part.plan(self.opts.min_k, self.opts.max_suppress, self.as_of)

    def _stage(self, tables: list[Table]) -> None:
        """A source held whole: transform each table now, measuring the risk meanwhile."""
        frames: dict[str | None, list[pl.DataFrame]] = {}
        read: dict[str | None, int] = {}
        for table in tables:
            frames.setdefault(table.part, []).append(self._select(table))
            read[table.part] = read.get(table.part, 0) + table.frame.height
        self._staged = []
        for name, chunks in frames.items():
            part = self.parts[name]
            frame = chunks[0] if len(chunks) == 1 else pl.concat(chunks, how="vertical")

            def measure(done: Columns, part: Part = part, frame: pl.DataFrame = frame,
                        rows: int = read[name]) -> None:
                part.measure(rows, frame, self.as_of, done)

            out = self.actions.transform(part.decisions, frame, during=measure)
            self._staged.append((name, pl.DataFrame(list(out.values())) if out
                                 else pl.DataFrame()))

    # -- pass 2 -------------------------------------------------------------------------

    def _transform(self, table: Table) -> pl.DataFrame:
        part = self.parts[table.part]
        self._skip_unused(table)
        out = self.actions.transform(part.decisions, self._select(table))
        return self._finish(part, pl.DataFrame(list(out.values())) if out else pl.DataFrame())

    def _finish(self, part: Part, result: pl.DataFrame) -> pl.DataFrame:
        """``min_k`` (generalise further, suppress) and canaries on transformed rows."""
        if part.kplan is not None and result.width:
            result, removed = part.kplan.apply(result, as_of=self.as_of)
            self.suppressed += removed
        if self.canary and self.canary.count and result.height and not self.canary.fingerprints:
            result = self.canary.insert(result, self.rkey, self.tkey)
        self.rows_out += result.height
        return result

    def second_pass(self, source: Source) -> Iterator[tuple[str | None, pl.DataFrame]]:
        if self._staged is not None:
            staged, self._staged = self._staged, None
            while staged:  # the writer holds the only reference to a written table
                name, frame = staged.pop(0)
                yield name, self._finish(self.parts[name], frame)
            return
        for table in self._tables(source):
            yield table.part, self._transform(table)

    # -- the whole run ------------------------------------------------------------------

    def run(self, input_path: Path, output: Path) -> ProtectResult:
        source = Source.from_path(input_path)
        self.first_pass(source)
        if not self.parts:
            raise InputError(str(input_path), "no table found")
        fmt = output_format(self.input_format, self.opts.out_format)
        if len(self.parts) > 1 and fmt not in MULTI_TABLE:
            raise ConfigError(f"{input_path}: holds {len(self.parts)} tables; write xlsx or "
                              "sqlite (--format) to keep them apart")
        if self.opts.canaries:
            first = next(iter(self.parts.values()))
            kept = [d for d in first.decisions if d.rule.action != "drop"]
            self.canary = CanaryPlan(
                self.opts.canaries, self.export_id,
                {d.name: d.rule.to or "token" for d in kept if d.rule.action == "pseudonymise"},
                [d.name for d in kept if d.rule.action == "keep" and d.entity == Entity.PERSON_NAME],
            )
            if not self.canary.possible:
                raise ConfigError("--canaries needs a pseudonymised (or kept name) column to "
                                  "carry the canary values")
        layout = self._layout(fmt)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sentinelle-bloom") as pool:
            # a one-chunk source has all its pseudonyms already: fingerprint them (Python
            # HMACs) while polars writes the output
            early = (pool.submit(Bloom.of, self.tkey, self.actions.pseudonyms())
                     if self._staged is not None else None)
            written = write_output(output, self.second_pass(source), layout,
                                   encrypt_to=self.opts.encrypt_to)
            bloom = early.result() if early is not None else \
                Bloom.of(self.tkey, self.actions.pseudonyms())
        data = self._manifest(input_path, output, fmt, written.bytes_written, bloom)
        path = write_manifest(output, data)
        return ProtectResult(output, path, data)

    def _layout(self, fmt: str) -> Layout:
        if fmt not in ("csv", "tsv") or self.input_format not in ("csv", "tsv"):
            return Layout(fmt, delimiter="\t" if fmt == "tsv" else ",")
        extra, encoding, header = self._dialect or ({}, None, True)
        delim = {"tab": "\t"}.get(extra.get("delimiter", ""), extra.get("delimiter") or ",")
        return Layout(fmt, delimiter=delim, encoding=encoding or "utf-8",
                      crlf=extra.get("newline") == "crlf", header=header,
                      quote=extra.get("quote") or '"')

    def _manifest(self, input_path: Path, output: Path, fmt: str, nbytes: int,
                  bloom: Bloom) -> dict[str, Any]:
        first = next(iter(self.parts.values()))
        columns = [{"name": d.name, **d.rule.to_dict(), "entity": d.entity,
                    **({"quasi_identifier": d.role} if d.role else {}),
                    **({"sensitive": True} if d.sensitive else {})} for d in first.decisions]
        kept = [d.name for d in first.decisions if d.rule.action != "drop"]
        if first.kplan:
            kept = [c for c in kept if first.kplan.levels.get(c, "") is not None]
        opts = self.opts
        return {
            "schema": SCHEMA,
            "tool": {"name": "sentinelle", "version": __version__},
            "export_id": self.export_id,
            "recipient": opts.recipient,
            "key_id": self.key_id,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "expires": opts.expires.isoformat(timespec="seconds") if opts.expires else None,
            "input": {"name": input_path.name, "format": self.input_format,
                      "records": sum(p.read for p in self.parts.values()),
                      "selected": sum(p.records for p in self.parts.values())},
            "output": {"file": output.name, "format": fmt, "encrypted": bool(opts.encrypt_to),
                       "bytes": nbytes},
            "minimisation": {"keep": list(opts.keep) if opts.keep else None,
                             "since": opts.since.isoformat() if opts.since else None,
                             "until": opts.until.isoformat() if opts.until else None,
                             "date_column": first.date_col if (opts.since or opts.until) else None},
            "rows": self.rows_out,
            "suppressed": self.suppressed,
            "canaries": self.canary.count if self.canary else 0,
            "columns": columns,
            "columns_kept": kept,
            "policy": opts.policy.to_dict(),
            "risk": {p.name or "table": p.risk for p in self.parts.values()},
            "trace": {"pseudonyms": bloom.to_dict(),
                      "canaries": self.canary.fingerprints if self.canary else []},
        }


def protect(input_path: str | os.PathLike[str], output: str | os.PathLike[str], key: MasterKey,
            options: ProtectOptions | None = None) -> ProtectResult:
    """Protect one table file into ``output`` (+ ``output.manifest.json``)."""
    src, out = Path(input_path), Path(output)
    if not src.is_file():
        raise InputError(str(src), "no such file")
    if _same_file(src, out) or src.resolve() == out.resolve() or \
            src.resolve() == manifest_path(out).resolve():
        raise ConfigError(f"{out}: refusing to overwrite the input")
    options = options or ProtectOptions()
    if options.min_k is not None and options.min_k < 1:
        raise ConfigError("--min-k must be at least 1")
    if not 0.0 <= options.max_suppress <= 1.0:
        raise ConfigError("--max-suppress must be between 0 and 1")
    if options.canaries < 0:
        raise ConfigError("--canaries must not be negative")
    if options.encrypt_to:
        age_recipient(options.encrypt_to)  # fail before reading anything
    return Protector(key, options).run(src, out)


__all__ = ["ProtectOptions", "ProtectResult", "Protector", "protect"]
