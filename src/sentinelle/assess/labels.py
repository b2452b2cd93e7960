"""French wording shared by the report, the Art. 33 draft and the Art. 34 letters.

Keys are the data categories of ``assessment.json`` (``identity``, ``NIR``, ``contact``,
``credentials``, ``blood_group`` and the health categories of DESIGN.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sentinelle.entities import HealthCategory

CATEGORY_LABELS: dict[str, str] = {
    "identity": "Identité (nom, prénom, date de naissance)",
    "NIR": "Numéro de sécurité sociale (NIR)",
    "contact": "Coordonnées (adresse, téléphone, e-mail)",
    "credentials": "Identifiants de connexion (login, mot de passe)",
    "blood_group": "Groupe sanguin",
    "HIV": "Statut VIH",
    "PREGNANCY": "Grossesse",
    "DEAFNESS": "Surdité",
    "HEPATITIS": "Hépatite",
    "CANCER": "Cancer",
    "DIABETES": "Diabète",
    "MENTAL_HEALTH": "Santé mentale",
    "TREATMENT": "Traitements",
    "OTHER_HEALTH": "Autres données de santé",
}


@dataclass(frozen=True, slots=True)
class Indicator:
    """An authenticity indicator of ``assessment.json``: how it reads, and the side of its
    threshold a genuine export falls on (``minimum``: at least, else at most)."""

    label: str
    note: str
    threshold: float
    minimum: bool

    def genuine(self, value: float) -> bool:
        return value >= self.threshold if self.minimum else value <= self.threshold


AUTHENTICITY: dict[str, Indicator] = {
    "nir_key_valid_share": Indicator(
        "NIR dont la clé de contrôle est valide",
        "≈ 99 % dans un fichier réel (fautes de saisie) ; ≈ 1 % pour des numéros inventés",
        0.9, minimum=True),
    "nir_dob_sex_agreement": Indicator(
        "Concordance NIR / date de naissance / sexe",
        ("les ayants droit (enfants sur le NIR d'un parent) ne concordent pas ; "
         "une concordance très basse signale des données fabriquées"),
        0.7, minimum=True),
    "duplicate_record_share": Indicator(
        "Enregistrements en double exact",
        "un fichier gonflé par copie de lignes en contient beaucoup",
        0.05, minimum=False),
    "implausible_date_share": Indicator(
        "Dates invraisemblables (naissance future, avant 1890, après le prélèvement)",
        "proche de 0 dans un export réel",
        0.01, minimum=False),
}

# Plain-language wording of a category for a patient letter ("vos données exposées").
LETTER_LABELS: dict[str, str] = {
    "identity": "votre nom, votre prénom et votre date de naissance",
    "NIR": "votre numéro de sécurité sociale",
    "contact": "vos coordonnées (adresse postale, téléphone ou adresse e-mail)",
    "credentials": "votre identifiant et votre mot de passe du site de consultation "
                   "des résultats",
    "blood_group": "votre groupe sanguin",
    "HIV": "une information relative au VIH",
    "PREGNANCY": "une information relative à une grossesse",
    "DEAFNESS": "une information relative à une surdité",
    "HEPATITIS": "une information relative à une hépatite",
    "CANCER": "une information relative à un cancer",
    "DIABETES": "une information relative à un diabète",
    "MENTAL_HEALTH": "une information relative à votre santé mentale",
    "TREATMENT": "des informations sur vos traitements",
    "OTHER_HEALTH": "d'autres informations sur votre santé (commentaires du dossier)",
}

HEALTH_KEYS: tuple[str, ...] = tuple(str(c) for c in HealthCategory)

SEVERITY_LABELS: dict[str, str] = {
    "none": "aucune", "low": "faible", "medium": "moyenne", "high": "élevée",
    "critical": "critique",
}

RULE_LABELS: dict[str, str] = {
    "single": "un seul enregistrement",
    "nir_dob_sex": "NIR + date de naissance + sexe",
    "name_dob": "nom normalisé + prénom + date de naissance",
    "fuzzy": "rapprochement approché (fautes de frappe), incertain",
}

BASIS_LABELS: dict[str, str] = {
    "lab FINESS prefix": "préfixe FINESS du laboratoire",
    "patient postal code": "code postal du patient",
    "NIR birth département": "département de naissance inscrit dans le NIR",
}


def basis_text(basis: str | None) -> str:
    """French wording of a ``by_departement.basis`` value."""
    return BASIS_LABELS.get(basis or "", basis or "critère non déterminé")


def fr_int(value: float | None) -> str:
    """``491840`` -> ``491 840`` (narrow no-break space, the French thousands separator)."""
    if value is None:
        return "-"
    return f"{int(value):,}".replace(",", "\u202f")


def fr_share(value: float | None) -> str:
    """``0.9912`` -> ``99,1 %``."""
    if value is None:
        return "-"
    return f"{value * 100:.1f}".replace(".", ",") + "\u00a0%"


def factor_text(factor: dict[str, Any]) -> str:
    """French wording of one severity factor (``assessment.json`` ``severity.factors``)."""
    name, n = str(factor["factor"]), fr_int(factor.get("persons"))
    if name == "contact":
        return f"coordonnées de {n} personnes (hameçonnage ciblé)"
    if name == "NIR":
        return f"NIR de {n} personnes (usurpation d'identité)"
    if name == "credentials":
        return f"identifiants et mots de passe de {n} personnes"
    if name == "blood_group":
        return f"groupe sanguin de {n} personnes (donnée de santé)"
    if name == "nir_with_sensitive_health":
        return "NIR associé à des données de santé sensibles"
    if name == "large":
        return f"{n} personnes concernées (violation de grande ampleur)"
    label = CATEGORY_LABELS.get(name, name)
    return f"{label} : {n} personnes (donnée de santé, art. 9 RGPD)"


def found(categories: dict[str, int]) -> list[str]:
    """The categories with at least one person, in the order of ``CATEGORY_LABELS``."""
    return [k for k in CATEGORY_LABELS if categories.get(k, 0) > 0]


__all__ = [
    "AUTHENTICITY",
    "BASIS_LABELS",
    "CATEGORY_LABELS",
    "HEALTH_KEYS",
    "LETTER_LABELS",
    "RULE_LABELS",
    "SEVERITY_LABELS",
    "Indicator",
    "basis_text",
    "factor_text",
    "found",
    "fr_int",
    "fr_share",
]
