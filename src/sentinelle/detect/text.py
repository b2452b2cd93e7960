"""Find identifiers and health terms in free text (plain text files, free-text columns).

Pipeline, for one text: an optional multi-pattern prefilter (:mod:`.engines`: Hyperscan
or RE2 over the folded bytes) flags the lines that may hold a candidate; the exact
candidate regexes (:mod:`.patterns`, stdlib ``re``) run on those lines only; each
candidate is validated with its identifier module and scored with the context words
around it (:mod:`.scoring`); overlapping candidates are resolved (higher confidence,
then longer, then pattern order wins); health terms (:mod:`sentinelle.lexicon.health`)
are counted per line. Results do not depend on the engine: the prefilter only skips
lines that cannot match.

For table columns of free text, :meth:`TextDetector.scan_cells` selects candidate cells
with polars (vectorised ``str.contains`` on the raw cells for identifiers, and on
accent-folded cells for health terms) and runs the same per-text extraction on those
cells only. Its figures equal those of :meth:`TextDetector.scan` run on each cell.

Nothing here prints, logs or raises with a matched value; ``normalised`` values are
returned to the caller for distinct counting and must not be displayed without
``--show-values``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import polars as pl

from sentinelle.detect.engines import (
    PolarsPrefilter,
    PrefilterSpec,
    build_prefilter,
    resolve_engine,
)
from sentinelle.detect.patterns import PATTERNS, EntityPattern
from sentinelle.detect.prose import prose_hits
from sentinelle.detect.scoring import score
from sentinelle.entities import Entity
from sentinelle.errors import ConfigError
from sentinelle.lexicon.folding import fold
from sentinelle.lexicon.health import HealthLexicon, load_health_lexicon

HEALTH = "HEALTH"
_HEALTH_GROUP = len(PATTERNS)
_PROSE_INDEX = len(PATTERNS) + 1  # sort keys of prose hits, after every pattern
_POLARS_MIN_CHARS = 8192  # "auto" with polars only: below this, plain re is faster


@dataclass(frozen=True, slots=True)
class TextMatch:
    """One identifier found in text. ``start``/``end`` are character offsets in the
    scanned text, ``line`` is 1-based (offset by ``first_line``)."""

    entity: str
    start: int
    end: int
    line: int
    normalised: str
    valid: bool
    confidence: float
    reasons: tuple[str, ...]


@dataclass(slots=True)
class TextFindings:
    """Matches (all at or above ``min_confidence``) and health categories of one text.

    ``health`` maps a category to the number of lines mentioning it; ``health_lines``
    lists those lines (1-based).
    """

    matches: list[TextMatch]
    health: dict[str, int]
    health_lines: dict[str, list[int]] = field(default_factory=dict)
    min_confidence: float = 0.5

    def stats(self) -> dict[str, tuple[int, int, int]]:
        """entity -> (count, distinct, invalid) over matches at/above ``min_confidence``."""
        out: dict[str, tuple[int, int, int]] = {}
        values = self.values()
        for entity in sorted({m.entity for m in self.matches}):
            kept = [m for m in self.matches if m.entity == entity]
            kept = [m for m in kept if m.confidence >= self.min_confidence]
            count = sum(1 for m in kept if m.valid)
            invalid = len(kept) - count
            if count or invalid:
                out[entity] = (count, len(set(values.get(entity, []))), invalid)
        return out

    def values(self) -> dict[str, list[str]]:
        """entity -> normalised valid values (for distinct counting; never print them)."""
        out: dict[str, list[str]] = {}
        for m in self.matches:
            if m.valid and m.confidence >= self.min_confidence:
                out.setdefault(m.entity, []).append(m.normalised)
        return out


@dataclass(slots=True)
class EntityTally:
    count: int = 0  # valid matches
    invalid: int = 0  # shaped, failing the check
    values: list[str] = field(default_factory=list)  # normalised valid values


@dataclass(slots=True)
class CellFindings:
    """Findings over a column of free-text cells.

    ``health`` counts CELLS per category; ``rows`` lists (0-based, position in the
    series) the cells with a counted identifier or a health term, and ``entity_rows``
    the same per entity (``"HEALTH"`` for health terms).
    """

    cells: int
    entities: dict[str, EntityTally] = field(default_factory=dict)
    health: dict[str, int] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)
    entity_rows: dict[str, list[int]] = field(default_factory=dict)

    def stats(self) -> dict[str, tuple[int, int, int]]:
        """entity -> (count, distinct, invalid)."""
        return {
            e: (t.count, len(set(t.values)), t.invalid) for e, t in sorted(self.entities.items())
        }


@dataclass(frozen=True, slots=True)
class _Assets:
    patterns: tuple[EntityPattern, ...]
    compiled: tuple[re.Pattern[str], ...]
    lexicon: HealthLexicon
    specs: tuple[PrefilterSpec, ...]


@lru_cache(maxsize=1)
def _assets() -> _Assets:
    lexicon = load_health_lexicon()
    specs = tuple(
        PrefilterSpec(i, folded=p.folded, raw=p.raw, caseless=True) for i, p in enumerate(PATTERNS)
    )
    specs += tuple(
        PrefilterSpec(_HEALTH_GROUP, folded=pat, on_folded=True) for pat in lexicon.entry_patterns
    )
    specs += (PrefilterSpec(_HEALTH_GROUP, raw=lexicon.pattern, on_folded=True),)
    return _Assets(
        patterns=PATTERNS,
        compiled=tuple(p.compile() for p in PATTERNS),
        lexicon=lexicon,
        specs=specs,
    )


@dataclass(slots=True)
class _Candidate:
    index: int  # pattern index
    start: int
    end: int
    normalised: str
    valid: bool
    confidence: float
    reasons: tuple[str, ...]
    entity: str | None = None  # set for prose hits; else the pattern's entity


def _with_prose(text: str, cands: list[_Candidate], min_confidence: float) -> list[_Candidate]:
    """Add names, addresses, credentials and labelled fields that overlap no identifier."""
    hits = prose_hits(text)
    # A password written as a date ("mot de passe 21011935") is a credential, not a birth date.
    secrets = [(h.start, h.end) for h in hits if h.entity == Entity.CREDENTIAL]
    if secrets:
        cands = [c for c in cands if c.entity is not None
                 or PATTERNS[c.index].entity != Entity.DATE_OF_BIRTH
                 or not any(s < c.end and c.start < e for s, e in secrets)]
    taken = sorted((c.start, c.end) for c in cands)
    starts = [s for s, _ in taken]
    ends = [e for _, e in taken]
    added: list[_Candidate] = []
    for hit in sorted(hits, key=lambda h: (h.rank, h.start, -h.end)):
        if hit.confidence < min_confidence:
            continue
        i = bisect.bisect_left(starts, hit.start)
        if (i > 0 and ends[i - 1] > hit.start) or (i < len(starts) and starts[i] < hit.end):
            continue
        starts.insert(i, hit.start)
        ends.insert(i, hit.end)
        added.append(
            _Candidate(_PROSE_INDEX + hit.rank, hit.start, hit.end, hit.normalised, True,
                       hit.confidence, ("prose",), str(hit.entity))
        )
    if not added:
        return cands
    return sorted(cands + added, key=lambda c: (c.start, c.index))


def _runs(lines: np.ndarray) -> list[tuple[int, int]]:
    """Sorted unique line indices -> runs of consecutive lines (first, last)."""
    if len(lines) == 0:
        return []
    breaks = np.flatnonzero(np.diff(lines) != 1)
    firsts = np.concatenate(([lines[0]], lines[breaks + 1]))
    lasts = np.concatenate((lines[breaks], [lines[-1]]))
    return list(zip(firsts.tolist(), lasts.tolist(), strict=True))


def _resolve_overlaps(cands: list[_Candidate]) -> list[_Candidate]:
    """Keep the best of overlapping candidates: confidence, then length, then pattern order."""
    order = sorted(cands, key=lambda c: (-c.confidence, -(c.end - c.start), c.index, c.start))
    starts: list[int] = []
    ends: list[int] = []
    kept: list[_Candidate] = []
    for c in order:
        i = bisect.bisect_left(starts, c.start)
        if i > 0 and ends[i - 1] > c.start:
            continue
        if i < len(starts) and starts[i] < c.end:
            continue
        starts.insert(i, c.start)
        ends.insert(i, c.end)
        kept.append(c)
    kept.sort(key=lambda c: (c.start, c.index))
    return kept


@dataclass(frozen=True, slots=True)
class TextDetector:
    """Immutable configuration; build once and reuse (compiled patterns are cached).

    ``engine``: ``"auto"`` (Hyperscan, else RE2, else polars, the latter only for texts
    of 8192 characters or more, plain ``re`` below), or one of ``"hyperscan"``, ``"re2"``,
    ``"polars"``, ``"re"`` (used whatever the size). Results never depend on it.
    ``prose``: also find names, addresses, credentials and labelled fields
    (:mod:`.prose`) in whole texts; free-text *cells* of a table never get this pass (a
    table's names and addresses are its columns).
    ``min_confidence``: matches below it are dropped. ``context_window``: characters
    looked at on each side of a candidate for context words.
    """

    engine: str = "auto"
    min_confidence: float = 0.5
    context_window: int = 40
    prose: bool = True

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ConfigError("min_confidence must be between 0 and 1")
        if self.context_window < 0:
            raise ConfigError("context_window must not be negative")
        resolve_engine(self.engine)

    # -- whole texts -------------------------------------------------------------------

    def scan(self, text: str, *, first_line: int = 1, health: bool = True) -> TextFindings:
        """Identifiers and health categories in ``text`` (``health=False``: identifiers
        only, for callers that find health terms their own way)."""
        assets = _assets()
        if not text:
            return TextFindings([], {}, {}, self.min_confidence)
        name = resolve_engine(self.engine)
        prefilter = None
        small = name == "polars" and len(text) < _POLARS_MIN_CHARS
        if name != "re" and not (self.engine == "auto" and small):
            prefilter = build_prefilter(name, assets.specs)
        if prefilter is None:
            regions = [[(0, len(text))]] * len(assets.patterns)
            cands = self._identifiers(text, regions, _phone_verdicts([(text, regions)], assets))
            if self.prose:
                cands = _with_prose(text, cands, self.min_confidence)
            by_line = self._health_whole(text) if health else {}
            return self._findings(text, cands, by_line, first_line)
        flagged = prefilter.flag(text)
        starts, ends = flagged.line_starts, flagged.line_ends
        regions = [
            [(int(starts[a]), int(ends[b])) for a, b in _runs(flagged.groups[i])]
            for i in range(len(assets.patterns))
        ]
        known = _phone_verdicts([(text, regions)], assets)
        cands = self._identifiers(text, regions, known)
        if self.prose:
            cands = _with_prose(text, cands, self.min_confidence)
        health_by_line: dict[int, set[str]] = {}
        lexicon = assets.lexicon
        for i in flagged.groups[_HEALTH_GROUP].tolist() if health else ():
            cats = lexicon.categories_folded(fold(text[starts[i] : ends[i]]))
            if cats:
                health_by_line[i] = cats
        return self._findings(text, cands, health_by_line, first_line)

    def _identifiers(
        self,
        text: str,
        regions: list[list[tuple[int, int]]],
        known: Mapping[str, tuple[str, str | None]] | None = None,
    ) -> list[_Candidate]:
        assets = _assets()
        out: list[_Candidate] = []
        for i, (pattern, rx) in enumerate(zip(assets.patterns, assets.compiled, strict=True)):
            for lo, hi in regions[i]:
                for m in rx.finditer(text, lo, hi):
                    start, end = m.span(pattern.group) if pattern.group else m.span()
                    verdict = score(
                        pattern,
                        text,
                        start,
                        end,
                        window=self.context_window,
                        min_confidence=self.min_confidence,
                        known=known,
                    )
                    if verdict is not None:
                        out.append(
                            _Candidate(
                                i,
                                start,
                                end,
                                verdict.normalised,
                                verdict.valid,
                                verdict.confidence,
                                verdict.reasons,
                            )
                        )
        return _resolve_overlaps(out)

    @staticmethod
    def _health_whole(text: str) -> dict[int, set[str]]:
        lexicon = _assets().lexicon
        folded = fold(text)
        out: dict[int, set[str]] = {}
        line, pos = 0, 0
        for m in lexicon.regex.finditer(folded):
            line += folded.count("\n", pos, m.start())
            pos = m.start()
            cats = lexicon.categories_of_term(m.group())
            if cats:
                out.setdefault(line, set()).update(cats)
        return out

    def _findings(
        self,
        text: str,
        cands: list[_Candidate],
        health_by_line: dict[int, set[str]],
        first_line: int,
    ) -> TextFindings:
        assets = _assets()
        matches: list[TextMatch] = []
        line, pos = 0, 0
        for c in cands:
            line += text.count("\n", pos, c.start)
            pos = c.start
            matches.append(
                TextMatch(
                    c.entity or str(assets.patterns[c.index].entity),
                    c.start,
                    c.end,
                    first_line + line,
                    c.normalised,
                    c.valid,
                    c.confidence,
                    c.reasons,
                )
            )
        health: dict[str, int] = {}
        health_lines: dict[str, list[int]] = {}
        for idx in sorted(health_by_line):
            for cat in sorted(health_by_line[idx]):
                health[cat] = health.get(cat, 0) + 1
                health_lines.setdefault(cat, []).append(first_line + idx)
        return TextFindings(matches, health, health_lines, self.min_confidence)

    # -- table cells -------------------------------------------------------------------

    def scan_cells(self, cells: pl.Series) -> CellFindings:
        """Findings over free-text cells; polars selects the candidate cells."""
        assets = _assets()
        values = cells.cast(pl.String)
        result = CellFindings(cells=len(values))
        if len(values) == 0:
            return result
        prefilter = build_prefilter("polars", assets.specs)
        assert isinstance(prefilter, PolarsPrefilter)
        flags = prefilter.flag_series(values)
        by_row: dict[int, list[int]] = {}
        for group, rows in flags.items():
            for row in rows.tolist():
                by_row.setdefault(row, []).append(group)
        n_patterns = len(assets.patterns)
        rows_sorted = sorted(by_row)
        texts = values.gather(rows_sorted).to_list() if rows_sorted else []
        # Cells repeat (templated remarks, the same note on every visit): a text is analysed
        # once; its flags, candidates and categories depend on the text only.
        regions_of: dict[str, list[list[tuple[int, int]]]] = {}
        for row, text in zip(rows_sorted, texts, strict=True):
            if text and text not in regions_of:
                whole = [(0, len(text))]
                regions: list[list[tuple[int, int]]] = [[]] * n_patterns  # shared, never grown
                for group in by_row[row]:
                    if group < n_patterns:
                        regions[group] = whole
                regions_of[text] = regions
        known = _phone_verdicts(list(regions_of.items()), assets)
        seen: dict[str, tuple[list[_Candidate], set[str]]] = {}
        for row, text in zip(rows_sorted, texts, strict=True):
            if not text:
                continue
            analysed = seen.get(text)
            if analysed is None:
                cands = self._identifiers(text, regions_of[text], known)
                cats: set[str] = set()
                if _HEALTH_GROUP in by_row[row]:
                    cats = assets.lexicon.categories_folded(fold(text))
                analysed = seen[text] = (cands, cats)
            cands, cats = analysed
            hit: set[str] = set()
            for c in cands:
                entity = str(assets.patterns[c.index].entity)
                tally = result.entities.setdefault(entity, EntityTally())
                if c.valid:
                    tally.count += 1
                    tally.values.append(c.normalised)
                else:
                    tally.invalid += 1
                hit.add(entity)
            for cat in cats:
                result.health[cat] = result.health.get(cat, 0) + 1
            if cats:
                hit.add(HEALTH)
            if hit:
                result.rows.append(row)
                for entity in hit:
                    result.entity_rows.setdefault(entity, []).append(row)
        return result


def _phone_verdicts(
    batch: list[tuple[str, list[list[tuple[int, int]]]]], assets: _Assets
) -> dict[str, tuple[str, str | None]]:
    """Phone candidates of ``(text, regions per pattern)`` validated in one vectorised check.

    Parsing phones one by one with phonenumbers costs about 0.1-0.3 ms each; the
    identifier's ``check_series`` gives the same verdicts for a whole batch at once.
    """
    from sentinelle.identifiers import phone

    raws: set[str] = set()
    for i, (pattern, rx) in enumerate(zip(assets.patterns, assets.compiled, strict=True)):
        if pattern.entity != Entity.PHONE:
            continue
        for text, regions in batch:
            for lo, hi in regions[i]:
                for m in rx.finditer(text, lo, hi):
                    start, end = m.span(pattern.group) if pattern.group else m.span()
                    raws.add(text[start:end])
    if not raws:
        return {}
    batch = sorted(raws)
    check = phone.check_series(pl.Series(batch, dtype=pl.String))
    return {
        raw: ("valid", norm) if ok else ("shapeless", None)
        for raw, norm, ok in zip(batch, check.normalised, check.valid, strict=True)
    }


__all__ = [
    "HEALTH",
    "CellFindings",
    "EntityTally",
    "TextDetector",
    "TextFindings",
    "TextMatch",
]
