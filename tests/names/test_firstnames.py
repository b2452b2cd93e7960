"""First-name lexicon and name-likeness ratios."""

from __future__ import annotations

import gzip
from importlib import resources

import polars as pl
import pytest

from sentinelle.names import (
    first_name_ratio,
    fold,
    fold_expr,
    is_first_name,
    load_first_names,
    name_shape_ratio,
)

FIRST_NAMES = ["Hélène", "FRANÇOISE", "jean-pierre", "Zoé", "Noël", "Kévin", "Anne Marie"]
CITIES = ["Besançon", "Marseille", "Lyon", "Toulouse", "Bordeaux", "Strasbourg", "Rennes"]
CODES = ["A12", "75001", "X-99", "06 12 34 56 78", "2A", "F-123", "B"]
FULL_NAMES = ["DUPONT Hélène", "LE GALL Anne-Marie", "PETIT Zoé", "ROUX Noël"]


def test_lexicon_is_folded_sorted_and_sized() -> None:
    names = load_first_names()
    assert 10_000 < len(names) < 20_000
    assert {"helene", "francoise", "jean", "zoe", "noel", "jean-pierre", "mohamed"} <= names
    as_series = pl.Series("n", sorted(names))
    refolded = pl.select(fold_expr(pl.lit(as_series))).to_series()
    assert refolded.to_list() == as_series.to_list()
    assert as_series.str.len_chars().min() == 2
    assert not {"le", "la", "de", "si"} & names
    raw = resources.files("sentinelle.names").joinpath("firstnames_fr.txt.gz").read_bytes()
    lines = gzip.decompress(raw).decode("utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) == len(set(lines)) == len(names)
    assert load_first_names() is names  # cached


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Hélène", "helene"), ("FRANÇOISE", "francoise"), ("Œuvre", "oeuvre"), ("Zoë", "zoe"),
     ("L’Hôpital", "l'hopital")],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_is_first_name() -> None:
    assert is_first_name("HÉLÈNE") and is_first_name("helene") and is_first_name(" Noël ")
    assert not is_first_name("Marseille") and not is_first_name("75001")


@pytest.mark.parametrize(
    ("values", "low", "high"),
    [
        (FIRST_NAMES, 1.0, 1.0),
        (CITIES, 0.0, 0.2),
        (CODES, 0.0, 0.0),
        (FULL_NAMES, 0.0, 0.3),  # surname first: the first token is not a first name
    ],
)
def test_first_name_ratio(values: list[str], low: float, high: float) -> None:
    ratio = first_name_ratio(pl.Series("col", values))
    assert low <= ratio <= high


def test_first_name_ratio_any_token_finds_surname_first_columns() -> None:
    assert first_name_ratio(pl.Series(FULL_NAMES), any_token=True) == 1.0
    assert first_name_ratio(pl.Series(CITIES), any_token=True) <= 0.2


def test_ratios_ignore_empty_cells_and_handle_degenerate_columns() -> None:
    series = pl.Series("p", ["Hélène", None, "", "  ", "Lyon"])
    assert first_name_ratio(series) == pytest.approx(0.5)
    assert name_shape_ratio(series) == pytest.approx(1.0)
    empty = pl.Series("e", [None, None], dtype=pl.String)
    assert first_name_ratio(empty) == 0.0 and name_shape_ratio(empty) == 0.0
    assert first_name_ratio(pl.Series("n", [1, 2])) == 0.0
    assert name_shape_ratio(pl.Series([], dtype=pl.String)) == 0.0


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["Jean-Pierre", "D'ARTOIS", "Le Gall", "Zoé", "N’Diaye"], 1.0),
        (["A12", "06 12 34 56 78", "X", "Jean2", "-abc"], 0.0),
        (["Dupont", "x" * 41, "Martin", "12"], 0.5),
    ],
)
def test_name_shape_ratio(values: list[str], expected: float) -> None:
    assert name_shape_ratio(pl.Series("n", values)) == pytest.approx(expected)


def test_ratios_are_vectorised_over_big_columns() -> None:
    series = pl.Series("p", (FIRST_NAMES + CITIES) * 20_000)
    assert first_name_ratio(series) == pytest.approx(0.5, abs=0.08)
    assert name_shape_ratio(series) == 1.0
