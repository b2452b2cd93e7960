"""French health lexicon: recall on varied phrasings, silence on neutral notes, boundaries."""

from __future__ import annotations

import re

import pytest

from sentinelle.entities import HealthCategory
from sentinelle.errors import ConfigError
from sentinelle.lexicon import fold, load_health_lexicon
from sentinelle.lexicon.health import HealthLexicon, parse_lexicon, word_body

LEXICON = load_health_lexicon()

PHRASES: dict[str, list[str]] = {
    "HIV": [
        "VIH négatif",
        "sérologie VIH positive",
        "séropositif connu",
        "séropositivité depuis 2012",
        "charge virale indétectable",
        "CD4 à 450",
        "sous trithérapie",
        "PrEP VIH en cours",
        "SIDA déclaré",
        "HIV 1/2 négatif",
    ],
    "PREGNANCY": [
        "patiente enceinte",
        "grossesse de 12 SA",
        "enceinte de 28SA",
        "DDR le 02/03",
        "suivi prénatal",
        "gestante, terme prévu en mai",
        "post-partum J3",
        "bêta-HCG positifs",
        "33 semaines d'aménorrhée",
        "primipare, accouchement prévu",
    ],
    "DEAFNESS": [
        "patient sourd",
        "patiente sourde",
        "malentendante",
        "surdité bilatérale",
        "appareillé des deux côtés",
        "communique en LSF",
        "langue des signes",
        "implant cochléaire",
        "déficient auditif",
        "hypoacousie",
    ],
    "HEPATITIS": [
        "hépatite C guérie",
        "Hépatite B chronique",
        "VHB",
        "sérologie VHC négative",
        "Ag HBs négatif",
        "anti-HBs > 10",
        "porteur HBs",
        "hépatites virales",
        "HCV positif",
        "suivi VHB/VHC",
    ],
    "CANCER": [
        "cancer du sein",
        "sous chimiothérapie",
        "tumeur maligne",
        "métastases hépatiques",
        "suivi en oncologie",
        "radiothérapie terminée",
        "lymphome",
        "leucémie aiguë",
        "carcinome",
        "néoplasie pulmonaire",
    ],
    "DIABETES": [
        "diabète de type 2",
        "patient diabétique",
        "sous insuline",
        "HbA1c à 7,2 %",
        "glycémie à jeun élevée",
        "DT1",
        "insulinodépendant",
        "hémoglobine glyquée",
        "sous metformine",
        "hypoglycémie",
    ],
    "MENTAL_HEALTH": [
        "dépression sévère",
        "schizophrénie stabilisée",
        "trouble bipolaire",
        "suivi psy",
        "hospitalisation en psychiatrie",
        "sous anxiolytiques",
        "antidépresseur",
        "tentative de suicide en 2019",
        "ATCD de TS",
        "TS médicamenteuse",
    ],
    "TREATMENT": [
        "sous AVK",
        "anticoagulant",
        "Lévothyrox 75",
        "méthotrexate hebdomadaire",
        "Préviscan",
        "Kardégic 75 mg",
        "sous traitement",
        "insuline rapide",
        "anticoagulé",
        "héparine",
    ],
    "OTHER_HEALTH": [
        "allergie pénicilline",
        "épilepsie",
        "dialysé 3x/semaine",
        "greffe de rein",
        "mucoviscidose",
        "handicap moteur",
        "RAI positive",
        "IVG en 2018",
        "asthme",
        "sérologie toxoplasmose",
    ],
}
TEMPLATES = ("{}", "Patient vu ce jour. {}.", "ATCD : {} - à surveiller", "{upper}", "RAS sauf {}")

NEUTRAL = [
    "RAS",
    "sans particularité",
    "à jeun",
    "prélèvement au pli du coude",
    "patient vu ce jour",
    "Patient vu ce jour, RAS.",
    "tube hémolysé, à refaire",
    "résultats envoyés au médecin traitant",
    "rendez-vous demain matin",
    "sans objet",
    "contrôle dans 3 mois",
    "dossier complet",
    "enveloppe pour le secrétariat",
    "paiement par chèque",
    "prise de sang à domicile",
    "sans ordonnance",
    "à long terme, rien à signaler",
    "la greffe du tribunal a été prévenue",
    "traitement en cours des dossiers",
    "batterie lithium à changer",
    "SA au capital de 10 000 euros",
    "analyse sans sang",
    "tsunami, TSH normale",
    "une liste d'attente",
    "il a vu 3 fois le secrétariat",
    "<img src='logo.png'>",
    "did you send it?",
    "préparation du tube",
    "Prép. : tube sec",
    "il existe",
    "les artistes",
]


