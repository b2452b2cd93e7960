"""``art33.md``: a draft of the GDPR Art. 33 notification to the CNIL, filled from the figures.

Art. 33(3) asks for (a) the nature of the breach, the categories and approximate numbers of
persons and of records, (b) the DPO's name and contact, (c) the likely consequences,
(d) the measures taken or proposed; Art. 33(1) sets the 72-hour deadline. Health
establishments and medical biology laboratories must also report serious information
system incidents to their ARS, which informs the CERT Santé (Code de la santé publique,
art. L.1111-8-2). What only the controller knows is left as ``[À COMPLÉTER : ...]``.

Consequences are derived from the categories actually found (``consequences``): an
HIV consequence is written only when HIV status was found, and so on. The draft holds
counts, establishment names and FINESS numbers only: never a patient value.
"""

from __future__ import annotations

from typing import Any

from sentinelle.assess.labels import (
    AUTHENTICITY,
    CATEGORY_LABELS,
    HEALTH_KEYS,
    SEVERITY_LABELS,
    basis_text,
    found,
    fr_int,
    fr_share,
)

TODO = "[À COMPLÉTER : {}]"
MAX_SOURCES = 40


def todo(what: str) -> str:
    return TODO.format(what)


def consequences(categories: dict[str, int], persons: int = 0) -> list[str]:
    """Likely consequences (Art. 33(3)(c)) of the categories with at least one person."""
    has = set(found(categories))
    out: list[str] = []
    if "contact" in has:
        out.append("**Hameçonnage ciblé et escroqueries** : courriels, SMS et appels rendus "
                   "crédibles par des données réelles (laboratoire, dates de prélèvement, "
                   "médecin), escroqueries au faux conseiller (Assurance maladie, banque, "
                   "laboratoire).")
    if "NIR" in has:
        out.append("**Usurpation d'identité et fraude** : le numéro de sécurité sociale, "
                   "associé à l'identité, permet fraudes aux prestations sociales, ouvertures "
                   "de comptes ou de crédits et faux dossiers ; c'est un identifiant à vie "
                   "qui ne peut pas être changé.")
    elif "identity" in has:
        out.append("**Usurpation d'identité facilitée** : nom, prénom et date de naissance "
                   "servent à répondre aux questions de sécurité et à compléter d'autres "
                   "fichiers.")
    if "credentials" in has:
        out.append("**Prise de contrôle de comptes** : accès aux résultats d'analyses en "
                   "ligne, et à d'autres services lorsque le mot de passe y est réutilisé.")
    if "HIV" in has:
        out.append("**Chantage et discrimination liés au statut VIH** : révélation à "
                   "l'entourage ou à l'employeur, refus d'assurance, atteinte grave à la vie "
                   "privée.")
    if "PREGNANCY" in has:
        out.append("**Révélation d'une grossesse** (éventuellement interrompue) à "
                   "l'employeur ou à l'entourage : discrimination, pressions, chantage.")
    if "MENTAL_HEALTH" in has:
        out.append("**Stigmatisation et chantage** liés à des troubles de santé mentale.")
    chronic = [CATEGORY_LABELS[c].lower() for c in ("HEPATITIS", "CANCER", "DIABETES")
               if c in has]
    if chronic:
        out.append("**Discrimination** (assurance, emprunt, emploi) liée à la révélation de "
                   "pathologies : " + ", ".join(chronic) + ".")
    if "DEAFNESS" in has:
        out.append("**Ciblage de personnes vulnérables** (surdité) par des escroqueries ; "
                   "discrimination liée au handicap.")
    other = [CATEGORY_LABELS[c].lower() for c in ("TREATMENT", "OTHER_HEALTH", "blood_group")
             if c in has]
    if other:
        out.append("**Atteinte au secret médical** : révélation d'informations de santé ("
                   + ", ".join(other) + ").")
    if persons >= 10_000:
        out.append("**Ampleur** : un fichier de cette taille est durablement recopié, recoupé "
                   "avec d'autres fuites et exploité par des campagnes d'escroquerie de masse.")
    return out


