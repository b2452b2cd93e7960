"""Every engine gives the same results: prefilters only skip lines that cannot match."""

from __future__ import annotations

import re

import pytest
from detect_corpus import HEALTH_WORDS, IDENTIFIER_SNIPPETS, corpus_texts
from hypothesis import HealthCheck, given, settings

from sentinelle.detect.engines import (
    ENGINES,
    available_engines,
    build_prefilter,
    resolve_engine,
)
from sentinelle.detect.patterns import PATTERNS
from sentinelle.detect.text import TextDetector, TextFindings, _assets
from sentinelle.errors import ConfigError
from sentinelle.lexicon import fold

PREFILTERS = [e for e in available_engines() if e != "re"]
REFERENCE = TextDetector(engine="re")


def _result(findings: TextFindings) -> tuple[object, ...]:
    return (
        tuple(findings.matches),
        tuple(sorted(findings.health.items())),
        tuple(sorted((k, tuple(v)) for k, v in findings.health_lines.items())),
    )


def test_engines_available_here() -> None:
    assert available_engines()[-2:] == ("polars", "re")
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        pass
    else:
        assert "hyperscan" in available_engines()
    assert resolve_engine("auto") == available_engines()[0]
    with pytest.raises(ConfigError):
        resolve_engine("pcre")
    with pytest.raises(ConfigError):
        TextDetector(engine="nope")


@pytest.mark.parametrize("engine", PREFILTERS)
def test_every_pattern_compiles_in_the_engine(engine: str) -> None:
    prefilter = build_prefilter(engine, _assets().specs)
    assert prefilter is not None
    assert not getattr(prefilter, "_always", set())  # no group left without a prefilter
    if engine == "re2":
        assert all(rx is not None for _, rx in prefilter._regexes)  # type: ignore[attr-defined]


@pytest.mark.parametrize("engine", PREFILTERS)
@pytest.mark.parametrize(
    "word",
    ["épilepsie", "Épilepsie", "hépatite", "HÉPATITE B", "enceinte", "toxoplasmose", "Toxoplasmose", "sérologie VIH"],
)
def test_accented_terms_in_every_engine(engine: str, word: str) -> None:
    text = f"ligne neutre\nprélèvement du jour, {word} connue.\nà jeun"
    findings = TextDetector(engine=engine).scan(text)
    assert findings.health, (engine, word)
    assert set(findings.health_lines) and all(v == [2] for v in findings.health_lines.values())
    assert _result(findings) == _result(REFERENCE.scan(text))


@pytest.mark.parametrize("engine", PREFILTERS)
def test_snippets_identical_in_every_engine(engine: str) -> None:
    text = "\n".join((*IDENTIFIER_SNIPPETS, *HEALTH_WORDS))
    expected = REFERENCE.scan(text, first_line=7)
    got = TextDetector(engine=engine).scan(text, first_line=7)
    assert _result(got) == _result(expected)
    assert len(expected.matches) >= 15 and len(expected.health) >= 6


@pytest.mark.parametrize("engine", PREFILTERS)
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=corpus_texts())
def test_engines_identical_on_generated_texts(engine: str, text: str) -> None:
    expected = REFERENCE.scan(text)
    got = TextDetector(engine=engine).scan(text)
    assert _result(got) == _result(expected)


@settings(max_examples=200, deadline=None)
@given(text=corpus_texts())
def test_prefilter_flags_every_line_with_an_exact_match(text: str) -> None:
    """The superset property itself, group by group, for every prefilter engine."""
    assets = _assets()
    lines = text.split("\n")
    expected: dict[int, set[int]] = {}
    for i, rx in enumerate(assets.compiled):
        expected[i] = {n for n, line in enumerate(lines) if rx.search(line)}
    health = assets.lexicon.regex
    expected[len(PATTERNS)] = {n for n, line in enumerate(lines) if health.search(fold(line))}
    for engine in PREFILTERS:
        flagged = build_prefilter(engine, assets.specs).flag(text)  # type: ignore[union-attr]
        assert len(flagged.line_starts) == len(lines)
        for group, want in expected.items():
            got = set(flagged.groups[group].tolist())
            assert want <= got, (engine, group)


@pytest.mark.parametrize("engine", PREFILTERS)
def test_patterns_never_span_lines(engine: str) -> None:
    # An identifier cut by a newline is not an identifier, in every engine alike.
    text = "n° SS 1 85 03 75 100\n023 97 ; tél 06 12 34\n56 78 ; VIH\nnégatif"
    assert _result(TextDetector(engine=engine).scan(text)) == _result(REFERENCE.scan(text))
    assert not [m for m in REFERENCE.scan(text).matches if m.entity in ("NIR", "PHONE")]


def test_engine_names_are_documented() -> None:
    assert set(ENGINES) == {"hyperscan", "re2", "polars", "re"}
    for pattern in PATTERNS:
        assert pattern.folded.isascii()
        assert "\n" not in pattern.folded
        re.compile(pattern.folded, re.ASCII)


@pytest.mark.parametrize("engine", PREFILTERS)
@pytest.mark.parametrize(
    "text",
    [
        "vih\nvhc\nsida\nsourd",  # boundaries consumed by one match hide the next one
        "VIH\nVHC",
        "\nVIH/VHC/SIDA\n\nenceinte\n",
        "NIR 185037510002397\n255082A16802597\nNIR",
    ],
)
def test_terms_on_consecutive_lines(engine: str, text: str) -> None:
    got = TextDetector(engine=engine).scan(text)
    assert _result(got) == _result(REFERENCE.scan(text))
    assert got.health or got.matches
