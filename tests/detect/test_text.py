"""Text detection: candidates, validation, context scoring, health lines, junk input."""

from __future__ import annotations

import random

import pytest

from sentinelle.detect.patterns import PATTERNS
from sentinelle.detect.scoring import missing_validators
from sentinelle.detect.text import TextDetector, TextFindings
from sentinelle.errors import ConfigError

DETECTOR = TextDetector(engine="re")


def entities(text: str, detector: TextDetector = DETECTOR) -> dict[str, tuple[int, int, int]]:
    return detector.scan(text).stats()


def test_every_text_entity_has_its_validator() -> None:
    assert missing_validators() == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # NIR: published vectors, every writing, with and without context
        ("n° SS 1 85 03 75 100 023 97", {"NIR": (1, 1, 0)}),
        ("N° SS : 2 55 08 14 168 025 38", {"NIR": (1, 1, 0)}),
        ("assuré 255082A16802597", {"NIR": (1, 1, 0)}),
        ("NIR 253072B07300470", {"NIR": (1, 1, 0)}),
        ("NIR 295109912611193 (né à l'étranger)", {"NIR": (1, 1, 0)}),
        ("sécu: 2.69.05.49.588.157.80", {"NIR": (1, 1, 0)}),
        ("1-78-05-99-330-108-17 vu ce jour", {"NIR": (1, 1, 0)}),
        ("HPRIM line 8: 1850375100023 97", {"NIR": (1, 1, 0)}),
        ("patient 185037510002397 vu ce jour", {"NIR": (1, 1, 0)}),  # compact, key 97
        ("Commande n° 185037510002397", {}),  # valid key, but an order number
        ("Facture 185037510002397 réglée", {}),
        ("n° de suivi colis : 185037510002397", {}),
        ("SIRET 185037510002397", {}),
        ("NIR 255081416802539", {"NIR": (0, 0, 1)}),  # published invalid: wrong key
        ("1 85 03 75 100 023 98 vu ce jour", {"NIR": (0, 0, 1)}),  # strict shape, bad key
        ("999999999999999", {}),  # not NIR-shaped
        # Luhn-only identifiers count with context only
        ("Dr Martin, RPPS 10100000008", {"PERSON_NAME": (1, 1, 0), "RPPS": (1, 1, 0)}),
        ("référence 10100000008", {}),
        ("10100000008", {}),
        ("FINESS 350000139", {"FINESS": (1, 1, 0)}),
        ("Laboratoire 350000139", {"FINESS": (1, 1, 0)}),
        ("350000139", {}),
        ("SIREN 732 829 320", {"SIREN": (1, 1, 0)}),
        ("SIRET 732 829 320 00074", {"SIRET": (1, 1, 0)}),
        ("SIRET 73282932000075", {"SIRET": (0, 0, 1)}),
        # phones, e-mails, IBAN count on their own
        ("tél 06 12 34 56 78", {"PHONE": (1, 1, 0)}),
        ("+33 (0)6 12 34 56 78", {"PHONE": (1, 1, 0)}),
        ("0033 6 12 34 56 78", {"PHONE": (1, 1, 0)}),
        ("mobile 0692 12 34 56", {"PHONE": (1, 1, 0)}),
        ("+262 692 12 34 56", {"PHONE": (1, 1, 0)}),
        ("Commande 0612345678", {}),
        ("jean.dupont@example.fr, JEAN.DUPONT@example.fr", {"EMAIL": (2, 1, 0)}),
        ("IBAN FR76 3000 6000 0112 3456 7890 189", {"IBAN": (1, 1, 0)}),
        ("FR7630006000011234567890189", {"IBAN": (1, 1, 0)}),
        ("IBAN FR76 3000 6000 0112 3456 7890 188", {"IBAN": (0, 0, 1)}),
        # dates of birth only with context
        ("né le 12/05/1985", {"DATE_OF_BIRTH": (1, 1, 0)}),
        ("Date de naissance : 1985-05-12", {"DATE_OF_BIRTH": (1, 1, 0)}),
        ("DDN 12.05.85", {"DATE_OF_BIRTH": (1, 1, 0)}),
        ("née le 31/02/1985", {"DATE_OF_BIRTH": (0, 0, 1)}),
        ("prélevé le 12/05/2020", {}),
        ("12/05/1985", {}),
        # blood groups
        ("groupe sanguin A Rh+", {"BLOOD_GROUP": (1, 1, 0)}),
        ("Groupe : O", {"BLOOD_GROUP": (1, 1, 0)}),
        ("GS : AB négatif", {"BLOOD_GROUP": (1, 1, 0)}),
        ("O Rhésus négatif", {"BLOOD_GROUP": (1, 1, 0)}),
        ("catégorie A - voir", {}),
        ("note A+ en maths", {}),
        # postal codes only after an address
        ("12 rue des Lilas, 35000 Rennes", {"ADDRESS": (2, 2, 0), "POSTAL_CODE": (1, 1, 0)}),
        ("3 bis avenue Foch 75116 PARIS", {"ADDRESS": (2, 2, 0), "POSTAL_CODE": (1, 1, 0)}),
        ("CP : 35000", {"POSTAL_CODE": (1, 1, 0)}),
        ("total 35000 euros", {}),
        ("place de 15000 euros", {}),
        # nothing
        ("", {}),
        ("RAS, patient vu ce jour", {}),
    ],
)
def test_detection_table(text: str, expected: dict[str, tuple[int, int, int]]) -> None:
    assert entities(text) == expected