def notes() -> list[tuple[str, str]]:
    out = []
    for category, phrases in PHRASES.items():
        for i, phrase in enumerate(phrases):
            template = TEMPLATES[i % len(TEMPLATES)]
            note = template.format(phrase, upper=phrase.upper())
            out.append((category, note))
    return out


def test_recall_on_varied_phrasings() -> None:
    cases = notes()
    assert len(cases) >= 90
    missed = [(cat, note) for cat, note in cases if cat not in LEXICON.categories(note)]
    recall = 1 - len(missed) / len(cases)
    assert recall >= 0.98, missed
    assert missed == []  # every phrasing above is known; keep it that way


@pytest.mark.parametrize("note", NEUTRAL)
def test_no_category_on_neutral_notes(note: str) -> None:
    assert LEXICON.categories(note) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("VIH négatif", {"HIV"}),  # a test result is still health data
        ("vih NÉGATIF", {"HIV"}),
        ("Épilepsie", {"OTHER_HEALTH"}),
        ("EPILEPSIE", {"OTHER_HEALTH"}),
        ("e\u0301pilepsie", {"OTHER_HEALTH"}),  # decomposed accent
        ("VIH/VHC", {"HIV", "HEPATITIS"}),
        ("diabète gestationnel", {"DIABETES", "PREGNANCY"}),
        ("insuline", {"DIABETES", "TREATMENT"}),
        ("12 SA", {"PREGNANCY"}),
        ("12\u00a0SA", {"PREGNANCY"}),
        ("SA", set()),  # only after a number
        ("sans", set()),
        ("visa", set()),
        ("12 sans", set()),
        ("TS", set()),  # alone, too ambiguous
        ("ATCD de TS", {"MENTAL_HEALTH"}),
        ("tentative d’autolyse", {"MENTAL_HEALTH"}),  # typographic apostrophe
        ("maladie cœliaque", {"OTHER_HEALTH"}),
        ("a la prep du tube", set()),
        ("sous PrEP", {"HIV", "TREATMENT"}),
        ("terme prévu le 3 mai", {"PREGNANCY"}),
        ("à court terme", set()),
        ("sourdine", set()),
        ("hiver", set()),
        ("avkx", set()),
    ],
)
def test_boundaries_accents_and_guards(text: str, expected: set[str]) -> None:
    assert LEXICON.categories(text) == expected


def test_every_category_has_terms() -> None:
    cats = set().union(*(e.categories for e in LEXICON.entries))
    assert cats == {str(c) for c in HealthCategory}


def test_loader_is_cached_and_regexes_agree() -> None:
    assert load_health_lexicon() is LEXICON
    assert len(LEXICON) > 250
    consuming = re.compile(LEXICON.pattern, re.ASCII)
    for _, note in notes():
        folded = fold(note)
        assert bool(consuming.search(folded)) == bool(LEXICON.regex.search(folded))
    for entry_pattern in LEXICON.entry_patterns:
        re.compile(entry_pattern, re.ASCII)
        assert entry_pattern.isascii()


def test_word_body_folds_and_allows_separators() -> None:
    body = word_body("Post-Partum")
    assert body == "posts?[ \\t'\\-]*partums?"
    rx = re.compile(f"^(?:{body})$")
    for variant in ("post-partum", "post partum", "postpartum", "post - partum"):
        assert rx.match(variant)


@pytest.mark.parametrize(
    "bad",
    [
        "VIH",  # no category
        "VIH\tUNKNOWN",
        "VIH\tHIV\tweird",
        "(unclosed\tHIV\tre",
        "βeta\tHIV\tre",
        "\tHIV",
    ],
)
def test_bad_data_files_are_config_errors(bad: str) -> None:
    with pytest.raises(ConfigError):
        parse_lexicon(f"# comment\n{bad}\n")


def test_custom_lexicon_merges_duplicates() -> None:
    entries = parse_lexicon("# x\nfoo\tHIV\nFOO\tCANCER\nbar\\d\tDIABETES\tre\n\n")
    lexicon = HealthLexicon(tuple(entries))
    assert len(lexicon) == 2
    assert lexicon.categories("un FOO et bar7") == {"HIV", "CANCER", "DIABETES"}


def test_a_routine_glucose_result_is_not_a_diabetes_mention() -> None:
    from sentinelle.lexicon.folding import fold
    from sentinelle.lexicon.health import load_health_lexicon

    lexicon = load_health_lexicon()
    assert lexicon.categories_folded(fold("Glycémie à jeun (GLY) : 1,10 g/L")) == set()
    assert lexicon.categories_folded(fold("glycémie élevée")) == {"DIABETES"}
