"""Multi-pattern prefilter engines: Hyperscan, RE2, polars, or none (stdlib ``re`` alone).

Design: an engine never decides what is a match. It tells, per *group* (one candidate
regex, or the whole health lexicon), which lines of a text may hold a match; Python
``re`` then runs the exact regex of the group on those lines only. Every prefilter
pattern is a superset of its exact regex on any line (look-arounds dropped, classes
widened: see :mod:`sentinelle.detect.patterns` and :mod:`sentinelle.lexicon.health`), so
the matches are the same whatever the engine, by construction; engines only change the
speed. Word boundaries, on which Hyperscan, RE2, Rust and Python disagree around
accented letters, never reach an engine: accents are folded away first and boundaries
are explicit ASCII classes.

- ``hyperscan`` (``pip install hyperscan``): scans
  :func:`~sentinelle.lexicon.folding.fold_bytes` (one byte per character, so offsets are
  character offsets) with all patterns in one block-mode database and collects every
  match end. Compiling costs about half a second once per process.
- ``re2`` (``pip install google-re2``): one alternation per group over the same bytes
  (Latin-1 mode). Within a group a match hides the overlapping ones, which lie on its
  lines, or on the next line when it ends with a newline consumed as a boundary.
- ``polars`` (always installed): lines become a string Series; ``str.contains`` with the
  union of the raw identifier patterns, then per pattern on the lines that matched; health
  terms on :func:`~sentinelle.lexicon.folding.fold_expr` of the lines. The same code
  selects candidate cells of a table column.
- ``re``: no prefilter; the exact regexes run over the whole text (the reference).

Lines whose fold is not exact byte-per-character (:data:`SPECIAL_BYTE`: ``œ``, ``…``,
combining accents) are checked by the polars fold, and lines the polars fold does not
cover exactly (:data:`EXOTIC_PATTERN`: Greek, emoji...) are flagged for the folded-text
groups. A pathological
input (10 MB of digits matches at every offset) stops the Hyperscan scan after a bounded
number of events; every line is then flagged, which is correct, only slower.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np
import polars as pl

from sentinelle.errors import ConfigError
from sentinelle.lexicon.folding import EXOTIC_PATTERN, SPECIAL_BYTE, fold_bytes, fold_expr

ENGINES = ("hyperscan", "re2", "polars", "re")
_SURROGATES = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class PrefilterSpec:
    """One prefilter pattern of a group, in two dialects.

    ``folded``: ASCII regex over ``fold_bytes`` (Hyperscan, RE2), None if not used there.
    ``raw``: Rust regex for polars, over the raw line or, with ``on_folded``, over its
    ``fold_expr``; None if not used there. ``caseless`` applies to ``folded``.
    ``on_folded`` marks groups matched on folded text (they also get special lines).
    """

    group: int
    folded: str | None = None
    raw: str | None = None
    caseless: bool = False
    on_folded: bool = False


@dataclass(slots=True)
class Flagged:
    """Line layout of a text and, per group, the 0-based lines that may match."""

    line_starts: np.ndarray
    line_ends: np.ndarray
    groups: dict[int, np.ndarray]


class Prefilter(Protocol):
    name: str

    def flag(self, text: str) -> Flagged: ...


def _clean(text: str) -> str:
    """Polars strings must be valid UTF-8: lone surrogates become U+FFFD (same length,
    and neither matches any pattern)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", text)
    return text


def _groups(specs: tuple[PrefilterSpec, ...]) -> list[int]:
    return sorted({s.group for s in specs})


def _folded_groups(specs: tuple[PrefilterSpec, ...]) -> set[int]:
    return {s.group for s in specs if s.on_folded}


class _BytesPrefilter:
    """Shared part of the engines that scan ``fold_bytes``."""

    name = "bytes"

    def __init__(self, specs: tuple[PrefilterSpec, ...]) -> None:
        self._all_groups = _groups(specs)
        self._special_groups = _folded_groups(specs)
        # Lines whose bytes are not an exact fold go through the polars fold (exact for
        # Latin, ligatures and combining accents) before any Python regex.
        self._special_check = PolarsPrefilter(tuple(s for s in specs if s.on_folded))

    def _scan(self, folded: bytes, newlines: np.ndarray) -> dict[int, np.ndarray] | None:
        raise NotImplementedError

    def flag(self, text: str) -> Flagged:
        folded = fold_bytes(text)
        codes = np.frombuffer(folded, dtype=np.uint8)
        newlines = np.flatnonzero(codes == 10)
        starts = np.concatenate(([0], newlines + 1))
        ends = np.concatenate((newlines, [len(text)]))
        found = self._scan(folded, newlines)
        if found is None:
            every = np.arange(len(starts))
            return Flagged(starts, ends, {g: every for g in self._all_groups})
        empty = np.empty(0, dtype=np.int64)
        groups = {g: found.get(g, empty) for g in self._all_groups}
        if self._special_groups:
            special = np.unique(np.searchsorted(newlines, np.flatnonzero(codes == SPECIAL_BYTE)))
            if len(special):
                lines = pl.Series(
                    "v", [_clean(text[starts[i] : ends[i]]) for i in special.tolist()]
                )
                checked = self._special_check.flag_series(lines)
                for g in self._special_groups:
                    groups[g] = np.union1d(groups[g], special[checked[g]])
        return Flagged(starts, ends, groups)


