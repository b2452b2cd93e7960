"""The columns of a Mega-Bus-like lab export, their entity (the truth contract) and headers.

One row per (patient file, sampling), about sixty columns, in the spirit of the 2021 leak
(CNIL SAN-2022-009: NIR, names, birth name, date of birth, sex, address, phones, e-mail,
blood group, treating and prescribing doctors, sampling dates, free-text comments, results
website login and password). Header names vary between files: each column has a set of
synonyms seen in French lab and hospital exports, and a file also varies accents and case.

Entity conventions (what a scanner is judged against; see ``Truth``): lab FINESS ->
FINESS; every person-name column -> PERSON_NAME; date of birth -> DATE_OF_BIRTH; NIR ->
NIR (NNP values inside count as NNP but the column stays NIR); split layout: the body
column -> NIR_NO_KEY and the key column -> null; address lines and town -> ADDRESS; postal
code -> POSTAL_CODE; phones -> PHONE; e-mail -> EMAIL; blood group, Rh phenotype, Kell ->
BLOOD_GROUP; doctor RPPS -> RPPS; login and password -> CREDENTIAL; comment -> HEALTH;
everything else -> null.
"""

from __future__ import annotations

from dataclasses import dataclass

from sentinelle.entities import Entity


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    key: str
    entity: Entity | None
    synonyms: tuple[str, ...]


def _c(key: str, entity: Entity | None, *synonyms: str) -> ColumnSpec:
    return ColumnSpec(key, entity, synonyms)


E = Entity
EXAMS = 4

_HEAD: tuple[ColumnSpec, ...] = (
    _c("lab_code", None, "CODE_LABO", "Code laboratoire", "LABO", "Code site", "CD_LABO"),
    _c("lab_name", None, "NOM_LABO", "Laboratoire", "Raison sociale", "LIBELLE_LABO"),
    _c("lab_finess", E.FINESS, "FINESS", "N° FINESS", "FINESS_ET", "Num FINESS"),
    _c("file_number", None, "N° dossier", "NUM_DOSSIER", "Dossier", "NO_DEMANDE",
       "Numéro de demande"),
    _c("ipp", None, "IPP", "NUM_PATIENT", "Identifiant patient", "ID_PAT", "Code patient"),
    _c("civilite", None, "CIVILITE", "Civ", "Titre"),
    _c("nom", E.PERSON_NAME, "NOM", "Nom usuel", "NOM_PATIENT", "Nom d'usage"),
    _c("nom_naissance", E.PERSON_NAME, "NOM de naissance", "NOM_JF", "Nom de jeune fille",
       "NOM_NAISS", "Nom patronymique"),
    _c("prenom", E.PERSON_NAME, "PRENOM", "Prénom", "PRENOM_PATIENT", "Prénom usuel"),
    _c("sexe", None, "SEXE", "Sexe", "GENRE", "S"),
    _c("ddn", E.DATE_OF_BIRTH, "Date de naissance", "DDN", "Né(e) le", "DATE_NAISS"),
    _c("age", None, "AGE", "Âge", "AGE_PREL"),
)
_NIR = _c("nir", E.NIR, "NIR", "N° Sécu", "NUM_SECU", "NSS", "No SS", "Numero securite sociale",
          "immatriculation")
