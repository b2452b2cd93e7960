"""Packaged word lists: encodable everywhere, consistent, and the comment templates say
what their categories say (checked with the recount's own keyword patterns)."""

from __future__ import annotations

import re

import pytest
from synth_recount import HEALTH_PATTERNS, fold

from sentinelle.entities import HealthCategory
from sentinelle.synth import vocab
from sentinelle.synth.clinical import EXAM_TABLE
from sentinelle.synth.columns import column_specs
from sentinelle.synth.labs import _NAME_PATTERNS, _SUFFIXES


def _all_strings() -> list[str]:
    out = [*vocab.last_names(), *vocab.first_names().names, *vocab.streets()]
    out += [*vocab.communes().name, *vocab.departements().names]
    out += [name for _, name in vocab.countries()]
    for templates in vocab.comment_templates().values():
        out += templates.text
    out += [t[1] for t in EXAM_TABLE] + list(_NAME_PATTERNS) + list(_SUFFIXES)
    for split in (False, True):
        for spec in column_specs(split_nir=split, exam_style=0):
            out += spec.synonyms
    return out


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-8"])
def test_every_string_encodes(encoding: str) -> None:
    for text in _all_strings():
        text.encode(encoding)  # raises on a character the encoding lacks


def test_no_c1_controls_so_cp1252_and_latin1_agree() -> None:
    for text in _all_strings():
        assert not re.search("[\x00-\x1f\x7f-\x9f]", text)
        assert text.encode("cp1252") == text.encode("latin-1")


def test_communes_postal_codes_start_with_their_departement() -> None:
    deps, com = vocab.departements(), vocab.communes()
    assert all(com.counts > 0), "every département needs at least one commune"
    for d, cp in zip(com.dept, com.cp, strict=True):
        assert re.fullmatch(r"\d{5}", cp)
        assert cp[:2] == deps.codes[d]


def test_departements_are_mainland_and_neighbours_known() -> None:
    deps = vocab.departements()
    assert len(deps.codes) == 94 and "20" not in deps.codes  # 01-95 without 20
    for code in ("22", "27", "35", "41", "45", "56"):
        assert len(deps.neighbours[deps.index(code)]) >= 3
    assert set(deps.zone.tolist()) == {1, 2, 3, 4, 5}


def test_country_codes() -> None:
    assert all(99100 < code < 99500 for code, _ in vocab.countries())


def test_categories_follow_the_contract() -> None:
    assert vocab.CATEGORIES == tuple(c.value for c in HealthCategory)


def test_health_templates_mention_exactly_their_categories() -> None:
    t = vocab.comment_templates()["health"]
    for text, mask in zip(t.text, t.mask, strict=True):
        sample = fold(text.replace("{SA}", "12").replace("{DATE}", "01/02/2019")
                      .replace("{N}", "3").replace("{e}", "").replace("{f}", "f")
                      .replace("{te}", ""))
        found = {c for c, p in HEALTH_PATTERNS.items() if p.search(sample)}
        wanted = {c for i, c in enumerate(vocab.CATEGORIES) if mask >> i & 1}
        assert found == wanted, text


@pytest.mark.parametrize("kind", ["neutral", "phone"])
def test_neutral_and_phone_templates_mention_no_health(kind: str) -> None:
    for text in vocab.comment_templates()[kind].text:
        sample = fold(text.replace("{e}", "e").replace("{PHONE}", "06 12 34 56 78"))
        assert not any(p.search(sample) for p in HEALTH_PATTERNS.values()), text