class HyperscanPrefilter(_BytesPrefilter):
    name = "hyperscan"

    def __init__(self, specs: tuple[PrefilterSpec, ...]) -> None:
        super().__init__(specs)
        import hyperscan

        self._hs = hyperscan
        usable = [s for s in specs if s.folded is not None]
        self._always: set[int] = set()
        self._db = self._compile(usable) if usable else None
        if self._db is None and usable:
            kept = []  # find the patterns Hyperscan refuses; their groups get every line
            for spec in usable:
                if self._compile([spec]) is None:
                    self._always.add(spec.group)
                else:
                    kept.append(spec)
            usable = kept
            self._db = self._compile(usable) if usable else None
        self._group_of = np.array([s.group for s in usable], dtype=np.int64)

    def _compile(self, specs: list[PrefilterSpec]):  # type: ignore[no-untyped-def]
        hs = self._hs
        db = hs.Database()
        try:
            db.compile(
                expressions=[(s.folded or "").encode("ascii") for s in specs],
                ids=list(range(len(specs))),
                elements=len(specs),
                flags=[hs.HS_FLAG_CASELESS if s.caseless else 0 for s in specs],
            )
        except hs.error:
            return None
        return db

    def _scan(self, folded: bytes, newlines: np.ndarray) -> dict[int, np.ndarray] | None:
        every = np.arange(len(newlines) + 1)
        out = {g: every for g in self._always}
        if self._db is None:
            return out
        ids = array("q")  # 16 bytes per event; the count is bounded below
        ends = array("q")
        limit = 500_000 + len(folded) // 32

        def on_match(pid: int, _start: int, end: int, _flags: int, _ctx: object) -> bool:
            ids.append(pid)
            ends.append(end)
            return len(ids) >= limit

        try:
            self._db.scan(folded, match_event_handler=on_match, scratch=self._hs.Scratch(self._db))
        except self._hs.ScanTerminated:
            return None
        if ids:
            groups = self._group_of[np.frombuffer(ids, dtype=np.int64)]
            lines = np.searchsorted(newlines, np.frombuffer(ends, dtype=np.int64) - 1)
            for g in np.unique(groups).tolist():
                if g not in out:
                    out[g] = np.unique(lines[groups == g])
        return out


class Re2Prefilter(_BytesPrefilter):
    name = "re2"

    def __init__(self, specs: tuple[PrefilterSpec, ...]) -> None:
        super().__init__(specs)
        import re2  # type: ignore[import-untyped,import-not-found,unused-ignore]

        options = re2.Options()
        options.encoding = re2.Options.Encoding.LATIN1
        options.max_mem = 64 << 20
        self._regexes: list[tuple[int, object | None]] = []
        for group in self._all_groups:
            mine = [s for s in specs if s.group == group and s.folded is not None]
            if not mine:
                continue
            alternation = "|".join(
                f"(?i:{s.folded})" if s.caseless else f"(?:{s.folded})" for s in mine
            )
            try:
                rx = re2.compile(alternation.encode("ascii"), options)
            except Exception:  # noqa: BLE001 - a refused pattern means "every line"
                rx = None
            self._regexes.append((group, rx))

    def _scan(self, folded: bytes, newlines: np.ndarray) -> dict[int, np.ndarray] | None:
        n_lines = len(newlines) + 1
        out: dict[int, np.ndarray] = {}
        for group, rx in self._regexes:
            if rx is None:
                out[group] = np.arange(n_lines)
                continue
            spans = [m.span() for m in rx.finditer(folded)]  # type: ignore[attr-defined]
            if not spans:
                continue
            bounds = np.asarray(spans, dtype=np.int64)
            first = np.searchsorted(newlines, bounds[:, 0])
            last = np.searchsorted(newlines, bounds[:, 1] - 1)
            if group in self._special_groups:
                # A match hides the overlapping ones of its group. They share a character
                # with it; the only one that can sit on another line is one whose left
                # boundary is the newline this match ends with.
                codes = np.frombuffer(folded, dtype=np.uint8)
                last = last + (codes[bounds[:, 1] - 1] == 10)
            marks = np.zeros(n_lines + 1, dtype=np.int64)
            np.add.at(marks, np.clip(first, 0, n_lines), 1)
            np.add.at(marks, np.clip(last + 1, 0, n_lines), -1)
            out[group] = np.flatnonzero(np.cumsum(marks[:n_lines]) > 0)
        return out


