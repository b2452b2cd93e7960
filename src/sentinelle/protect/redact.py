"""Redact free text: identifiers, person names and health terms become bracketed labels.

What is removed from a cell:

- identifiers found by :class:`sentinelle.detect.text.TextDetector` (NIR, phone, e-mail,
  IBAN, RPPS...; matches of any validity, at a low confidence floor: redaction errs on
  the side of removing) -> ``[NIR]``, ``[PHONE]``...;
- person names: a capitalised word (or run of them) after a title (``M.``, ``Mme``,
  ``Dr``, ``Pr``, ``Monsieur``...), and a known first name (:mod:`sentinelle.names`
  lexicon) written capitalised, with the capitalised or upper-case word that follows it
  -> ``[NOM]``;
- health terms of :mod:`sentinelle.lexicon.health` (accent- and case-insensitive)
  -> ``[SANTE]``.

Cells repeat (templated remarks), so each distinct text is redacted once; polars selects
the cells that can hold anything (digits, ``@``, a title, a capitalised word, a health
term on the folded text) and Python only reads those.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl

from sentinelle.detect.text import TextDetector
from sentinelle.lexicon.folding import fold, fold_expr
from sentinelle.lexicon.health import load_health_lexicon
from sentinelle.names import load_first_names

_TITLE = re.compile(
    r"(?<![\w])(?:M\.|Mr\.?|Mme\.?|Mlle\.?|Melle\.?|Dr\.?|Docteur|Pr\.?|Professeur|Monsieur|Madame"
    r"|Mademoiselle|Me\.?)\s+((?:[A-ZÀ-ÖØ-Þ][\w'’\-]*\.?)(?:\s+[A-ZÀ-ÖØ-Þ][\w'’\-]*)*)"
)
_CAPITALISED = re.compile(r"(?<![\w])[A-ZÀ-ÖØ-Þ][\w'’\-]+")
_NEXT_WORD = re.compile(r"\s+([A-ZÀ-ÖØ-Þ][\w'’\-]+)")
_PREFILTER_IDS = r"\d(?:[\s.\-/]?\d){5}|@|\b\d{5}\b"  # six digits (NIR, phone, IBAN...), e-mail
_PREFILTER_NAMES = r"[A-ZÀ-ÖØ-Þ][a-zà-ÿ]"
#: Any digit (street numbers, short codes) or a credential word: the detector's prose pass
#: finds addresses and login/password pairs that hold no identifier-shaped number.
_PREFILTER_PROSE = r"\d|(?i:mot de passe|mdp|password|passwd|pwd|identifiant|login)"


@dataclass(frozen=True, slots=True)
class Redacted:
    """A redacted column and the health categories each row mentioned (for l-diversity)."""

    text: pl.Series
    categories: pl.Series  # String: sorted categories joined by "+", "" when none
    counts: dict[str, int] = field(default_factory=dict)  # label -> spans removed


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return fold(ch)


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` built character by character, with the source offset of each
    folded character (a fold may expand one character into two: ``œ`` -> ``oe``)."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    folded = fold(text)
    if len(folded) == len(text) and all(len(_fold_char(ch)) == 1 for ch in set(text)):
        return folded, list(range(len(text)))  # one folded character per character
    parts: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        f = _fold_char(ch)
        parts.append(f)
        offsets.extend([i] * len(f))
    return "".join(parts), offsets


@dataclass(frozen=True, slots=True)
class Redactor:
    """Immutable; build once per export and reuse on every chunk."""

    # The polars prefilter over one joined text: the exact regexes run only on the lines it
    # flags (never on the separator lines), and polars works outside the interpreter lock
    # (redaction runs beside the other columns: :mod:`.transform`). Same matches as plain
    # ``re`` (engines only change the speed). A Hyperscan database costs more to compile
    # in a one-shot run than it saves on the few thousand distinct remarks of an export.
    detector: TextDetector = field(default_factory=lambda: TextDetector(engine="polars",
                                                                        min_confidence=0.3))

    def identifier_spans(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        """Identifier spans of many texts in one detector pass: the texts are joined with a
        run of newlines longer than the context window (a cell's context never reaches its
        neighbour), and the matches are mapped back to each text's offsets."""
        if not texts:
            return []
        sep = "\n" * (self.detector.context_window + 2)
        starts: list[int] = []
        pos = 0
        for text in texts:
            starts.append(pos)
            pos += len(text) + len(sep)
        out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        for found in self.detector.scan(sep.join(texts), health=False).matches:
            i = bisect.bisect_right(starts, found.start) - 1
            out[i].append((found.start - starts[i], found.end - starts[i], f"[{found.entity}]"))
        return out

    def spans(self, text: str, *, ids: bool = True,
              known: list[tuple[int, int, str]] | None = None) -> tuple[list[tuple[int, int, str]], set[str]]:
        """The spans to remove from ``text`` (start, end, label) and its health categories.
        ``known``: identifier spans already found (:meth:`identifier_spans`)."""
        spans: list[tuple[int, int, str]] = list(known or [])
        if ids and known is None:
            spans += self.identifier_spans([text])[0]
        for m in _TITLE.finditer(text):
            spans.append((m.start(1), m.end(1), "[NOM]"))
        names = load_first_names()
        for m in _CAPITALISED.finditer(text):
            if _fold_char_word(m.group()) in names:
                end = m.end()
                nxt = _NEXT_WORD.match(text, end)
                if nxt:
                    end = nxt.end()
                spans.append((m.start(), end, "[NOM]"))
        lexicon = load_health_lexicon()
        cats: set[str] = set()
        if not lexicon.regex.search(fold(text)):
            return spans, cats
        folded, offsets = _folded_with_offsets(text)
        for hit in lexicon.regex.finditer(folded):
            if hit.end() > hit.start():
                spans.append((offsets[hit.start()], offsets[hit.end() - 1] + 1, "[SANTE]"))
                cats.update(lexicon.categories_of_term(hit.group()))
        return spans, cats

    def redact(self, text: str, *, ids: bool = True,
               known: list[tuple[int, int, str]] | None = None) -> tuple[str, set[str], list[str]]:
        """``text`` with every span replaced by its label; categories; labels used."""
        spans, cats = self.spans(text, ids=ids, known=known)
        if not spans:
            return text, cats, []
        spans.sort(key=lambda s: (s[0], -s[1]))
        out: list[str] = []
        labels: list[str] = []
        pos = 0
        for start, end, label in spans:
            if end <= pos:
                continue
            if start < pos:  # overlaps the previous removal: extend it
                pos = end
                continue
            out.append(text[pos:start])
            out.append(label)
            labels.append(label)
            pos = end
        out.append(text[pos:])
        return "".join(out), cats, labels

    def redact_series(self, series: pl.Series) -> Redacted:
        """Redact a column; each distinct candidate text is handled once."""
        values = series.cast(pl.String)
        lexicon = load_health_lexicon()
        frame = pl.DataFrame({"t": values.drop_nulls().unique()}).with_columns(
            ids=pl.col("t").str.contains(_PREFILTER_IDS),
            other=pl.col("t").str.contains(_PREFILTER_NAMES)
            | pl.col("t").str.contains(r"\b(?:M|Mr|Mme|Mlle|Dr|Pr|Me)\b")
            | fold_expr(pl.col("t")).str.contains(lexicon.pattern)
            | pl.col("t").str.contains(r"[^\x00-\x7f]")
            | pl.col("t").str.contains(_PREFILTER_PROSE),
        ).filter(pl.col("ids") | pl.col("other"))
        old: list[str] = []
        new: list[str] = []
        cats: list[str] = []
        counts: dict[str, int] = {}
        texts = frame["t"].to_list()
        # every candidate goes through the detector: its prose pass finds names, addresses
        # and credentials in cells that hold no identifier-shaped number
        found_ids = dict(zip(texts, self.identifier_spans(texts), strict=True))
        for text in texts:
            red, found, labels = self.redact(text, known=found_ids.get(text, []))
            old.append(text)
            new.append(red)
            cats.append("+".join(sorted(found)))
            for label in labels:
                counts[label] = counts.get(label, 0) + 1
        old_s = pl.Series(old, dtype=pl.String)
        redacted = values.replace_strict(old_s, pl.Series(new, dtype=pl.String), default=values,
                                         return_dtype=pl.String) if old else values
        categories = values.replace_strict(old_s, pl.Series(cats, dtype=pl.String), default="",
                                           return_dtype=pl.String) if old else \
            pl.Series([""] * len(values), dtype=pl.String)
        return Redacted(redacted.alias(series.name), categories.alias(series.name), counts)


@lru_cache(maxsize=65536)
def _fold_char_word(word: str) -> str:
    return fold(word).strip("'’-")


__all__ = ["Redacted", "Redactor"]