def _measures(categories: dict[str, int], severity: str) -> list[str]:
    has = set(found(categories))
    out = [
        ("Faire cesser l'exposition : fermer l'accès au fichier, demander son retrait à "
        "l'hébergeur et son déréférencement aux moteurs de recherche."),
        "Conserver les preuves (journaux, copies horodatées) et déposer plainte.",
    ]
    if "credentials" in has:
        out.append("Invalider les identifiants et mots de passe exposés et imposer leur "
                   "changement sur le site de résultats.")
    if severity in ("high", "critical"):
        out.append("Informer chaque personne concernée (art. 34), en langage clair : "
                   "`sentinelle notify DUMP --registry REGISTRE --out DOSSIER` prépare un "
                   "courrier par patient à partir du registre des patients.")
    out.append("Surveiller la réapparition du fichier et les campagnes d'hameçonnage visant "
               "les patients.")
    out.append("Corriger la cause : minimisation des extractions, chiffrement, suppression "
               "automatique des exports, contrôle d'accès et journalisation.")
    return out


def _sources(data: dict[str, Any]) -> list[str]:
    rows = sorted((data.get("by_source") or {}).items(), key=lambda kv: -kv[1]["records"])
    out = []
    for key, src in rows[:MAX_SOURCES]:
        if src.get("kind") == "lab":
            name = src.get("name") or "laboratoire"
            out.append(f"{name} (FINESS {src.get('finess') or key}) : "
                       f"{fr_int(src['records'])} enregistrements, "
                       f"{fr_int(src['persons'])} personnes")
        else:
            out.append(f"fichier {key} : {fr_int(src['records'])} enregistrements")
    if len(rows) > MAX_SOURCES:
        out.append(f"… et {len(rows) - MAX_SOURCES} autres sources (voir report.html)")
    return out


def _authentic(auth: dict[str, Any]) -> str:
    known = [indicator.genuine(auth[key]) for key, indicator in AUTHENTICITY.items()
             if auth.get(key) is not None]
    if not known:
        return "authenticité non évaluable (pas de NIR ni de date de naissance reconnus)"
    if all(known):
        return "les indicateurs d'authenticité sont ceux d'un fichier réel"
    return "certains indicateurs d'authenticité sont anormaux : vérifier qu'il ne s'agit pas " \
           "d'un fichier fabriqué (voir report.html)"


