"""check_lazy / collect_checks: the batched evaluation gives exactly what check_series gives.

Every discovered module is run over its own agreement tables (the upper-case lists of its
test module), the consistency seeds and the junk inputs, once through ``check_series`` and
once through ``check_lazy(...).collect()``, and once more through one ``collect_checks``
over all the modules' queries together.
"""

from __future__ import annotations

import importlib
import inspect
from types import ModuleType
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sentinelle.identifiers import get, modules, nir_no_key
from sentinelle.identifiers._series import (
    UPPER_TO_ASCII_LETTERS,
    WHITESPACE_CHARS,
    SeriesCheck,
    char_class,
    collect_checks,
    luhn_expr,
    luhn_ok,
    made_of,
)

from .helpers import JUNK
from .test_consistency import SEEDS

ALL = [m for found in modules().values() for m in found]
IDS = [m.__name__.rsplit(".", 1)[1] for m in ALL]
#: Keyword variants of check_series worth running (the others have no keyword).
VARIANTS: dict[str, list[dict[str, Any]]] = {
    "nir": [{}, {"strict": False}],
    "nir_no_key": [{}, {"strict": False}],
    "rpps": [{}, {"strict": False}],
    "blood_group": [{}, {"bare_abo": True}],
}
CASES = [
    pytest.param(m, kw, id=f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'default'}")
    for m, name in zip(ALL, IDS, strict=True)
    for kw in VARIANTS.get(name, [{}])
]
ODD = [
    pl.Series([], dtype=pl.String),
    pl.Series([None, None], dtype=pl.String),
    pl.Series([None, None]),  # dtype Null
    pl.Series([0, 612345678, 75001, 1000, -1, 2**62, None]),  # integers (phone, postal code)
    pl.Series([1.5, float("nan")]),
    pl.Series([True, False]),
]


def _table_values(name: str) -> list[str]:
    """The strings of the upper-case lists of ``tests/identifiers/test_<name>.py``."""
    test_module = importlib.import_module(f"{__package__}.test_{name}")
    values: list[str] = []
    for attr, table in vars(test_module).items():
        if not attr.isupper() or not isinstance(table, list):
            continue
        for item in table:
            if isinstance(item, tuple) and item and isinstance(item[0], str):
                values.append(item[0])
            elif isinstance(item, str):
                values.append(item)
    return values


def _values(module: ModuleType) -> pl.Series:
    name = module.__name__.rsplit(".", 1)[1]
    values = _table_values(name) + SEEDS[name] + JUNK
    assert len(values) > len(JUNK) + 3, "no agreement table found"
    return pl.Series("v", values, dtype=pl.String)


def _same(a: SeriesCheck, b: SeriesCheck) -> None:
    assert a.normalised.to_list() == b.normalised.to_list()
    assert a.shaped.to_list() == b.shaped.to_list()
    assert a.valid.to_list() == b.valid.to_list()


def _assert_frame_contract(frame: pl.DataFrame, height: int) -> None:
    assert frame.schema == pl.Schema({"n": pl.String, "s": pl.Boolean, "ok": pl.Boolean})
    assert frame.height == height
    assert frame["s"].null_count() == 0
    assert frame["ok"].null_count() == 0
    assert not (frame["ok"] & ~frame["s"]).any(), "ok must imply s"
    assert frame.filter(~pl.col("s"))["n"].null_count() == frame.filter(~pl.col("s")).height


@pytest.mark.parametrize(("module", "kwargs"), CASES)
def test_check_lazy_is_check_series(module: ModuleType, kwargs: dict[str, Any]) -> None:
    series = _values(module)
    query = module.check_lazy(series, **kwargs)
    assert isinstance(query, pl.LazyFrame)
    frame = query.collect()
    _assert_frame_contract(frame, len(series))
    _same(SeriesCheck.from_frame(frame), module.check_series(series, **kwargs))


@pytest.mark.parametrize("module", ALL, ids=IDS)
@pytest.mark.parametrize(
    "series", ODD, ids=["empty", "nulls", "null-dtype", "ints", "floats", "bools"]
)
def test_check_lazy_on_odd_columns(module: ModuleType, series: pl.Series) -> None:
    frame = module.check_lazy(series).collect()
    _assert_frame_contract(frame, len(series))
    _same(SeriesCheck.from_frame(frame), module.check_series(series))