def test_context_window_is_configurable() -> None:
    far = "NIR" + " blabla" * 20 + " 1851375100023 98"  # month 13: lenient shape only
    assert entities(far) == {}  # bad key and no context in reach: not reported
    assert entities(far, TextDetector(engine="re", context_window=200)) == {"NIR": (0, 0, 1)}
    near = "Dr Dupont" + " x" * 30 + " 10100000008"
    name = {"PERSON_NAME": (1, 1, 0)}
    assert entities(near) == name
    wide = TextDetector(engine="re", context_window=100)
    assert entities(near, wide) == {**name, "RPPS": (1, 1, 0)}


def test_nearest_context_wins() -> None:
    assert entities("Facture du patient, NIR 185037510002397") == {"NIR": (1, 1, 0)}
    assert entities("NIR du patient, commande 185037510002397") == {}
    # a label on the line above counts; a word on the next line does not
    assert entities("N° SS :\n1 85 03 75 100 023 97\ncommande") == {"NIR": (1, 1, 0)}


def test_min_confidence_threshold() -> None:
    text = "patient 1 85 03 75 100 023 97"  # separated, strict, valid: 0.9
    assert entities(text, TextDetector(engine="re", min_confidence=0.95)) == {}
    assert entities(text, TextDetector(engine="re", min_confidence=0.9)) == {"NIR": (1, 1, 0)}
    low = TextDetector(engine="re", min_confidence=0.0).scan("Commande n° 185037510002397")
    assert [m.entity for m in low.matches] == ["NIR"]
    assert low.matches[0].confidence < 0.5
    assert any(r.startswith("context-:") for r in low.matches[0].reasons)


def test_match_fields_lines_and_offsets() -> None:
    text = "ligne un\nNIR 1 85 03 75 100 023 97 et tél 06 12 34 56 78\nVIH négatif\n\nsourd"
    found = DETECTOR.scan(text, first_line=10)
    nir_match, phone = found.matches
    assert (nir_match.entity, nir_match.line) == ("NIR", 11)
    assert text[nir_match.start : nir_match.end] == "1 85 03 75 100 023 97"
    assert nir_match.normalised == "185037510002397"
    assert "key" in nir_match.reasons and "structure" in nir_match.reasons
    assert (phone.entity, phone.line, phone.normalised) == ("PHONE", 11, "+33612345678")
    assert found.health == {"HIV": 1, "DEAFNESS": 1}
    assert found.health_lines == {"HIV": [12], "DEAFNESS": [14]}


