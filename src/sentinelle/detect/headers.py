"""Header words: what a column name says about its content (French and English).

A header is folded (accents removed, lower-case, every non-alphanumeric run turned into a
single space) and matched against the rules below, first match wins. Rules for specific
identifiers come before generic words, so ``MEDECIN_RPPS`` is an RPPS column while
``NOM MEDECIN`` is a person name. Header words only propose an entity; the column
classifier then checks the proposal against the values.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sentinelle.entities import Entity

#: Pseudo-entity for the key column of a split NIR (``NSS`` + ``CLE``). Never reported.
NIR_KEY = "NIR_KEY"
#: Pseudo-entity for free-text columns (comments, notes), scanned as text.
FREE_TEXT = "FREE_TEXT"
#: Pseudo-entity for columns that are explicitly not identifying (lab code, exam, result).
NEUTRAL = "NEUTRAL"
#: Pseudo-entity for any date column that is not a birth date.
OTHER_DATE = "OTHER_DATE"


@dataclass(frozen=True, slots=True)
class HeaderHint:
    entity: str
    strength: float  # 0..1: how much the header alone says
    rule: str


def fold(text: str) -> str:
    """Accent-free, lower-case, words separated by single spaces (``N° Sécu`` -> ``n secu``)."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)  # camelCase: "postalCode"
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("°", " ").replace("º", " ")
    words = re.sub(r"[^a-z0-9]+", " ", bare.lower())
    # "EXAMEN4", "ADR2": a number glued to a word is a separate word
    return re.sub(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])", " ", words).strip()


# (entity, strength, regex over the folded header). Order matters: first match wins.
_RULES: tuple[tuple[str, float, str], ...] = (
    (Entity.PERSON_NAME, 0.9, r"\bnom (?:de )?(?:naissance|naiss|jeune fille|usage|marital)\b|\bnom jf\b"),
    (Entity.ADDRESS, 0.8, r"\b(?:lieu|ville|commune|pays|dept|departement) (?:de )?naiss"),
    (NIR_KEY, 0.9, r"^(?:cle|cle (?:nir|secu|ss|nss|insee)|(?:nir|nss|secu) cle|key|cle s s)$"),
    (Entity.NIR, 0.95, r"\b(?:nir|nia|ins|insee|nss|n ss|no ss|num ss|numero ss|nu ss)\b"),
    (Entity.NIR, 0.95, r"\b(?:secu|securite sociale|secu sociale|num secu|no secu|n secu)\b"),
    (Entity.NIR, 0.9, r"\b(?:immatriculation|matricule|ssn|social security)\b"),
    (Entity.NNP, 0.9, r"\bnnp\b"),
    (Entity.RPPS, 0.95, r"\brpps\b"),
    (Entity.ADELI, 0.95, r"\badeli\b"),
    (Entity.FINESS, 0.95, r"\bfiness\b"),
    (Entity.SIRET, 0.95, r"\bsiret\b"),
    (Entity.SIREN, 0.95, r"\bsiren\b"),
    (Entity.IBAN, 0.95, r"\b(?:iban|rib|bic iban)\b"),
    (Entity.AM_NUMBER, 0.9, r"\b(?:n am|num am|no am|numero am|assurance maladie ps|am ps)\b"),
    (Entity.EMAIL, 0.95, r"\b(?:e ?mail|courriel|mel|adresse electronique)\b"),
    (NEUTRAL, 0.8, r"\b(?:identifiant|id|num|numero|no|n) (?:patient|dossier|demande|ipp|sejour|venue|facture|labo)\b"),
    (Entity.CREDENTIAL, 0.95, r"\bcode (?:d )?acces\b|\bcode secret\b|\bcode web\b"),
    (Entity.CREDENTIAL, 0.95, r"\b(?:mdp|mot de passe|pass|password|passwd|pwd|secret|pin)\b"),
    (Entity.CREDENTIAL, 0.9, r"\b(?:login|identifiant|user ?name|username|utilisateur|compte web|id web)\b"),
    (Entity.DATE_OF_BIRTH, 0.95, r"\b(?:ddn|dob|naissance|naiss|ne le|ne e le|nee le|birth ?date|date of birth|birthdate|dt naiss|date nais)\b"),
    (Entity.BLOOD_GROUP, 0.95, r"\b(?:gs|groupe|groupe sanguin|grp sang|gr sang|abo|rhesus|rh|phenotype|pheno|kell|groupage)\b"),
    (Entity.PHONE, 0.9, r"\b(?:tel|tel\w*|telephone|portable|port|gsm|mobile|phone|fax|fixe|num tel)\b"),
    (Entity.POSTAL_CODE, 0.9, r"\b(?:cp|code postal|codepostal|zip|postal|code post)\b"),
    (NEUTRAL, 0.8, r"\b(?:labo|laboratoire|lab|etablissement|site|examen|analyse|exam|resultat|unite|valeur|norme|caisse|mutuelle|regime|code|dossier|ipp|sexe|sex|rang|heure|statut|montant|prix|nb|nombre|facture|demande|commande|tube|tubes|acte|urgent|jeun|tiers|civilite|age|qualite|pays)\b"),
    (OTHER_DATE, 0.7, r"\b(?:date|dt|jour|le)\b"),
    (Entity.ADDRESS, 0.9, r"\b(?:adresse|adr|addr|address|rue|voie|ville|commune|city|localite|lieu dit|bp|cedex|complement adresse|residence)\b"),
    (Entity.PERSON_NAME, 0.9, r"\b(?:nom|prenom|prenoms|name|surname|firstname|first name|last name|patronyme|nom jf|nom usage|medecin|prescripteur|preleveur|docteur|dr|praticien|practitioner|infirmier|ide|patient|mt|med trait)\b"),
    (FREE_TEXT, 0.9, r"\b(?:commentaire|commentaires|comment|comments|observation|observations|remarque|remarques|note|notes|texte|libre|info|infos|renseignements|clinique|motif|conclusion|compte rendu)\b"),
)

_COMPILED = tuple((entity, strength, re.compile(rx)) for entity, strength, rx in _RULES)


def header_hint(name: str | None) -> HeaderHint | None:
    """What the header alone suggests, or ``None`` when it says nothing."""
    if not name:
        return None
    # A nested path ("address.postalCode", "PID/5/1"): its last step says what the value is;
    # the whole path only when that step says nothing ("name.use" is not a name).
    steps = [step for step in re.split(r"[./]", name) if step and not step.isdigit()]
    if len(steps) > 1:
        last = _hint(steps[-1])
        if last is not None or fold(steps[-1]) in _SAYS_NOTHING_ALONE:
            return last
        if fold(steps[-1]) in _HOLDS_PARENT_VALUE:  # "generalPractitioner.display"
            return _hint(steps[-2])
    return _hint(name)


#: Last steps that hold the value of their parent step.
_HOLDS_PARENT_VALUE = frozenset({"value", "display", "text"})


#: Last steps of a path that are attributes, not values of their parent.
_SAYS_NOTHING_ALONE = frozenset({"use", "type", "system", "country", "period", "start", "end",
                                 "rank", "status", "code"})


def _hint(name: str) -> HeaderHint | None:
    folded = fold(name)
    if not folded:
        return None
    for entity, strength, rx in _COMPILED:
        if rx.search(folded):
            return HeaderHint(str(entity), strength, rx.pattern)
    return None


__all__ = ["FREE_TEXT", "NEUTRAL", "NIR_KEY", "OTHER_DATE", "HeaderHint", "fold", "header_hint"]