def test_collect_checks_matches_individual_calls() -> None:
    queries: list[pl.LazyFrame] = []
    expected: list[SeriesCheck] = []
    for module, name in zip(ALL, IDS, strict=True):
        series = _values(module)
        for kwargs in VARIANTS.get(name, [{}]):
            # the same series through every module, and each module's own values
            for s in (series, _values(get("phone")), ODD[3]):
                queries.append(module.check_lazy(s, **kwargs))
                expected.append(module.check_series(s, **kwargs))
    body = pl.Series(["1850375100023", "2 55 08 14 168 025", "1851375100023", None, "junk"])
    key = pl.Series(["97", "38", "63", "97", "12"])
    for strict in (True, False):
        queries.append(nir_no_key.check_pair_lazy(body, key, strict=strict))
        expected.append(nir_no_key.check_pair_series(body, key, strict=strict))
    results = collect_checks(queries)
    assert len(results) == len(expected)
    for got, want in zip(results, expected, strict=True):
        _same(got, want)
    assert collect_checks(queries[3:4])[0].valid.to_list() == expected[3].valid.to_list()


def test_collect_checks_empty() -> None:
    assert collect_checks([]) == []


def test_collect_checks_keeps_order_of_different_heights() -> None:
    nir = get("nir")
    short = pl.Series(["185037510002397"])
    long = pl.Series(["x"] * 7 + ["185037510002397"])
    first, second = collect_checks([nir.check_lazy(long), nir.check_lazy(short)])
    assert first.valid.to_list() == [False] * 7 + [True]
    assert second.valid.to_list() == [True]


@pytest.mark.parametrize("strict", [True, False])
def test_check_pair_lazy_is_check_pair_series(strict: bool) -> None:
    body = pl.Series(["1850375100023", "2 55 08 14 168 025", "2550814168025", "255082A168025",
                      "1851375100023", None, "junk", "2550814168025", *JUNK])  # fmt: skip
    key = pl.Series(["97", "38", "39", "97", "63", "97", "12", "5", *JUNK])
    frame = nir_no_key.check_pair_lazy(body, key, strict=strict).collect()
    _assert_frame_contract(frame, len(body))
    _same(SeriesCheck.from_frame(frame), nir_no_key.check_pair_series(body, key, strict=strict))
    integer_key = nir_no_key.check_pair_lazy(pl.Series(["2550814168025"]), pl.Series([5]))
    assert integer_key.collect()["n"].to_list() == ["255081416802505"]


def test_check_pair_lazy_length_mismatch_raises_before_collect() -> None:
    with pytest.raises(ValueError):
        nir_no_key.check_pair_lazy(pl.Series(["1"]), pl.Series(["1", "2"]))


def test_from_frame_needs_the_three_columns() -> None:
    with pytest.raises(ValueError, match="missing"):
        SeriesCheck.from_frame(pl.DataFrame({"n": ["a"], "s": [True]}))
    check = SeriesCheck.from_frame(pl.DataFrame({"ok": [True], "n": ["a"], "s": [True]}))
    assert check.count == 1


@pytest.mark.parametrize("module", ALL, ids=IDS)
def test_check_lazy_has_the_signature_of_check_series(module: ModuleType) -> None:
    assert "check_lazy" in module.__all__
    lazy = inspect.signature(module.check_lazy)
    eager = inspect.signature(module.check_series)
    assert list(lazy.parameters.values()) == list(eager.parameters.values())
    assert lazy.return_annotation in (pl.LazyFrame, "pl.LazyFrame")


# --- helpers rewritten for speed: same results --------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="0123456789", min_size=9, max_size=14), min_size=1, max_size=40),
    st.sampled_from([9, 11, 14]),
)
def test_luhn_expr_is_luhn(values: list[str], length: int) -> None:
    odd = ["", "12", "1234567a9", "١٢٣٤٥٦٧٨٩", None]
    frame = pl.DataFrame({"d": values + odd}, schema={"d": pl.String})
    got = frame.select(ok=luhn_expr(pl.col("d"), length))["ok"].to_list()
    want = [
        v is not None and len(v) >= length and v[:length].isascii() and v[:length].isdigit()
        and luhn_ok(v[:length])
        for v in values + odd
    ]  # fmt: skip
    assert got == want


def test_whitespace_chars_is_the_whitespace_class() -> None:
    import re

    pattern = re.compile(char_class())
    in_class = {chr(c) for c in range(0x3001) if pattern.fullmatch(chr(c))}
    assert set(WHITESPACE_CHARS) == in_class
    assert len(WHITESPACE_CHARS) == len(in_class)


# --- the cheap prefilters (made_of) never drop a value that could be shaped --------------


@pytest.fixture(scope="module")
def code_points() -> pl.DataFrame:
    """Every Unicode scalar value, with polars' own upper and lower case of it."""
    chars = pl.Series("c", [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF])
    return pl.DataFrame(
        {"c": chars, "up": chars.str.to_uppercase(), "low": chars.str.to_lowercase()}
    )