def render_art33(data: dict[str, Any], *, controller: str | None = None,
                 dpo: str | None = None) -> str:
    """The Markdown draft for an ``assessment.json`` dictionary."""
    cats = data.get("categories") or {}
    crec = data.get("category_records") or {}
    dates = data.get("date_range") or {}
    depts = data.get("by_departement") or {}
    link = data.get("linkage") or {}
    auth = data.get("authenticity") or {}
    sev = str((data.get("severity") or {}).get("level", "none"))
    persons = int(data.get("persons") or 0)
    health = [c for c in HEALTH_KEYS if cats.get(c)]
    lines = [
        "# Notification de violation de données à caractère personnel (RGPD, art. 33)",
        "",
        ("*Projet prérempli par Sentinelle à partir de l'analyse du fichier divulgué. Les "
        "champs « [À COMPLÉTER : ...] » ne peuvent être remplis que par le responsable de "
        "traitement.* La notification à la CNIL (notifications.cnil.fr) doit être faite dans "
        "les meilleurs délais et, si possible, **72 heures au plus tard** après la prise de "
        "connaissance de la violation (art. 33.1) ; au-delà, elle est accompagnée des motifs "
        "du retard. Elle peut être complétée ensuite (art. 33.4)."),
        "",
        "## 1. Responsable de traitement et délégué à la protection des données (art. 33.3 b)",
        "",
        f"- Responsable de traitement : {controller or todo('raison sociale, adresse, FINESS ou SIRET')}",
        f"- Délégué à la protection des données : {dpo or todo('nom et coordonnées du DPO')}",
        "- Sources identifiées dans le fichier :",
        *(f"    - {s}" for s in _sources(data)),
        "",
        "## 2. Chronologie",
        "",
        f"- Date et heure de la violation : {todo('date et heure, ou période')}",
        f"- Date et heure de la prise de connaissance : {todo('date et heure de découverte')}",
        f"- Moyen de découverte : {todo('signalement, veille, presse...')}",
        "- Période couverte par les données : "
        + (f"prélèvements du {dates['min']} au {dates['max']}" if dates.get("min")
           else "aucune date de prélèvement reconnue"),
        "",
        "## 3. Nature de la violation (art. 33.3 a)",
        "",
        ("- Type : violation de la confidentialité (divulgation ou accès non autorisé à des "
        "données de patients)."),
        f"- Circonstances : {todo('origine du fichier, mode et durée d’exposition')}",
        (f"- Fichiers analysés : {fr_int(data.get('files'))} ; enregistrements : "
        f"{fr_int(data.get('records'))} (doublons exacts : "
        f"{fr_share(auth.get('duplicate_record_share'))})."),
        f"- Départements concernés (selon le {basis_text(depts.get('basis'))}) : "
        + (", ".join(sorted((depts.get("persons") or {}).keys())) or "aucun") + ".",
        f"- Authenticité : {_authentic(auth)}.",
        "",
        "## 4. Personnes concernées : catégories et nombre approximatif",
        "",
        (f"- Nombre approximatif de personnes concernées : **environ {fr_int(persons)}** "
        "(personnes distinctes par rapprochement d'enregistrements : NIR + date de naissance "
        "+ sexe, puis nom normalisé + date de naissance, puis rapprochement approché ; dont "
        f"{fr_int(link.get('uncertain'))} rapprochements incertains)."),
        f"- Catégories de personnes : patients ; {todo('autres catégories : mineurs, personnels...')}",
        "",
        "## 5. Données concernées : catégories et nombre approximatif d'enregistrements",
        "",
        *(f"- {CATEGORY_LABELS[c]} : {fr_int(cats[c])} personnes, {fr_int(crec.get(c))} "
          "enregistrements" for c in found(cats)),
        *([("- Ces données de santé sont des données sensibles (art. 9 RGPD), couvertes par "
           "le secret médical.")] if health or cats.get("blood_group") else []),
        "",
        "## 6. Conséquences probables pour les personnes (art. 33.3 c)",
        "",
        *(f"- {c}" for c in consequences(cats, persons) or
          ["Aucune catégorie de données sensible reconnue : " + todo("conséquences")]),
        f"- Gravité estimée : **{SEVERITY_LABELS.get(sev, sev)}**.",
        "",
        "## 7. Mesures prises ou envisagées (art. 33.3 d)",
        "",
        f"- Mesures déjà prises : {todo('mesures prises et dates')}",
        "- Mesures proposées :",
        *(f"    - {m}" for m in _measures(cats, sev)),
        "",
        "## 8. Information des personnes (art. 34)",
        "",
        ("- Le risque est élevé pour les droits et libertés des personnes : elles doivent "
         "être informées individuellement, dans les meilleurs délais." if sev in ("high", "critical")
         else "- " + todo("évaluer si le risque impose d'informer les personnes")),
        f"- Date et moyen de l'information : {todo('date, courrier, courriel...')}",
        "",
        "## 9. Autres déclarations",
        "",
        "- **ARS et CERT Santé** : les établissements de santé et les laboratoires de biologie "
        "médicale signalent sans délai les incidents graves de sécurité de leurs systèmes "
        "d'information à l'agence régionale de santé, qui en informe le CERT Santé (Code de la "
        "santé publique, art. L.1111-8-2), sur le portail de signalement des événements "
        "sanitaires indésirables. Référence : " + todo("date et numéro du signalement"),
        f"- Plainte pénale : {todo('date, service et numéro')}",
        "",
        "---",
        "",
        ("Chiffres issus de `assessment.json` (schéma "
        f"{data.get('schema', '')}), sans aucune donnée nominative."),
        "",
    ]
    return "\n".join(lines)


__all__ = ["TODO", "consequences", "render_art33", "todo"]
