"""Synthetic building blocks for the text-detection tests (no real personal data)."""

from __future__ import annotations

from hypothesis import strategies as st

from sentinelle.identifiers import nir

#: Neutral French words: no context word of any entity, no health term.
NEUTRAL_WORDS = [
    "patient",
    "patiente",
    "vu",
    "ce",
    "jour",
    "prélèvement",
    "au",
    "pli",
    "du",
    "coude",
    "à",
    "jeun",
    "sans",
    "particularité",
    "bilan",
    "contrôle",
    "résultat",
    "normal",
    "numération",
    "formule",
    "plaquettes",
    "créatinine",
    "ionogramme",
    "rendez-vous",
    "demain",
    "matin",
    "secrétariat",
    "merci",
    "été",
    "très",
    "bien",
    "reçu",
    "échantillon",
    "tube",
    "hémolysé",
    "refaire",
    "analyse",
    "complet",
    "transmis",
    "courrier",
    "envoyé",
    "mutuelle",
    "carte",
    "réglée",
    "paiement",
    "chèque",
    "espèces",
    "ordonnance",
    "valide",
    "le",
    "la",
    "les",
    "un",
    "une",
    "des",
    "du",
    "de",
    "et",
    "avec",
    "pour",
]

#: Words that make a candidate a NIR (positive context).
NIR_CONTEXT = (
    "n° SS",
    "N° SS :",
    "NIR",
    "NIR :",
    "sécu",
    "n° de sécurité sociale",
    "Sécurité sociale",
    "immatriculation",
    "INS",
    "assuré",
    "N°SS",
    "numéro de sécu",
)

WRITINGS = ("compact", "spaced", "dotted", "hyphenated", "body_key", "nbsp")


def write_nir(number: str, writing: str) -> str:
    """Write a compact 15-character NIR in one of the usual forms."""
    parts = [
        number[0],
        number[1:3],
        number[3:5],
        number[5:7],
        number[7:10],
        number[10:13],
        number[13:],
    ]
    if writing == "compact":
        return number
    if writing == "spaced":
        return " ".join(parts)
    if writing == "dotted":
        return ".".join(parts)
    if writing == "hyphenated":
        return "-".join(parts)
    if writing == "nbsp":  # French typography: no-break spaces
        return "\u00a0".join(parts)
    if writing == "body_key":
        return f"{number[:13]} {number[13:]}"
    raise ValueError(writing)


@st.composite
def nir_bodies(draw: st.DrawFn) -> str:
    """A 13-character NIR body with a strict structure (sex, year, month, place, order)."""
    sex = draw(st.sampled_from("12"))
    year = f"{draw(st.integers(0, 99)):02d}"
    month = f"{draw(st.integers(1, 12)):02d}"
    kind = draw(st.sampled_from(["mainland", "corsica", "overseas", "abroad"]))
    if kind == "mainland":
        dept = draw(st.integers(1, 95).filter(lambda d: d != 20))
        place = f"{dept:02d}{draw(st.integers(1, 999)):03d}"
    elif kind == "corsica":
        place = draw(st.sampled_from(["2A", "2B"])) + f"{draw(st.integers(1, 999)):03d}"
    elif kind == "overseas":
        place = draw(st.sampled_from(["97", "98"])) + f"{draw(st.integers(100, 999)):03d}"
    else:
        place = "99" + f"{draw(st.integers(100, 999)):03d}"
    order = f"{draw(st.integers(1, 999)):03d}"
    return sex + year + month + place + order


@st.composite
def valid_nirs(draw: st.DrawFn) -> str:
    body = draw(nir_bodies())
    number = body + nir.calc_key(body)
    assert nir.is_valid(number)
    return number


@st.composite
def neutral_phrases(draw: st.DrawFn, max_words: int = 8) -> str:
    return " ".join(draw(st.lists(st.sampled_from(NEUTRAL_WORDS), max_size=max_words)))


HEALTH_WORDS = (
    "épilepsie",
    "Épilepsie",
    "hépatite C",
    "HÉPATITE",
    "enceinte",
    "sérologie VIH",
    "Sérologie VHC",
    "VIH négatif",
    "28 SA",
    "sourde",
    "diabète",
    "Lévothyrox",
    "chimiothérapie",
    "schizophrénie",
    "post-partum",
    "cœliaque",
    "maladie cœliaque",
    "d’aménorrhée",
    "semaines d’aménorrhée",
    "VIH/VHC",
)

IDENTIFIER_SNIPPETS = (
    "n° SS 1 85 03 75 100 023 97",
    "NIR 2 55 08 14 168 025 38",
    "255082A16802597",
    "Commande n° 185037510002397",
    "tél 06 12 34 56 78",
    "+33 (0)6 12 34 56 78",
    "jean.dupont@example.fr",
    "IBAN FR76 3000 6000 0112 3456 7890 189",
    "né le 12/05/1985",
    "groupe sanguin A Rh+",
    "12 rue des Lilas, 35000 Rennes",
    "RPPS 10100000008",
    "FINESS 350000139",
    "SIRET 732 829 320 00074",
    "CP : 35000",
    "O négatif",
    "1850375100023 97",
    "NIR 1\u00a085\u00a003\u00a075\u00a0100\u00a0023\u00a097",
    "tél\u202f: 06\u202f12\u202f34\u202f56\u202f78",
    "fr76 3000 6000 0112 3456 7890 189",
    "ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS 185037510002397^^^",
    "10100000008^DUPONT^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^RPPS",
)

NOISE = (
    " ",
    "\n",
    "\r\n",
    "\t",
    ", ",
    ".",
    "\u00a0",
    "\u202f",
    "’",
    "œ",
    "…",
    "e\u0301",
    "½",
    "€",
    "«",
    "»",
    "Ω",
    "ß",
    "ﬁ",
    "😀",
    "²",
    "0",
    "7",
    "12",
    "A",
    "sa",
    "sans",
    "-",
    "/",
    ":",
)


def corpus_texts() -> st.SearchStrategy[str]:
    """Random text mixing identifiers, accented health words, neutral words and noise."""
    piece = st.one_of(
        st.sampled_from(IDENTIFIER_SNIPPETS),
        st.sampled_from(HEALTH_WORDS),
        st.sampled_from(NEUTRAL_WORDS),
        st.sampled_from(NOISE),
        valid_nirs().map(lambda n: "NIR " + n),
        st.text(max_size=6),
    )
    return st.lists(piece, max_size=40).map("".join)
