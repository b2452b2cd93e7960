"""Identifying fields that have no check digits, in free text: names, addresses, credentials.

Identifiers with a shape (NIR, phone, e-mail...) are found by :mod:`.patterns`; what is
left in a report, a log or a letter is written by people: "Patient : BERTRAND VÉRONIQUE",
"Appel de MICHEL NATHALIE au sujet du dossier...", "35 rue des Cerisiers, 56340 Carnac",
"identifiant jdupont - mot de passe Xy7...". Four passes, each one compiled regex over the
text and a little Python on its candidates only:

- **labelled fields** ``Label : value`` (segments of a line split on runs of two or more
  spaces): the label is read like a column header (:func:`.headers.header_hint`) and the
  value kept when it has the entity's shape: a person name, an address line, a town
  after a postal code (also a ``POSTAL_CODE``), a blood-group phenotype or Kell antigen;
- **credentials**: a value after a password word (``mot de passe``, ``mdp``,
  ``password``...), and after a login word (``identifiant``, ``login``...) on a line that
  also gives a password, so that "identifiant national de santé" is not a login;
- **addresses in running text**: a street number and street word, then a postal code and
  a capitalised town; the street part and the town are each an ``ADDRESS`` (the postal
  code is already found by :mod:`.patterns`);
- **names in running text**: two to four upper-case words with at least one known French
  first name (:mod:`sentinelle.names`), or capitalised words after a civility or title
  (``M.``, ``Mme``, ``Dr``...).

Hits carry their character span; the caller drops those that overlap an identifier
found by the patterns, then resolves overlaps between hits (labelled fields first). The
normalised value (folded, for distinct counting) is never printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sentinelle.detect.headers import header_hint
from sentinelle.entities import Entity
from sentinelle.identifiers import dates
from sentinelle.lexicon.folding import fold
from sentinelle.names.firstnames import load_first_names

_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zß-öø-ÿ"
_CAPS_WORD = rf"[{_UP}](?:[{_UP}'’\-]*[{_UP}])?"
_TITLE_WORD = rf"[{_UP}][{_LOW}{_UP}'’\-]*"
_NAME_WORD = rf"(?:{_CAPS_WORD}|[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?)"
#: Two to four upper-case or capitalised words ("BERTRAND VÉRONIQUE", "KERBRAT Michel").
_NAME_RUN = re.compile(rf"(?<![\w'’\-]){_NAME_WORD}(?:[ ]{_NAME_WORD}){{1,3}}(?![\w'’\-])")
_ALL_CAPS = re.compile(rf"^{_CAPS_WORD}$")
#: A labelled name value: an optional title, then words (initials with a dot allowed).
_NAME_VALUE = re.compile(
    rf"(?:(?:Dr|Pr|M|Mme|Mlle)\.?[ ])?{_NAME_WORD}\.?(?![\w'’])"
    rf"(?:[ ]{_NAME_WORD}\.?(?![\w'’])){{0,4}}"
)
_TITLED = re.compile(
    rf"(?<![\w])(?:M\.|Mr\.?|Mme\.?|Mlle\.?|Monsieur|Madame|Mademoiselle|Dr\.?|Docteur|Pr\.?"
    rf"|Professeur)[ ](?P<v>{_TITLE_WORD}(?:[ ]{_TITLE_WORD}){{0,3}})"
)
_TRIGGERED = re.compile(
    rf"(?<![\w])(?:[Pp]atiente?|[Aa]ppel[ ]de|[Mm]essage[ ]de|[Dd]e[ ]la[ ]part[ ]de)[ ]?:?[ ]"
    rf"(?P<v>{_CAPS_WORD}(?:[ ]{_CAPS_WORD}){{0,3}})(?![\w'’\-])"
)
#: Upper-case words right before a birth date: "CHAUVIN (DDN 24-11-1935)", "X, né(e) le".
_BEFORE_BIRTH = re.compile(
    rf"(?<![\w'’\-])(?P<v>{_CAPS_WORD}(?:[ ](?:{_NAME_WORD}|[{_LOW}][{_LOW}\-]{{1,20}})){{0,3}})"
    r"(?=[ ]?\((?:DDN|n[ée])|,[ ]n[ée]|[ ]*[;|][ ]*[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-][0-9]{4}"
    r"|[ ](?:n°[ ]SS|NIR|s[ée]cu)[ ])"
)
#: A date right after a name in a delimited record: "BERTRAND VÉRONIQUE ; 15-02-1976 ;".
_DATE_AFTER = re.compile(r"[ ]*[;|,][ ]*(?P<v>[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-][0-9]{4})(?![0-9])")
#: ``Label : value`` in a segment of a line (segments are separated by 2+ spaces or a tab:
#: "Né(e) le : 15-02-1976   Sexe : F" holds two), found in one pass over the text.
_LABELLED = re.compile(
    r"(?:^|(?<=[ ]{2})|(?<=\t))[ ]*(?P<label>(?:(?![ ]{2})[^:\n\t]){1,40}?)[ ]?:[ ]*"
    r"(?P<value>\S(?:(?![ ]{2})[^\n\t])*?)[ ]*(?=[ ]{2,}|\t|\n|$)",
    re.MULTILINE,
)
_PASSWORD = re.compile(
    r"(?i:mot[ ]de[ ]passe|mdp|password|passwd|pwd|code[ ]d'acc[eè]s|code[ ]secret)"
    r"[ ]?[:=]?[ ]?(?P<v>[^\s,;]{4,128})"
)
_LOGIN = re.compile(
    r"(?i:identifiant|login|utilisateur|username|user)[ ]?[:=]?[ ]?(?P<v>[^\s,;:]{3,64})"
)
_TOWN = rf"[{_UP}][\w'’\-]*(?:[ ][\w'’\-]+){{0,4}}"
_STREET_ADDRESS = re.compile(
    r"(?<![\w])(?P<street>[0-9]{1,4}(?:[ ]?(?i:bis|ter))?,?[ ]"
    r"(?i:rue|avenue|av\.|boulevard|bd|chemin|all[ée]e|impasse|place|route|quai|cours"
    r"|r[ée]sidence|lotissement|hameau|lieu-dit|square|cit[ée]|passage|sentier|voie"
    r"|faubourg|mont[ée]e|esplanade)[ ][^,;|\n\r]{1,60}?)"
    rf"(?:,[ ]?(?:(?P<cp>[0-9]{{5}})(?:[ ](?P<town>{_TOWN}))?|(?P<town2>{_TOWN}))"
    rf"|[ ](?P<cp2>[0-9]{{5}})(?:[ ](?P<town3>{_TOWN}))?)?"
    r"(?=[ ]*(?:[;|,(\n\r]|$))"
)
#: A postal code and town alone in a delimited field: "; 56600 Lanester ;".
_FIELD_TOWN = re.compile(
    rf"(?:^|(?<=[;|])[ ]*)(?P<cp>[0-9]{{5}})[ ](?P<town>[{_UP}][\w'’\-]*(?:[ ][\w'’\-]+){{0,4}})"
    r"(?=[ ]*(?:[;|\n\r]|$))",
    re.MULTILINE,
)
_POSTAL_TOWN = re.compile(rf"^(?P<cp>[0-9]{{5}})(?:[ ]+(?=[{_UP}])|[ ]*$)")
_PHENOTYPE = re.compile(r"^[\w+\-,: ]{2,40}$")
#: Upper-case words that are not names even next to a first name.
_STOP = frozenset(
    "info infos error erreur warn warning debug trace ok nir nss ss ddn dob rpps adeli finess "
    "ipp ins sa tel fax cp bp cedex dr pr mme mlle mr rue avenue bd labo laboratoire patient "
    "patiente dossier examen resultat resultats urgent tsh crp inr vs psa gb hb".split()
)


@dataclass(frozen=True, slots=True)
class ProseHit:
    entity: str
    start: int
    end: int
    normalised: str
    confidence: float
    rank: int  # lower wins an overlap: 0 labelled fields, 1 credentials, 2 addresses, 3 names


@lru_cache(maxsize=4096)
def _label_entity(label: str) -> str | None:
    folded = fold(label).strip()
    if folded in ("complement", "complement d'adresse", "batiment", "lieu-dit"):
        return Entity.ADDRESS
    hint = header_hint(label)
    if hint is None:
        return None
    if hint.entity in (Entity.PERSON_NAME, Entity.ADDRESS, Entity.BLOOD_GROUP):
        return hint.entity
    return None


@lru_cache(maxsize=1 << 16)
def _is_stop(token: str) -> bool:
    return fold(token) in _STOP


@lru_cache(maxsize=1 << 16)
def _is_first_name(token: str) -> bool:
    names = load_first_names()
    folded = fold(token.strip(".")).strip()
    return folded in names or any(part in names for part in folded.split("-") if part)


def _name_key(text: str) -> str:
    return " ".join(fold(text).replace(".", " ").split())


def _labelled(text: str) -> list[ProseHit]:
    out: list[ProseHit] = []
    for m in _LABELLED.finditer(text):
        entity = _label_entity(m.group("label"))
        if entity is None:
            continue
        v_start, v_end = m.span("value")
        value = text[v_start:v_end]
        if entity == Entity.PERSON_NAME:
            name = _NAME_VALUE.match(value)
            if name is None or not any(ch.isalpha() for ch in name.group()):
                continue
            end = v_start + len(name.group().rstrip(" "))
            out.append(ProseHit(entity, v_start, end, _name_key(text[v_start:end]), 0.9, 0))
        elif entity == Entity.ADDRESS:
            cp = _POSTAL_TOWN.match(value)
            if cp is not None:  # "56340 Carnac": the postal code, then the town
                out.append(ProseHit(Entity.POSTAL_CODE, v_start, v_start + 5, cp.group("cp"),
                                    0.9, 0))
                v_start += cp.end()
            if not any(ch.isalpha() for ch in text[v_start:v_end]):
                continue
            out.append(ProseHit(entity, v_start, v_end, _name_key(text[v_start:v_end]), 0.85, 0))
        elif entity == Entity.BLOOD_GROUP and _PHENOTYPE.match(value):
            out.append(ProseHit(entity, v_start, v_end, _name_key(value), 0.85, 0))
    return out


def _credentials(text: str) -> list[ProseHit]:
    out: list[ProseHit] = []
    lines_with_password: set[int] = set()
    for m in _PASSWORD.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        lines_with_password.add(line_start)
        out.append(ProseHit(Entity.CREDENTIAL, *m.span("v"), m.group("v"), 0.9, 1))
    if lines_with_password:
        for m in _LOGIN.finditer(text):
            if text.rfind("\n", 0, m.start()) + 1 in lines_with_password:
                out.append(ProseHit(Entity.CREDENTIAL, *m.span("v"), m.group("v"), 0.85, 1))
    return out


def _addresses(text: str) -> list[ProseHit]:
    out: list[ProseHit] = []
    for m in _STREET_ADDRESS.finditer(text):
        for group in ("street", "town", "town2", "town3"):
            if m.group(group):
                s, e = m.span(group)
                out.append(ProseHit(Entity.ADDRESS, s, e, _name_key(text[s:e]), 0.8, 2))
        for group in ("cp", "cp2"):
            if m.group(group):
                out.append(ProseHit(Entity.POSTAL_CODE, *m.span(group), m.group(group), 0.8, 2))
    for m in _FIELD_TOWN.finditer(text):
        s, e = m.span("town")
        out.append(ProseHit(Entity.ADDRESS, s, e, _name_key(text[s:e]), 0.8, 2))
        out.append(ProseHit(Entity.POSTAL_CODE, *m.span("cp"), m.group("cp"), 0.8, 2))
    return out


def _names(text: str) -> list[ProseHit]:
    out: list[ProseHit] = []
    for m in _NAME_RUN.finditer(text):
        tokens = m.group().split(" ")
        if any(_is_stop(t) for t in tokens):
            continue
        caps = [bool(_ALL_CAPS.match(t)) and len(t) > 1 for t in tokens]
        # a surname in capitals, and a known first name (in capitals or capitalised)
        if any(caps) and any(_is_first_name(t) for t in tokens):
            out.append(ProseHit(Entity.PERSON_NAME, *m.span(), _name_key(m.group()), 0.75, 3))
    for rx in (_TITLED, _TRIGGERED, _BEFORE_BIRTH):
        for m in rx.finditer(text):
            s, e = m.span("v")
            if len(m.group("v")) > 1:
                out.append(ProseHit(Entity.PERSON_NAME, s, e, _name_key(m.group("v")), 0.8, 3))
    for hit in [h for h in out if h.entity == Entity.PERSON_NAME]:
        d = _DATE_AFTER.match(text, hit.end)
        if d is not None and dates.is_valid(d.group("v")):
            out.append(ProseHit(Entity.DATE_OF_BIRTH, *d.span("v"), dates.validate(d.group("v")),
                                0.8, 3))
    return out


def prose_hits(text: str) -> list[ProseHit]:
    """Every name, address, credential and labelled field in ``text`` (overlaps included)."""
    return _labelled(text) + _credentials(text) + _addresses(text) + _names(text)


__all__ = ["ProseHit", "prose_hits"]
