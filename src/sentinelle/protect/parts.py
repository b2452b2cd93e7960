"""One table of a protected input: its column decisions, the rows selected and its risk.

A :class:`Part` is a sheet, a database table or the whole file. It accumulates, chunk by
chunk, the quasi-identifier / sensitive-value combinations before and after the policy
(:mod:`.risk`), then computes the risk figures and, with ``--min-k``, the plan of extra
generalisation and suppression (:meth:`Part.plan`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from sentinelle.detect.headers import OTHER_DATE
from sentinelle.entities import Entity
from sentinelle.errors import ConfigError
from sentinelle.identifiers import dates
from sentinelle.protect.actions import generalise, mask, normalise_expr
from sentinelle.protect.health import categories_series
from sentinelle.protect.policy import ColumnDecision
from sentinelle.protect.risk import LADDERS, KPlan, RiskAccumulator, figures, reach_k
from sentinelle.protect.transform import Columns


def date_column(decisions: list[ColumnDecision], wanted: str | None) -> str | None:
    """The ``--since/--until`` column: ``wanted`` (by name, case-insensitive), else the
    first date column that is not a birth date."""
    if wanted:
        for d in decisions:
            if d.name.casefold() == wanted.casefold():
                return d.name
        raise ConfigError(f"--date-column: no column named {wanted!r}")
    for d in decisions:
        if d.entity == OTHER_DATE:
            return d.name
    return None


def _qi_after_value(d: ColumnDecision, series: pl.Series, as_of: dt.date,
                    output: Columns | None = None) -> pl.Series:
    """The value a quasi-identifier has in the output, or one partitioning rows the same way.
    ``output``: the output columns when already computed (generalised and masked ones are
    taken from there)."""
    rule = d.rule
    if output is not None and rule.action in ("generalise", "mask") and d.name in output:
        return output[d.name]
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


@dataclass(slots=True)
class Part:
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

    @classmethod
    def of(cls, name: str | None, decisions: list[ColumnDecision],
           wanted_date_column: str | None = None) -> Part:
        qis = [d for d in decisions if d.role]
        sens = [d for d in decisions if d.sensitive]
        after_q = [d.name for d in qis if d.rule.action != "drop"]
        after_s = [d.name for d in sens if d.rule.action in ("keep", "generalise", "mask")]
        return cls(name, decisions, date_column(decisions, wanted_date_column),
                   RiskAccumulator([d.name for d in qis] + [d.name for d in sens]),
                   RiskAccumulator(after_q + after_s))

    def qis(self) -> list[ColumnDecision]:
        return [d for d in self.decisions if d.role]

    def after_qis(self) -> list[ColumnDecision]:
        return [d for d in self.qis() if d.rule.action != "drop"]

    def unused_columns(self) -> frozenset[int]:
        """Indices of the columns nothing reads: dropped, and neither a quasi-identifier,
        a sensitive column nor the date column of ``--since/--until``."""
        return frozenset(d.index for d in self.decisions
                         if d.rule.action == "drop" and not d.role and not d.sensitive
                         and d.name != self.date_col)

    def conform(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The chunk with the part's columns: a column missing from a later chunk (ragged
        JSON) is empty; a column that only appears in a later chunk was never classified
        and is left out (the safe side)."""
        names = [d.name for d in self.decisions]
        if frame.columns == names:
            return frame
        return frame.select([pl.col(n) if n in frame.columns
                             else pl.lit(None, pl.String).alias(n) for n in names])

    def select(self, frame: pl.DataFrame, since: dt.date | None,
               until: dt.date | None) -> pl.DataFrame:
        """The conformed chunk, with only the rows whose date is within ``since``/``until``
        (bounds included; a missing or unreadable date is left out when a bound is given)."""
        frame = self.conform(frame)
        if not (since or until):
            return frame
        if self.date_col is None:
            raise ConfigError("--since/--until: no date column found; name one with --date-column")
        when = dates.parse_series(frame[self.date_col].cast(pl.String))
        keep = when.is_not_null()
        if since:
            keep = keep & (when >= since)
        if until:
            keep = keep & (when <= until)
        return frame.filter(keep.fill_null(False))

    def measure(self, read: int, frame: pl.DataFrame, as_of: dt.date,
                output: Columns | None = None) -> None:
        """Accumulate the risk combinations of ``frame`` (the rows selected of ``read``);
        ``output``: its output columns when already computed."""
        self.read += read
        self.records += frame.height
        cols = {d.name: frame[d.name] for d in self.decisions if d.role or d.sensitive}
        before = {n: (_sensitive_value(d, cols[n]) if d.sensitive else cols[n])
                  for d in self.decisions if (n := d.name) in cols}
        self.before.add(pl.DataFrame([s.alias(n) for n, s in before.items()]) if before
                        else pl.DataFrame({"_": [None] * frame.height}))
        after: dict[str, pl.Series] = {}
        for d in self.decisions:
            if d.name not in self.after.columns:
                continue
            if d.role:
                after[d.name] = _qi_after_value(d, cols[d.name], as_of, output)
            else:
                after[d.name] = before[d.name]
        self.after.add(pl.DataFrame([s.alias(n) for n, s in after.items()]) if after
                       else pl.DataFrame({"_": [None] * frame.height}))

    def plan(self, min_k: int | None, max_suppress: float, as_of: dt.date) -> None:
        """Risk figures before and after; with ``min_k``, the plan that reaches it."""
        qis_before = [d.name for d in self.qis()]
        sens_before = [d.name for d in self.decisions if d.sensitive]
        before = figures(self.before.table(), qis_before, sens_before)
        after_q = [d.name for d in self.after_qis()]
        after_s = [c for c in self.after.columns if c not in after_q]
        table = self.after.table()
        if min_k:
            roles = {d.name: d.role for d in self.after_qis() if d.role}
            # columns the policy already generalised start at their level (the ladder
            # must not replay "year" on age bands or "region" on region codes)
            start = {d.name: LADDERS[d.role].index(d.rule.to) + 1 for d in self.after_qis()
                     if d.role and d.rule.action == "generalise" and d.rule.to in LADDERS[d.role]}
            try:
                self.kplan = reach_k(table, roles, min_k, max_suppress=max_suppress,
                                     as_of=as_of, start=start)
            except ConfigError as exc:
                where = f"table {self.name}: " if self.name else ""
                raise ConfigError(f"--min-k {min_k}: {where}{exc}") from None
            table, _ = self.kplan.apply(table, as_of=as_of)
            after_q = list(self.kplan.qis)
        after = figures(table, after_q, after_s)
        self.risk = {"before": before.to_dict(), "after": after.to_dict()}
        if self.kplan:
            self.risk["min_k"] = {"k": self.kplan.k, "generalised": self.kplan.levels,
                                  "suppressed": self.kplan.suppressed,
                                  "max_suppress": max_suppress}


__all__ = ["Part", "date_column"]
