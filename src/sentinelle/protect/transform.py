"""Apply the column decisions to a frame: pseudonymise, generalise, mask, redact.

:class:`ColumnActions` transforms the columns of one chunk. Free-text redaction (the
detector, then Python on each distinct candidate text) runs in a worker thread while the
calling thread does the other columns: the HMAC loop of the pseudonyms and the polars
work (generalisation, masks, and whatever the caller passes as ``during``, e.g. the risk
measure) release the interpreter lock for long stretches, so the two overlap on a
multi-core machine. The result does not depend on the threading: every column is a pure
function of its input column.

The distinct pseudonyms written are collected (as polars Series) for the manifest's
Bloom filter (:meth:`ColumnActions.pseudonyms`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from sentinelle.protect.actions import generalise, mask, pseudonymise
from sentinelle.protect.policy import ColumnDecision
from sentinelle.protect.redact import Redactor

Columns = dict[str, pl.Series]


class ColumnActions:
    """The per-column actions of one protection run (holds the recipient key; never
    prints or logs it)."""

    def __init__(self, rkey: bytes, as_of: dt.date, redactor: Redactor | None = None) -> None:
        self._rkey = rkey
        self.as_of = as_of
        self.redactor = redactor or Redactor()
        self._pseudonyms: list[pl.Series] = []

    def apply(self, d: ColumnDecision, series: pl.Series) -> pl.Series:
        """The output column of ``d`` (``series`` unchanged for ``keep``). Not for
        ``drop``."""
        rule = d.rule
        if rule.action == "pseudonymise":
            out = pseudonymise(series, self._rkey, shape=rule.to or "token", nir=d.nir)
            self._pseudonyms.append(out.drop_nulls().unique())
        elif rule.action == "generalise":
            out = generalise(series, rule.to or "year", as_of=self.as_of)
        elif rule.action == "mask":
            out = mask(series, rule.to or "chars")
        elif rule.action == "redact":
            out = self.redactor.redact_series(series).text
        else:
            out = series
        return out.alias(d.name)

    def transform(self, decisions: list[ColumnDecision], frame: pl.DataFrame,
                  during: Callable[[Columns], None] | None = None) -> Columns:
        """Output columns of ``frame`` (kept ones, in order). ``during(done)`` runs in the
        calling thread while the free text is redacted, with the other output columns."""
        kept = [d for d in decisions if d.rule.action != "drop"]
        slow = [d for d in kept if d.rule.action == "redact"]
        if not slow:
            done = {d.name: self.apply(d, frame[d.name]) for d in kept}
            if during is not None:
                during(done)
            return done
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sentinelle-redact") as pool:
            pending = [(d.name, pool.submit(self.apply, d, frame[d.name])) for d in slow]
            done = {d.name: self.apply(d, frame[d.name]) for d in kept if d.rule.action != "redact"}
            if during is not None:
                during(done)
            done.update((name, future.result()) for name, future in pending)
        return {d.name: done[d.name] for d in kept}

    def pseudonyms(self) -> pl.Series:
        """The distinct pseudonyms written so far."""
        if not self._pseudonyms:
            return pl.Series("p", [], dtype=pl.String)
        return pl.concat([s.alias("p") for s in self._pseudonyms]).unique()


__all__ = ["ColumnActions", "Columns"]
