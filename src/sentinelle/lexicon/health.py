"""French health lexicon: terms that make a note health data, mapped to categories.

The data file ``health_fr.tsv`` (packaged next to this module; its header documents the
format) lists terms such as ``VIH``, ``séropositif``, ``grossesse``, ``28 SA``, ``sourde``,
``hépatite C``, ``chimiothérapie``, ``diabète``, ``schizophrénie``, ``Préviscan`` with one
or more categories among :class:`~sentinelle.entities.HealthCategory` (GDPR Art. 9 "data
concerning health": a test result such as "VIH négatif" is HIV-category data).

Matching is accent- and case-insensitive: text and terms are folded with
:func:`sentinelle.lexicon.folding.fold`. A term matches only as whole words: it must not be
preceded or followed by an ASCII letter or digit in the folded text, so ``sa`` never matches
inside ``sans`` (and ``SA`` counts for pregnancy only right after a number). The boundary
is defined on ASCII letters and digits on purpose: it means the same in Python ``re``,
Rust's ``regex`` (polars), RE2 and Hyperscan, whose ``\\b`` disagree around accented
letters (the fold removes accents first).

Term bodies are ASCII-only (the fold removes accents), so they can run on
:func:`~sentinelle.lexicon.folding.fold_bytes`. Regexes built from the same bodies:

- :attr:`HealthLexicon.regex`: Python ``re`` with look-arounds, used to *extract* terms
  (adjacent terms such as ``VIH/VHC`` are both found);
- :attr:`HealthLexicon.pattern`: the same language without look-arounds (boundaries are
  consumed: ``(?:^|[^a-z0-9])...(?:[^a-z0-9]|$)``), usable by polars ``str.contains``,
  RE2 and Hyperscan to tell *whether* a folded text mentions any term;
- :attr:`HealthLexicon.entry_patterns`: one such pattern per entry (Hyperscan limits the
  length of one expression but takes thousands of them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from sentinelle.entities import HealthCategory
from sentinelle.errors import ConfigError
from sentinelle.lexicon.folding import fold

DATA_FILE = "health_fr.tsv"

_SEP = r"[ \t'\-]*"  # between the words of a multi-word term (also matches nothing)
_SEP_CHARS = " \t'-"
_BOUNDARY_CLASS = "a-z0-9"
_META = set(".^$*+?()[]{}|\\")
_TOKEN_SPLIT = re.compile(r"[\s'\-]+")
_CATEGORIES = frozenset(str(c) for c in HealthCategory)
_MEMO_SIZE = 50_000


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One line of the data file: a regex body over folded text and its categories."""

    body: str
    categories: frozenset[str]
    kind: str  # "word" or "re"
    first: str | None  # first folded character for "word" entries (lookup bucket)
    #: "word" entries: the folded words, each with whether a plural ``s`` may follow
    words: tuple[tuple[str, bool], ...] = ()


def _escape(token: str) -> str:
    return "".join("\\" + ch if ch in _META else ch for ch in token)


def term_words(term: str) -> tuple[tuple[str, bool], ...]:
    """The folded words of a natural-language term, each with whether it takes a plural."""
    tokens = [t for t in _TOKEN_SPLIT.split(fold(term).strip()) if t]
    return tuple((t, len(t) >= 4 and t.isalpha() and t.isascii()) for t in tokens)


def word_body(term: str) -> str:
    """Regex body of a natural-language term: folded words joined by separators."""
    return _SEP.join(_escape(t) + ("s?" if plural else "") for t, plural in term_words(term))


def words_fullmatch(words: tuple[tuple[str, bool], ...], text: str, at: int = 0) -> bool:
    """``re.fullmatch(word body, text)`` without a regex: each word in turn, an optional
    plural ``s``, separators between words (compiling hundreds of entry regexes costs more
    than a scan of a small file)."""
    if not words:
        return at == len(text)
    word, plural = words[0]
    if not text.startswith(word, at):
        return False
    end = at + len(word)
    ends = (end + 1, end) if plural and text.startswith("s", end) else (end,)
    for pos in ends:
        if len(words) > 1:
            while pos < len(text) and text[pos] in _SEP_CHARS:
                pos += 1
        if words_fullmatch(words[1:], text, pos):
            return True
    return False


