"""Word entries are matched without a regex (``words_fullmatch``); it must agree with the
entry's regex body on every string, including near misses."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from sentinelle.lexicon.health import load_health_lexicon, words_fullmatch

WORD_ENTRIES = [e for e in load_health_lexicon().entries if e.words]
SEPARATORS = st.text(alphabet=" \t'-", max_size=2)


@st.composite
def spellings(draw: st.DrawFn) -> tuple[object, str]:
    entry = draw(st.sampled_from(WORD_ENTRIES))
    parts = []
    for k, (word, _plural) in enumerate(entry.words):
        if k:
            parts.append(draw(SEPARATORS))
        parts.append(word + draw(st.sampled_from(["", "", "s", "ss", "e"])))
    text = "".join(parts)
    mutation = draw(st.integers(0, 4))
    if mutation == 1 and text:
        at = draw(st.integers(0, len(text) - 1))
        text = text[:at] + text[at + 1:]  # a letter dropped
    elif mutation == 2:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from([" ", "-", "s", "x"])) + text[at:]
    elif mutation == 3:
        other = draw(st.sampled_from(WORD_ENTRIES))
        text = text + draw(SEPARATORS) + other.words[0][0]
    return entry, text


@given(spellings())
def test_words_match_like_the_regex(case: tuple[object, str]) -> None:
    entry, text = case
    expected = re.fullmatch(f"(?:{entry.body})", text, re.ASCII) is not None
    assert words_fullmatch(entry.words, text) is expected


def test_known_spellings() -> None:
    charge = next(e for e in WORD_ENTRIES if e.words[:2] == (("charge", True), ("virale", True)))
    for text, ok in [("charge virale", True), ("charges virales", True), ("chargevirale", True),
                     ("charge-virale", True), ("charge  virales", True), ("charge viral", False),
                     ("charge virale ", False), ("ch arge virale", False)]:
        assert words_fullmatch(charge.words, text) is ok, text


def test_a_plural_s_may_be_the_next_word() -> None:
    words = (("test", True), ("sida", True))
    body = "tests?[ \\t'\\-]*sidas?"
    for text in ("testsida", "testssida", "tests sida", "test sidas", "testida", "testsssida"):
        expected = re.fullmatch(body, text) is not None
        assert words_fullmatch(words, text) is expected, text
