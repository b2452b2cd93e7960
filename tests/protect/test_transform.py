"""Vectorised column actions and their threading: same values as one cell at a time."""

from __future__ import annotations

import base64
import codecs
import datetime as dt
import hashlib
import hmac
import threading

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sentinelle.protect.actions import _token_series, hmac_bytes, hmac_many, pseudonymise
from sentinelle.protect.fingerprints import Bloom
from sentinelle.protect.policy import ColumnDecision, Rule
from sentinelle.protect.redact import Redactor
from sentinelle.protect.transform import ColumnActions
from sentinelle.protect.writer import transcode

KEY = b"r" * 32


def test_hmac_helpers_equal_the_stdlib_hmac() -> None:
    values = ["", "AB123", "é" * 40, "x" * 200]
    expected = [hmac.new(KEY, v.encode(), hashlib.sha256).digest() for v in values]
    assert hmac_many(KEY, values) == expected
    assert hmac_bytes(KEY, [v.encode() for v in values]) == expected
    long_key = b"k" * 100  # longer than a block: hashed first (RFC 2104)
    assert hmac_many(long_key, ["v"]) == [hmac.new(long_key, b"v", hashlib.sha256).digest()]


def test_vectorised_tokens_are_base32_of_the_first_ten_hmac_bytes() -> None:
    values = [f"P{i:06d}" for i in range(300)]
    digests = hmac_many(KEY, values)
    tokens = _token_series(digests).to_list()
    assert tokens == [base64.b32encode(d[:10]).decode("ascii") for d in digests]
    assert _token_series([]).to_list() == []


def test_pseudonyms_of_a_column_map_back_to_every_row() -> None:
    s = pl.Series("ipp", ["p1", None, "P 1", "p2", "p1", ""])
    out = pseudonymise(s, KEY).to_list()
    one = base64.b32encode(hmac.new(KEY, b"P1", hashlib.sha256).digest()[:10]).decode()
    two = base64.b32encode(hmac.new(KEY, b"P2", hashlib.sha256).digest()[:10]).decode()
    assert out == [one, None, one, two, one, None]


def test_bloom_of_a_series_equals_bloom_of_the_values() -> None:
    values = [f"T{i:07d}" for i in range(70_000)]  # over FULL_SET: a sampled share
    a = Bloom.of(KEY, set(values))
    b = Bloom.of(KEY, pl.Series(values + [None]))
    assert a.sample_bits == b.sample_bits == 1
    assert a.n == b.n and a.to_dict() == b.to_dict()


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(max_codepoint=0x2200, exclude_categories=("Cs",)),
               max_size=40),
       st.sampled_from(["cp1252", "windows-1252", "latin-1", "utf-8", "utf-8-sig", "mac-roman",
                        "iso-8859-15"]))
def test_transcode_equals_the_codec(text: str, encoding: str) -> None:
    data = text.encode("utf-8")
    assert transcode(data, encoding) == text.encode(encoding, errors="replace")


def test_transcode_cp1252_fast_path_edges() -> None:
    # C1 controls have no cp1252 byte; the euro sign and curly quotes do
    for text in ["abc\x80\x9fé", "ÿ prix 5€ “ok”", "plain ascii", "ŒUVRE œ"]:
        assert transcode(text.encode(), "cp1252") == text.encode("cp1252", errors="replace")
    assert transcode("é".encode(), "utf-8-sig") == codecs.BOM_UTF8 + "é".encode()


def _decision(i: int, name: str, action: str, to: str | None = None) -> ColumnDecision:
    return ColumnDecision(i, name, None, Rule(action, to))


DECISIONS = [
    _decision(0, "ipp", "pseudonymise"),
    _decision(1, "nom", "drop"),
    _decision(2, "ddn", "generalise", "year"),
    _decision(3, "tel", "mask", "phone"),
    _decision(4, "commentaire", "redact"),
    _decision(5, "gs", "keep"),
]
FRAME = pl.DataFrame({
    "ipp": ["A1", "A2", "A1", None],
    "nom": ["DUPONT", "MARTIN", "DUPONT", "X"],
    "ddn": ["21/01/1958", "1960-03-02", "21/01/1958", None],
    "tel": ["06 12 34 56 78", None, "07 11 22 33 44", "+33 6 12 34 56 78"],
    "commentaire": ["rappeler au 06 12 34 56 78", "RAS", None, "patiente enceinte"],
    "gs": ["A+", "O-", "A+", None],
})


def test_transform_equals_each_action_alone_and_runs_during_redaction() -> None:
    actions = ColumnActions(KEY, dt.date(2026, 1, 1), Redactor())
    seen: dict[str, list[str | None]] = {}

    def during(done: dict[str, pl.Series]) -> None:
        assert "commentaire" not in done  # redaction still owed by the worker
        seen.update({k: v.to_list() for k, v in done.items()})

    out = actions.transform(DECISIONS, FRAME, during=during)
    assert list(out) == ["ipp", "ddn", "tel", "commentaire", "gs"]  # order kept, drop gone
    alone = ColumnActions(KEY, dt.date(2026, 1, 1), Redactor())
    for d in DECISIONS:
        if d.rule.action != "drop":
            assert out[d.name].to_list() == alone.apply(d, FRAME[d.name]).to_list(), d.name
    assert seen == {k: v.to_list() for k, v in out.items() if k != "commentaire"}
    assert out["ddn"].to_list() == ["1958", "1960", "1958", None]
    assert out["commentaire"].to_list() == ["rappeler au [PHONE]", "RAS", None, "patiente [SANTE]"]
    assert sorted(actions.pseudonyms().to_list()) == sorted(set(out["ipp"].drop_nulls()))


class _Failing(Redactor):
    def redact_series(self, series: pl.Series):  # type: ignore[no-untyped-def,override]
        assert threading.current_thread() is not threading.main_thread()
        raise RuntimeError("redaction failed")


def test_an_error_in_the_redaction_worker_reaches_the_caller() -> None:
    actions = ColumnActions(KEY, dt.date(2026, 1, 1), _Failing())
    with pytest.raises(RuntimeError, match="redaction failed"):
        actions.transform(DECISIONS, FRAME)


@settings(max_examples=100)
@given(st.lists(st.text(max_size=20), max_size=50))
def test_vectorised_nir_shaped_pseudonyms_equal_one_at_a_time(values: list[str]) -> None:
    from sentinelle.protect.actions import _nir_series, nir_shaped

    digests = hmac_many(KEY, values)
    assert _nir_series(digests).to_list() == [nir_shaped(KEY, v) for v in values]