def parse_lexicon(text: str, *, source: str = DATA_FILE) -> list[LexiconEntry]:
    """Parse the TSV format; merge entries with the same body. Raises ConfigError."""
    merged: dict[tuple[str, str], set[str]] = {}
    first_of: dict[tuple[str, str], str | None] = {}
    words_of: dict[tuple[str, str], tuple[tuple[str, bool], ...]] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) not in (2, 3):
            raise ConfigError(f"{source}:{lineno}: expected term<TAB>categories[<TAB>kind]")
        term, cats_field = fields[0].strip(), fields[1].strip()
        kind = fields[2].strip() if len(fields) == 3 else "word"
        cats = {c.strip() for c in cats_field.split(",") if c.strip()}
        unknown = cats - _CATEGORIES
        if not cats or unknown:
            raise ConfigError(f"{source}:{lineno}: unknown health category {sorted(unknown)}")
        words: tuple[tuple[str, bool], ...] = ()
        if kind == "word":
            body = word_body(term)
            first: str | None = fold(term).strip()[:1]
            words = term_words(term)
        elif kind == "re":
            try:
                re.compile(term)
            except re.error as exc:
                raise ConfigError(f"{source}:{lineno}: bad regular expression ({exc})") from exc
            body, first = term, None
        else:
            raise ConfigError(f"{source}:{lineno}: unknown kind {kind!r} (word or re)")
        if not body:
            raise ConfigError(f"{source}:{lineno}: empty term")
        if not body.isascii():
            raise ConfigError(f"{source}:{lineno}: terms must fold to ASCII")
        key = (kind, body)
        merged.setdefault(key, set()).update(cats)
        first_of[key] = first
        words_of[key] = words
    return [
        LexiconEntry(body=b, categories=frozenset(c), kind=k, first=first_of[(k, b)],
                     words=words_of[(k, b)])
        for (k, b), c in merged.items()
    ]


@dataclass(frozen=True, slots=True)
class HealthLexicon:
    """Compiled lexicon. Immutable; build once (``load_health_lexicon``) and reuse."""

    entries: tuple[LexiconEntry, ...]
    body: str = field(init=False)
    pattern: str = field(init=False)
    entry_patterns: tuple[str, ...] = field(init=False)
    regex: re.Pattern[str] = field(init=False)
    _exact: tuple[tuple[LexiconEntry, str | None], ...] = field(init=False)
    _compiled: dict[str, re.Pattern[str]] = field(
        init=False, compare=False, hash=False, repr=False
    )
    _memo: dict[str, frozenset[str]] = field(init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        # Longest bodies first so that "diabete gestationnel" wins over "diabete" at the
        # same position (Python alternation is ordered; the others report any match).
        ordered = sorted(self.entries, key=lambda e: (e.kind != "re", -len(e.body), e.body))
        body = "|".join(f"(?:{e.body})" for e in ordered)
        b = _BOUNDARY_CLASS
        object.__setattr__(self, "body", body)
        object.__setattr__(self, "pattern", f"(?:^|[^{b}])(?:{body})(?:[^{b}]|$)")
        object.__setattr__(
            self,
            "entry_patterns",
            tuple(f"(?:^|[^{b}])(?:{e.body})(?:[^{b}]|$)" for e in ordered),
        )
        object.__setattr__(self, "regex", re.compile(f"(?<![{b}])(?:{body})(?![{b}])", re.ASCII))
        # words are matched without a regex; the few "re" entries are compiled the first
        # time a matched term may be theirs
        object.__setattr__(self, "_exact", tuple((e, e.first) for e in ordered))
        object.__setattr__(self, "_compiled", {})
        object.__setattr__(self, "_memo", {})

    def categories_of_term(self, matched: str) -> frozenset[str]:
        """Categories of one matched (folded) term: union over every entry it matches."""
        known = self._memo.get(matched)
        if known is not None:
            return known
        found = self._lookup(matched)
        if len(self._memo) < _MEMO_SIZE:  # a bounded memo: terms repeat, texts vary
            self._memo[matched] = found
        return found

    def _lookup(self, matched: str) -> frozenset[str]:
        out: set[str] = set()
        first = matched[:1]
        for entry, entry_first in self._exact:
            if entry_first is not None and entry_first != first:
                continue
            if entry.words:
                if words_fullmatch(entry.words, matched):
                    out.update(entry.categories)
                continue
            rx = self._compiled.get(entry.body)
            if rx is None:
                rx = self._compiled[entry.body] = re.compile(f"(?:{entry.body})", re.ASCII)
            if rx.fullmatch(matched):
                out.update(entry.categories)
        return frozenset(out)

    def categories_folded(self, folded: str, pos: int = 0, endpos: int | None = None) -> set[str]:
        """Categories mentioned in already-folded text (optionally a slice of it)."""
        out: set[str] = set()
        end = len(folded) if endpos is None else endpos
        for m in self.regex.finditer(folded, pos, end):
            out.update(self.categories_of_term(m.group()))
        return out

    def categories(self, text: str) -> set[str]:
        """Health categories mentioned anywhere in ``text`` (any case, with or without accents)."""
        return self.categories_folded(fold(text))

    def __len__(self) -> int:
        return len(self.entries)


@lru_cache(maxsize=1)
def load_health_lexicon() -> HealthLexicon:
    """The packaged French lexicon (parsed and compiled once per process)."""
    text = resources.files("sentinelle.lexicon").joinpath(DATA_FILE).read_text("utf-8")
    return HealthLexicon(tuple(parse_lexicon(text)))


__all__ = ["DATA_FILE", "HealthLexicon", "LexiconEntry", "load_health_lexicon", "parse_lexicon"]
