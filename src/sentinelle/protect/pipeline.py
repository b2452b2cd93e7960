"""``protect()``: read, minimise, transform, measure risk, write, manifest.

Two passes over the input (read through :func:`sentinelle.readers.read_source`, which
chunks big delimited files, so memory stays bounded by a chunk plus the distinct
quasi-identifier combinations):

1. classify each table's columns (:func:`sentinelle.detect.columns.classify_table`, first
   chunk), decide each column's action (:mod:`.policy`), and accumulate the
   quasi-identifier / sensitive-value combinations before and after the policy
   (:mod:`.risk`); with ``min_k``, decide the extra generalisation and the classes to
   suppress;
2. transform every chunk (minimise, pseudonymise, generalise, mask, redact, suppress, add
   canaries) and stream it to the writer (:mod:`.writer`). A source read in one chunk is
   not read twice.

Then the manifest is written next to the output (:mod:`.manifest`).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from sentinelle import __version__
from sentinelle.detect.columns import classify_table
from sentinelle.detect.headers import OTHER_DATE
from sentinelle.entities import Entity
from sentinelle.errors import ConfigError, InputError
from sentinelle.identifiers import dates
from sentinelle.protect.actions import generalise, mask, normalise_expr, pseudonymise
from sentinelle.protect.canaries import CanaryPlan
from sentinelle.protect.fingerprints import Bloom
from sentinelle.protect.health import categories_series
from sentinelle.protect.keys import MasterKey
from sentinelle.protect.manifest import SCHEMA, manifest_path, write_manifest
from sentinelle.protect.policy import ColumnDecision, Policy, decide
from sentinelle.protect.redact import Redactor
from sentinelle.protect.risk import LADDERS, KPlan, RiskAccumulator, figures, reach_k
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
class _Part:
    """One table of the input (a sheet, a database table, or the whole file)."""

    name: str | None
    decisions: list[ColumnDecision]
    date_col: str | None
    before: RiskAccumulator
    after: RiskAccumulator
    records: int = 0  # rows selected (after --since/--until)
    read: int = 0  # rows read
    kplan: KPlan | None = None
    risk: dict[str, Any] = field(default_factory=dict)

    def qis(self) -> list[ColumnDecision]:
        return [d for d in self.decisions if d.role]

    def after_qis(self) -> list[ColumnDecision]:
        return [d for d in self.qis() if d.rule.action != "drop"]


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


def _date_column(decisions: list[ColumnDecision], wanted: str | None) -> str | None:
    if wanted:
        for d in decisions:
            if d.name.casefold() == wanted.casefold():
                return d.name
        raise ConfigError(f"--date-column: no column named {wanted!r}")
    for d in decisions:
        if d.entity == OTHER_DATE:
            return d.name
    return None


def _conform(frame: pl.DataFrame, part: _Part) -> pl.DataFrame:
    """The chunk with the part's columns: a column missing from a later chunk (ragged JSON)
    is empty; a column that only appears in a later chunk was never classified and is
    left out (the safe side)."""
    names = [d.name for d in part.decisions]
    if frame.columns == names:
        return frame
    return frame.select([pl.col(n) if n in frame.columns else pl.lit(None, pl.String).alias(n)
                         for n in names])


def _date_filter(frame: pl.DataFrame, part: _Part, opts: ProtectOptions) -> pl.DataFrame:
    frame = _conform(frame, part)
    if not (opts.since or opts.until):
        return frame
    if part.date_col is None:
        raise ConfigError("--since/--until: no date column found; name one with --date-column")
    when = dates.parse_series(frame[part.date_col].cast(pl.String))
    keep = when.is_not_null()
    if opts.since:
        keep = keep & (when >= opts.since)
    if opts.until:
        keep = keep & (when <= opts.until)
    return frame.filter(keep.fill_null(False))


def _qi_after_value(d: ColumnDecision, series: pl.Series, as_of: dt.date) -> pl.Series:
    """The value a quasi-identifier has in the output, or one partitioning rows the same way."""
    rule = d.rule
    if rule.action == "generalise":
        return generalise(series, rule.to or "year", as_of=as_of)
    if rule.action == "mask":
        return mask(series, rule.to or "chars")
    if rule.action == "pseudonymise":
        return pl.select(normalise_expr(pl.lit(series), nir=d.nir)).to_series().alias(series.name)
    return series


def _sensitive_value(d: ColumnDecision, series: pl.Series) -> pl.Series:
    if d.entity in ("FREE_TEXT", Entity.HEALTH) or d.rule.action == "redact":
        return categories_series(series)
    return series


class Protector:
    """One protection run (holds the derived keys; never prints or logs them)."""

    def __init__(self, key: MasterKey, options: ProtectOptions) -> None:
        self.opts = options
        self.key_id = key.key_id
        self.rkey = key.recipient_key(options.recipient)
        self.tkey = key.trace_key()
        self.as_of = options.as_of or dt.date.today()
        self.redactor = Redactor()
        self.parts: dict[str | None, _Part] = {}
        self.pseudonyms: set[str] = set()
        self.rows_out = 0
        self.suppressed = 0
        self.export_id = secrets.token_hex(8)
        self.canary: CanaryPlan | None = None
        self.input_format = ""
        self._cached: list[Table] | None = None
        self._dialect: tuple[dict[str, str], str | None, bool] | None = None

    # -- pass 1 -------------------------------------------------------------------------

    def _part(self, table: Table) -> _Part:
        part = self.parts.get(table.part)
        if part is None:
            plans = classify_table(table.frame, table.header)
            decisions = decide(self.opts.policy, table.frame.columns, plans,
                               keep=list(self.opts.keep) if self.opts.keep else None)
            qis = [d for d in decisions if d.role]
            sens = [d for d in decisions if d.sensitive]
            after_q = [d.name for d in qis if d.rule.action != "drop"]
            after_s = [d.name for d in sens if d.rule.action in ("keep", "generalise", "mask")]
            part = _Part(table.part, decisions, _date_column(decisions, self.opts.date_column),
                         RiskAccumulator([d.name for d in qis] + [d.name for d in sens]),
                         RiskAccumulator(after_q + after_s))
            self.parts[table.part] = part
        return part

    def _measure(self, table: Table) -> None:
        part = self._part(table)
        frame = _date_filter(table.frame, part, self.opts)
        part.read += table.frame.height
        part.records += frame.height
        cols = {d.name: frame[d.name] for d in part.decisions if d.role or d.sensitive}
        before = {n: (_sensitive_value(d, cols[n]) if d.sensitive else cols[n])
                  for d in part.decisions if (n := d.name) in cols}
        part.before.add(pl.DataFrame([s.alias(n) for n, s in before.items()]) if before
                        else pl.DataFrame({"_": [None] * frame.height}))
        after: dict[str, pl.Series] = {}
        for d in part.decisions:
            if d.name not in part.after.columns:
                continue
            if d.role:
                after[d.name] = _qi_after_value(d, cols[d.name], self.as_of)
            else:
                after[d.name] = before[d.name]
        part.after.add(pl.DataFrame([s.alias(n) for n, s in after.items()]) if after
                       else pl.DataFrame({"_": [None] * frame.height}))

    def _tables(self, source: Source) -> Iterator[Table]:
        for item in read_source(source, self.opts.read):
            if not isinstance(item, Table):
                raise InputError(source.path, "not a table (protect reads tabular files: csv, "
                                 "tsv, xlsx, json, ndjson, parquet, sqlite, sql dumps...)")
            self.input_format = self.input_format or item.format
            yield item

    def first_pass(self, source: Source) -> None:
        cached: list[Table] = []
        for table in self._tables(source):
            if self._dialect is None:
                self._dialect = (dict(table.extra), table.encoding, table.header is not None)
            self._measure(table)
            if cached is not None:
                cached.append(table)
                if len(cached) > 1:
                    cached = None  # type: ignore[assignment]
        self._cached = cached
        for part in self.parts.values():
            self._plan_risk(part)

    def _plan_risk(self, part: _Part) -> None:
        qis_before = [d.name for d in part.qis()]
        sens_before = [d.name for d in part.decisions if d.sensitive]
        before = figures(part.before.table(), qis_before, sens_before)
        after_q = [d.name for d in part.after_qis()]
        after_s = [c for c in part.after.columns if c not in after_q]
        table = part.after.table()
        if self.opts.min_k:
            roles = {d.name: d.role for d in part.after_qis()}
            # columns the policy already generalised start at their level (the ladder
            # must not replay "year" on age bands or "region" on region codes)
            start = {d.name: LADDERS[d.role].index(d.rule.to) + 1 for d in part.after_qis()
                     if d.rule.action == "generalise" and d.rule.to in LADDERS[d.role]}
            try:
                part.kplan = reach_k(table, roles, self.opts.min_k,  # type: ignore[arg-type]
                                     max_suppress=self.opts.max_suppress, as_of=self.as_of,
                                     start=start)
            except ConfigError as exc:
                where = f"table {part.name}: " if part.name else ""
                raise ConfigError(f"--min-k {self.opts.min_k}: {where}{exc}") from None
            table, _ = part.kplan.apply(table, as_of=self.as_of)
            after_q = list(part.kplan.qis)
        after = figures(table, after_q, after_s)
        part.risk = {"before": before.to_dict(), "after": after.to_dict()}
        if part.kplan:
            part.risk["min_k"] = {"k": part.kplan.k, "generalised": part.kplan.levels,
                                  "suppressed": part.kplan.suppressed,
                                  "max_suppress": self.opts.max_suppress}

    # -- pass 2 -------------------------------------------------------------------------

    def _transform(self, table: Table) -> pl.DataFrame:
        part = self.parts[table.part]
        frame = _date_filter(table.frame, part, self.opts)
        out: list[pl.Series] = []
        for d in part.decisions:
            series = frame[d.name]
            rule = d.rule
            if rule.action == "drop":
                continue
            if rule.action == "pseudonymise":
                series = pseudonymise(series, self.rkey, shape=rule.to or "token", nir=d.nir)
                self.pseudonyms.update(series.drop_nulls().unique().to_list())
            elif rule.action == "generalise":
                series = generalise(series, rule.to or "year", as_of=self.as_of)
            elif rule.action == "mask":
                series = mask(series, rule.to or "chars")
            elif rule.action == "redact":
                series = self.redactor.redact_series(series).text
            out.append(series.alias(d.name))
        result = pl.DataFrame(out) if out else pl.DataFrame()
        if part.kplan is not None and result.width:
            result, removed = part.kplan.apply(result, as_of=self.as_of)
            self.suppressed += removed
        if self.canary and self.canary.count and result.height and not self.canary.fingerprints:
            result = self.canary.insert(result, self.rkey, self.tkey)
        self.rows_out += result.height
        return result

    def second_pass(self, source: Source) -> Iterator[tuple[str | None, pl.DataFrame]]:
        tables = self._cached if self._cached is not None else self._tables(source)
        for table in tables:
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
        written = write_output(output, self.second_pass(source), layout,
                               encrypt_to=self.opts.encrypt_to)
        data = self._manifest(input_path, output, fmt, written.bytes_written)
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

    def _manifest(self, input_path: Path, output: Path, fmt: str, nbytes: int) -> dict[str, Any]:
        bloom = Bloom.of(self.tkey, self.pseudonyms)
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
