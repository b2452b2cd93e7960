"""Shared checks for the identifier tests: junk inputs and the series/scalar agreement."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import polars as pl
from hypothesis import strategies as st

#: Inputs no identifier should choke on.
JUNK: list[str | None] = [
    None,
    "",
    " ",
    "\t\n",
    "\u00a0",
    "\x1c\x1d\x1e\x1f",
    "None",
    "null",
    "NULL",
    "NaN",
    "nan",
    "N/A",
    "-",
    "--",
    "+",
    "0",
    "00000000000000",
    "x" * 10_000,
    "9" * 10_000,
    "é" * 300,
    "\x00\x01\x02\x7f\xff",
    "\ufffd\ufeff",
    "١٢٣٤٥٦٧٨٩٠١٢٣٤٥",  # Arabic-Indic digits
    "１２３４５６７８９０１２３４５",  # full-width digits
    "2A2B2A2B2A2B2A2",
    "^^^&&&^^^",
    "@",
    "@@.",
    "+33",
    "FR",
    "RH:",
    "K",
    "𝟙𝟚𝟛",
    "🙂" * 20,
    "'; DROP TABLE patients; --",
    "<script>alert(1)</script>",
    "1" * 15,
    "0" * 15,
    "12/34/5678",
    "\u2212",
]


def assert_series_agrees(module: ModuleType, values: list[Any], **kwargs: Any) -> None:
    """``check_series`` must say what ``is_valid`` says, value by value.

    Also: ``valid`` implies ``shaped``, and the normalised form of a valid value is what
    ``validate`` returns.
    """
    series = pl.Series("v", values, dtype=pl.String)
    check = module.check_series(series, **kwargs)
    assert len(check.valid) == len(values)
    vectorised = check.valid.to_list()
    scalar = [False if v is None else module.is_valid(v, **kwargs) for v in values]
    mismatches = [(v, a, b) for v, a, b in zip(values, vectorised, scalar) if a != b]
    assert not mismatches, f"check_series vs is_valid (value, series, scalar): {mismatches[:10]}"
    shaped = check.shaped.to_list()
    assert all(s for s, ok in zip(shaped, vectorised) if ok), "valid must imply shaped"
    normalised = check.normalised.to_list()
    for value, ok, norm in zip(values, vectorised, normalised):
        if ok:
            assert norm == module.validate(value, **kwargs), value
    assert check.count == sum(scalar)


def mutations(value: str) -> st.SearchStrategy[str]:
    """Near misses of ``value``: one character changed, dropped, doubled or swapped."""
    # ASCII look-alikes and the characters where Python and polars regexes differ
    # (U+001C..U+001F are whitespace for Python only; full-width digits; dotless i...)
    alphabet = "0123456789AB+-./ abc@:^&,()\x1c\x1f\u00a0\u2212\uff10\u0131\u212a"
    n = len(value)
    if n == 0:
        return st.just(value)
    index = st.integers(min_value=0, max_value=n - 1)
    return st.one_of(
        st.just(value),
        st.tuples(index, st.sampled_from(alphabet)).map(
            lambda t: value[: t[0]] + t[1] + value[t[0] + 1 :]
        ),
        index.map(lambda i: value[:i] + value[i + 1 :]),
        index.map(lambda i: value[:i] + value[i] + value[i:]),
        index.map(lambda i: value[:i] + value[i + 1 : i + 2] + value[i : i + 1] + value[i + 2 :]),
        st.tuples(index, st.sampled_from([" ", ".", "-", "\u00a0"])).map(
            lambda t: value[: t[0]] + t[1] + value[t[0] :]
        ),
    )