class PolarsPrefilter:
    name = "polars"

    def __init__(self, specs: tuple[PrefilterSpec, ...]) -> None:
        self._all_groups = _groups(specs)
        self._plain: list[tuple[int, str]] = [
            (s.group, s.raw) for s in specs if s.raw is not None and not s.on_folded
        ]
        self._folded: list[tuple[int, str]] = [
            (s.group, s.raw) for s in specs if s.raw is not None and s.on_folded
        ]
        self._union = "|".join(f"(?:{p})" for _, p in self._plain)
        missing = set(self._all_groups) - {g for g, _ in self._plain + self._folded}
        self._always = missing  # groups without a polars pattern get every row

    def flag_series(self, values: pl.Series) -> dict[int, np.ndarray]:
        """group -> sorted 0-based positions of the cells (or lines) that may match."""
        n = len(values)
        every = np.arange(n)
        out: dict[int, np.ndarray] = {g: every for g in self._always}
        v = pl.col("v")
        frame = pl.DataFrame({"v": values.cast(pl.String)}).with_row_index("row")
        if self._plain:
            hits = frame.filter(v.str.contains(self._union).fill_null(False))
            if len(hits):
                flags = hits.select(
                    "row",
                    *[v.str.contains(p).alias(f"g{i}") for i, (_, p) in enumerate(self._plain)],
                )
                rows = flags["row"].to_numpy()
                for i, (g, _) in enumerate(self._plain):
                    mask = flags[f"g{i}"].to_numpy()
                    chosen = rows[mask]
                    out[g] = np.union1d(out[g], chosen) if g in out else chosen
        if self._folded:
            folded = fold_expr(v)
            for g, p in self._folded:
                rows = frame.filter(
                    (folded.str.contains(p) | v.str.contains(EXOTIC_PATTERN)).fill_null(False)
                )["row"].to_numpy()
                out[g] = np.union1d(out[g], rows) if g in out else rows
        empty = np.empty(0, dtype=np.int64)
        return {g: np.asarray(out.get(g, empty), dtype=np.int64) for g in self._all_groups}

    def flag(self, text: str) -> Flagged:
        lines = pl.Series("v", [_clean(text)]).str.split("\n").explode()
        lengths = lines.str.len_chars().to_numpy().astype(np.int64)
        ends = np.cumsum(lengths + 1) - 1
        starts = ends - lengths
        return Flagged(starts, ends, self.flag_series(lines))


@lru_cache(maxsize=1)
def available_engines() -> tuple[str, ...]:
    """Engines usable here, fastest first (``polars`` and ``re`` are always there)."""
    found = []
    for name in ("hyperscan", "re2"):
        try:
            __import__(name)
        except ImportError:
            continue
        found.append(name)
    return (*found, "polars", "re")


def resolve_engine(name: str) -> str:
    """``auto`` -> the fastest available; otherwise check that ``name`` is available."""
    if name == "auto":
        return available_engines()[0]
    if name not in ENGINES:
        raise ConfigError(f"unknown text engine {name!r} (choose from auto, {', '.join(ENGINES)})")
    if name not in available_engines():
        raise ConfigError(f"text engine {name!r} is not installed")
    return name


@lru_cache(maxsize=8)
def build_prefilter(name: str, specs: tuple[PrefilterSpec, ...]) -> Prefilter | None:
    """A compiled prefilter for ``specs`` (cached per process), or None for ``re``."""
    if name == "hyperscan":
        return HyperscanPrefilter(specs)
    if name == "re2":
        return Re2Prefilter(specs)
    if name == "polars":
        return PolarsPrefilter(specs)
    return None


__all__ = [
    "ENGINES",
    "Flagged",
    "HyperscanPrefilter",
    "PolarsPrefilter",
    "Prefilter",
    "PrefilterSpec",
    "Re2Prefilter",
    "available_engines",
    "build_prefilter",
    "resolve_engine",
]
