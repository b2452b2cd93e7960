"""Context words that raise or lower the confidence of a candidate identifier.

Presidio's idea (pattern + validation + context), with French words: within a window of
characters before and after a candidate, a *positive* word makes the entity likely
("n° SS", "NIR", "sécu", "RPPS", "FINESS"...) and a *negative* word makes it unlikely
("Commande n°", "facture", "colis", "n° de suivi", "SIRET" next to a would-be NIR).
When both kinds are present, the nearer one wins (a tie goes to the negative word).
The window before a candidate may reach previous lines (a label such as "N° SS :" often
sits on the line above); the window after it stops at the end of its line.

Words are matched on folded text (lower case, no accents: see
:mod:`sentinelle.lexicon.folding`) with ASCII letter/digit boundaries, so "sécu",
"Sécu" and "SECU" are the same word and "ss" never matches inside "classe".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sentinelle.entities import Entity
from sentinelle.lexicon.folding import fold

_B_L = r"(?<![a-z0-9])"
_B_R = r"(?![a-z0-9])"
_SP = r"[\s.'\-]*"

_NIR_POSITIVE = (
    r"n\W{0,3}ss",
    "nss",
    r"num(?:ero)?\W{0,3}(?:de\W{0,3})?(?:ss|secu)",
    "secu",
    r"securite\W{0,3}sociale",
    "nir",
    "nia",
    "ins",
    r"ins\W{0,3}nir",
    "insee",
    "immatriculation",
    "immat",
    r"assuree?s?",
    "matricule",
    r"carte\W{0,3}vitale",
    "vitale",
    r"1\.2\.250\.1\.213\.1\.4\.(?:8|9|10|11)",
)
_COMMERCE = (
    "commande",
    "cde",
    "cmd",
    "facture",
    "invoice",
    "order",
    "reference",
    "ref",
    "colis",
    "tracking",
    r"n\W{0,3}(?:de\W{0,3})?suivi",
    r"numero\W{0,3}de\W{0,3}suivi",
    r"suivi\W{0,3}(?:du\W{0,3}|de\W{0,3})?colis",
    "lot",
    "ean",
    "gtin",
    "transaction",
    "ticket",
    "devis",
    "client",
    r"bon\W{0,3}de",
    "iban",
    "rib",
    "bic",
)
_HEALTH_PRO = (
    "dr",
    "docteur",
    "medecin",
    "prescripteur",
    "prescrit",
    "praticien",
    "pharmacien",
    "infirmier",
    "infirmiere",
    r"sage\W{0,3}femme",
    "kine",
    "kinesitherapeute",
    "chirurgien",
    "biologiste",
    "correspondant",
    r"professionnel\W{0,3}de\W{0,3}sante",
    "cps",
    r"asip\W{0,3}sante\W{0,3}ps",
)
_PLACE = (
    "finess",
    "etablissement",
    "etab",
    "laboratoire",
    "labo",
    "lbm",
    "hopital",
    "clinique",
    r"centre\W{0,3}hospitalier",
    "chu",
    "chr",
    "ch",
    "ehpad",
)
_COMPANY = ("siren", "rcs", "entreprise", "societe", "sas", "sarl", "capital", "tva")
_PHONE_POSITIVE = (
    "tel",
    "telephone",
    "portable",
    "port",
    "mobile",
    "gsm",
    "fixe",
    "fax",
    "appeler",
    "rappeler",
    "joindre",
    "contact",
    "contacter",
    "domicile",
)
_DOB_POSITIVE = (
    r"nee?",
    r"ne\(e\)",
    r"date\W{0,3}de\W{0,3}naissance",
    "naissance",
    "ddn",
    "dob",
    "birth",
    r"birth\W{0,3}date",
)
_BLOOD_POSITIVE = (
    "groupe",
    "gs",
    "sanguin",
    "groupage",
    "abo",
    "rhesus",
    "rh",
    "phenotype",
    "transfusion",
    "culot",
)
_IDENTIFIER_WORDS = ("siret", "siren", "iban", "rpps", "adeli", "finess", "nir", "secu")


def _minus(words: tuple[str, ...], *drop: str) -> tuple[str, ...]:
    return tuple(w for w in words if w not in drop)


CONTEXT_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # entity: (positive words, negative words); regexes over folded text
    Entity.NIR: (_NIR_POSITIVE, (*_COMMERCE, "siret", "siren", "rpps", "adeli", "finess")),
    Entity.NIR_NO_KEY: (_NIR_POSITIVE, (*_COMMERCE, "siret", "siren", "rpps", "finess")),
    Entity.NNP: (
        ("nnp", r"numero\W{0,3}provisoire", "provisoire", r"nir\W{0,3}provisoire",
         *_NIR_POSITIVE),
        _COMMERCE,
    ),
    Entity.RPPS: (
        ("rpps", r"rpps\W{0,3}adeli", "idnps", *_HEALTH_PRO),
        (*_COMMERCE, *_minus(_IDENTIFIER_WORDS, "rpps")),
    ),
    Entity.ADELI: (
        ("adeli", r"rpps\W{0,3}adeli", *_HEALTH_PRO),
        (*_COMMERCE, *_minus(_IDENTIFIER_WORDS, "adeli")),
    ),
    Entity.FINESS: (_PLACE, (*_COMMERCE, *_minus(_IDENTIFIER_WORDS, "finess"))),
    Entity.SIREN: (
        _COMPANY,
        ("commande", "colis", "tracking", *_minus(_IDENTIFIER_WORDS, "siren")),
    ),
    Entity.SIRET: (
        ("siret", *_COMPANY, "etablissement"),
        ("commande", "colis", "tracking", *_minus(_IDENTIFIER_WORDS, "siret", "siren")),
    ),
    Entity.IBAN: (("iban", "rib", "bic", r"coordonnees\W{0,3}bancaires", "virement"), ()),
    Entity.PHONE: (_PHONE_POSITIVE, (*_COMMERCE, *_IDENTIFIER_WORDS, "ss", "nss")),
    Entity.EMAIL: (("mail", "email", "courriel", "adresse", "contact"), ()),
    Entity.DATE_OF_BIRTH: (_DOB_POSITIVE, ("prelevement", "preleve", "facture", "commande")),
    Entity.BLOOD_GROUP: (_BLOOD_POSITIVE, ()),
    Entity.POSTAL_CODE: (("adresse", "domicile", "habite", "demeurant", "cedex"), ()),
}


#: Entities whose label precedes the value: a word further after it belongs to the next
#: field ("19-06-2015 14:09 - Patient X, né(e) le ..." is a sampling date, not a birth date).
_AFTER_REACH: dict[str, int] = {Entity.DATE_OF_BIRTH: 6, Entity.PHONE: 12}
#: Entities whose label is on the same line (a log line's timestamp is not the birth date
#: the previous line mentions).
_SAME_LINE: frozenset[str] = frozenset({Entity.DATE_OF_BIRTH, Entity.PHONE})


def _compile(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternation = "|".join(f"(?:{w})" for w in sorted(words, key=len, reverse=True))
    return re.compile(f"{_B_L}(?:{alternation}){_B_R}", re.ASCII)


@dataclass(frozen=True, slots=True)
class ContextRule:
    positive: re.Pattern[str] | None
    negative: re.Pattern[str] | None


@cache
def rule(entity: str) -> ContextRule:
    positive, negative = CONTEXT_WORDS.get(entity, ((), ()))
    return ContextRule(_compile(positive), _compile(negative))


@dataclass(frozen=True, slots=True)
class Context:
    """Distance (in characters) to the nearest positive / negative word, or ``None``."""

    positive: int | None
    negative: int | None
    positive_word: str | None = None
    negative_word: str | None = None

    @property
    def verdict(self) -> int:
        """+1 positive wins, -1 negative wins, 0 no context."""
        if self.negative is not None and (self.positive is None or self.negative <= self.positive):
            return -1
        if self.positive is not None:
            return 1
        return 0


def _nearest(rx: re.Pattern[str] | None, before: str, after: str) -> tuple[int | None, str | None]:
    if rx is None:
        return None, None
    best: int | None = None
    word: str | None = None
    for m in rx.finditer(before):
        d = len(before) - m.end()
        if best is None or d <= best:
            best, word = d, m.group()
    first = rx.search(after)
    if first is not None and (best is None or first.start() < best):
        best, word = first.start(), first.group()
    return best, word


def context_of(entity: str, text: str, start: int, end: int, window: int) -> Context:
    """Nearest positive / negative context words of ``entity`` around ``text[start:end]``."""
    r = rule(entity)
    if r.positive is None and r.negative is None:
        return Context(None, None)
    before = text[max(0, start - window) : start]
    if entity in _SAME_LINE:
        before = before.rsplit("\n", 1)[-1]
    before = fold(before)
    after = fold(text[end : end + min(window, _AFTER_REACH.get(entity, window))].split("\n", 1)[0])
    pos, pos_word = _nearest(r.positive, before, after)
    neg, neg_word = _nearest(r.negative, before, after)
    return Context(pos, neg, pos_word, neg_word)


__all__ = ["CONTEXT_WORDS", "Context", "ContextRule", "context_of", "rule"]
