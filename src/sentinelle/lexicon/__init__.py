"""Packaged word lists (data files + cached loaders): the French health lexicon and folding."""

from __future__ import annotations

from sentinelle.lexicon.folding import EXOTIC_PATTERN, fold, fold_expr, fold_table
from sentinelle.lexicon.health import HealthLexicon, LexiconEntry, load_health_lexicon

__all__ = [
    "EXOTIC_PATTERN",
    "HealthLexicon",
    "LexiconEntry",
    "fold",
    "fold_expr",
    "fold_table",
    "load_health_lexicon",
]
