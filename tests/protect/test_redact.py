"""Free-text redaction: identifiers, names, health terms."""

from __future__ import annotations

import polars as pl

from sentinelle.detect.text import TextDetector
from sentinelle.lexicon.health import load_health_lexicon
from sentinelle.protect.redact import Redactor

R = Redactor()


def test_identifiers_names_and_health_terms_are_removed() -> None:
    cases = {
        "Patiente enceinte 28 SA, rappeler au 06 12 34 56 78": ["enceinte", "06 12"],
        "Vu par le Dr Martin Dupont, VIH négatif": ["Martin", "Dupont", "VIH"],
        "Mme Lefèvre sous Préviscan": ["Lefèvre", "Préviscan"],
        "Jean DUPONT, diabète type 2": ["Jean", "DUPONT", "diabète"],
        "mail jean.dupont@gmail.com NIR 1 85 03 75 100 023 97": ["jean.dupont", "1 85 03"],
        "SÉROPOSITIF connu, cœur RAS": ["SÉROPOSITIF"],
    }
    for text, gone in cases.items():
        out, _cats, labels = R.redact(text)
        assert labels, text
        for fragment in gone:
            assert fragment not in out, (text, out)
        assert not load_health_lexicon().categories(out), out
        assert not TextDetector().scan(out).matches, out


def test_neutral_text_is_untouched_and_categories_reported() -> None:
    assert R.redact("RAS, tube hémolysé")[0] == "RAS, tube hémolysé"
    _, cats, _ = R.redact("Patiente enceinte, VIH négatif")
    assert cats == {"PREGNANCY", "HIV"}


def test_series_redaction_per_distinct_value() -> None:
    s = pl.Series("c", ["RAS", None, "Patiente enceinte", "RAS", "Patiente enceinte"])
    red = R.redact_series(s)
    assert red.text.to_list() == ["RAS", None, "Patiente [SANTE]", "RAS", "Patiente [SANTE]"]
    assert red.categories.to_list() == ["", "", "PREGNANCY", "", "PREGNANCY"]
    assert red.counts == {"[SANTE]": 1}  # one distinct text redacted once


def test_accented_terms_in_both_engines() -> None:
    """Python ``re`` (redaction) and polars (l-diversity categories) agree on accented
    words at a boundary (DESIGN.md: engines disagree on ``\\b`` before accents)."""
    from sentinelle.protect.health import categories_series

    texts = ["épilepsie connue", "Épilepsie", "hépatite C", "suivi pour ÉPILEPSIE.", "sérologie VIH+"]
    cats = categories_series(pl.Series(texts)).to_list()
    for text, polars_cats in zip(texts, cats, strict=True):
        out, py_cats, labels = R.redact(text)
        assert labels and "[SANTE]" in out, text
        assert polars_cats == "+".join(sorted(py_cats)), text


def test_joined_detection_equals_per_text_detection() -> None:
    texts = ["rappeler au 06 12 34 56 78", "RAS", "NIR 1 85 03 75 100 023 97 vu",
             "mail a.b@c.fr\net 07 88 12 34 56", "06 12 34 56 78"]
    joined = R.identifier_spans(texts)
    for text, spans in zip(texts, joined, strict=True):
        alone = [(m.start, m.end, f"[{m.entity}]") for m in R.detector.scan(text).matches]
        assert spans == alone, text
        for start, end, _ in spans:
            assert text[start:end].strip() == text[start:end]


def test_credentials_and_addresses_without_identifier_numbers_are_removed() -> None:
    """Cells with no six-digit number used to skip the detector: passwords and street
    addresses came out unchanged."""
    s = pl.Series("c", ["identifiant jdupont mot de passe Soleil",
                        "35 rue des Cerisiers, Carnac",
                        "identifiant jdupont - mot de passe soleil42"])
    out = R.redact_series(s).text.to_list()
    for text, secret in zip(out, ["Soleil", "Cerisiers", "soleil42"], strict=True):
        assert secret not in text, text
    assert "jdupont" not in out[0] and "jdupont" not in out[2]
    assert "Carnac" not in out[1]