_NSS = _c("nss", E.NIR_NO_KEY, "NSS", "NUM_SECU", "N° Sécu", "Matricule", "immatriculation")
_CLE = _c("cle", None, "CLE", "Clé", "CLE_NSS", "Clé sécu", "CLE_SECU")
_MIDDLE: tuple[ColumnSpec, ...] = (
    _c("rang", None, "RANG", "Rang", "RANG_BENEF", "Rang bénéficiaire"),
    _c("qualite", None, "QUALITE", "Qualité bénéficiaire", "QUAL_BENEF"),
    _c("caisse", None, "CAISSE", "Code caisse", "CAISSE_AMO", "Organisme", "Régime"),
    _c("mutuelle", None, "MUTUELLE", "Complémentaire", "AMC", "Mutuelle santé"),
    _c("adresse1", E.ADDRESS, "ADRESSE", "Adresse 1", "ADR1", "Adresse ligne 1", "Rue"),
    _c("adresse2", E.ADDRESS, "ADRESSE2", "Adresse 2", "ADR2", "Complément d'adresse",
       "Compl. adresse"),
    _c("cp", E.POSTAL_CODE, "CP", "Code postal", "CODE_POSTAL", "C.P."),
    _c("ville", E.ADDRESS, "VILLE", "Commune", "LOCALITE", "Ville de résidence"),
    _c("pays", None, "PAYS", "Pays", "CODE_PAYS"),
    _c("tel", E.PHONE, "TEL", "Téléphone", "TEL_DOMICILE", "Tél. fixe", "TELEPHONE"),
    _c("mobile", E.PHONE, "PORTABLE", "GSM", "Tel mobile", "MOBILE", "Tél. portable"),
    _c("email", E.EMAIL, "EMAIL", "E-mail", "Courriel", "MAIL", "Adresse mail"),
    _c("gs", E.BLOOD_GROUP, "GS", "Groupe sanguin", "GRP_SANG", "ABO RH", "Groupe"),
    _c("phenotype", E.BLOOD_GROUP, "PHENOTYPE", "Phénotype RH", "PHENO_RH", "Phéno Rh"),
    _c("kell", E.BLOOD_GROUP, "KELL", "Kell", "PHENO_KELL", "Antigène K"),
    _c("medecin", E.PERSON_NAME, "MEDECIN_TRAITANT", "Médecin traitant", "MT", "NOM_MT"),
    _c("rpps_mt", E.RPPS, "RPPS_MT", "RPPS médecin traitant", "N° RPPS MT", "RPPS_MEDECIN"),
    _c("prescripteur", E.PERSON_NAME, "PRESCRIPTEUR", "Prescripteur", "Médecin prescripteur",
       "NOM_PRESC"),
    _c("rpps_presc", E.RPPS, "RPPS_PRESC", "RPPS prescripteur", "N° RPPS prescripteur",
       "RPPS"),
    _c("preleveur", E.PERSON_NAME, "PRELEVEUR", "Préleveur", "NOM_PRELEVEUR", "IDE"),
    _c("date_prel", None, "DATE_PRELEVEMENT", "Date prélèvement", "Date prlvt", "DT_PREL"),
    _c("heure_prel", None, "HEURE_PRELEVEMENT", "Heure prélèvement", "Heure", "HR_PREL"),
    _c("date_recep", None, "DATE_RECEPTION", "Date réception", "DT_RECEP"),
    _c("lieu_prel", None, "LIEU_PRELEVEMENT", "Lieu prélèvement", "Lieu"),
    _c("urgent", None, "URGENT", "Urgence", "URG"),
    _c("a_jeun", None, "A_JEUN", "À jeun", "Jeun"),
    _c("nb_tubes", None, "NB_TUBES", "Nombre de tubes", "Tubes"),
)
_EXAM_SYNONYMS = (
    ("EXAMEN{i}", "RESULTAT{i}", "UNITE{i}"),
    ("Analyse {i}", "Résultat {i}", "Unité {i}"),
    ("CODE_ACTE_{i}", "VAL_{i}", "UNIT_{i}"),
    ("Exam{i}", "Res{i}", "U{i}"),
)
_TAIL: tuple[ColumnSpec, ...] = (
    _c("statut", None, "STATUT", "Etat", "Statut dossier"),
    _c("date_valid", None, "DATE_VALIDATION", "Validé le", "DT_VALID"),
    _c("tiers_payant", None, "TIERS_PAYANT", "TP", "Tiers payant"),
    _c("montant", None, "MONTANT", "Montant", "Total TTC"),
    _c("facture", None, "NUM_FACTURE", "Facture", "N° facture"),
    _c("date_creation", None, "DATE_CREATION", "Créé le", "DT_CREAT"),
    _c("commentaire", E.HEALTH, "COMMENTAIRE", "Observations", "Remarques", "Commentaire",
       "NOTE"),
    _c("login", E.CREDENTIAL, "LOGIN", "Identifiant", "ID_WEB", "Utilisateur"),
    _c("password", E.CREDENTIAL, "MDP", "Mot de passe", "PASSWORD", "PWD", "Code d'accès"),
)


def exam_columns(style: int) -> tuple[ColumnSpec, ...]:
    """The exam code / result / unit columns (header style shared by the three)."""
    exam, res, unit = _EXAM_SYNONYMS[style % len(_EXAM_SYNONYMS)]
    out: list[ColumnSpec] = []
    for i in range(1, EXAMS + 1):
        out.append(ColumnSpec(f"exam{i}", None, (exam.format(i=i),)))
        out.append(ColumnSpec(f"res{i}", None, (res.format(i=i),)))
        out.append(ColumnSpec(f"unit{i}", None, (unit.format(i=i),)))
    return tuple(out)


def column_specs(*, split_nir: bool, exam_style: int) -> tuple[ColumnSpec, ...]:
    """All columns of one file, in order."""
    nir = (_NSS, _CLE) if split_nir else (_NIR,)
    return _HEAD + nir + _MIDDLE + exam_columns(exam_style) + _TAIL


EXAM_STYLES = len(_EXAM_SYNONYMS)

__all__ = ["EXAMS", "EXAM_STYLES", "ColumnSpec", "column_specs", "exam_columns"]
