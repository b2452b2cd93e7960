"""``sentinelle trace``: which recipient's export a leaked file (or a fragment) came from.

Every protected export pseudonymises with a key derived for its recipient, so the same
patient has a different pseudonym in each recipient's copy; its manifest holds a Bloom
filter of HMAC(trace key, pseudonym) of every pseudonym it contains, and the
fingerprints of its canary values (:mod:`.manifest`, :mod:`.canaries`).

(Big exports fingerprint a deterministic share of their pseudonyms; tracing then looks at
the same share of the leaked values: see :mod:`.fingerprints`.) Tracing reads the leaked file with the ordinary readers (any table format, a sample of
rows or a subset of columns will do), takes the distinct values of each column, and for
each manifest made with the same master key counts the values found in its filter. The
column with the highest share of matches speaks for the export: a copy of recipient A's
export matches A's filter on (nearly) all values of a pseudonym column, and every other
filter only by chance (false-positive rate 1e-4 per value). A canary value found is
proof on its own. Verdict: the export with a canary found, else the one whose best
column matches at least ``min_share`` of its distinct values with at least ``min_matches``
matches; otherwise ``unknown``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import polars as pl

from sentinelle.errors import ConfigError, InputError
from sentinelle.protect.actions import hmac_many
from sentinelle.protect.fingerprints import Bloom, eligible
from sentinelle.protect.keys import MasterKey
from sentinelle.protect.manifest import find_manifests, read_manifest
from sentinelle.readers import read_source
from sentinelle.readers.base import ReadOptions, Source, Table, Text

MAX_DISTINCT_PER_COLUMN = 200_000


@dataclass(frozen=True, slots=True)
class Candidate:
    manifest: str
    recipient: str
    export_id: str
    created: str
    column: str | None
    matched: int
    distinct: int
    share: float
    canaries: int


@dataclass(slots=True)
class TraceResult:
    recipient: str | None  # None: unknown
    confidence: float
    best: Candidate | None
    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # manifests of another key

    def to_dict(self) -> dict[str, object]:
        return {
            "schema": "sentinelle.trace/1",
            "recipient": self.recipient or "unknown",
            "confidence": round(self.confidence, 4),
            "best": _cand(self.best) if self.best else None,
            "candidates": [_cand(c) for c in self.candidates],
            "skipped_other_keys": self.skipped,
        }


def _cand(c: Candidate) -> dict[str, object]:
    return {"manifest": c.manifest, "recipient": c.recipient, "export_id": c.export_id,
            "created": c.created, "column": c.column, "matched": c.matched,
            "distinct": c.distinct, "share": round(c.share, 4), "canaries": c.canaries}


def leaked_values(path: str | os.PathLike[str], options: ReadOptions | None = None) -> dict[str, list[str]]:
    """Distinct non-empty values per column (text: per whitespace-separated token)."""
    options = options or ReadOptions()
    cols: dict[str, set[str]] = {}
    for item in read_source(Source.from_path(path), options):
        if isinstance(item, Table):
            for name in item.frame.columns:
                key = f"{item.part}!{name}" if item.part else name
                bucket = cols.setdefault(key, set())
                if len(bucket) >= MAX_DISTINCT_PER_COLUMN:
                    continue
                values = item.frame[name].cast(pl.String).str.strip_chars().drop_nulls().unique()
                bucket.update(v for v in values.to_list() if v)
        elif isinstance(item, Text):
            bucket = cols.setdefault("(text)", set())
            bucket.update(t.strip(".,;:()[]\"'") for t in item.text.split())
        else:
            raise InputError(str(path), "trace reads one file, not an archive or mailbox")
    return {k: sorted(v) for k, v in cols.items() if v}


def trace(leaked: str | os.PathLike[str], key: MasterKey, manifests: str | os.PathLike[str], *,
          min_share: float = 0.5, min_matches: int = 3,
          options: ReadOptions | None = None) -> TraceResult:
    """Name the recipient whose export ``leaked`` came from, or ``unknown``."""
    files = find_manifests(os.fspath(manifests))
    if not files:
        raise ConfigError(f"{manifests}: no *.manifest.json found")
    tkey = key.trace_key()
    values = leaked_values(leaked, options)
    digests = {col: hmac_many(tkey, vals) for col, vals in values.items()}
    hexes = {col: {d[:16].hex() for d in ds} for col, ds in digests.items()}
    by_value = {col: dict(zip(vals, digests[col], strict=True)) for col, vals in values.items()}
    result = TraceResult(None, 0.0, None)
    for file in files:
        data = read_manifest(file)
        if data.get("key_id") != key.key_id:
            result.skipped.append(str(file))
            continue
        tr = data.get("trace") or {}
        bloom = Bloom.from_dict(tr["pseudonyms"]) if tr.get("pseudonyms") else None
        canary_set = set(tr.get("canaries") or [])
        best_col, best_matched, best_distinct, best_share = None, 0, 0, 0.0
        canaries = 0
        for col, ds in digests.items():
            canaries += len(hexes[col] & canary_set)
            if bloom is None or bloom.n == 0:
                continue
            if bloom.sample_bits:
                ds = [by_value[col][v] for v in eligible(values[col], bloom.sample_bits)]
                if not ds:
                    continue
            matched = int(bloom.contains_digests(ds).sum())
            if matched < min_matches:
                # a filter lets about 1 foreign value in 10,000 through: over every
                # column of a leak, one or two such hits are expected, and in a column of
                # few distinct values they would look like a share of this export
                continue
            share = matched / len(ds)
            if (share, matched) > (best_share, best_matched):
                best_col, best_matched, best_distinct, best_share = col, matched, len(ds), share
        result.candidates.append(Candidate(
            str(file), str(data.get("recipient")), str(data.get("export_id")),
            str(data.get("created")), best_col, best_matched, best_distinct, best_share, canaries))
    result.candidates.sort(key=lambda c: (c.canaries, c.share, c.matched), reverse=True)
    for c in result.candidates:
        if c.canaries > 0 or (c.share >= min_share and c.matched >= min_matches):
            result.best = c
            result.recipient = c.recipient
            # A foreign value passes a filter with probability 1e-4: the chance that
            # ``matched`` of them all do is negligible; the share tells how much of the
            # column is this export's.
            result.confidence = 1.0 if c.canaries else c.share
            break
    return result


__all__ = ["Candidate", "TraceResult", "leaked_values", "trace"]
