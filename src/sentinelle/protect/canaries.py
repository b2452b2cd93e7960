"""Canary records: synthetic patients unique to one export, that cannot be real people.

A canary row copies the non-identifying cells of a real output row (so it does not stand
out, and it falls in an existing equivalence class: k-anonymity is unchanged) and gets
fresh values in every pseudonymised column and every kept person-name column:

- pseudonyms of the label ``"\\0canary\\0<export id>/<i>/<column>"`` under the recipient
  key (:func:`sentinelle.protect.actions.canary_token`). Real pseudonyms hash normalised
  cells, which never hold a NUL character, so a canary can never equal a real patient's
  pseudonym; NIR-shaped canaries carry an impossible month (13-19, 43-49) like every
  NIR-shaped pseudonym;
- names from a recipient-keyed generator: a first name of the packaged lexicon and a
  surname assembled from syllables, both chosen by HMAC.

The export id is random per export, so two exports to the same recipient have different
canaries. The manifest stores only HMAC(trace key, value) of each canary value, never the
values.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

import polars as pl

from sentinelle.names import load_first_names
from sentinelle.protect.actions import canary_token
from sentinelle.protect.fingerprints import fingerprint

_SYLLABLES = ("ba", "ri", "lo", "ven", "mar", "tel", "du", "zan", "qui", "ro", "sel", "ga",
              "bre", "non", "tin", "vol", "ler", "cas", "mo", "fau")


def _pick(key: bytes, label: str, n: int) -> int:
    return int.from_bytes(hmac.new(key, label.encode(), hashlib.sha256).digest()[:8], "big") % n


def fake_name(key: bytes, label: str) -> str:
    firsts = sorted(load_first_names())
    first = firsts[_pick(key, label + "/first", len(firsts))].capitalize()
    parts = [_SYLLABLES[_pick(key, f"{label}/s{i}", len(_SYLLABLES))] for i in range(3)]
    return f"{''.join(parts).upper()} {first}"


@dataclass(slots=True)
class CanaryPlan:
    """Columns that receive canary values: pseudonymised ones (with their shape) and kept
    person-name ones."""

    count: int
    export_id: str
    pseudonym_columns: dict[str, str]  # column -> shape (token | nir)
    name_columns: list[str]
    fingerprints: list[str] = field(default_factory=list)

    @property
    def possible(self) -> bool:
        return bool(self.pseudonym_columns or self.name_columns)

    def rows(self, frame: pl.DataFrame, key: bytes, trace_key: bytes) -> pl.DataFrame:
        """``count`` canary rows shaped like ``frame`` (which must not be empty)."""
        picks = [_pick(key, f"{self.export_id}/{i}/row", frame.height) for i in range(self.count)]
        rows = frame[picks]
        updates: list[pl.Series] = []
        for col in frame.columns:
            values: list[str] | None = None
            if col in self.pseudonym_columns:
                shape = self.pseudonym_columns[col]
                values = [canary_token(key, f"{self.export_id}/{i}/{col}", shape=shape)
                          for i in range(self.count)]
            elif col in self.name_columns:
                values = [fake_name(key, f"{self.export_id}/{i}/{col}") for i in range(self.count)]
            if values is not None:
                self.fingerprints += [fingerprint(trace_key, v)[:16].hex() for v in values]
                updates.append(pl.Series(col, values, dtype=pl.String))
        return rows.with_columns(updates) if updates else rows

    def insert(self, frame: pl.DataFrame, key: bytes, trace_key: bytes) -> pl.DataFrame:
        """``frame`` with the canary rows spread at keyed positions."""
        if self.count <= 0 or frame.height == 0:
            return frame
        canaries = self.rows(frame, key, trace_key)
        out = frame
        for i in range(canaries.height):
            at = _pick(key, f"{self.export_id}/{i}/pos", out.height + 1)
            out = pl.concat([out.head(at), canaries[i], out.slice(at)], how="vertical")
        return out


__all__ = ["CanaryPlan", "fake_name"]
