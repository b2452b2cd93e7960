"""Keyed fingerprint sets stored in manifests: a Bloom filter of HMAC(trace key, value).

A manifest must let ``sentinelle trace`` recognise the pseudonyms of one export without
holding them: it stores a Bloom filter (Bloom 1970) of ``HMAC-SHA256(trace_key, value)``
for the distinct pseudonyms written. Without the master key the filter cannot be queried;
with it, a value is tested in microseconds. The false-positive rate is set when the
filter is built (default 1e-4), so a foreign value matches with that probability.

Big exports keep a deterministic share of their pseudonyms: a value is *eligible* when
the low ``sample_bits`` bits of its CRC-32 are zero (:func:`eligible`), with
``sample_bits`` the smallest that leaves at most :data:`FULL_SET` values (0, all of
them, below that). Tracing applies the same rule to the leaked values, so the share of
matches is measured on eligible values only; a 2% sample of a 100,000-patient export
still brings hundreds of eligible values per pseudonym column.
"""

from __future__ import annotations

import base64
import hmac
import math
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import polars as pl

from sentinelle.protect.actions import hmac_bytes, hmac_many

#: Up to this many distinct pseudonyms, every one is fingerprinted.
FULL_SET = 60_000


def sample_bits_for(n: int) -> int:
    bits = 0
    while n >> bits > FULL_SET:
        bits += 1
    return bits


def eligible(values: Iterable[str], bits: int) -> list[str]:
    """The values whose CRC-32 has its low ``bits`` bits at zero (all when ``bits`` is 0)."""
    if bits == 0:
        return list(values)
    mask = (1 << bits) - 1
    return [v for v in values if not zlib.crc32(v.encode("utf-8")) & mask]


def fingerprint(key: bytes, value: str) -> bytes:
    return hmac.digest(key, value.encode("utf-8"), "sha256")


@dataclass(slots=True)
class Bloom:
    """A Bloom filter over keyed fingerprints (``k`` indices from one HMAC digest)."""

    bits: np.ndarray  # uint8, m / 8 bytes
    m: int
    k: int
    n: int = 0
    sample_bits: int = 0  # which values were added: see eligible()

    @classmethod
    def of(cls, key: bytes, values: Iterable[str] | pl.Series, fp_rate: float = 1e-4) -> Bloom:
        """A filter holding the eligible share of ``values`` (all of them up to FULL_SET).
        A polars Series is taken as already distinct (nulls ignored)."""
        if isinstance(values, pl.Series):  # UTF-8 bytes straight from polars
            raw: list[bytes] = values.drop_nulls().cast(pl.String).cast(pl.Binary).to_list()
        else:
            distinct = values if isinstance(values, (set, frozenset)) else set(values)
            raw = [v.encode("utf-8") for v in distinct]
        bits = sample_bits_for(len(raw))
        if bits:
            mask = (1 << bits) - 1
            raw = [v for v in raw if not zlib.crc32(v) & mask]  # see eligible()
        bloom = cls.sized(len(raw), fp_rate)
        bloom.sample_bits = bits
        bloom.add_digests(hmac_bytes(key, raw))
        return bloom

    @classmethod
    def sized(cls, n: int, fp_rate: float = 1e-4) -> Bloom:
        n = max(n, 1)
        m = max(64, math.ceil(-n * math.log(fp_rate) / (math.log(2) ** 2)))
        m = (m + 7) // 8 * 8
        k = max(1, min(16, round(m / n * math.log(2))))  # optimal k = (m/n) ln 2
        return cls(np.zeros(m // 8, dtype=np.uint8), m, k)

    def _indices(self, digests: list[bytes]) -> np.ndarray:
        """Kirsch-Mitzenmacher: bit ``i`` of a value is ``(h1 + i*h2) mod m`` (uint64
        arithmetic, wrapping), h1 and h2 the first two 64-bit words of its HMAC."""
        words = np.frombuffer(b"".join(d[:16] for d in digests), dtype=">u8").reshape(-1, 2)
        h1 = words[:, 0].astype(np.uint64)
        h2 = words[:, 1].astype(np.uint64) | np.uint64(1)
        steps = np.arange(self.k, dtype=np.uint64)
        with np.errstate(over="ignore"):
            return (h1[:, None] + steps[None, :] * h2[:, None]) % np.uint64(self.m)

    def add_all(self, key: bytes, values: Iterable[str]) -> None:
        self.add_digests(hmac_many(key, list(values)))

    def add_digests(self, digests: list[bytes]) -> None:
        """Add values given their fingerprints (HMAC with the trace key)."""
        if not digests:
            return
        idx = self._indices(digests).ravel()
        np.bitwise_or.at(self.bits, (idx >> np.uint64(3)).astype(np.int64),
                         (np.uint8(1) << (idx & np.uint64(7)).astype(np.uint8)))
        self.n += len(digests)

    def contains_digests(self, digests: list[bytes]) -> np.ndarray:
        """Membership of many values given their fingerprints (bool array)."""
        if not digests:
            return np.zeros(0, dtype=bool)
        idx = self._indices(digests)
        hit = (self.bits[(idx >> np.uint64(3)).astype(np.int64)]
               >> (idx & np.uint64(7)).astype(np.uint8)) & 1
        return np.asarray(hit.all(axis=1), dtype=bool)

    def contains(self, key: bytes, value: str) -> bool:
        return bool(self.contains_digests([fingerprint(key, value)])[0])

    def to_dict(self) -> dict[str, object]:
        return {"m": self.m, "k": self.k, "n": self.n, "sample_bits": self.sample_bits,
                "bits": base64.b64encode(self.bits.tobytes()).decode("ascii")}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Bloom:
        raw = base64.b64decode(str(data["bits"]))
        def num(name: str) -> int:
            return int(str(data.get(name, 0)))

        return cls(np.frombuffer(raw, dtype=np.uint8).copy(), num("m"), num("k"), num("n"),
                   num("sample_bits"))


__all__ = ["FULL_SET", "Bloom", "eligible", "fingerprint", "sample_bits_for"]