def test_upper_to_ascii_letters(code_points: pl.DataFrame) -> None:
    found = code_points.filter(
        pl.col("up").str.contains("^[0-9A-Z]+$") & ~pl.col("c").str.contains("^[0-9A-Za-z]$")
    )["c"]
    assert set(found) == set(UPPER_TO_ASCII_LETTERS)
    digits = code_points.filter(pl.col("up").str.contains("[0-9]"))["c"]
    assert set(digits) == set("0123456789")
    at = code_points.filter(pl.col("low").str.contains("@", literal=True))["c"]
    assert set(at) == {"@"}  # the e-mail prefilter


def _made_of_classes() -> list[Any]:
    from sentinelle.identifiers import dates, iban, phone

    return [
        # (class of made_of, separators removed, upper-cased?, class of the compact form)
        pytest.param(iban._RAW, iban.SEPARATORS, True, "[0-9A-Z]", id="iban"),
        pytest.param(phone._RAW, phone.SEPARATORS, False, "[0-9+]", id="phone"),
        pytest.param(dates._RAW, char_class(), False, r"[0-9/.\-:hHTZ+, \t]", id="dates"),
    ]


@pytest.mark.parametrize(("raw", "separators", "upper", "alphabet"), _made_of_classes())
def test_made_of_keeps_every_character_of_a_shaped_value(
    code_points: pl.DataFrame, raw: str, separators: str, upper: bool, alphabet: str
) -> None:
    """A character whose compact form (separators removed, upper case) is empty or made
    of the shape's alphabet can be in a shaped value: the prefilter must let it through."""
    compact = pl.col("c").str.replace_all(separators, "")
    if upper:
        compact = compact.str.to_uppercase()
    possible = code_points.filter((compact == "") | compact.str.contains(f"^{alphabet}+$"))
    kept = possible.select(pl.col("c").str.contains(f"^{raw}+$"))["c"]
    dropped = [hex(ord(c)) for c, ok in zip(possible["c"], kept, strict=True) if not ok]
    assert not dropped
    assert len(possible) >= 10


def _spelled_classes() -> list[Any]:
    from sentinelle.identifiers import _common, nir

    return [
        # (class of spelled, its separators, class of the compact form)
        pytest.param(_common.DIGIT, _common.SEPARATORS, "[0-9]", id="digits"),
        pytest.param(_common.DIGIT_OR_AB, _common.SEPARATORS, "[0-9AB]", id="dept9"),
        pytest.param(nir.CHAR, nir.SEPARATORS, "[0-9AB]", id="nir"),
    ]


@pytest.mark.parametrize(("char", "separators", "alphabet"), _spelled_classes())
def test_spelled_counts_every_character_of_a_shaped_value(
    code_points: pl.DataFrame, char: str, separators: str, alphabet: str
) -> None:
    """Every character that is not a separator and whose upper case is made of the compact
    form's alphabet is in ``char``, and upper-cases to one character: so a shaped value
    of n characters is spelled with exactly n characters of ``char``."""
    rest = code_points.filter(~pl.col("c").str.contains(f"^{separators}$"))
    possible = rest.filter(pl.col("up").str.contains(f"^{alphabet}+$"))
    in_char = possible.select(pl.col("c").str.contains(f"^{char}$"))["c"]
    bad = [hex(ord(c)) for c, ok in zip(possible["c"], in_char, strict=True) if not ok]
    assert not bad
    assert (possible["up"].str.len_chars() == 1).all()
    assert rest.filter(pl.col("c").str.contains(f"^{char}$")).height == possible.height


@pytest.mark.parametrize(("module", "length"), [("nnp", 13), ("nir", 15), ("nir_no_key", 13)])
def test_spelled_prefilter_keeps_spaced_values(module: str, length: int) -> None:
    """Separators anywhere (even several, or around) do not hide a shaped value."""
    mod = get(module)
    digits = {"nnp": "7112312345678", "nir": "185037510002397", "nir_no_key": "1850375100023"}
    value = digits[module]
    assert len(value) == length
    spaced = [
        " " + " ".join(value) + " ",
        "\u00a0".join(value),
        value[:1] + " .-/ " + value[1:],
        value + "\t",
    ]
    check = mod.check_series(pl.Series(spaced))
    assert check.valid.to_list() == [True] * len(spaced)
    assert check.normalised.to_list() == [value] * len(spaced)


def test_made_of_nulls_other_values() -> None:
    frame = pl.DataFrame({"v": ["12 34", "12a34", "", None, "1\u00a02"]})
    got = frame.select(made_of(pl.col("v"), char_class("0-9")))["v"].to_list()
    assert got == ["12 34", None, None, None, "1\u00a02"]
