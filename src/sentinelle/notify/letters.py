"""Plain-language French letters to the persons affected (GDPR Art. 34), one PDF each.

A letter says which categories of *this person's* data were in the dump (only those found
in their records), what that can mean, what to do (beware of calls and messages quoting
their data, never give the NIR or bank details on the phone, check FICOBA, file a
complaint, cybermalveillance.gouv.fr) and whom to contact. It holds no value of the
person: no NIR, no name, no address. It is addressed "Madame, Monsieur" and carries an
opaque reference; the envelope comes from the mailing list (name and address from the
registry), so a misdirected or leaked letter PDF identifies no one.

Speed: letters differ only by category set and reference, so one PDF is rendered per
category set (core font, uncompressed) with a fixed-width placeholder for the reference,
which is then replaced byte for byte (same length: the cross-reference table stays
valid). References are restricted to ``[A-Za-z0-9_.-]``, at most ``REF_WIDTH`` characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sentinelle.assess.labels import HEALTH_KEYS, LETTER_LABELS
from sentinelle.assess.pdfdoc import markdown_pdf

REF_WIDTH = 40
PLACEHOLDER = "ZQXREF" + "0" * (REF_WIDTH - 6)
SAFE_REFERENCE = r"^[A-Za-z0-9_.-]{1,40}$"
_SAFE = re.compile(SAFE_REFERENCE)
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre")
ORDER = ("identity", "NIR", "contact", "credentials", "blood_group", *HEALTH_KEYS)


@dataclass(frozen=True, slots=True)
class LetterInfo:
    """What the controller writes in every letter; ``None`` leaves a placeholder."""

    controller: str | None = None  # name of the lab or establishment
    contact: str | None = None  # phone line, address or e-mail for questions
    dpo: str | None = None  # DPO contact
    incident: str | None = None  # one or two sentences on what happened, and when
    signature: str | None = None
    day: date | None = None  # letter date (default today)


def _todo(what: str) -> str:
    return f"[À COMPLÉTER : {what}]"


def french_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def safe_reference(ref: str) -> bool:
    return bool(_SAFE.match(ref))


def letter_markdown(categories: frozenset[str] | set[str], info: LetterInfo,
                    reference: str = PLACEHOLDER) -> str:
    """The letter for one person whose records hold ``categories``."""
    cats = [c for c in ORDER if c in categories]
    health = [c for c in cats if c in HEALTH_KEYS or c == "blood_group"]
    controller = info.controller or _todo("nom du laboratoire ou de l'établissement")
    day = french_date(info.day or date.today())
    risks: list[str] = []
    if "contact" in cats:
        risks.append("Vous pourriez recevoir des appels, SMS ou courriels frauduleux qui "
                     "citent vos données pour paraître crédibles.")
    if "NIR" in cats:
        risks.append("Votre numéro de sécurité sociale pourrait être utilisé pour usurper "
                     "votre identité ou tenter des fraudes en votre nom.")
    elif "identity" in cats:
        risks.append("Vos nom et date de naissance pourraient servir à usurper votre "
                     "identité.")
    if "credentials" in cats:
        risks.append("Quelqu'un pourrait se connecter à votre compte de résultats en ligne, "
                     "ou à d'autres comptes si vous y utilisez le même mot de passe.")
    if health:
        risks.append("Des informations sur votre santé, protégées par le secret médical, "
                     "ont pu être lues par d'autres personnes. Si quelqu'un vous contacte en "
                     "s'en servant pour vous faire pression ou vous demander de l'argent, ne "
                     "répondez pas et portez plainte.")
    advice = [
        ("Méfiez-vous des appels, SMS et courriels qui citent vos données (laboratoire, "
        "dates d'analyses, médecin) : nous ne vous demanderons jamais vos coordonnées "
        "bancaires ni vos mots de passe."),
        ("Ne donnez jamais votre numéro de sécurité sociale, vos coordonnées bancaires ou "
        "vos codes par téléphone, par SMS ou par courriel."),
        "Surveillez vos relevés bancaires et vos remboursements de l'Assurance maladie.",
        ("Vous pouvez vérifier qu'aucun compte bancaire n'a été ouvert à votre nom en "
        "consultant le fichier FICOBA (fichier national des comptes bancaires) : la "
        "démarche est expliquée sur cnil.fr."),
    ]
    if "credentials" in cats:
        advice.insert(0, "Changez dès maintenant le mot de passe de votre compte de "
                         "résultats en ligne, et partout où vous utilisiez le même.")
    advice += [
        ("Si vous êtes victime d'une fraude, d'une usurpation d'identité ou d'un chantage, "
        "déposez plainte au commissariat ou à la gendarmerie, et faites-vous aider sur "
        "cybermalveillance.gouv.fr."),
        "Transférez les SMS frauduleux au 33700.",
    ]
    lines = [
        f"**{controller}**",
        "",
        f"Référence : **{reference}**",
        "",
        f"Le {day}",
        "",
        "**Objet : information sur une violation de vos données personnelles**",
        "",
        "Madame, Monsieur,",
        "",
        ("Nous devons vous informer qu'un fichier contenant des données de nos patients a "
        "été rendu accessible à des personnes non autorisées. Vos données figurent dans ce "
        "fichier. Comme le prévoit l'article 34 du règlement général sur la protection des "
        "données (RGPD), nous vous expliquons ce qui s'est passé, ce que cela peut "
        "signifier pour vous et ce que vous pouvez faire."),
        "",
        "## Ce qui s'est passé",
        "",
        info.incident or _todo("description de l'incident, date, mesures prises"),
        "",
        "## Vos données qui ont été exposées",
        "",
        *(f"- {LETTER_LABELS[c]}" for c in cats),
        "",
        "## Ce que cela peut signifier pour vous",
        "",
        *(f"- {r}" for r in risks),
        "",
        "## Ce que nous vous conseillons de faire",
        "",
        *(f"- {a}" for a in advice),
        "",
        "## Qui contacter",
        "",
        f"- Pour toute question : {info.contact or _todo('téléphone, adresse ou courriel')}",
        (f"- Notre délégué à la protection des données : "
        f"{info.dpo or _todo('coordonnées du DPO')}"),
        "- Vous pouvez aussi adresser une réclamation à la CNIL (www.cnil.fr).",
        "",
        ("Nous vous prions de bien vouloir nous excuser pour cet incident et restons à votre "
        "disposition. Veuillez agréer, Madame, Monsieur, l'expression de nos salutations "
        "distinguées."),
        "",
        info.signature or controller,
        "",
    ]
    return "\n".join(lines)


class LetterMaker:
    """Renders letters, one PDF template per category set (see the module docstring)."""

    def __init__(self, info: LetterInfo) -> None:
        self.info = info
        self._templates: dict[frozenset[str], bytes] = {}

    def pdf(self, categories: frozenset[str], reference: str) -> bytes:
        if not safe_reference(reference):
            raise ValueError("letter reference must match [A-Za-z0-9_.-]{1,40}")
        template = self._templates.get(categories)
        if template is None:
            template = markdown_pdf(letter_markdown(categories, self.info),
                                    title="Information sur une violation de vos données",
                                    unicode=False, compress=False)
            if template.count(PLACEHOLDER.encode()) != 1:  # pragma: no cover - layout guard
                raise RuntimeError("letter template lost its reference placeholder")
            self._templates[categories] = template
        return template.replace(PLACEHOLDER.encode(), reference.ljust(REF_WIDTH).encode())


__all__ = ["SAFE_REFERENCE", "LetterInfo", "LetterMaker", "french_date", "letter_markdown", "safe_reference"]