def test_health_counts_lines_not_mentions() -> None:
    text = "VIH VIH hiv séropositif\nVIH négatif\nrien\nenceinte, VIH"
    found = DETECTOR.scan(text)
    assert found.health == {"HIV": 3, "PREGNANCY": 1}


def test_overlapping_candidates_keep_one_entity() -> None:
    found = DETECTOR.scan("NIR 1850375100023 97")
    assert [(m.entity, m.valid) for m in found.matches] == [("NIR", True)]
    found = DETECTOR.scan("FINESS 350000139")  # also shaped like ADELI and SIREN
    assert [m.entity for m in found.matches] == ["FINESS"]


def test_reasons_never_hold_the_value() -> None:
    text = "n° SS 1 85 03 75 100 023 97 tél 06 12 34 56 78 mail a.b@example.fr"
    for m in DETECTOR.scan(text).matches:
        for reason in m.reasons:
            assert not any(ch.isdigit() for ch in reason.replace("context+:", "")) or "ss" in reason
            assert "@" not in reason and "85 03" not in reason


def test_stats_distinct_and_values() -> None:
    text = "NIR 185037510002397\nNIR 1 85 03 75 100 023 97\nNIR 255082A16802597"
    found = DETECTOR.scan(text)
    assert found.stats() == {"NIR": (3, 2, 0)}
    assert sorted(found.values()["NIR"]) == [
        "185037510002397",
        "185037510002397",
        "255082A16802597",
    ]


def test_findings_threshold_applies_to_stats() -> None:
    findings = TextDetector(engine="re", min_confidence=0.0).scan("Commande 185037510002397")
    assert findings.stats() == {"NIR": (1, 1, 0)}
    strict = TextFindings(findings.matches, {}, {}, 0.5)
    assert strict.stats() == {}


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_config_is_checked(bad: float) -> None:
    with pytest.raises(ConfigError):
        TextDetector(min_confidence=bad)
    with pytest.raises(ConfigError):
        TextDetector(context_window=-1)


def test_detector_is_immutable_and_hashable() -> None:
    detector = TextDetector()
    with pytest.raises(AttributeError):
        detector.engine = "re"  # type: ignore[misc]
    assert hash(detector) == hash(TextDetector())


@pytest.mark.parametrize("engine", ["re", "polars", "auto"])
def test_junk_never_raises(engine: str) -> None:
    rng = random.Random(7)
    detector = TextDetector(engine=engine)
    binaryish = bytes(rng.randrange(256) for _ in range(200_000)).decode("latin-1")
    surrogates = "abc\udcff\ud800 NIR 185037510002397 \udfff"
    big = 10_000_000 if engine != "re" else 1_000_000  # plain re is the slow reference
    for text in (
        "",
        "\n\n\n",
        "\x00" * 1000,
        binaryish,
        surrogates,
        "9" * 1_000_000,
        ("x1 é œ 06 " * 1_200_000)[:big],  # one long line
        ("é\u0301…" * 100_000),  # every character folds to 0 or 2+ characters
        "😀" * 10_000 + "VIH",
    ):
        findings = detector.scan(text)
        assert isinstance(findings, TextFindings)
    assert detector.scan(surrogates).stats() == {"NIR": (1, 1, 0)}
    assert detector.scan("😀" * 10_000 + " VIH").health == {"HIV": 1}


def test_patterns_have_unique_names() -> None:
    assert len({p.name for p in PATTERNS}) == len(PATTERNS)


def test_identifiers_only_scan_skips_the_health_pass() -> None:
    from sentinelle.detect.text import TextDetector

    text = ("Patiente DUPONT Marie née le 12/03/1985, VIH négatif, grossesse 12 SA.\n"
            "NIR 2 85 03 75 112 005 51, tél 06 12 34 56 78\n") * 40
    for engine in ("polars", "re"):
        detector = TextDetector(engine=engine)
        full = detector.scan(text)
        ids = detector.scan(text, health=False)
        assert full.health and not ids.health
        assert [(m.entity, m.start, m.end) for m in ids.matches] == [
            (m.entity, m.start, m.end) for m in full.matches]
